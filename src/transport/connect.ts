// connect(): a socket to an Address, with a connect timeout and an AbortSignal. The only
// client-side code that touches node:net.

import { connect as netConnect, type Socket } from 'node:net';
import { connectOptions, describeAddress, type Address } from './address.js';
import { WarrenError } from './errors.js';

export interface ConnectOptions {
  /** Milliseconds to wait for the connection; 0 waits as long as the OS does. */
  readonly timeout?: number;
  readonly signal?: AbortSignal;
}

export function connectSocket(address: Address, options: ConnectOptions = {}): Promise<Socket> {
  const { timeout = 0, signal } = options;
  if (signal?.aborted) return Promise.reject(new WarrenError('aborted', 'the connect was aborted before it started', { cause: signal.reason }));
  const socket = netConnect({ ...connectOptions(address), noDelay: true });
  return new Promise<Socket>((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const done = (error: Error | null): void => {
      if (timer !== null) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.off('connect', onConnect);
      socket.off('error', onError);
      if (error === null) return resolve(socket);
      socket.destroy();
      reject(error);
    };
    const onConnect = (): void => done(null);
    const onError = (error: Error): void =>
      done(new WarrenError('connect-failed', `cannot connect to ${describeAddress(address)}: ${error.message}`, { cause: error }));
    const onAbort = (): void => done(new WarrenError('aborted', `the connect to ${describeAddress(address)} was aborted`, { cause: signal?.reason }));
    socket.once('connect', onConnect);
    socket.once('error', onError);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (timeout > 0) {
      timer = setTimeout(() => done(new WarrenError('connect-timeout', `no connection to ${describeAddress(address)} within ${timeout} ms`)), timeout);
    }
  });
}
