// Client: Degu's client. `new Client(address)` reaches a server wherever it listens (any
// Address form); connect() gives a ClientConnection. The Host field comes from the address
// for TCP and from the `host` option over Unix sockets, where by default none is sent.

import { addressKind, checkAddress, type Address } from '../transport/address.js';
import { connectSocket } from '../transport/connect.js';
import { clientContextOptions } from '../transport/tls.js';
import { Deadlines } from '../transport/deadlines.js';
import { RequestError, WarrenError } from '../transport/errors.js';
import { ClientConnection, type ConnectionHost } from './connection.js';
import { resolveClientOptions, type ClientOptions, type ResolvedClientOptions } from './options.js';

export class Client implements ConnectionHost {
  readonly address: Address;
  readonly options: ResolvedClientOptions;
  /** The Host field sent with each request, or null for none. */
  readonly host: string | null;
  /** @internal The coarse clock of this client's timeouts. */
  readonly deadlines: Deadlines;

  constructor(address: Address, options?: ClientOptions) {
    this.address = checkAddress(address);
    this.options = resolveClientOptions(options);
    const tls = this.options.tls;
    // Over a Unix socket with TLS the certificate's name is the server's name: check it now, and send it as Host.
    if (tls !== null) clientContextOptions(tls, typeof this.address === 'string' ? null : this.address[0]);
    this.host = this.options.host === undefined ? (hostFor(this.address) ?? tls?.servername ?? null) : this.options.host;
    const { connectTimeout, headersTimeout, bodyTimeout } = this.options;
    this.deadlines = new Deadlines([connectTimeout, headersTimeout, bodyTimeout]);
  }

  /** A new connection. Fails with a RequestError (sent: false) when the server cannot be reached. */
  async connect(options: { signal?: AbortSignal } = {}): Promise<ClientConnection> {
    try {
      const socket = await connectSocket(this.address, { timeout: this.options.connectTimeout, signal: options.signal, tls: this.options.tls });
      return new ClientConnection(this, socket);
    } catch (error) {
      const e = error as WarrenError;
      throw new RequestError(e.code ?? 'connect-failed', e.message, false, { cause: error });
    }
  }
}

/** RFC 9112 §3.2: uri-host ":" port; IPv6 literals in brackets, never with their zone (RFC 6874 is not for Host). */
export function hostFor(address: Address): string | null {
  if (typeof address === 'string') return null;
  const [host, port] = address;
  return addressKind(address) === 'ipv6' ? `[${host}]:${port}` : `${host}:${port}`;
}
