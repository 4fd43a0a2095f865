// The echo app behind `warren echo`: it answers every request with JSON describing what
// the server parsed, so a person (or a test) can see exactly what arrived: the field lines
// with their names as received, the body, and for a chunked body each chunk's size and
// extensions (the last chunk too) and the trailers. Over TLS it also tells how the
// connection was secured and which certificate, if any, the client presented.

import type { App } from '../server/app.js';
import type { ServerRequest } from '../server/request.js';
import type { TlsIdentity } from '../transport/tls.js';
import { ChunkedBody } from '../transport/body.js';

/** One chunk of a chunked request body, as the echo reports it (the last chunk too). */
export interface EchoChunk {
  readonly size: number;
  readonly extensions: [name: string, value: string | null][];
}

/** What `warren echo` answers, as JSON. */
export interface EchoReport {
  readonly method: string;
  readonly target: string;
  readonly version: string;
  /** The field lines in order, names as received. */
  readonly headers: [name: string, value: string][];
  /** The body, base64; '' when there is none. */
  readonly body: string;
  /** Only for a chunked body: every chunk, the last (size 0) included. */
  readonly chunks?: EchoChunk[];
  /** Only for a chunked body: the trailer section, [] when empty. */
  readonly trailers?: [name: string, value: string][];
  /** Only over TLS: the connection's protocol and cipher, and the client's certificate. */
  readonly tls?: EchoTls;
}

/** The TLS part of an EchoReport. */
export interface EchoTls {
  /** The client presented a certificate the server's CA signed. */
  readonly authorized: boolean;
  readonly protocol: string | null;
  readonly cipher: string;
  /** The client's certificate, or null when it presented none. */
  readonly peer: { readonly subject: Readonly<Record<string, string>>; readonly fingerprint256: string } | null;
}

/** What the echo tells of a TLS connection. */
export function describeTls(tls: TlsIdentity): EchoTls {
  const cert = tls.certificate;
  return {
    authorized: tls.authorized,
    protocol: tls.protocol,
    cipher: tls.cipher,
    peer: cert === null ? null : { subject: cert.subject, fingerprint256: cert.fingerprint256 },
  };
}

/** Reads the whole request (body included) and describes it. */
export async function describeRequest(request: ServerRequest): Promise<EchoReport> {
  const base = {
    method: request.method,
    target: request.uri,
    version: request.version,
    headers: request.fields.raw().map(([name, value]): [string, string] => [name, value]),
  };
  const body = request.body;
  if (body === null) return { ...base, body: '' };
  if (!(body instanceof ChunkedBody)) {
    const bytes = await body.bytes();
    return { ...base, body: base64(bytes) };
  }
  const parts: Uint8Array[] = [];
  const chunks: EchoChunk[] = [];
  for await (const { data, extensions } of body) {
    parts.push(data);
    chunks.push({ size: data.length, extensions: copyExtensions(extensions) });
  }
  chunks.push({ size: 0, extensions: copyExtensions(body.lastExtensions ?? []) });
  const trailers = (body.trailers?.raw() ?? []).map(([name, value]): [string, string] => [name, value]);
  return { ...base, body: base64(Buffer.concat(parts)), chunks, trailers };
}

/** Answers every request with 200 and the JSON of describeRequest(), one line; over TLS with `tls` too. */
export const echoApp: App = async (session, request) => {
  const described = await describeRequest(request);
  const report: EchoReport = session.tls === null ? described : { ...described, tls: describeTls(session.tls) };
  return {
    status: 200,
    headers: { 'Content-Type': 'application/json' },
    body: `${JSON.stringify(report)}\n`,
  };
};

function copyExtensions(extensions: readonly (readonly [string, string | null])[]): [string, string | null][] {
  return extensions.map(([name, value]) => [name, value]);
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
