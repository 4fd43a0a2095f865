// The child side of TempServer: started by TempServer.start() with an IPC channel, never
// by hand. It takes one `start` message, imports the app builder, builds the app, listens,
// and reports `{ ready, address }` or `{ error }`. A `close` message closes the server
// gracefully and exits; losing the channel (the parent died) closes it at once and exits.

import { Server } from '../server/index.js';
import type { App } from '../server/index.js';
import { checkAddress } from '../transport/address.js';
import { CHILD_MARK, CHILD_SYMBOL, type ChildMessage, type ParentMessage, type StartSpec } from './temp-server.js';

/** How long a child whose parent died waits for in-flight exchanges before exiting anyway. */
const ORPHAN_GRACE_MS = 500;

let server: Server | null = null;
let exiting = false;

/** Sends `message`; resolves once it is written (or cannot be), so an exit does not lose it. */
function send(message: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.connected || process.send === undefined) return resolve();
    process.send(message, undefined, undefined, () => resolve());
  });
}

function exit(code: number): void {
  if (exiting) return;
  exiting = true;
  process.exit(code);
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** 'null', 'an object', 'a number'... */
function aType(value: unknown): string {
  if (value === null) return 'null';
  const type = typeof value;
  return `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
}

async function start(spec: StartSpec): Promise<void> {
  const address = checkAddress(spec.address);
  let namespace: Record<string, unknown>;
  try {
    namespace = (await import(spec.module)) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`cannot import the app module ${spec.module}: ${describe(error)}`);
  }
  const builder = namespace[spec.exportName];
  if (builder === undefined) {
    const functions = Object.keys(namespace).filter((key) => typeof namespace[key] === 'function');
    const known = functions.length === 0 ? 'it exports no functions' : `its functions are ${functions.join(', ')}`;
    throw new Error(`the app module ${spec.module} has no export named ${JSON.stringify(spec.exportName)}; ${known}`);
  }
  if (typeof builder !== 'function') {
    throw new Error(`the export ${JSON.stringify(spec.exportName)} of ${spec.module} is ${aType(builder)}, not a function that builds an app`);
  }
  let app: unknown;
  try {
    app = await (builder as (...args: unknown[]) => unknown)(...spec.args);
  } catch (error) {
    throw new Error(`${spec.exportName}() in ${spec.module} failed: ${describe(error)}`);
  }
  if (typeof app !== 'function') {
    throw new Error(`${spec.exportName}() in ${spec.module} returned ${aType(app)}, not an app function (session, request, bodies) => response`);
  }
  const created = new Server(address, app as App, spec.options ?? undefined);
  await created.listen();
  server = created;
  if (!process.connected) {
    // The parent died while we were starting.
    await closeAndExit(ORPHAN_GRACE_MS);
    return;
  }
  await send({ ready: true, address: created.address });
}

/** Closes the server (which also removes a Unix socket file) and exits; after `grace` ms, exits anyway. */
async function closeAndExit(grace: number | null): Promise<void> {
  if (grace !== null) setTimeout(() => exit(0), grace).unref();
  try {
    if (server !== null) await server.close();
  } finally {
    exit(0);
  }
}

function main(): void {
  // Marked before the app module is imported: a TempServer start from it is refused (see refuseInChild).
  if (process.env[CHILD_MARK] !== undefined) {
    (globalThis as Record<symbol, unknown>)[CHILD_SYMBOL] = true;
    delete process.env[CHILD_MARK];
  }
  if (process.send === undefined) {
    console.error('warren: temp-server-child is started by TempServer.start() through an IPC channel, not run directly');
    process.exit(2);
  }
  let started = false;
  process.on('message', (message: ParentMessage) => {
    if (typeof message !== 'object' || message === null) return;
    if ('start' in message) {
      if (started) return;
      started = true;
      start(message.start).catch(async (error: unknown) => {
        await send({ error: describe(error) });
        exit(1);
      });
    } else if ('close' in message) {
      void closeAndExit(null);
    }
  });
  // The parent died, or closed the channel: do not outlive it.
  process.on('disconnect', () => {
    void closeAndExit(ORPHAN_GRACE_MS);
  });
}

main();
