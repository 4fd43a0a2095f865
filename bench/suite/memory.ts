// The idle memory: the server's RSS before and after `connections` idle keep-alive
// connections over a Unix socket, opened 250 at a time from a child process, each after one
// GET /example. The raw net server holds the sockets and nothing else: the floor any Node
// server stands on.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serveInChild, stopChild } from '../lib/servers.js';
import { ask, forkLoadChild } from './concurrency.js';

export interface MemoryResult {
  readonly server: string;
  readonly connections: number;
  readonly rssBeforeKiB: number;
  readonly rssAfterKiB: number;
  readonly perConnectionBytes: number;
  readonly openSeconds: number;
}

function rssKiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
  if (match === null) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]);
}

/** The soft limit on open files of this process (children inherit it). */
export function fdLimit(): number | null {
  try {
    const match = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (match === null) return null;
    return match[1] === 'unlimited' ? Infinity : Number(match[1]);
  } catch {
    return null;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function measureMemory(dir: string, connections: number): Promise<MemoryResult[]> {
  const out: MemoryResult[] = [];
  // The raw net server holds the sockets and nothing else: the floor any Node server stands on.
  for (const kind of ['warren', 'node:http', 'raw'] as const) {
    const path = join(dir, `idle-${kind === 'node:http' ? 'node' : kind}.sock`);
    const server = await serveInChild(kind, path, kind === 'warren' ? { maxConnections: connections + 100 } : {});
    const child = forkLoadChild();
    try {
      await sleep(300);
      const before = rssKiB(server.pid);
      const reply = await ask(child, { idle: { target: server.target, connections, batch: 250, timeoutMs: 90_000 } }, 100_000, `opening ${connections} idle connections to ${kind}`);
      if (!('opened' in reply) || reply.opened !== connections) throw new Error(`opened ${'opened' in reply ? reply.opened : '?'} of ${connections} idle connections to ${kind}`);
      await sleep(500);
      const after = rssKiB(server.pid);
      out.push({
        server: kind,
        connections,
        rssBeforeKiB: before,
        rssAfterKiB: after,
        perConnectionBytes: ((after - before) * 1024) / connections,
        openSeconds: reply.seconds,
      });
      await ask(child, { close: true }, 30_000, 'closing the idle connections');
    } finally {
      await stopChild(child);
      await server.close();
    }
  }
  return out;
}
