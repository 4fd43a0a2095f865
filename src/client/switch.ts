// Protocol switches on the client: an Upgrade request answered by 101 (RFC 9110 §7.8,
// §15.2.2) and a CONNECT answered by a 2xx (§9.3.6) give the program the raw stream. A
// switch request goes out alone: nothing is pipelined ahead of it or behind it, since the
// bytes after its answer may be another protocol's. Any other answer is a coded refusal
// holding the response, whose body is read as any other to keep the connection.

import type { Socket } from '../transport/connect.js';
import { listMembers, trimOws, type FieldLine } from '../protocol/index.js';
import { AUTHORITY_FORM } from '../protocol/syntax.js';
import { RequestError, WarrenError } from '../transport/errors.js';
import { toLines, type HeadersInit } from '../transport/outgoing.js';
import { describe } from './describe.js';
import type { ClientResponse } from './response.js';

/** What a switch resolves with: the 101 (or 2xx) head, the stream, and the bytes already read past that head. */
export interface Switched {
  /** The response that switched: status 101 (Upgrade) or 2xx (CONNECT); its body is null. */
  readonly response: ClientResponse;
  /** The socket (a TLSSocket over TLS), no longer warren's: paused until a 'data' listener or a pipe starts it. */
  readonly stream: Socket;
  /** The bytes the server sent after the head, whole and in order (often empty): the new protocol's first. */
  readonly head: Buffer;
}

/**
 * An upgrade or a tunnel the server did not accept: it answered with `response` instead
 * (a 400, 426, 407...), whose body is unread. Read it to its end (or discard it) to go on
 * with the connection, which stays HTTP; or close it. Code 'upgrade-refused' or 'tunnel-refused'.
 */
export class SwitchRefusedError extends RequestError {
  override name = 'SwitchRefusedError';
  /** The response that came instead of the switch, its body unread. */
  readonly response: ClientResponse;

  constructor(code: 'upgrade-refused' | 'tunnel-refused', message: string, response: ClientResponse) {
    super(code, message, true);
    this.response = response;
    this.responseStarted = true;
  }
}

/** @internal A switch request in flight: what it asked for, and once accepted, what it got. */
export interface Switching {
  readonly kind: 'upgrade' | 'connect';
  /** The protocols the Upgrade offered, lowercased (empty for CONNECT). */
  readonly offered: readonly string[];
  taken: { readonly stream: Socket; readonly head: Buffer } | null;
}

/** `protocol-name ["/" protocol-version]` (RFC 9110 §7.8), several comma-separated. */
const PROTOCOL = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+(?:\/[!#$%&'*+\-.^_`|~0-9A-Za-z]+)?$/;

/** @internal The field lines of an Upgrade request, or a misuse (thrown) for a bad protocol or a header of its own. */
export function upgradeRequest(protocol: string, headers: HeadersInit | undefined): { fields: FieldLine[]; switching: Switching } {
  if (typeof protocol !== 'string' || protocol.split(',').some((p) => !PROTOCOL.test(trimOws(p)))) {
    throw new WarrenError('misuse', `upgrade() takes the protocol to switch to, such as 'websocket' (a token, or several comma-separated), not ${describe(protocol)}`);
  }
  const fields = ownFields(headers, 'upgrade()');
  fields.push(['Connection', 'upgrade'], ['Upgrade', protocol]);
  return { fields, switching: { kind: 'upgrade', offered: listMembers(protocol), taken: null } };
}

/** @internal The field lines of a CONNECT to `authority` (host:port), Host included (RFC 9110 §7.2). */
export function tunnelRequest(authority: string, headers: HeadersInit | undefined): { fields: FieldLine[]; switching: Switching } {
  if (typeof authority !== 'string' || !AUTHORITY_FORM.test(authority)) {
    throw new WarrenError('misuse', `tunnel() takes the host:port to reach (IPv6 in brackets, '[::1]:443'), not ${describe(authority)}`);
  }
  const fields = ownFields(headers, 'tunnel()');
  if (!fields.some(([name]) => name.toLowerCase() === 'host')) fields.unshift(['Host', authority]);
  return { fields, switching: { kind: 'connect', offered: [], taken: null } };
}

/**
 * @internal What upgrade() or tunnel() resolves with once the response came: the switch,
 * or the refusal. A 101 that switches to a protocol not offered ends the stream and fails.
 */
export function settleSwitch(response: ClientResponse, switching: Switching, target: string): Switched {
  const taken = switching.taken;
  if (taken === null) {
    const what = switching.kind === 'upgrade' ? `the upgrade of ${target} to ${switching.offered.join(', ')}` : `the tunnel to ${target}`;
    throw new SwitchRefusedError(switching.kind === 'upgrade' ? 'upgrade-refused' : 'tunnel-refused', `the server refused ${what} with ${response.status} ${response.reason}`, response);
  }
  if (switching.kind === 'upgrade') {
    const accepted = listMembers(response.fields.get('upgrade') ?? '');
    if (accepted.length === 0 || accepted.some((protocol) => !switching.offered.includes(protocol))) {
      taken.stream.destroy();
      const got = response.fields.get('upgrade');
      throw new RequestError('invalid-switch', `the server's 101 switches to ${got === null ? 'no protocol (no Upgrade)' : JSON.stringify(got)}, not to one offered (${switching.offered.join(', ')}): the connection was closed`, true);
    }
  }
  return { response, stream: taken.stream, head: taken.head };
}

/** A switch request's own fields, with neither Connection nor Upgrade: warren sets those. */
function ownFields(headers: HeadersInit | undefined, call: string): FieldLine[] {
  const fields = toLines(headers);
  for (const [name] of fields) {
    const lower = name.toLowerCase();
    if (lower === 'connection' || lower === 'upgrade') throw new WarrenError('misuse', `${call} sets ${name} itself: leave it out of the headers`);
  }
  return fields;
}
