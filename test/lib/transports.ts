// The transports every shared suite runs over: Unix socket, abstract socket, IPv4, IPv6.

import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Address } from '../../src/transport/address.js';

export interface Transport {
  readonly name: string;
  /** A fresh address to listen on (port 0, new path). */
  address(): Address;
  /** True when the transport is a local socket, where Host is not required by default. */
  readonly local: boolean;
}

const dirs: string[] = [];
process.on('exit', () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

let counter = 0;

export const TRANSPORTS: readonly Transport[] = [
  {
    name: 'unix',
    local: true,
    address: () => {
      const dir = mkdtempSync(join(tmpdir(), 'warren-'));
      dirs.push(dir);
      return join(dir, 's.sock');
    },
  },
  { name: 'abstract', local: true, address: () => `\0warren-test-${process.pid}-${++counter}-${Math.random().toString(36).slice(2)}` },
  { name: 'ipv4', local: false, address: () => ['127.0.0.1', 0] },
  { name: 'ipv6', local: false, address: () => ['::1', 0] },
];

/** Why IPv6 loopback cannot be used here, or null when it can. */
export async function ipv6Unavailable(): Promise<string | null> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', (error) => resolve(`no IPv6 loopback on this machine: ${error.message}`));
    server.listen({ host: '::1', port: 0 }, () => server.close(() => resolve(null)));
  });
}
