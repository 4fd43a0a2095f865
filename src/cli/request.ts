// `warren request ADDRESS METHOD TARGET [options]`: one request with the warren client,
// and the response shown as it came.
//
// Output:
//   stdout  the status line (`HTTP/1.1 200 OK`), the field lines as received (`Name: value`,
//           names as the server spelled them, in order), an empty line, then the body's
//           raw bytes, as they arrive.
//   stderr  for a chunked response only, one line per chunk as it arrives, before its
//           data goes to stdout: `chunk SIZE` (decimal) with the chunk's extensions as on
//           the wire (`chunk 5;a=1;q="x y"`); then the last chunk, `chunk 0` with its
//           extensions; then one `trailer Name: value` line per trailer field.
//   Errors go to stderr as `warren: CODE: message`.
//
// TLS: --ca and/or --cert (with --key) make it an HTTPS request. The server's certificate is
// checked against --ca (the system store without it) and, unless --no-verify-hostname, its
// names against --servername or the address's host; over a Unix socket there is no host, so
// one of those two is required.
//
// Exit status: 0 for any response (404 and 500 too), 1 when no whole response arrived (the
// code says why: connect-failed, tls-failed, connection-closed, a protocol error...) or a
// file cannot be read, 2 for bad usage.

import { once } from 'node:events';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { Client } from '../client/client.js';
import type { ClientConnection } from '../client/connection.js';
import { trimOws, type ChunkExtension, type FieldLine } from '../protocol/index.js';
import { parseCliAddress, type Address } from '../transport/address.js';
import { BodyIter, ChunkedBody, ChunkedBodyIter, type OutgoingBody, type OutgoingChunk } from '../transport/body.js';
import { RequestError } from '../transport/errors.js';
import type { ClientTlsOptions } from '../transport/tls.js';

/** `--chunked` sends a body in chunks of at most this many bytes. */
export const CHUNK_BYTES = 16 * 1024;

export const REQUEST_USAGE = `  request ADDRESS METHOD TARGET [-H 'Name: value']... [--data TEXT | --data-file FILE] [--chunked]
          [--ca FILE] [--cert FILE --key FILE] [--servername NAME] [--no-verify-hostname]
                 send one request and show the response: the status line, the field
                 lines as received and an empty line on stdout, then the body's raw
                 bytes on stdout. For a chunked response, stderr gets a line per chunk,
                 'chunk SIZE' with its extensions as on the wire (chunk 5;a=1;q="x y"),
                 the last chunk ('chunk 0' and its extensions) and a 'trailer Name: value'
                 line per trailer field. Exits 0 on any response (404 and 500 too), 1 with
                 'warren: CODE: message' when none arrived (such as connect-failed).
      -H, --header 'Name: value'  add a field line (repeatable, sent in order)
      -d, --data TEXT             send TEXT (UTF-8) as the body
      --data-file FILE            send the file's bytes as the body
      --chunked                   send the body chunked, in chunks of up to 16 KiB
                                  (without --data or --data-file: an empty chunked body)
      --ca FILE                   use TLS, and trust only this CA (PEM) for the server's
                                  certificate (without --ca, with --cert: the system's CAs)
      --cert FILE, --key FILE     use TLS, and present this client certificate and key
      --servername NAME           check the server's certificate for NAME (and send it as
                                  SNI) instead of the address's host; over a Unix socket,
                                  this or --no-verify-hostname is required, and Host is
                                  NAME (else localhost), as a TLS server requires Host
      --no-verify-hostname        trust any certificate the CA signed, whatever its names
                                  (for devices reached by an address their certificate
                                  does not name); only with --ca
`;

interface Parsed {
  readonly address: Address;
  readonly method: string;
  readonly target: string;
  readonly headers: FieldLine[];
  readonly data: string | null;
  readonly dataFile: string | null;
  readonly chunked: boolean;
  /** Files for TLS; null for plain HTTP. */
  readonly tls: TlsFiles | null;
}

interface TlsFiles {
  readonly ca: string | null;
  readonly cert: string | null;
  readonly key: string | null;
  readonly servername: string | null;
  readonly verifyHostname: boolean;
}

/** Runs `warren request` with the arguments after `request`; `usage` makes the error for bad usage. */
export async function request(args: readonly string[], usage: (message: string) => Error): Promise<number | 'help'> {
  if (args.includes('-h') || args.includes('--help')) return 'help';
  const parsed = parse(args, usage);
  let body: OutgoingBody;
  try {
    body = outgoingBody(parsed);
  } catch (error) {
    process.stderr.write(`warren: cannot read ${parsed.dataFile}: ${(error as Error).message}\n`);
    return 1;
  }
  let tls: ClientTlsOptions | undefined;
  if (parsed.tls !== null) {
    const t = parsed.tls;
    const read = (file: string | null, flag: string): string | undefined => {
      if (file === null) return undefined;
      try {
        return readFileSync(file, 'utf8');
      } catch (error) {
        throw new Error(`cannot read ${file} (${flag}): ${(error as Error).message}`);
      }
    };
    try {
      const [ca, cert, key] = [read(t.ca, '--ca'), read(t.cert, '--cert'), read(t.key, '--key')];
      tls = {
        ...(ca === undefined ? {} : { ca }),
        ...(cert === undefined ? {} : { cert, key: key! }),
        ...(t.servername === null ? {} : { servername: t.servername }),
        verifyHostname: t.verifyHostname,
      };
    } catch (error) {
      process.stderr.write(`warren: ${(error as Error).message}\n`);
      return 1;
    }
  }
  let conn: ClientConnection | null = null;
  try {
    // A warren server over TLS requires Host even on a Unix socket, where the client sends
    // none by default: send the name the certificate was checked against (-H Host wins).
    const host = tls !== undefined && typeof parsed.address === 'string' ? { host: tls.servername ?? 'localhost' } : {};
    conn = await new Client(parsed.address, tls === undefined ? undefined : { tls, ...host }).connect();
    const response = await conn.request(parsed.method, parsed.target, parsed.headers, body);
    await put(`HTTP/${response.version} ${response.status} ${response.reason}\n`);
    await put(response.fields.raw().map(([name, value]) => `${name}: ${value}\n`).join('') + '\n');
    const incoming = response.body;
    if (incoming instanceof ChunkedBody) {
      for await (const { data, extensions } of incoming) {
        process.stderr.write(`chunk ${data.length}${formatExtensions(extensions)}\n`);
        await put(data);
      }
      process.stderr.write(`chunk 0${formatExtensions(incoming.lastExtensions ?? [])}\n`);
      for (const [name, value] of incoming.trailers?.raw() ?? []) process.stderr.write(`trailer ${name}: ${value}\n`);
    } else if (incoming !== null) {
      for await (const piece of incoming) await put(piece);
    }
    return 0;
  } catch (error) {
    const code = error instanceof RequestError ? error.code : ((error as { code?: string }).code ?? 'failed');
    process.stderr.write(`warren: ${code}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    conn?.close();
  }
}

function parse(args: readonly string[], usage: (message: string) => Error): Parsed {
  const positional: string[] = [];
  const headers: FieldLine[] = [];
  let data: string | null = null;
  let dataFile: string | null = null;
  let chunked = false;
  let options = true;
  const tlsFiles: { ca: string | null; cert: string | null; key: string | null; servername: string | null } = { ca: null, cert: null, key: null, servername: null };
  let verifyHostname = true;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const value = (): string => {
      const next = args[++i];
      if (next === undefined) throw usage(`${arg} takes a value`);
      return next;
    };
    if (!options || !arg.startsWith('-') || arg === '-') {
      positional.push(arg);
    } else if (arg === '--') {
      options = false;
    } else if (arg === '-H' || arg === '--header') {
      const line = value();
      const colon = line.indexOf(':');
      if (colon <= 0) throw usage(`a header is 'Name: value', got '${line}'`);
      headers.push([trimOws(line.slice(0, colon)), trimOws(line.slice(colon + 1))]);
    } else if (arg === '-d' || arg === '--data') {
      if (data !== null || dataFile !== null) throw usage('give one of --data and --data-file, once');
      data = value();
    } else if (arg === '--data-file') {
      if (data !== null || dataFile !== null) throw usage('give one of --data and --data-file, once');
      dataFile = value();
    } else if (arg === '--chunked') {
      chunked = true;
    } else if (arg === '--ca' || arg === '--cert' || arg === '--key' || arg === '--servername') {
      const name = arg.slice(2) as keyof typeof tlsFiles;
      if (tlsFiles[name] !== null) throw usage(`give ${arg} once`);
      tlsFiles[name] = value();
    } else if (arg === '--no-verify-hostname') {
      verifyHostname = false;
    } else {
      throw usage(`unknown option '${arg}' for warren request`);
    }
  }
  if (positional.length !== 3) {
    throw usage(`warren request takes ADDRESS METHOD TARGET, got ${positional.length} argument${positional.length === 1 ? '' : 's'}`);
  }
  const [addressText, method, target] = positional as [string, string, string];
  let address: Address;
  try {
    address = parseCliAddress(addressText);
  } catch (error) {
    throw usage((error as Error).message);
  }
  if (method === '') throw usage('the METHOD is empty');
  if (target === '') throw usage("the TARGET is empty; for the root, give '/'");
  return { address, method, target, headers, data, dataFile, chunked, tls: tlsOptions(address, tlsFiles, verifyHostname, usage) };
}

function tlsOptions(
  address: Address,
  files: { ca: string | null; cert: string | null; key: string | null; servername: string | null },
  verifyHostname: boolean,
  usage: (message: string) => Error,
): TlsFiles | null {
  if ((files.cert === null) !== (files.key === null)) throw usage('--cert and --key go together: the client certificate and its private key');
  if (files.ca === null && files.cert === null) {
    // Never a plain request when a TLS option says TLS was meant.
    if (files.servername !== null || !verifyHostname) {
      throw usage(`${files.servername !== null ? '--servername' : '--no-verify-hostname'} is for TLS: give --ca FILE (or --cert and --key)`);
    }
    return null;
  }
  if (!verifyHostname && files.ca === null) {
    throw usage('--no-verify-hostname trusts whatever the CA signed: give that CA with --ca, not the whole system store');
  }
  if (verifyHostname && files.servername === null && typeof address === 'string') {
    throw usage('over a Unix socket there is no host name to check the server certificate against: give --servername NAME, or --no-verify-hostname to trust the --ca alone');
  }
  return { ...files, verifyHostname };
}

/** The body to send: none, the text, or the file streamed (its size known up front unless chunked). */
function outgoingBody(parsed: Parsed): OutgoingBody {
  if (parsed.dataFile !== null) {
    const stat = statSync(parsed.dataFile);
    if (!stat.isFile()) throw new Error('it is not a regular file');
    const stream = createReadStream(parsed.dataFile, { highWaterMark: CHUNK_BYTES });
    if (!parsed.chunked) return new BodyIter(stream as AsyncIterable<Buffer>, stat.size);
    return new ChunkedBodyIter(
      (async function* (): AsyncGenerator<OutgoingChunk> {
        for await (const data of stream as AsyncIterable<Buffer>) yield { data };
      })(),
    );
  }
  if (!parsed.chunked) return parsed.data;
  const bytes = Buffer.from(parsed.data ?? '', 'utf8');
  return new ChunkedBodyIter(
    (function* (): Generator<OutgoingChunk> {
      for (let at = 0; at < bytes.length; at += CHUNK_BYTES) yield { data: bytes.subarray(at, at + CHUNK_BYTES) };
    })(),
  );
}

/** `;name`, `;name=token` or `;name="quoted"`, as chunk extensions are written on the wire. */
export function formatExtensions(extensions: readonly ChunkExtension[]): string {
  let out = '';
  for (const [name, value] of extensions) {
    if (value === null) out += `;${name}`;
    else if (/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(value)) out += `;${name}=${value}`;
    else out += `;${name}="${value.replace(/["\\]/g, '\\$&')}"`;
  }
  return out;
}

/** Writes to stdout, waiting for it to drain when its buffer is full. */
async function put(data: string | Uint8Array): Promise<void> {
  if (!process.stdout.write(data)) await once(process.stdout, 'drain');
}
