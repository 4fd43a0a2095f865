// The transports every shared suite runs over: Unix socket, abstract socket, IPv4, IPv6,
// and TLS over IPv4 and over a Unix socket (with client certificates from one TempPKI per
// process, removed at exit).

import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Address } from '../../src/transport/address.js';
import type { ClientTlsOptions, ServerTlsOptions } from '../../src/transport/tls.js';
import { TempPKI, type TempCredentials } from '../../src/testing/temp-pki.js';

export interface Transport {
  readonly name: string;
  /** A fresh address to listen on (port 0, new path). */
  address(): Address;
  /** True when the server does not require Host by default: a local socket without TLS. */
  readonly local: boolean;
  /** The server's TLS policy (a certificate for localhost, client certificates required); absent for plain transports. */
  serverTls?(): ServerTlsOptions;
  /** What a client needs to reach that server: the CA, a client certificate, and a name to verify when the address has none. */
  clientTls?(): ClientTlsOptions;
  /**
   * Client options a warren Client or Pool needs on this transport: `tls`, and over a Unix
   * socket with TLS a Host (the server requires one there, the client sends none by default).
   */
  clientOptions(): { tls?: ClientTlsOptions; host?: string };
}

const dirs: string[] = [];
let pki: TempPKI | null = null;
process.on('exit', () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  pki?.cleanup();
});

export interface TestCredentials {
  readonly pki: TempPKI;
  /** For localhost, 127.0.0.1 and ::1. */
  readonly server: TempCredentials;
  /** CN=client. */
  readonly client: TempCredentials;
}

let credentials: TestCredentials | null = null;

/** The process's test PKI: one CA, a server certificate and a client certificate, made on first use. */
export function testCredentials(): TestCredentials {
  if (credentials === null) {
    pki = TempPKI.create();
    credentials = { pki, server: pki.server('localhost'), client: pki.client('client') };
  }
  return credentials;
}

let counter = 0;

function unixAddress(): string {
  const dir = mkdtempSync(join(tmpdir(), 'warren-'));
  dirs.push(dir);
  return join(dir, 's.sock');
}

const serverTls = (): ServerTlsOptions => {
  const { server, client } = testCredentials();
  return { cert: server.certPem, key: server.keyPem, ca: client.caPem };
};

const clientTls = (servername?: string) => (): ClientTlsOptions => {
  const { server, client } = testCredentials();
  return { ca: server.caPem, cert: client.certPem, key: client.keyPem, ...(servername === undefined ? {} : { servername }) };
};

export const TRANSPORTS: readonly Transport[] = [
  { name: 'unix', local: true, address: unixAddress, clientOptions: () => ({}) },
  {
    name: 'abstract',
    local: true,
    address: () => `\0warren-test-${process.pid}-${++counter}-${Math.random().toString(36).slice(2)}`,
    clientOptions: () => ({}),
  },
  { name: 'ipv4', local: false, address: () => ['127.0.0.1', 0], clientOptions: () => ({}) },
  { name: 'ipv6', local: false, address: () => ['::1', 0], clientOptions: () => ({}) },
  // Verified by IP address: the server certificate holds 127.0.0.1 as an IP SAN.
  {
    name: 'tls-ipv4',
    local: false,
    address: () => ['127.0.0.1', 0],
    serverTls,
    clientTls: clientTls(),
    clientOptions: () => ({ tls: clientTls()() }),
  },
  // Over TLS a Unix socket is no longer "local": the server requires Host, as on TCP.
  {
    name: 'tls-unix',
    local: false,
    address: unixAddress,
    serverTls,
    clientTls: clientTls('localhost'),
    clientOptions: () => ({ tls: clientTls('localhost')(), host: 'localhost' }),
  },
];

/** Why IPv6 loopback cannot be used here, or null when it can. */
export async function ipv6Unavailable(): Promise<string | null> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', (error) => resolve(`no IPv6 loopback on this machine: ${error.message}`));
    server.listen({ host: '::1', port: 0 }, () => server.close(() => resolve(null)));
  });
}
