// connect(): a socket to an Address, with a connect timeout and an AbortSignal. The only
// client-side code that touches node:net.

import { connect as netConnect, type Socket } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { connectOptions, describeAddress, type Address } from './address.js';
import { WarrenError } from './errors.js';
import { clientContextOptions, tlsModule, type ClientTlsOptions } from './tls.js';

export type { Socket };

export interface ConnectOptions {
  /** Milliseconds to wait for the connection (and the TLS handshake); 0 waits as long as the OS does. */
  readonly timeout?: number;
  readonly signal?: AbortSignal;
  /** A checked TLS policy (checkClientTls), or null for plain TCP or Unix. */
  readonly tls?: ClientTlsOptions | null;
}

export function connectSocket(address: Address, options: ConnectOptions = {}): Promise<Socket> {
  const { timeout = 0, signal, tls = null } = options;
  if (signal?.aborted) return Promise.reject(new WarrenError('aborted', 'the connect was aborted before it started', { cause: signal.reason }));
  const target = connectOptions(address);
  const socket =
    tls === null
      ? netConnect({ ...target, noDelay: true })
      : tlsModule().connect({ ...target, ...clientContextOptions(tls, typeof address === 'string' ? null : address[0]), noDelay: true } as unknown as ConnectionOptions);
  const ready = tls === null ? 'connect' : 'secureConnect';
  return new Promise<Socket>((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const done = (error: Error | null): void => {
      if (timer !== null) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.off(ready, onConnect);
      socket.off('error', onError);
      if (error === null) return resolve(socket);
      socket.destroy();
      reject(error);
    };
    const onConnect = (): void => done(null);
    const onError = (error: Error & { code?: string }): void =>
      done(
        new WarrenError(
          tls !== null && isTlsFailure(error) ? 'tls-failed' : 'connect-failed',
          `cannot connect to ${describeAddress(address)}: ${error.message}${error.code ? ` (${error.code})` : ''}`,
          { cause: error },
        ),
      );
    const onAbort = (): void => done(new WarrenError('aborted', `the connect to ${describeAddress(address)} was aborted`, { cause: signal?.reason }));
    socket.once(ready, onConnect);
    socket.once('error', onError);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (timeout > 0) {
      timer = setTimeout(() => done(new WarrenError('connect-timeout', `no connection to ${describeAddress(address)} within ${timeout} ms`)), timeout);
    }
  });
}

/** A handshake or certificate failure, as opposed to no route to the server. */
function isTlsFailure(error: Error & { code?: string }): boolean {
  const code = error.code ?? '';
  return code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS') || code.includes('CERT') || code === 'ECONNRESET' || /alert|handshake|certificate/i.test(error.message);
}
