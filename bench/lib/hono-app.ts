// The Hono servers bench/hono.ts compares: one Hono app (GET /example -> 'hello, world',
// the suite's W2/W6 body) on warren through fetchApp(); on @hono/node-server with its
// defaults, which replace the global Request and Response with lightweight ones (hence a
// process per server, run by hono-child.ts); and on node-server with overrideGlobalObjects
// false, which meets Node's own Response as fetchApp() does.

import type { Server as NetServer } from 'node:net';
import { Hono } from 'hono';
import { createAdaptorServer } from '@hono/node-server';
import { Server, fetchApp } from '../../src/index.js';
import { HELLO } from '../suite/payloads.js';
import { WARREN_OPTIONS } from './servers.js';
import type { Target } from '../suite/framing.js';

/** The servers compared. */
export const HONO_SERVERS = ['warren', 'node-server', 'node-server-plain'] as const;
/** One of HONO_SERVERS. */
export type HonoServer = (typeof HONO_SERVERS)[number];

function honoApp(): Hono {
  const app = new Hono();
  const hello = HELLO.toString();
  app.get('/example', (c) => c.text(hello));
  app.get('/json', (c) => c.json({ hello }));
  return app;
}

/** Listens with Hono on `kind` on `on` (a Unix socket path or a loopback address); resolves with where. */
export async function listenHono(kind: HonoServer, on: string): Promise<Target> {
  const app = honoApp();
  if (kind === 'warren') {
    const server = new Server(on.startsWith('/') ? on : [on, 0], fetchApp(app.fetch), WARREN_OPTIONS);
    await server.listen();
    const address = server.address;
    return typeof address === 'string' ? { path: address } : { host: address[0], port: address[1] };
  }
  const server = createAdaptorServer({ fetch: app.fetch, overrideGlobalObjects: kind === 'node-server' }) as unknown as NetServer;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if (on.startsWith('/')) server.listen(on, resolve);
    else server.listen(0, on, resolve);
  });
  const address = server.address();
  return on.startsWith('/') ? { path: on } : { host: on, port: typeof address === 'object' && address !== null ? address.port : 0 };
}

