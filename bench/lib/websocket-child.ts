// Child process: a WebSocket echo server, listening until its parent goes.
//   node websocket-child.js warren|node:http
// warren: warren's 101 and ws's frames (examples/lib/websocket.ts); node:http: ws's own
// WebSocketServer on node:http. Reports { port } (or { error }) over IPC once it listens.

import { createServer } from 'node:http';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { Server } from '../../src/index.js';
import { acceptWebSocket } from '../../examples/lib/websocket.js';

const echo = (ws: WebSocket): void => void ws.on('message', (data: RawData, binary: boolean) => ws.send(data, { binary }));
const kind = process.argv[2];
process.on('disconnect', () => process.exit(0));
try {
  let port: number;
  if (kind === 'warren') {
    const server = await new Server(['127.0.0.1', 0], (_s, request) => acceptWebSocket(request, echo), { maxRequestsPerConnection: 1e9 }).listen();
    port = (server.address as [string, number])[1];
  } else if (kind === 'node:http') {
    const wss = new WebSocketServer({ noServer: true });
    const http = createServer();
    http.on('upgrade', (request, socket, head) => wss.handleUpgrade(request, socket, head, echo));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    port = (http.address() as { port: number }).port;
  } else {
    throw new Error(`usage: websocket-child.js warren|node:http, not ${String(kind)}`);
  }
  process.send?.({ port });
} catch (error) {
  process.send?.({ error: error instanceof Error ? error.message : String(error) });
}
