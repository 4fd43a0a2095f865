// Session: one connection as an app sees it, shared by every request on it.

import type { Address } from '../transport/address.js';
import type { TlsIdentity } from '../transport/tls.js';

export type { TlsIdentity };

/**
 * One connection as an app sees it: the peer's address and TLS identity, the requests
 * served so far, and a store for per-connection state. The same object for every request
 * on the connection, and for onConnect before them.
 */
export class Session {
  /** The peer: [host, port] over TCP; over a Unix socket, whose peers are unnamed, the server's own address. */
  readonly address: Address;
  /** The TLS peer: whether it is authorized, its certificate's subject, issuer, serial, validity, fingerprint; protocol and cipher. Null without TLS. */
  readonly tls: TlsIdentity | null;
  #requests = 0;
  #store: Map<unknown, unknown> | null = null;

  /** Made by the server for each connection; an app's unit tests may make one too. */
  constructor(address: Address, tls: TlsIdentity | null = null) {
    this.address = address;
    this.tls = tls;
  }

  /** A place for the app's per-connection state (made on first use: most connections never need one). */
  get store(): Map<unknown, unknown> {
    return (this.#store ??= new Map());
  }

  /** Requests handled so far on this connection, the current one included. */
  get requests(): number {
    return this.#requests;
  }

  /** @internal The server counts each request it hands the app. */
  countRequest(): number {
    return ++this.#requests;
  }
}
