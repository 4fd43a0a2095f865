// Child process: the suite's node:http server or raw limit server.
//   node server-child.js node|raw <unix path | 127.0.0.1 | ::1>
// Reports { ready, address } over IPC; exits when the parent goes.

import { nodeHttpServer, rawServer } from './apps.js';

const [kind, on] = process.argv.slice(2);
if (on === undefined || (kind !== 'node' && kind !== 'raw')) {
  console.error('usage: server-child.js node|raw <unix path | 127.0.0.1 | ::1>');
  process.exit(2);
}
if (kind === 'node') nodeHttpServer(on);
else rawServer(on);
