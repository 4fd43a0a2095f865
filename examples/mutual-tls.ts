// Mutual TLS between two devices: each proves who it is with a certificate from one CA that
// both trust, and the server authorizes by the client certificate's fingerprint, not by its
// name (anyone the CA signed can be called anything; a fingerprint names one certificate).
//
//   node dist/examples/mutual-tls.js
//
// Run directly, it makes a CA in a temp directory (as `warren pki init` does), issues device
// A a server certificate for 127.0.0.1 and localhost and device B a client certificate (as
// `warren pki issue`), and then:
//   1. A serves over TLS, requiring client certificates from the CA, and lets in only the
//      fingerprints on its allow-list, greeting each by its certificate's CN;
//   2. B connects with its certificate, verifying A by its IP address, and prints the greeting;
//   3. C, with a certificate from the same CA but not on the list, is answered 403;
//   4. D, with a certificate from another CA, is refused: A hangs up on it before any
//      request is read. (Under TLS 1.3 the client's side of the handshake is over before
//      the server checks its certificate, and node's TLS server then closes without an
//      alert, so D sees connection-closed; a client with no certificate at all gets the
//      alert "certificate required" and sees tls-failed, as the last line shows.)
// Import `mutualTlsApp` to serve the app elsewhere.

import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, RequestError, Server, initPkiDir, issueFromDir, type App, type Address } from 'warren';

/**
 * An app for a server that requires client certificates: 403 unless the client's certificate
 * fingerprint (SHA-256, as X509Certificate.fingerprint256 gives it) is in `allowed`, else a
 * greeting by the certificate's common name.
 */
export function mutualTlsApp(allowed: Iterable<string>): App {
  const fingerprints = new Set([...allowed].map((f) => f.toUpperCase()));
  return (session) => {
    const cert = session.tls?.certificate ?? null;
    // authorized: the CA signed it. A server made with { ca } refuses any other in the handshake,
    // so this holds by then; checking it keeps the app safe under allowUnauthenticatedClients too.
    if (session.tls === null || !session.tls.authorized || cert === null || !fingerprints.has(cert.fingerprint256)) {
      return { status: 403, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: 'your certificate is not on the list\n' };
    }
    return { status: 200, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: `hello, ${cert.subject['CN'] ?? 'device'}\n` };
  };
}

interface Credentials {
  readonly cert?: string;
  readonly key?: string;
  readonly ca: string;
}

/** One GET / from a device with `who`'s certificate: the status and body, or the error code. */
async function visit(address: Address, who: Credentials): Promise<string> {
  // The address is an IP, so the client checks A's certificate for that IP (an iPAddress SAN).
  const client = new Client(address, { tls: who });
  let conn;
  try {
    conn = await client.connect();
    const response = await conn.get('/');
    return `${response.status} ${(await response.body?.text())?.trim() ?? ''}`;
  } catch (error) {
    if (error instanceof RequestError) return `refused: ${error.code}`;
    throw error;
  } finally {
    conn?.close();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'warren-mutual-tls-'));
  try {
    // The CA: its key signs every device's certificate, so it stays on the machine that issues them.
    const pki = join(dir, 'pki');
    const { ca, certPath: caPath } = initPkiDir(pki, { name: 'home devices CA' });
    console.log(`CA 'home devices CA' in ${caPath}, fingerprint ${ca.fingerprint256}`);
    const a = issueFromDir(pki, 'device-a', { role: 'server', ipAddresses: ['127.0.0.1'], dnsNames: ['localhost'] });
    const b = issueFromDir(pki, 'device-b', { role: 'client' });
    const c = issueFromDir(pki, 'device-c', { role: 'client' });
    // Another CA: its certificates mean nothing to devices that trust only the first.
    const elsewhere = join(dir, 'elsewhere');
    initPkiDir(elsewhere, { name: 'some other CA' });
    const d = issueFromDir(elsewhere, 'device-d', { role: 'client' });
    console.log(`device-a: server certificate for 127.0.0.1 and localhost, ${a.fingerprint256}`);
    console.log(`device-b: client certificate, ${b.fingerprint256}`);

    // Device A: requires a client certificate from the CA, and lets in device-b alone.
    const server = await new Server(['127.0.0.1', 0], mutualTlsApp([b.fingerprint256]), {
      tls: { cert: a.certPem, key: a.keyPem, ca: ca.certPem },
    }).listen();
    const [host, port] = server.address as readonly [string, number];
    console.log(`device-a: serving https://${host}:${port}/ to certificates from its CA, allow-list [device-b]`);
    try {
      console.log(`device-b (on the list):          GET / -> ${await visit(server.address, { cert: b.certPem, key: b.keyPem, ca: ca.certPem })}`);
      console.log(`device-c (same CA, not listed):  GET / -> ${await visit(server.address, { cert: c.certPem, key: c.keyPem, ca: ca.certPem })}`);
      // D trusts the right CA for A's certificate, but A does not trust D's.
      console.log(`device-d (another CA):           GET / -> ${await visit(server.address, { cert: d.certPem, key: d.keyPem, ca: ca.certPem })}`);
      console.log(`device-e (no certificate):       GET / -> ${await visit(server.address, { ca: ca.certPem })}`);
    } finally {
      await server.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
