// Child process: one bench server (see servers.ts), listening until its parent goes.
//   node server-child.js warren|node:http|fastify|raw <unix path | 127.0.0.1 | ::1> [warren options as JSON]
// Reports { target } (or { error }) over IPC once it listens.

import { SERVER_KINDS, serveHere, type ChildReport, type ServerKind } from './servers.js';

const [kind, on, options = '{}'] = process.argv.slice(2);
if (on === undefined || !(SERVER_KINDS as readonly string[]).includes(kind ?? '')) {
  console.error(`usage: server-child.js ${SERVER_KINDS.join('|')} <unix path | 127.0.0.1 | ::1> [warren options as JSON]`);
  process.exit(2);
}
process.on('disconnect', () => process.exit(0));
const send = (report: ChildReport): void => void process.send?.(report);
try {
  const server = await serveHere(kind as ServerKind, on, JSON.parse(options) as object);
  send({ target: server.target });
} catch (error) {
  send({ error: error instanceof Error ? error.message : String(error) });
}
