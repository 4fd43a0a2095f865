// A raw-socket HTTP client for tests: writes exactly the bytes a test gives, and reads
// responses with the protocol core in the client role, so a test sees what was on the wire.

import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type SecureVersion } from 'node:tls';
import { Connection } from '../../src/protocol/index.js';
import { connectOptions, type Address } from '../../src/transport/address.js';
import type { ClientTlsOptions } from '../../src/transport/tls.js';

/**
 * TLS for a raw client, with the Client's meaning (the server is verified against `ca`, by
 * `servername` or else the address's host, unless verifyHostname is false), plus knobs a
 * warren Client does not have, for tests of what the server refuses.
 */
export interface RawTlsOptions extends ClientTlsOptions {
  readonly maxVersion?: SecureVersion;
  readonly ciphers?: string;
}

export interface RawResponse {
  status: number;
  reason: string;
  version: string;
  headers: [string, string][];
  body: string;
  chunks: { extensions: (readonly [string, string | null])[] | null; data: string }[];
  lastExtensions: (readonly [string, string | null])[] | null;
  trailers: [string, string][] | null;
  informational: number[];
}

export class RawClient {
  readonly socket: Socket;
  #text = '';
  #ended = false;
  #waiters: (() => void)[] = [];
  readonly #conn = new Connection('client');
  #pending: Uint8Array[] = [];

  constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#text += chunk.toString('latin1');
      this.#pending.push(chunk);
      this.#wake();
    });
    socket.on('end', () => {
      this.#ended = true;
      this.#wake();
    });
    socket.on('close', () => {
      this.#ended = true;
      this.#wake();
    });
    socket.on('error', () => {});
  }

  /** A plain connection, or with `tls` one whose handshake is done (node:tls, not warren's transport). */
  static async connect(address: Address, tls?: RawTlsOptions): Promise<RawClient> {
    let socket: Socket;
    if (tls === undefined) {
      socket = netConnect(connectOptions(address));
    } else {
      const host = typeof address === 'string' ? null : address[0];
      const name = tls.servername ?? host ?? 'localhost';
      const ip = /^[0-9.]+$/.test(name) || name.includes(':');
      socket = tlsConnect({
        ...connectOptions(address),
        ca: tls.ca as string | string[] | undefined,
        cert: tls.cert as string | undefined,
        key: tls.key as string | undefined,
        // SNI carries names only; the certificate is checked against `host` for an IP.
        servername: ip ? undefined : name,
        ...(ip ? { host: name } : {}),
        ...(tls.verifyHostname === false ? { checkServerIdentity: () => undefined } : {}),
        minVersion: tls.minVersion,
        maxVersion: tls.maxVersion,
        ciphers: tls.ciphers,
      });
    }
    await new Promise<void>((resolve, reject) => {
      socket.once(tls === undefined ? 'connect' : 'secureConnect', resolve);
      socket.once('error', reject);
    });
    return new RawClient(socket);
  }

  /** Everything received so far, as latin1. */
  get text(): string {
    return this.#text;
  }

  get ended(): boolean {
    return this.#ended;
  }

  write(data: string | Uint8Array): boolean {
    return this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  #wake(): void {
    for (const wake of this.#waiters.splice(0)) wake();
  }

  /** Resolves when `ready()` holds, or rejects after `ms`. */
  async until(ready: () => boolean, ms = 5000, what = 'the expected bytes'): Promise<void> {
    const deadline = Date.now() + ms;
    while (!ready()) {
      if (this.#ended && !ready()) throw new Error(`the connection ended before ${what}; got ${JSON.stringify(this.#text)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; got ${this.#text.length} chars: ${JSON.stringify(this.#text.length > 600 ? `${this.#text.slice(0, 300)}…${this.#text.slice(-300)}` : this.#text)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits for the server to close the connection. */
  async closed(ms = 5000): Promise<void> {
    await this.until(() => this.#ended, ms, 'the close');
  }

  /** Reads one response per method given (HEAD responses have no body), in order. */
  async responses(methods: string[], ms = 5000): Promise<RawResponse[]> {
    for (const method of methods) {
      this.#conn.send({ type: 'request', method, target: '/' });
      this.#conn.send({ type: 'end-of-message' });
    }
    const out: RawResponse[] = [];
    let current: RawResponse | null = null;
    const informational: number[] = [];
    const step = (): boolean => {
      for (const chunk of this.#pending.splice(0)) this.#conn.receive(chunk);
      if (this.#ended) this.#conn.receiveClose();
      for (;;) {
        const event = this.#conn.nextEvent();
        if (event === 'need-data' || event === 'paused') return out.length === methods.length;
        switch (event.type) {
          case 'informational':
            informational.push(event.status);
            break;
          case 'response':
            current = {
              status: event.status,
              reason: event.reason,
              version: event.version,
              headers: event.fields.raw() as [string, string][],
              body: '',
              chunks: [],
              lastExtensions: null,
              trailers: null,
              informational: informational.splice(0),
            };
            break;
          case 'data':
            current!.body += Buffer.from(event.data).toString('latin1');
            if (event.extensions !== null) current!.chunks.push({ extensions: event.extensions.slice(), data: '' });
            if (current!.chunks.length > 0) current!.chunks.at(-1)!.data += Buffer.from(event.data).toString('latin1');
            break;
          case 'end-of-message':
            current!.lastExtensions = event.extensions?.slice() ?? null;
            current!.trailers = (event.trailers?.raw() as [string, string][] | undefined) ?? null;
            out.push(current!);
            current = null;
            if (out.length === methods.length) return true;
            break;
          case 'connection-closed':
            return true;
        }
      }
    };
    await this.until(step, ms, `${methods.length} responses`);
    return out;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** The value of a header in a raw response (names compared without case). */
export function header(response: RawResponse, name: string): string | undefined {
  return response.headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];
}
