// Child process: Hono on one server of hono-app.ts, listening until its parent goes.
//   node hono-child.js warren|node-server <unix path | 127.0.0.1>
// Reports { target } (or { error }) over IPC once it listens, as server-child.ts does.

import { HONO_SERVERS, listenHono, type HonoServer } from './hono-app.js';
import type { ChildReport } from './servers.js';

const [kind, on] = process.argv.slice(2);
if (on === undefined || !(HONO_SERVERS as readonly string[]).includes(kind ?? '')) {
  console.error(`usage: hono-child.js ${HONO_SERVERS.join('|')} <unix path | 127.0.0.1>`);
  process.exit(2);
}
process.on('disconnect', () => process.exit(0));
const send = (report: ChildReport): void => void process.send?.(report);
listenHono(kind as HonoServer, on).then(
  (target) => send({ target }),
  (error: unknown) => send({ error: error instanceof Error ? error.message : String(error) }),
);
