// WebSockets on warren through `ws`: warren does the HTTP/1.1 handshake (RFC 6455 §4) and
// hands over the socket; `ws` does the frames. warren has no WebSocket code of its own.
//
// `ws` has no public call for "a socket already upgraded by someone else": its own
// WebSocketServer.handleUpgrade() writes the 101 itself, then calls `setSocket()` on a
// `new WebSocket(null)`. These helpers do the same, the 101 being warren's; they rely on
// ws 8's setSocket() and its client/server flag, and test/switch-interop.test.ts pins both.

import { createHash, randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { WebSocket } from 'ws';
import type { AppResponse, ClientConnection, ServerRequest } from 'warren';

/** RFC 6455 §1.3: the GUID the accept key is made with. */
const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** ws's default maxPayload (100 MiB); a real app picks its own. */
const MAX_PAYLOAD = 100 * 1024 * 1024;
/** ws's default wait for the peer's close frame (CLOSE_TIMEOUT); the server form gets no default of its own. */
const CLOSE_TIMEOUT = 30_000;

/** Sec-WebSocket-Accept for a Sec-WebSocket-Key (RFC 6455 §4.2.2). */
export function acceptKey(key: string): string {
  return createHash('sha1').update(key + GUID).digest('base64');
}

interface SocketOwner {
  setSocket(socket: Socket, head: Buffer, options: { allowSynchronousEvents: boolean; maxPayload: number; skipUTF8Validation: boolean }): void;
  _isServer: boolean;
}

/** A `ws` WebSocket over a stream warren switched, on the server's side or the client's (which masks its frames). */
export function attach(stream: Socket, head: Buffer, side: 'server' | 'client'): WebSocket {
  // The constructor's server form (address null) is untyped in @types/ws.
  const Bare = WebSocket as unknown as new (address: null, protocols: undefined, options: { autoPong: boolean; closeTimeout: number }) => WebSocket;
  const ws = new Bare(null, undefined, { autoPong: true, closeTimeout: CLOSE_TIMEOUT });
  const owner = ws as unknown as SocketOwner;
  owner._isServer = side === 'server';
  owner.setSocket(stream, head, { allowSynchronousEvents: true, maxPayload: MAX_PAYLOAD, skipUTF8Validation: false });
  return ws;
}

/**
 * The response to a WebSocket handshake: a 101 whose `switch` gives `onOpen` a `ws`
 * WebSocket, or a 400/426 saying what is wrong with the request.
 */
export function acceptWebSocket(request: ServerRequest, onOpen: (ws: WebSocket) => void): AppResponse {
  const upgrade = request.fields.get('upgrade')?.toLowerCase() ?? null;
  if (request.method !== 'GET' || upgrade !== 'websocket') {
    return { status: 426, headers: { upgrade: 'websocket', 'content-type': 'text/plain' }, body: 'this is a WebSocket endpoint: send a GET with Upgrade: websocket\n' };
  }
  const key = request.fields.get('sec-websocket-key');
  if (key === null || Buffer.from(key, 'base64').length !== 16) return { status: 400, body: 'a WebSocket handshake has a Sec-WebSocket-Key of 16 bytes in base64\n' };
  if (request.fields.get('sec-websocket-version') !== '13') return { status: 426, headers: { 'sec-websocket-version': '13' }, body: 'only WebSocket version 13\n' };
  return {
    status: 101,
    headers: { upgrade: 'websocket', 'sec-websocket-accept': acceptKey(key) },
    switch: (stream, head) => onOpen(attach(stream, head, 'server')),
  };
}

/** A `ws` WebSocket to `uri` over a warren connection: warren's upgrade(), checked as RFC 6455 §4.1 says. */
export async function connectWebSocket(conn: ClientConnection, uri: string): Promise<WebSocket> {
  const key = randomBytes(16).toString('base64');
  const { response, stream, head } = await conn.upgrade(uri, 'websocket', { 'sec-websocket-key': key, 'sec-websocket-version': '13' });
  if (response.fields.get('sec-websocket-accept') !== acceptKey(key)) {
    stream.destroy();
    throw new Error(`the server's Sec-WebSocket-Accept is ${JSON.stringify(response.fields.get('sec-websocket-accept'))}, not the one for our key`);
  }
  return attach(stream, head, 'client');
}
