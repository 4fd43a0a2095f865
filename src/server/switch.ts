// Protocol switches on the server: a 101 (Switching Protocols) that accepts a request's
// Upgrade (RFC 9110 §7.8, §15.2.2), or a 2xx that opens a CONNECT tunnel (§9.3.6). An app
// asks for one with `switch` on its response; this file checks the ask against the request
// before any byte is written. Misuses are app errors (500), said in a sentence: warren
// never writes a 101 the client did not ask for, nor one to HTTP/1.0 (CONNECT may be 1.0).

import type { Socket } from '../transport/listen.js';
import { listMembers, opensTunnel, type FieldLine } from '../protocol/index.js';
import { WarrenError } from '../transport/errors.js';
import { describe, toLines } from '../transport/outgoing.js';
import type { AppResponse } from './app.js';
import type { ServerRequest } from './request.js';

/**
 * Takes over a connection once the switch's response head is written. `stream` is the
 * socket (a TLSSocket over TLS), paused until a 'data' listener or a pipe starts it; `head`
 * holds the bytes the client sent after its request, whole and in order (often empty). From
 * then on warren's timeouts and limits leave the stream alone; `server.close()` still ends
 * it. A throw or a rejection goes to the server's onError and destroys the stream.
 */
export type SwitchHandler = (stream: Socket, head: Buffer) => void | Promise<void>;

/** A switch the request allows: the head's status, reason and field lines, and who takes over. */
export interface SwitchPlan {
  readonly kind: 'upgrade' | 'connect';
  readonly status: number;
  readonly fields: FieldLine[];
  readonly handler: SwitchHandler;
}

/**
 * Null for a response that switches nothing; the plan of one that does; a WarrenError
 * ('invalid-response') for a switch this request does not allow. `bodyRead`: the request's
 * body, if any, was read to its end (the bytes after it are the new protocol's).
 */
export function planSwitch(response: AppResponse, request: ServerRequest, bodyRead: boolean): SwitchPlan | null {
  const { status } = response;
  const handler = response.switch;
  const tunnel = opensTunnel(request.method, status);
  if (handler === undefined) {
    if (status === 101) throw misuse('the app answered 101 without `switch`: give `switch: (stream, head) => ...` to take the connection over');
    if (tunnel) throw misuse(`the app answered CONNECT with ${status} without \`switch\`: a 2xx opens a tunnel, so give \`switch: (stream, head) => ...\` to carry it, or answer 4xx/5xx`);
    return null;
  }
  if (typeof handler !== 'function') throw misuse(`\`switch\` is a function (stream, head) => ..., not ${describe(handler)}`);
  if (status !== 101 && !tunnel) {
    const what = request.method === 'CONNECT' ? `a ${status} to CONNECT` : `a ${status} to ${request.method}`;
    throw misuse(`the app gave \`switch\` with ${what}: only a 101 to a request with Upgrade, or a 2xx to CONNECT, hands the connection over`);
  }
  // Upgrade is HTTP/1.1's (RFC 9110 §7.8: ignored in HTTP/1.0); CONNECT is older than both,
  // and Python's http.client still sends it as HTTP/1.0.
  if (status === 101 && request.version === '1.0') throw misuse('the app answered 101 to an HTTP/1.0 request, which cannot switch protocols (RFC 9110 §7.8): answer it with a status from 200 to 599');
  if (response.body !== undefined && response.body !== null) throw misuse("a response that switches protocols has no body: write the new protocol's bytes to the stream in `switch`");
  if (!bodyRead) throw misuse('the app switched protocols before the request body was read to its end: read it first, as the bytes after it are the new protocol\'s');
  const fields = toLines(response.headers);
  if (status === 101) checkUpgrade(request, fields);
  return { kind: status === 101 ? 'upgrade' : 'connect', status, fields, handler };
}

/** A 101 names, in Upgrade, only protocols the request offered (RFC 9110 §7.8), and says Connection: upgrade. */
function checkUpgrade(request: ServerRequest, fields: FieldLine[]): void {
  const offered = request.fields.get('upgrade');
  const connection = listMembers(request.fields.get('connection') ?? '');
  if (offered === null || !connection.includes('upgrade')) {
    throw misuse('the app answered 101 to a request without Upgrade and Connection: upgrade: a 101 only accepts an Upgrade the client proposed');
  }
  const offers = listMembers(offered);
  let accepted: string[] | null = null;
  let connectionSaysUpgrade = false;
  for (const [name, value] of fields) {
    const lower = name.toLowerCase();
    if (lower === 'upgrade') accepted = [...(accepted ?? []), ...listMembers(value)];
    else if (lower === 'connection') connectionSaysUpgrade ||= listMembers(value).includes('upgrade');
  }
  if (accepted === null || accepted.length === 0) {
    throw misuse(`the app answered 101 without an Upgrade header naming the protocol it switches to: the client offered ${JSON.stringify(offered)}`);
  }
  for (const protocol of accepted) {
    if (!offers.includes(protocol)) throw misuse(`the app's 101 switches to ${JSON.stringify(protocol)}, which the client did not offer: it offered ${JSON.stringify(offered)}`);
  }
  if (!connectionSaysUpgrade) fields.push(['Connection', 'upgrade']);
}

function misuse(message: string): WarrenError {
  return new WarrenError('invalid-response', message);
}
