// Live reload for a localhost app: warren/app serves FOLDER/index.html with a few lines of
// script that open a WebSocket to /live; when anything in FOLDER changes, every open page
// is told to reload. The WebSocket is warren's 101 and ws's frames (examples/lib/websocket.ts);
// serve()'s cross-origin protection keeps other sites from opening it.
//
//   node dist/examples/live-reload.js [FOLDER]      then edit FOLDER/index.html

import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WebSocket } from 'ws';
import { Router, html, raw, serve, type Served } from 'warren/app';
import { acceptWebSocket } from './lib/websocket.js';

const SCRIPT = raw(`<script>
  const socket = new WebSocket(\`ws://\${location.host}/live\`);
  socket.onmessage = (event) => { if (event.data === 'reload') location.reload(); };
</script>`);

/** Several changes in a burst (an editor's save is often two or three) make one reload. */
const SETTLE_MS = 50;

/** A running live-reload app. */
export interface LiveReload extends Served {
  /** Pages connected now. */
  readonly pages: number;
}

/** Serves `folder` with live reload on 127.0.0.1 (`port` 0: any free one). */
export async function liveReload(folder: string, options: { port?: number; quiet?: boolean } = {}): Promise<LiveReload> {
  const pages = new Set<WebSocket>();
  const app = new Router();
  app.get('/', async () => {
    const page = await readFile(join(folder, 'index.html'), 'utf8').catch(() => '<p>Put an index.html in this folder.</p>');
    return html`<!doctype html><meta charset="utf-8"><title>live reload</title>${raw(page)}${SCRIPT}`;
  });
  app.get('/live', (_session, request) =>
    acceptWebSocket(request, (ws) => {
      pages.add(ws);
      ws.on('close', () => pages.delete(ws));
    }),
  );
  let timer: ReturnType<typeof setTimeout> | null = null;
  const watcher: FSWatcher = watch(folder, () => {
    timer ??= setTimeout(() => {
      timer = null;
      for (const ws of pages) ws.send('reload');
    }, SETTLE_MS);
  });
  const served = await serve(app, { port: options.port ?? 0, quiet: options.quiet ?? false });
  return {
    ...served,
    get pages() {
      return pages.size;
    },
    close: async () => {
      watcher.close();
      if (timer !== null) clearTimeout(timer);
      for (const ws of pages) ws.close(1001, 'the server is going away');
      await served.close();
    },
  };
}

if (process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const app = await liveReload(resolve(process.argv[2] ?? '.'), { port: 8000 });
  process.once('SIGINT', () => void app.close());
}
