// Where a server listens: an Address (which it binds), or a listening socket it inherited
// by file descriptor (systemd socket activation, a supervisor holding the port), which it
// only accepts on. Also the reusePort check: SO_REUSEPORT lets several processes bind one
// TCP port and the kernel spread connections among them; it exists for TCP only, on the
// platforms libuv supports it on. Bound addresses come back in Address form either way.

import type { ListenOptions, Server } from 'node:net';
import { boundAddress, checkAddress, listenOptions, type Address } from './address.js';
import { WarrenError } from './errors.js';

/** A listening socket this process inherited, by file descriptor (fd 3 and up under systemd). */
export interface InheritedSocket {
  /** The descriptor: a socket, bound and listening (or bound: the server listens on it). */
  readonly fd: number;
  /** Its name, from systemd's LISTEN_FDNAMES (FileDescriptorName= of the .socket unit), when known. */
  readonly name?: string;
}

/** Where a Server listens: an Address to bind, or an inherited socket. */
export type ListenAddress = Address | InheritedSocket;

/**
 * Where Node's net.Server.listen() accepts `reusePort` and libuv implements it
 * (UV_TCP_REUSEPORT: Linux 3.9+, FreeBSD 12+, Solaris 11.4, AIX 7.2.5; DragonFly BSD
 * too, which Node does not build for). macOS and the other BSDs have SO_REUSEPORT
 * without the load balancing, and Windows has none.
 */
export const REUSE_PORT_PLATFORMS: readonly NodeJS.Platform[] = Object.freeze(['linux', 'freebsd', 'sunos', 'aix']);

/** True for an inherited socket (`{ fd }`), false for an Address. */
export function isInherited(address: ListenAddress): address is InheritedSocket {
  return typeof address === 'object' && !Array.isArray(address);
}

/** Validates a listen address: an Address as checkAddress() does, or `{ fd }` with a descriptor number; returns a frozen copy. */
export function checkListenAddress(address: unknown): ListenAddress {
  if (address === null || typeof address !== 'object' || Array.isArray(address)) return checkAddress(address);
  const { fd, name, ...rest } = address as { fd?: unknown; name?: unknown };
  if (fd === undefined) {
    throw new TypeError(`an address object is an inherited socket { fd }; got one without fd (keys: ${Object.keys(address).join(', ') || 'none'}): a Unix socket address is a path string, TCP a [host, port] tuple`);
  }
  const extra = Object.keys(rest);
  if (extra.length > 0) throw new TypeError(`an inherited socket is { fd } (with an optional name); got the key${extra.length === 1 ? '' : 's'} ${extra.join(', ')} too`);
  if (typeof fd !== 'number' || !Number.isSafeInteger(fd) || fd < 0) {
    throw new TypeError(`an inherited socket's fd is a file descriptor number, such as 3 (systemd's first); got ${typeof fd === 'number' ? fd : typeof fd}`);
  }
  if (fd <= 2) throw new TypeError(`fd ${fd} is stdin, stdout or stderr, not a listening socket; an inherited socket is fd 3 or above`);
  if (name !== undefined && typeof name !== 'string') throw new TypeError(`an inherited socket's name is a string; got ${typeof name}`);
  return Object.freeze(name === undefined ? { fd } : { fd, name });
}

/** Refuses reusePort where it cannot work, with a WarrenError saying what to do instead. */
export function checkReusePort(address: ListenAddress, platform: NodeJS.Platform = process.platform): void {
  if (isInherited(address)) {
    throw new WarrenError('misuse', `reusePort was asked for on inherited fd ${address.fd}, which was bound by whoever passed it: set SO_REUSEPORT there (systemd: ReusePort=yes in the .socket unit), or listen on an address`);
  }
  if (typeof address === 'string') {
    throw new WarrenError('misuse', 'reusePort applies to TCP ports only, and this address is a Unix socket path: to share one socket among processes, bind it once and pass its fd to each ({ fd }), or give each process a path of its own');
  }
  if (!REUSE_PORT_PLATFORMS.includes(platform)) {
    throw new WarrenError('unsupported', `reusePort (SO_REUSEPORT with load balancing) is not available on ${platform}, only on ${REUSE_PORT_PLATFORMS.join(', ')}: run one process per port, or one that accepts and hands connections to workers (node:cluster)`);
  }
}

/** What net.Server.listen() takes for `address`. */
export function listenTarget(address: ListenAddress, reusePort: boolean): ListenOptions | { fd: number } {
  if (isInherited(address)) return { fd: address.fd };
  const options = listenOptions(address);
  return reusePort ? { ...options, reusePort: true } : options;
}

/**
 * The address `server` listens on: for a bound Address as boundAddress() gives it; for an
 * inherited socket, what the kernel says: the path, or [host, port] (a scoped IPv6 host as
 * the 4-tuple).
 */
export function listeningAddress(server: Server, requested: ListenAddress): Address {
  if (!isInherited(requested)) return boundAddress(server, requested);
  const actual = server.address();
  if (actual === null) throw new Error(`inherited fd ${requested.fd} has no address: is it a socket?`);
  if (typeof actual === 'string') return checkAddress(actual);
  const percent = actual.address.indexOf('%');
  if (actual.family === 'IPv6' && percent >= 0) {
    const zone = actual.address.slice(percent + 1);
    return checkAddress([actual.address.slice(0, percent), actual.port, 0, /^\d+$/.test(zone) ? Number(zone) : zone]);
  }
  return checkAddress([actual.address, actual.port]);
}
