// warren behind a real nginx, as deployed: nginx proxies to two warren processes over
// Unix sockets with upstream keep-alive (proxy_http_version 1.1, Connection ""), balancing
// between them. A few thousand requests go through on keep-alive connections: plain GETs,
// chunked and fixed-length uploads streamed through (proxy_request_buffering off), chunked
// responses, and 4 MiB bodies both ways; every answer is checked, and so are the balance
// (both processes served) and the reuse (a warren session served more than one request).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChunkedBodyIter, Client, type ClientConnection, type ClientResponse } from '../src/index.js';
import { nginxSkipReason, startNginx, type RunningNginx } from './lib/nginx.js';
import { startWorker, type Worker } from './lib/workers.js';

/** Keep-alive connections from the test to nginx, each sending REQUESTS_PER_CONNECTION in turn. */
const CONNECTIONS = 8;
const REQUESTS_PER_CONNECTION = 300;
const LARGE = 4 * 1024 * 1024;

const skip = nginxSkipReason();
if (skip !== null) console.log(`# skipping the nginx tests: ${skip}`);

describe('warren behind nginx', { skip: skip ?? false, timeout: 180_000 }, () => {
  let dir = '';
  let workers: Worker[] = [];
  let nginx: RunningNginx | null = null;
  /** The highest X-Requests each worker pid reported: its busiest session. */
  const busiest = new Map<number, number>();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'warren-behind-nginx-'));
    workers = await Promise.all(['a', 'b'].map((name) => startWorker({ address: join(dir, `${name}.sock`) })));
    nginx = await startNginx(
      (port) => `
  upstream warren {
    server unix:${join(dir, 'a.sock')};
    server unix:${join(dir, 'b.sock')};
    keepalive 16;
  }
  server {
    listen 127.0.0.1:${port};
    client_max_body_size 16m;
    location / {
      proxy_pass http://warren;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_request_buffering off;
    }
  }`,
    );
  });

  after(async () => {
    await nginx?.stop();
    await Promise.all(workers.map((w) => w.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  /** Checks the status and who answered; returns the body. */
  async function answered(response: ClientResponse, what: string): Promise<Buffer> {
    const body = Buffer.from(await response.body!.bytes());
    assert.equal(response.status, 200, `${what}: ${body.subarray(0, 200).toString()} (nginx: ${nginx!.errors()})`);
    const pid = Number(response.headers['x-pid']);
    assert.ok(workers.some((w) => w.pid === pid), `${what} answered by a worker, not ${response.headers['x-pid']}`);
    busiest.set(pid, Math.max(busiest.get(pid) ?? 0, Number(response.headers['x-requests'])));
    return body;
  }

  async function exchange(conn: ClientConnection, c: number, i: number): Promise<void> {
    const tag = `${c}-${i}`;
    switch (i % 4) {
      case 0: {
        const body = await answered(await conn.get(`/plain/${tag}`), `GET ${tag}`);
        assert.match(body.toString(), /^pid \d+$/);
        break;
      }
      case 1: {
        const pieces = [`<${tag}>`, 'x'.repeat(i % 97), `</${tag}>`];
        const body = await answered(await conn.post('/echo', { 'content-type': 'text/plain' }, new ChunkedBodyIter(pieces.map((data) => ({ data })))), `chunked POST ${tag}`);
        assert.equal(body.toString(), pieces.join(''));
        break;
      }
      case 2: {
        const body = await answered(await conn.get(`/chunked/${(i % 7) + 1}`), `chunked GET ${tag}`);
        assert.equal(body.toString(), Array.from({ length: (i % 7) + 1 }, (_, k) => `chunk ${k};`).join(''));
        break;
      }
      default: {
        const sent = Buffer.alloc((i * 37) % 5000, tag);
        const body = await answered(await conn.put('/echo', {}, sent), `PUT ${tag}`);
        assert.ok(body.equals(sent), `PUT ${tag}: ${body.length} bytes back of ${sent.length}`);
      }
    }
  }

  test(`${CONNECTIONS * REQUESTS_PER_CONNECTION} requests on ${CONNECTIONS} keep-alive connections, every answer checked`, async () => {
    const address = ['127.0.0.1', nginx!.port] as const;
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async (_, c) => {
        const conn = await new Client(address).connect();
        try {
          for (let i = 0; i < REQUESTS_PER_CONNECTION; i++) await exchange(conn, c, i);
          assert.equal(conn.responses, REQUESTS_PER_CONNECTION, 'all on one connection to nginx');
        } finally {
          conn.close();
        }
      }),
    );
  });

  test('4 MiB bodies both ways: a chunked upload echoed, a fixed-length upload echoed, a download', async () => {
    const address = ['127.0.0.1', nginx!.port] as const;
    const large = Buffer.alloc(LARGE);
    for (let i = 0; i < LARGE; i += 4) large.writeUInt32LE((i * 2654435761) >>> 0, i);
    const digest = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');
    await Promise.all(
      Array.from({ length: 4 }, async (_, c) => {
        const conn = await new Client(address).connect();
        try {
          const pieces = Array.from({ length: 64 }, (_, k) => ({ data: large.subarray(k * (LARGE / 64), (k + 1) * (LARGE / 64)) }));
          assert.equal(digest(await answered(await conn.post('/echo', {}, new ChunkedBodyIter(pieces)), `chunked 4 MiB ${c}`)), digest(large));
          assert.equal(digest(await answered(await conn.put('/echo', {}, large), `fixed 4 MiB ${c}`)), digest(large));
          const down = await answered(await conn.get(`/big/${LARGE}`), `4 MiB download ${c}`);
          assert.equal(down.length, LARGE);
          assert.ok(down.every((byte) => byte === 0x61), 'the download is what the worker sent');
        } finally {
          conn.close();
        }
      }),
    );
  });

  test('both warren processes served, on upstream connections nginx kept alive', () => {
    assert.deepEqual([...busiest.keys()].sort(), workers.map((w) => w.pid).sort(), 'nginx balanced across both workers');
    for (const [pid, requests] of busiest) assert.ok(requests > 1, `worker ${pid}'s busiest session served ${requests} request(s): nginx reuses its upstream connections`);
    assert.equal(nginx!.errors().match(/\[(error|crit|alert|emerg)\]/g), null, nginx!.errors());
  });
});
