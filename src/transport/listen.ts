// Listening: a net or TLS server on an Address, handing each accepted connection to
// `accept` once it is ready (after the handshake for TLS). The server side's only
// node:net / node:tls code.

import { createServer, type Server as NetServer, type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Address } from './address.js';
import { listenTarget, listeningAddress, type ListenAddress } from './listen-address.js';
import { identityOf, serverContextOptions, tlsModule, type ServerTlsOptions, type TlsIdentity } from './tls.js';

export type { Socket };

export class Listener {
  readonly #server: NetServer;
  readonly #address: ListenAddress;
  readonly #reusePort: boolean;

  /** `reusePort` must have passed checkReusePort(). */
  constructor(address: ListenAddress, tls: ServerTlsOptions | null, accept: (socket: Socket, tls: TlsIdentity | null) => void, reusePort = false) {
    this.#address = address;
    this.#reusePort = reusePort;
    this.#server = tls === null
      ? createServer({ allowHalfOpen: true, noDelay: true }, (socket) => accept(socket, null))
      : // Half-open only once the handshake is done: a peer that gives up during it must not leave a socket behind.
        tlsModule().createServer(serverContextOptions(tls), (socket: TLSSocket) => {
          socket.allowHalfOpen = true;
          accept(socket, identityOf(socket));
        });
    // A failed handshake (no certificate, another CA, an old protocol) is the peer's problem: drop it.
    this.#server.on('tlsClientError', (_error: Error, socket: TLSSocket) => socket.destroy());
  }

  get listening(): boolean {
    return this.#server.listening;
  }

  /** Binds; resolves with the bound address in the form it was given. */
  listen(): Promise<Address> {
    return new Promise<Address>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(listenTarget(this.#address, this.#reusePort), () => {
        this.#server.off('error', reject);
        resolve(listeningAddress(this.#server, this.#address));
      });
    });
  }

  close(done: () => void): void {
    this.#server.close(() => done());
  }
}
