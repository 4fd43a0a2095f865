// Address: where a server listens or a client connects, one type for both. A string is a
// Unix socket path ('\0name' is a Linux abstract socket); a tuple is an IP address or DNS
// name with a port, and the 4-tuple carries an IPv6 scope (zone). checkAddress() is the one
// gate: everything else here assumes its rules (absolute paths within sun_path, integer
// ports, IPv6 literals without brackets or zones in the host) and keeps the user's form.

import { isIPv4, isIPv6, type ListenOptions, type NetConnectOpts, type Server } from 'node:net';
import { networkInterfaces } from 'node:os';

/**
 * Where a server listens or a client connects: a Unix socket path (absolute; `'\0name'` is a
 * Linux abstract socket), `[host, port]` (an IP address or a DNS name; port 0 picks a free one
 * when listening), or `[host, port, flowinfo, scopeid]` for a scoped IPv6 address.
 */
export type Address =
  | string
  | readonly [host: string, port: number]
  | readonly [host: string, port: number, flowinfo: number, scopeid: number | string];

export type AddressKind = 'unix' | 'abstract' | 'ipv4' | 'ipv6' | 'dns';

// sun_path is 108 bytes on Linux and 104 on the BSDs and macOS; a path needs one byte for
// its terminating NUL. A longer path would be refused by the kernel with a bare EINVAL (or,
// on older Nodes, bind a shortened name): refuse it up front, with a sentence.
const SUN_PATH = process.platform === 'linux' ? 108 : 104;
const PATH_MAX_BYTES = SUN_PATH - 1;
// An abstract name has no terminator but its leading NUL takes the first byte.
const ABSTRACT_NAME_MAX_BYTES = SUN_PATH - 1;

const U32_MAX = 0xffff_ffff;

const CLI_FORMS =
  'accepted forms are /path/to/app.sock (Unix socket), @name (Linux abstract socket), ' +
  'host:port (such as 127.0.0.1:8080 or localhost:8080) and [ipv6]:port (such as [::1]:8080 or [fe80::1%eth0]:8080)';

/**
 * Validates `address` and returns a frozen copy of it.
 * Throws a TypeError whose message says what was expected.
 */
export function checkAddress(address: unknown): Address {
  if (typeof address === 'string') {
    checkSocketPath(address);
    return address;
  }
  if (!Array.isArray(address)) {
    const hint = typeof address === 'number' ? `; for port ${address} on loopback pass ['127.0.0.1', ${address}]` : '';
    throw new TypeError(
      `an address must be a Unix socket path string or a [host, port] tuple; got ${show(address)}${hint}`,
    );
  }
  const tuple = address as readonly unknown[];
  if (tuple.length === 2) {
    const [host, port] = tuple;
    checkTupleHost(host);
    checkPort(port);
    return Object.freeze([host, port] as const);
  }
  if (tuple.length === 4) {
    const [host, port, flowinfo, scopeid] = tuple;
    checkScopedHost(host);
    checkPort(port);
    checkFlowinfo(flowinfo);
    checkScopeid(scopeid);
    return Object.freeze([host, port, flowinfo, scopeid] as const);
  }
  throw new TypeError(
    `an address tuple must be [host, port] or [host, port, flowinfo, scopeid]; got ${tuple.length} element${tuple.length === 1 ? '' : 's'}: ${show(tuple)}`,
  );
}

/** What kind of socket `a` names. A 4-tuple is always 'ipv6'. */
export function addressKind(a: Address): AddressKind {
  if (typeof a === 'string') return a.startsWith('\0') ? 'abstract' : 'unix';
  if (a.length === 4) return 'ipv6';
  if (isIPv4(a[0])) return 'ipv4';
  if (isIPv6(a[0])) return 'ipv6';
  return 'dns';
}

/** True for Unix and abstract sockets: peers on this host, with no network name of their own. */
export function isLocalSocket(a: Address): boolean {
  return typeof a === 'string';
}

/** Options for `server.listen()`. May throw if a numeric scope id names no interface here. */
export function listenOptions(a: Address): ListenOptions {
  const address = checkAddress(a);
  if (typeof address === 'string') return { path: address };
  return { host: nodeHost(address), port: address[1] };
}

/**
 * Options for `net.connect()`. Throws for port 0, which only means "any free port" when
 * listening, and if a numeric scope id names no interface here.
 */
export function connectOptions(a: Address): NetConnectOpts {
  const address = checkAddress(a);
  if (typeof address === 'string') return { path: address };
  const port = address[1];
  if (port === 0) {
    throw new TypeError(
      `cannot connect to port 0 of ${describeAddress(address)}: port 0 means "any free port" only when listening; ` +
        'use boundAddress() after listen to learn the port the server got',
    );
  }
  const host = nodeHost(address);
  switch (addressKind(address)) {
    case 'ipv4':
      return { host, port, family: 4 };
    case 'ipv6':
      return { host, port, family: 6 };
    default:
      return { host, port };
  }
}

/**
 * The address `server` is listening on, in the same form as `requested` (the address given
 * to listen): the path stays the path, a tuple keeps its host string (a DNS name stays that
 * name) and gets the port the kernel chose.
 */
export function boundAddress(server: Server, requested: Address): Address {
  const address = checkAddress(requested);
  const actual = server.address();
  if (actual === null) {
    throw new Error(
      'boundAddress() needs a listening server; call it in the listen callback or after the "listening" event',
    );
  }
  if (typeof address === 'string') {
    // Node reports an abstract socket as '\0name'; Linux tools write '@name', so accept that
    // spelling too in case a Node version adopts it.
    const same =
      actual === address || (address.startsWith('\0') && actual === `@${address.slice(1)}`);
    if (!same) throw mismatch(actual, address);
    return address;
  }
  if (typeof actual === 'string') throw mismatch(actual, address);
  if (address[1] !== 0 && address[1] !== actual.port) throw mismatch(actual, address);
  if (address.length === 2) return Object.freeze([address[0], actual.port] as const);
  return Object.freeze([address[0], actual.port, address[2], address[3]] as const);
}

/**
 * Parses the command-line form: `/path.sock`, `@name`, `host:port`, `[ipv6]:port` or
 * `[ipv6%zone]:port` (a zone of digits is an interface index, as a number).
 */
export function parseCliAddress(text: string): Address {
  if (typeof text !== 'string') throw new TypeError(`a command-line address must be a string; got ${show(text)}`);
  if (text === '') throw cliError(text, 'it is empty');
  if (text.startsWith('/')) return cliCheck(text, text);
  if (text.startsWith('@')) return cliCheck(text, `\0${text.slice(1)}`);

  let host: string;
  let zone: string | undefined;
  let portText: string;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) throw cliError(text, 'the IPv6 address has no closing bracket');
    if (text[close + 1] !== ':') throw cliError(text, 'a port must follow the bracketed IPv6 address, as in [::1]:8080');
    host = text.slice(1, close);
    portText = text.slice(close + 2);
    const percent = host.indexOf('%');
    if (percent >= 0) {
      zone = host.slice(percent + 1);
      host = host.slice(0, percent);
      if (zone === '') throw cliError(text, "the zone after '%' is empty; name an interface, as in [fe80::1%eth0]:8080");
    }
    if (!isIPv6(host)) throw cliError(text, `'${host}' inside the brackets is not an IPv6 address`);
  } else {
    const colon = text.lastIndexOf(':');
    if (colon < 0) {
      if (/^\d+$/.test(text)) throw cliError(text, `it has no host; for port ${text} on loopback write 127.0.0.1:${text}`);
      if (text.includes('/') || text.endsWith('.sock')) {
        throw cliError(text, 'a Unix socket path must be absolute, such as /run/app.sock');
      }
      throw cliError(text, 'it has no port');
    }
    if (text.indexOf(':') !== colon) throw cliError(text, 'write an IPv6 address in brackets, as in [::1]:8080');
    host = text.slice(0, colon);
    portText = text.slice(colon + 1);
  }
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) {
    throw cliError(text, `the port must be a number from 0 to 65535; got '${portText}'`);
  }
  const port = Number(portText);
  if (zone === undefined) return cliCheck(text, [host, port]);
  const scopeid = /^\d+$/.test(zone) ? Number(zone) : zone;
  return cliCheck(text, [host, port, 0, scopeid]);
}

/**
 * The command-line form of `a`, which parseCliAddress() reads back as the same address.
 * Throws for a 4-tuple with non-zero flowinfo, which that form cannot carry.
 */
export function formatCliAddress(a: Address): string {
  const address = checkAddress(a);
  if (typeof address !== 'string' && address.length === 4 && address[2] !== 0) {
    throw new TypeError(
      `the command-line form cannot carry IPv6 flowinfo; got flowinfo ${address[2]} in ${describeAddress(address)}`,
    );
  }
  return describeAddress(address);
}

/** Human text for messages and logs: the command-line form, plus any flowinfo. Never throws. */
export function describeAddress(a: Address): string {
  if (typeof a === 'string') return a.startsWith('\0') ? `@${a.slice(1)}` : a;
  const [host, port] = a;
  if (a.length === 4) {
    const flow = a[2] === 0 ? '' : ` (flowinfo ${a[2]})`;
    return `[${host}%${a[3]}]:${port}${flow}`;
  }
  return isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}

// --- validation -------------------------------------------------------------------------

/**
 * A space or a control, written out rather than as \s (whose set is JavaScript's, not
 * HTTP's): C0, SP, DEL, C1 (NEL among them), NBSP and the other Unicode spaces.
 */
const SPACE_OR_CONTROL = /[\0-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/;

function checkSocketPath(path: string): void {
  if (path.startsWith('\0')) {
    const name = path.slice(1);
    if (process.platform !== 'linux') {
      throw new TypeError(`abstract sockets ('\\0name') exist only on Linux; got ${show(path)} on ${process.platform}`);
    }
    if (name === '') throw new TypeError("an abstract socket name must not be empty; got '\\0' alone");
    if (name.includes('\0')) throw new TypeError(`an abstract socket name must not contain NUL characters after the first; got ${show(path)}`);
    const bytes = Buffer.byteLength(name, 'utf8');
    if (bytes > ABSTRACT_NAME_MAX_BYTES) {
      throw new TypeError(
        `an abstract socket name can be at most ${ABSTRACT_NAME_MAX_BYTES} bytes in UTF-8 (the kernel's sun_path limit); got ${bytes} bytes: ${show(path)}`,
      );
    }
    return;
  }
  if (!path.startsWith('/')) {
    const hint = /^[^/]*:\d+$/.test(path)
      ? `; a string address is a Unix socket path, so for TCP pass a [host, port] tuple such as ['localhost', 8080]`
      : '';
    throw new TypeError(`a Unix socket address must be an absolute path such as /run/app.sock; got ${show(path)}${hint}`);
  }
  if (path.includes('\0')) throw new TypeError(`a Unix socket path must not contain NUL characters; got ${show(path)}`);
  if (path.endsWith('/')) throw new TypeError(`a Unix socket path names a file, not a directory; got ${show(path)}`);
  const bytes = Buffer.byteLength(path, 'utf8');
  if (bytes > PATH_MAX_BYTES) {
    throw new TypeError(
      `a Unix socket path can be at most ${PATH_MAX_BYTES} bytes in UTF-8 (the kernel's sun_path limit); got ${bytes} bytes: ${show(path)}`,
    );
  }
}

function checkTupleHost(host: unknown): asserts host is string {
  if (typeof host !== 'string') throw new TypeError(`the host of a [host, port] address must be a string; got ${show(host)}`);
  if (host === '') {
    throw new TypeError("the host of a [host, port] address must not be empty; to listen on every interface use '0.0.0.0' or '::'");
  }
  checkNoBrackets(host);
  const percent = host.indexOf('%');
  if (percent >= 0 && isIPv6(host)) {
    const bare = host.slice(0, percent);
    const zone = host.slice(percent + 1);
    const scope = /^\d+$/.test(zone) ? zone : `'${zone}'`;
    throw new TypeError(
      `the host ${show(host)} has an IPv6 zone; write it as the 4-tuple ['${bare}', port, 0, ${scope}]`,
    );
  }
  if (isIPv4(host) || isIPv6(host)) return;
  if (/^[^:]+:\d+$/.test(host)) {
    const [name, port] = host.split(':');
    throw new TypeError(`the host ${show(host)} includes a port; pass ['${name}', ${port}]`);
  }
  if (host.includes(':')) throw new TypeError(`the host ${show(host)} is not a valid IPv6 address, and a DNS name cannot contain ':'`);
  checkDnsName(host);
}

function checkDnsName(host: string): void {
  // Loose on purpose: getaddrinfo takes more than RFC 1123 names (underscores, and libuv
  // converts Unicode names to punycode), so refuse only what can never be a name.
  if (SPACE_OR_CONTROL.test(host)) throw new TypeError(`the host ${show(host)} must not contain spaces or control characters`);
  if (/[/\\@#?%[\],]/.test(host)) {
    throw new TypeError(`the host ${show(host)} is not an IP address or a DNS name; give the bare name, such as 'example.com'`);
  }
  const trimmed = host.endsWith('.') ? host.slice(0, -1) : host;
  const labels = trimmed.split('.');
  if (labels.some((label) => label === '')) throw new TypeError(`the DNS name ${show(host)} has an empty label (two dots in a row, or a leading dot)`);
  if (Buffer.byteLength(trimmed, 'utf8') > 253 || labels.some((label) => Buffer.byteLength(label, 'utf8') > 63)) {
    throw new TypeError(`the DNS name ${show(host)} is too long: at most 253 bytes, and 63 per label`);
  }
  // No top-level domain is all digits, so a name like this was meant as an IPv4 address.
  if (/^\d+$/.test(labels[labels.length - 1]!)) {
    throw new TypeError(`the host ${show(host)} is not a valid IPv4 address (four numbers from 0 to 255, such as '127.0.0.1')`);
  }
}

function checkScopedHost(host: unknown): asserts host is string {
  const form = 'the host of [host, port, flowinfo, scopeid]';
  if (typeof host !== 'string') throw new TypeError(`${form} must be a string; got ${show(host)}`);
  checkNoBrackets(host);
  if (host.includes('%')) {
    throw new TypeError(`${form} must not carry a zone; put it in scopeid, as in ['fe80::1', 8080, 0, 'eth0']; got ${show(host)}`);
  }
  if (isIPv6(host)) return;
  if (isIPv4(host)) throw new TypeError(`the 4-tuple form is for IPv6 addresses only; write [${show(host)}, port] for IPv4`);
  throw new TypeError(`${form} must be an IPv6 address such as 'fe80::1'; got ${show(host)}`);
}

function checkNoBrackets(host: string): void {
  if (host.startsWith('[') || host.endsWith(']')) {
    const inner = host.replace(/^\[/, '').replace(/\]$/, '');
    throw new TypeError(`write IPv6 addresses without brackets in a tuple: '${inner}', not ${show(host)}`);
  }
}

function checkPort(port: unknown): asserts port is number {
  if (typeof port === 'number' && Number.isInteger(port) && port >= 0 && port <= 65535) return;
  const got = typeof port === 'string' ? `the string ${show(port)}; pass a number` : show(port);
  throw new TypeError(`the port must be an integer from 0 to 65535 (0 picks a free port when listening); got ${got}`);
}

function checkFlowinfo(flowinfo: unknown): asserts flowinfo is number {
  if (typeof flowinfo === 'number' && Number.isInteger(flowinfo) && flowinfo >= 0 && flowinfo <= U32_MAX) return;
  throw new TypeError(`the flowinfo of an IPv6 address must be an integer from 0 to ${U32_MAX} (usually 0); got ${show(flowinfo)}`);
}

function checkScopeid(scopeid: unknown): asserts scopeid is number | string {
  if (typeof scopeid === 'number') {
    if (Number.isInteger(scopeid) && scopeid >= 0 && scopeid <= U32_MAX) return;
    throw new TypeError(`a numeric scopeid is an interface index, an integer from 0 to ${U32_MAX} (0 means none); got ${show(scopeid)}`);
  }
  if (typeof scopeid !== 'string') {
    throw new TypeError(`the scopeid must be an interface name such as 'eth0' or an interface index such as 2; got ${show(scopeid)}`);
  }
  if (scopeid === '') throw new TypeError("the scopeid must not be empty; use 0 for no scope, or an interface name such as 'eth0'");
  if (/^\d+$/.test(scopeid)) throw new TypeError(`give an interface index as a number: ${Number(scopeid)}, not the string ${show(scopeid)}`);
  if (SPACE_OR_CONTROL.test(scopeid) || /[%[\]]/.test(scopeid)) {
    throw new TypeError(`the scopeid must be an interface name such as 'eth0'; got ${show(scopeid)}`);
  }
}

// --- Node's spelling of a scoped host ----------------------------------------------------

/** The host string for Node: a 4-tuple's scope becomes a '%zone' suffix, 0 none at all. */
function nodeHost(address: Exclude<Address, string>): string {
  if (address.length === 2 || address[3] === 0) return address[0];
  // flowinfo (address[2]) is dropped: Node has no way to set sin6_flowinfo, and Linux
  // only sends it on sockets that opted in with IPV6_FLOWINFO_SEND anyway.
  return `${address[0]}%${zoneFor(address[3])}`;
}

/**
 * libuv reads the zone with if_nametoindex() on Unix and with atoi() on Windows, so each
 * side understands only one of the two spellings: '%4' fails with EINVAL on Linux. Translate
 * to the one this platform reads, through the scope ids os.networkInterfaces() reports.
 */
function zoneFor(scopeid: number | string): string {
  const windows = process.platform === 'win32';
  if (typeof scopeid === 'string' && !windows) return scopeid;
  if (typeof scopeid === 'number' && windows) return String(scopeid);
  for (const [name, entries] of Object.entries(networkInterfaces())) {
    for (const entry of entries ?? []) {
      if (entry.family !== 'IPv6' || entry.scopeid === undefined || entry.scopeid === 0) continue;
      if (typeof scopeid === 'number' && entry.scopeid === scopeid) return name;
      if (typeof scopeid === 'string' && name === scopeid) return String(entry.scopeid);
    }
  }
  const what = typeof scopeid === 'number' ? `index ${scopeid}` : `'${scopeid}'`;
  throw new Error(
    `no network interface with an IPv6 link-local address has ${what} on this host; ` +
      'check the scopeid against os.networkInterfaces()',
  );
}

// --- messages ----------------------------------------------------------------------------

function cliCheck(text: string, candidate: unknown): Address {
  try {
    return checkAddress(candidate);
  } catch (error) {
    if (error instanceof TypeError) throw cliError(text, error.message);
    throw error;
  }
}

function cliError(text: string, reason: string): TypeError {
  return new TypeError(`${show(text)} is not an address: ${reason}; ${CLI_FORMS}`);
}

function mismatch(actual: string | { address: string; port: number }, requested: Address): Error {
  const listening = typeof actual === 'string' ? describeAddress(actual) : `${actual.address} port ${actual.port}`;
  return new Error(
    `the server is listening on ${listening}, not on ${describeAddress(requested)}; pass boundAddress() the address given to listen`,
  );
}

/** A value as it would be written in source, for messages; NUL shows as \0. */
function show(value: unknown): string {
  if (typeof value === 'string') return `'${JSON.stringify(value).slice(1, -1).replaceAll('\\"', '"').replaceAll('\\u0000', '\\0').replaceAll("'", "\\'")}'`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`;
  return `a${typeof value === 'object' ? 'n object' : ` ${typeof value}`}`;
}
