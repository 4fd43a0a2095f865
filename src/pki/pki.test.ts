// Tests for der.ts (X.690 encodings, byte for byte) and pki.ts (RFC 5280 certificates):
// node:crypto's X509Certificate parses and verifies what we make, real TLS handshakes
// over loopback accept good chains and refuse bad ones, and openssl(1), when installed,
// reads and strictly verifies them. EC keys throughout, but for one RSA CA and leaf.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { X509Certificate, createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import * as tls from 'node:tls';
import { TempPKI, type TempCredentials } from '../testing/temp-pki.js';
import * as der from './der.js';
import { createCA, initPkiDir, ipAddressBytes, issueFromDir, loadCA, writePem } from './pki.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** The extnValue of the extension `oid` in a PEM certificate, or undefined. */
function extensionValue(pem: string, oid: string): { critical: boolean; value: Buffer } | undefined {
  const [tbs] = der.children(der.decode(new X509Certificate(pem).raw));
  const exts = der.children(tbs!).find((f) => f.tagClass === 0x80 && f.tagNumber === 3);
  for (const ext of der.children(der.children(exts!)[0]!)) {
    const parts = der.children(ext);
    if (der.decodeOid(parts[0]!) === oid) {
      return { critical: parts.length === 3, value: parts[parts.length - 1]!.contents };
    }
  }
  return undefined;
}

function signatureAlgorithm(pem: string): Buffer {
  return der.children(der.decode(new X509Certificate(pem).raw))[1]!.raw;
}

describe('der', () => {
  test('INTEGER is minimal two’s complement, with a 0x00 before a set top bit', () => {
    const cases: Array<[bigint | number | Uint8Array, string]> = [
      [0n, '020100'],
      [127n, '02017f'],
      [128n, '02020080'],
      [256n, '02020100'],
      [-1n, '0201ff'],
      [-128n, '020180'],
      [-129n, '0202ff7f'],
      [65535, '020300ffff'],
      [new Uint8Array([]), '020100'],
      [new Uint8Array([0, 0, 0x80]), '02020080'],
      [new Uint8Array([0, 0x7f]), '02017f'],
      [new Uint8Array([0xff, 0x01]), '020300ff01'],
    ];
    for (const [value, expected] of cases) assert.equal(hex(der.integer(value)), expected, String(value));
  });

  test('lengths use the short form below 128 and the long form from 128', () => {
    assert.equal(hex(der.encodeLength(0)), '00');
    assert.equal(hex(der.encodeLength(127)), '7f');
    assert.equal(hex(der.encodeLength(128)), '8180');
    assert.equal(hex(der.encodeLength(255)), '81ff');
    assert.equal(hex(der.encodeLength(256)), '820100');
    assert.equal(hex(der.encodeLength(70000)), '83011170');
    const big = der.octetString(Buffer.alloc(300, 7));
    assert.equal(hex(big.subarray(0, 4)), '0482012c');
    const back = der.decode(big);
    assert.equal(back.contents.length, 300);
    assert.equal(back.end, big.length);
  });

  test('OBJECT IDENTIFIER packs the first two arcs and base-128 encodes the rest', () => {
    assert.equal(hex(der.oid('1.2.840.113549.1.1.11')), '06092a864886f70d01010b');
    assert.equal(hex(der.oid('2.5.29.17')), '0603551d11');
    assert.equal(hex(der.oid('2.999.3')), '0603883703');
    for (const dotted of ['1.2.840.10045.4.3.2', '2.999.3', '2.25.329800735698586629295641978511506172918']) {
      assert.equal(der.decodeOid(der.decode(der.oid(dotted))), dotted);
    }
    assert.throws(() => der.oid('3.1'), /first 0, 1 or 2/);
    assert.throws(() => der.oid('1.40'), /0-39/);
    assert.throws(() => der.oid('1.02'), TypeError);
  });

  test('times: UTCTime for 1950-2049, GeneralizedTime otherwise, whole seconds in Z', () => {
    const text = (b: Buffer): string => `${b[0]!.toString(16)} ${der.decode(b).contents.toString('latin1')}`;
    assert.equal(text(der.time(new Date('2049-12-31T23:59:59.999Z'))), '17 491231235959Z');
    assert.equal(text(der.time(new Date('2050-01-01T00:00:00Z'))), '18 20500101000000Z');
    assert.equal(text(der.time(new Date('1950-01-01T00:00:00Z'))), '17 500101000000Z');
    assert.equal(text(der.time(new Date('1949-12-31T23:59:59Z'))), '18 19491231235959Z');
    assert.throws(() => der.utcTime(new Date('2050-01-01T00:00:00Z')), /GeneralizedTime/);
    assert.throws(() => der.time(new Date('nope')), /valid Date/);
  });

  test('BOOLEAN, NULL, named bits, strings and context tags', () => {
    assert.equal(hex(der.boolean(true)), '0101ff');
    assert.equal(hex(der.boolean(false)), '010100');
    assert.equal(hex(der.nullValue()), '0500');
    assert.equal(hex(der.namedBits([0])), '03020780'); // digitalSignature
    assert.equal(hex(der.namedBits([0, 2])), '030205a0'); // + keyEncipherment
    assert.equal(hex(der.namedBits([5, 6])), '03020106'); // keyCertSign + cRLSign
    assert.equal(hex(der.namedBits([8])), '0303070080');
    assert.equal(hex(der.bitString(Buffer.from([0xff]), 4)), '030204f0');
    assert.equal(hex(der.utf8String('é')), '0c02c3a9');
    assert.equal(hex(der.printableString('AB')), '13024142');
    assert.throws(() => der.printableString('a@b'), /UTF8String/);
    assert.equal(hex(der.implicit(2, der.ia5String('a'))), '820161');
    assert.equal(hex(der.implicit(0, der.sequence(der.nullValue()))), 'a0020500');
    assert.equal(hex(der.explicit(0, der.integer(2))), 'a003020102');
    assert.equal(hex(der.explicit(31, der.nullValue())), 'bf1f020500');
    assert.equal(hex(der.set(der.integer(2), der.integer(1))), '3106020101020102');
    assert.equal(hex(der.sequence(der.integer(2), der.integer(1))), '3006020102020101');
  });

  test('decode refuses truncated and indefinite-length input', () => {
    assert.throws(() => der.decode(Buffer.from('3005020101', 'hex')), /claims 5 bytes/);
    assert.throws(() => der.decode(Buffer.from('3080', 'hex')), /indefinite/);
  });
});

describe('ipAddressBytes', () => {
  test('IPv4 and IPv6 text to 4 and 16 bytes', () => {
    assert.equal(hex(ipAddressBytes('192.168.1.20')), 'c0a80114');
    assert.equal(hex(ipAddressBytes('::')), '0'.repeat(32));
    assert.equal(hex(ipAddressBytes('::1')), '0'.repeat(31) + '1');
    assert.equal(hex(ipAddressBytes('1::')), '0001' + '0'.repeat(28));
    assert.equal(hex(ipAddressBytes('fe80::1:2')), 'fe80' + '0'.repeat(20) + '00010002');
    assert.equal(hex(ipAddressBytes('2001:DB8::8:800:200C:417A')), '20010db80000000000080800200c417a');
    assert.equal(hex(ipAddressBytes('::ffff:10.1.2.3')), '0'.repeat(20) + 'ffff0a010203');
    assert.equal(hex(ipAddressBytes('1:2:3:4:5:6:7:8')), '00010002000300040005000600070008');
    assert.equal(hex(ipAddressBytes('1:2:3:4:5:6::8')), '00010002000300040005000600000008');
  });

  test('names, brackets and zones are refused with a reason', () => {
    assert.throws(() => ipAddressBytes('[::1]'), /without brackets/);
    assert.throws(() => ipAddressBytes('fe80::1%eth0'), /zone/);
    assert.throws(() => ipAddressBytes('example.com'), /dnsNames/);
  });
});

describe('certificates', () => {
  const ca = createCA('warren test CA');
  const caCert = new X509Certificate(ca.certPem);

  test('the CA is self-signed, CA:TRUE with pathLen 0, keyCertSign and cRLSign', () => {
    assert.equal(caCert.ca, true);
    assert.equal(caCert.subject, 'CN=warren test CA');
    assert.equal(caCert.issuer, caCert.subject);
    assert.equal(caCert.verify(caCert.publicKey), true);
    assert.equal(caCert.checkIssued(caCert), true);
    assert.equal(caCert.fingerprint256, ca.fingerprint256);
    assert.equal(caCert.serialNumber, ca.serial);
    assert.equal(hex(extensionValue(ca.certPem, '2.5.29.19')!.value), '30060101ff020100');
    assert.equal(extensionValue(ca.certPem, '2.5.29.19')!.critical, true);
    assert.equal(hex(extensionValue(ca.certPem, '2.5.29.15')!.value), '03020106');
    assert.equal(hex(signatureAlgorithm(ca.certPem)), '300a06082a8648ce3d040302'); // no parameters
    const days = (Date.parse(caCert.validTo) - Date.parse(caCert.validFrom)) / 86_400_000;
    assert.equal(days, 3650);
    assert.ok(Math.abs(Date.parse(caCert.validFrom) - Date.now()) < 10 * 60_000);
  });

  test('a server leaf verifies, names its SANs and has the right usages', () => {
    const leaf = ca.issue('localhost', { role: 'server', dnsNames: ['localhost', '*.devices.test'], ipAddresses: ['127.0.0.1', '::1'] });
    const cert = new X509Certificate(leaf.certPem);
    assert.equal(cert.verify(caCert.publicKey), true);
    assert.equal(cert.checkIssued(caCert), true);
    assert.equal(cert.ca, false);
    assert.equal(cert.subject, 'CN=localhost');
    assert.equal(cert.issuer, 'CN=warren test CA');
    assert.equal(cert.subjectAltName, 'DNS:localhost, DNS:*.devices.test, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    // node's "keyUsage" is the extended key usage.
    assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.1']);
    assert.equal(cert.fingerprint256, leaf.fingerprint256);
    assert.equal(cert.serialNumber, leaf.serial);
    assert.equal(cert.checkHost('a.devices.test'), '*.devices.test');
    assert.equal(cert.checkIP('::1'), '::1');
    const ku = extensionValue(leaf.certPem, '2.5.29.15')!;
    assert.deepEqual([ku.critical, hex(ku.value)], [true, '03020780']); // digitalSignature only
    const bc = extensionValue(leaf.certPem, '2.5.29.19')!;
    assert.deepEqual([bc.critical, hex(bc.value)], [true, '3000']); // CA:FALSE is the default, so empty
    // SKI is the SHA-1 of the public key bits; AKI names the CA's SKI.
    const spki = der.children(der.decode(cert.publicKey.export({ type: 'spki', format: 'der' })));
    const ski = createHash('sha1').update(spki[1]!.contents.subarray(1)).digest('hex');
    assert.equal(hex(extensionValue(leaf.certPem, '2.5.29.14')!.value), '0414' + ski);
    const caSki = hex(extensionValue(ca.certPem, '2.5.29.14')!.value).slice(4);
    assert.equal(hex(extensionValue(leaf.certPem, '2.5.29.35')!.value), '30168014' + caSki);
    // The serial is positive and 128 random bits: 16 bytes, or 17 with a sign pad.
    const serial = der.children(der.children(der.decode(cert.raw))[0]!)[1]!;
    assert.ok(serial.contents.length === 16 || (serial.contents.length === 17 && serial.contents[0] === 0));
    assert.equal((serial.contents[0]! & 0x80), 0);
  });

  test('client and both roles set extKeyUsage; serials differ', () => {
    const client = ca.issue('device7', { role: 'client' });
    const both = ca.issue('peer.local', { role: 'both' });
    assert.deepEqual(new X509Certificate(client.certPem).keyUsage, ['1.3.6.1.5.5.7.3.2']);
    assert.deepEqual(new X509Certificate(both.certPem).keyUsage, ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
    assert.notEqual(client.serial, both.serial);
  });

  test('without dnsNames or ipAddresses, a hostname or IP name becomes the SAN', () => {
    const san = (name: string, role: 'server' | 'client' = 'server'): string | undefined =>
      new X509Certificate(ca.issue(name, { role }).certPem).subjectAltName;
    assert.equal(san('sensor-3.home.arpa'), 'DNS:sensor-3.home.arpa');
    assert.equal(san('10.0.0.5'), 'IP Address:10.0.0.5');
    assert.equal(san('fd00::5'), 'IP Address:FD00:0:0:0:0:0:0:5');
    assert.equal(san('Kitchen sensor', 'client'), undefined); // no SAN extension at all
    assert.equal(extensionValue(ca.issue('Kitchen sensor', { role: 'client' }).certPem, '2.5.29.17'), undefined);
    assert.equal(new X509Certificate(ca.issue('Küche', { role: 'client' }).certPem).subject, 'CN=Küche');
    assert.throws(() => ca.issue('Kitchen sensor', { role: 'server' }), /give dnsNames or ipAddresses/);
    // An explicit empty list means no SAN, even for a hostname-like name.
    assert.equal(new X509Certificate(ca.issue('host.test', { role: 'client', dnsNames: [] }).certPem).subjectAltName, undefined);
  });

  test('validity: validDays, or exact notBefore and notAfter (in whole seconds)', () => {
    const c30 = new X509Certificate(ca.issue('a.test', { role: 'server', validDays: 30 }).certPem);
    assert.equal((Date.parse(c30.validTo) - Date.parse(c30.validFrom)) / 86_400_000, 30);
    const notBefore = new Date('2020-01-02T03:04:05.678Z');
    const notAfter = new Date('2051-06-07T08:09:10Z'); // past 2049: GeneralizedTime
    const exact = ca.issue('b.test', { role: 'server', notBefore, notAfter });
    const cert = new X509Certificate(exact.certPem);
    assert.equal(Date.parse(cert.validFrom), Date.parse('2020-01-02T03:04:05Z'));
    assert.equal(Date.parse(cert.validTo), notAfter.getTime());
    assert.equal(cert.verify(caCert.publicKey), true);
  });

  test('mistakes are refused with sentences', () => {
    assert.throws(() => ca.issue('x.test', { role: 'server', validDays: 1, notAfter: new Date() }), /either validDays or notAfter/);
    assert.throws(() => ca.issue('x.test', { role: 'server', validDays: 0 }), /positive number of days/);
    assert.throws(
      () => ca.issue('x.test', { role: 'server', notBefore: new Date(), notAfter: new Date(Date.now() - 60_000) }),
      /must be later than notBefore/,
    );
    assert.throws(() => ca.issue('x.test', { role: 'admin' as 'server' }), /role is 'server', 'client' or 'both'/);
    assert.throws(() => ca.issue('x.test', { role: 'server', dnsNames: ['127.0.0.1'] }), /put it in ipAddresses/);
    assert.throws(() => ca.issue('x.test', { role: 'server', dnsNames: ['bad_name.test'] }), /not a DNS name/);
    assert.throws(() => ca.issue('x.test', { role: 'server', dnsNames: ['bücher.test'] }), /xn--/);
    assert.throws(() => ca.issue('x.test', { role: 'server', ipAddresses: ['localhost'] }), /not an IP address/);
    assert.throws(() => ca.issue('x'.repeat(65), { role: 'client' }), /over 64 characters/);
    assert.throws(() => ca.issue('', { role: 'client' }), /non-empty/);
    assert.throws(() => createCA('CA', { keyType: 'dsa' as 'ec-p256' }), /'ec-p256' or 'rsa-2048'/);
  });

  test('loadCA issues certificates that chain to the original', () => {
    const again = loadCA(ca.certPem, ca.keyPem);
    assert.equal(again.fingerprint256, ca.fingerprint256);
    assert.equal(again.serial, ca.serial);
    const leaf = new X509Certificate(again.issue('later.test', { role: 'server' }).certPem);
    assert.equal(leaf.checkIssued(caCert), true);
    assert.equal(leaf.verify(caCert.publicKey), true);
    const leafPem = ca.issue('leaf.test', { role: 'server' });
    assert.throws(() => loadCA(leafPem.certPem, leafPem.keyPem), /not a CA certificate/);
    assert.throws(() => loadCA(ca.certPem, createCA('other').keyPem), /does not belong/);
    assert.throws(() => loadCA('/etc/pki/ca.crt', ca.keyPem), /not its path/);
    assert.throws(() => loadCA(ca.certPem, 'ca.key'), /not its path/);
  });

  test('an RSA CA signs with sha256WithRSAEncryption; RSA leaves add keyEncipherment', () => {
    const rsaCA = createCA('rsa CA', { keyType: 'rsa-2048', validDays: 10 });
    const leaf = rsaCA.issue('rsa.test', { role: 'server', keyType: 'rsa-2048' });
    const cert = new X509Certificate(leaf.certPem);
    assert.equal(cert.verify(new X509Certificate(rsaCA.certPem).publicKey), true);
    assert.equal(cert.publicKey.asymmetricKeyType, 'rsa');
    assert.equal(hex(signatureAlgorithm(leaf.certPem)), '300d06092a864886f70d01010b0500'); // with NULL
    assert.equal(hex(extensionValue(leaf.certPem, '2.5.29.15')!.value), '030205a0');
    // An EC leaf from the RSA CA still gets digitalSignature only.
    assert.equal(hex(extensionValue(rsaCA.issue('ec.test', { role: 'server' }).certPem, '2.5.29.15')!.value), '03020780');
  });
});

describe('PEM files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'warren-pki-test-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const mode = (path: string): number => statSync(path).mode & 0o777;

  test('writePem writes the key 0o600 and the certificate 0o644, even over wider files', () => {
    const ca = createCA('files CA');
    const issued = ca.issue('web.test', { role: 'server' });
    const out = join(dir, 'write');
    const first = writePem(out, 'web', issued);
    assert.deepEqual(first, { certPath: join(out, 'web.crt'), keyPath: join(out, 'web.key') });
    assert.equal(mode(first.keyPath), 0o600);
    assert.equal(mode(first.certPath), 0o644);
    assert.equal(mode(out), 0o700);
    assert.equal(readFileSync(first.keyPath, 'utf8'), issued.keyPem);
    assert.equal(readFileSync(first.certPath, 'utf8'), issued.certPem);
    chmodSync(first.keyPath, 0o666);
    const again = ca.issue('web.test', { role: 'server' });
    writePem(out, 'web', again);
    assert.equal(mode(first.keyPath), 0o600);
    assert.equal(readFileSync(first.keyPath, 'utf8'), again.keyPem);
    assert.throws(() => writePem(out, '../escape', issued), /without slashes/);
  });

  test('initPkiDir creates a CA once; issueFromDir issues from it', () => {
    const pkiDir = join(dir, 'pki');
    const { ca, certPath, keyPath } = initPkiDir(pkiDir, { name: 'home CA' });
    assert.equal(certPath, join(pkiDir, 'ca.crt'));
    assert.equal(mode(keyPath), 0o600);
    assert.equal(new X509Certificate(readFileSync(certPath)).subject, 'CN=home CA');
    assert.throws(() => initPkiDir(pkiDir), /already holds a CA .*will not replace it/);
    assert.equal(readFileSync(keyPath, 'utf8'), ca.keyPem); // untouched

    const issued = issueFromDir(pkiDir, 'device7', { role: 'client' });
    assert.equal(issued.certPath, join(pkiDir, 'device7.crt'));
    assert.equal(mode(issued.keyPath), 0o600);
    const cert = new X509Certificate(readFileSync(issued.certPath));
    assert.equal(cert.checkIssued(new X509Certificate(ca.certPem)), true);
    assert.equal(cert.fingerprint256, issued.fingerprint256);
    assert.throws(() => issueFromDir(pkiDir, 'ca', { role: 'client' }), /the CA's own file name/);
    assert.throws(() => issueFromDir(join(dir, 'empty'), 'x', { role: 'client' }), /holds no CA/);
  });

  test('TempPKI writes into a temp dir that cleanup() removes, other CAs included', () => {
    const pki = TempPKI.create();
    const other = pki.otherCA();
    const server = pki.server();
    assert.equal(readFileSync(server.certPath, 'utf8'), server.certPem);
    assert.equal(readFileSync(server.caPath, 'utf8'), pki.caPem);
    assert.equal(new X509Certificate(server.certPem).subjectAltName, 'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    assert.equal(new X509Certificate(pki.server('127.0.0.1').certPem).subjectAltName, 'IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    assert.ok(other.dir.startsWith(pki.dir));
    assert.notEqual(other.caPem, pki.caPem);
    assert.equal(new X509Certificate(other.client('x').certPem).checkIssued(new X509Certificate(pki.caPem)), false);
    other.cleanup(); // leaves the parent's directory alone
    assert.ok(existsSync(other.caPath));
    pki.cleanup();
    assert.equal(existsSync(pki.dir), false);
  });
});

// --- Real handshakes -----------------------------------------------------------------------

interface Outcome {
  readonly clientAuthorized: boolean | undefined;
  readonly serverAuthorized: boolean | undefined;
  readonly received: string;
  readonly clientError: (Error & { code?: string }) | undefined;
  readonly serverError: (Error & { code?: string }) | undefined;
  readonly serverAuthorizationError: string | undefined;
}

/** A mutual-TLS server trusting `server.caPem`, one client connection, and what each side saw. */
async function handshake(
  server: TempCredentials,
  client: tls.ConnectionOptions,
  host = '127.0.0.1',
  rejectUnauthorized = true,
): Promise<Outcome> {
  let serverAuthorized: boolean | undefined;
  let serverAuthorizationError: string | undefined;
  let serverError: Error | undefined;
  const srv = tls.createServer(
    { key: server.keyPem, cert: server.certPem, ca: server.caPem, requestCert: true, rejectUnauthorized },
    (socket) => {
      serverAuthorized = socket.authorized;
      // Typed as an Error, but node sets the OpenSSL code, a string.
      serverAuthorizationError = socket.authorizationError === undefined ? undefined : String(socket.authorizationError);
      socket.end('hello');
    },
  );
  srv.on('tlsClientError', (err) => (serverError = err));
  await new Promise<void>((resolve, reject) => srv.listen(0, host, resolve).once('error', reject));
  const { port } = srv.address() as { port: number };
  try {
    return await new Promise<Outcome>((resolve) => {
      let clientAuthorized: boolean | undefined;
      let clientError: Error | undefined;
      let received = '';
      const socket = tls.connect({ host, port, ...client });
      socket.setEncoding('utf8');
      socket.on('secureConnect', () => (clientAuthorized = socket.authorized));
      socket.on('data', (chunk: string) => (received += chunk));
      socket.on('error', (err) => (clientError = err));
      socket.on('close', () =>
        // The server's tlsClientError can trail the client's close by a turn of the loop.
        setImmediate(() => resolve({ clientAuthorized, serverAuthorized, serverAuthorizationError, received, clientError, serverError })),
      );
    });
  } finally {
    await new Promise((resolve) => srv.close(resolve));
  }
}

async function hasIPv6Loopback(): Promise<boolean> {
  const probe = createNetServer();
  return new Promise((resolve) => {
    probe.once('error', () => resolve(false));
    probe.listen(0, '::1', () => probe.close(() => resolve(true)));
  });
}

describe('TLS with issued certificates', { timeout: 10_000 }, () => {
  const pki = TempPKI.create();
  after(() => pki.cleanup());
  const server = pki.server('localhost');
  const client = pki.client('device7');
  const mine = (c: TempCredentials): tls.ConnectionOptions => ({ ca: pki.caPem, cert: c.certPem, key: c.keyPem });

  test('mutual TLS by hostname: both sides authorized', async () => {
    const out = await handshake(server, { ...mine(client), servername: 'localhost' });
    assert.equal(out.clientError, undefined);
    assert.equal(out.clientAuthorized, true);
    assert.equal(out.serverAuthorized, true);
    assert.equal(out.received, 'hello');
  });

  test('by IP address 127.0.0.1 without servername', async () => {
    const out = await handshake(server, mine(client), '127.0.0.1');
    assert.equal(out.clientError, undefined);
    assert.deepEqual([out.clientAuthorized, out.serverAuthorized, out.received], [true, true, 'hello']);
  });

  test('by IP address ::1 without servername', async (t) => {
    if (!(await hasIPv6Loopback())) return t.skip('no IPv6 loopback on this host');
    const out = await handshake(server, mine(client), '::1');
    assert.equal(out.clientError, undefined);
    assert.deepEqual([out.clientAuthorized, out.serverAuthorized, out.received], [true, true, 'hello']);
  });

  test('a client certificate from another CA is refused by the server', async () => {
    const rogue = pki.otherCA().client('mallory');
    const rogueOptions = { ca: pki.caPem, cert: rogue.certPem, key: rogue.keyPem, servername: 'localhost' };
    const out = await handshake(server, rogueOptions);
    assert.equal(out.serverAuthorized, undefined, 'the server never accepted the connection');
    assert.equal(out.received, '');
    assert.ok(out.serverError !== undefined, 'the server reports the failed handshake');
    // node checks the client's chain after the handshake and then destroys the socket, so the
    // client sees a close (TLS 1.3 finishes on its side first) and the server a hang-up. Why the
    // server refused shows when it is told not to refuse:
    const lenient = await handshake(server, rogueOptions, '127.0.0.1', false);
    assert.equal(lenient.serverAuthorized, false);
    assert.match(lenient.serverAuthorizationError ?? '', /^UNABLE_TO_(VERIFY_LEAF_SIGNATURE|GET_ISSUER_CERT_LOCALLY)$/);
  });

  test('an expired server certificate is refused by the client with CERT_HAS_EXPIRED', async () => {
    const out = await handshake(pki.expired('localhost', 'server'), { ...mine(client), servername: 'localhost' });
    assert.equal(out.clientError?.code, 'CERT_HAS_EXPIRED');
    assert.equal(out.received, '');
  });

  test('a hostname not in the SANs is refused with ERR_TLS_CERT_ALTNAME_INVALID', async () => {
    const out = await handshake(server, { ...mine(client), servername: 'elsewhere.test' });
    assert.equal(out.clientError?.code, 'ERR_TLS_CERT_ALTNAME_INVALID');
    assert.equal(out.received, '');
  });
});

describe('openssl', () => {
  test('openssl x509 reads the certificates and openssl verify -x509_strict accepts the chain', (t) => {
    const version = spawnSync('openssl', ['version'], { encoding: 'utf8' });
    if (version.error !== undefined || version.status !== 0) {
      const reason = `openssl is not available (${version.error?.message ?? `exit ${version.status}`}); skipping`;
      console.log(reason);
      return t.skip(reason);
    }
    const pki = TempPKI.create();
    try {
      const leaf = pki.peer('node1.test', { dnsNames: ['node1.test'], ipAddresses: ['192.0.2.7', '2001:db8::7'] });
      const text = spawnSync('openssl', ['x509', '-noout', '-text'], { input: leaf.certPem, encoding: 'utf8' });
      assert.equal(text.status, 0, text.stderr);
      for (const expected of [
        'Version: 3 (0x2)',
        'Signature Algorithm: ecdsa-with-SHA256',
        'Issuer: CN = warren test CA',
        'Subject: CN = node1.test',
        'X509v3 Basic Constraints: critical',
        'CA:FALSE',
        'X509v3 Key Usage: critical',
        'Digital Signature',
        'TLS Web Server Authentication, TLS Web Client Authentication',
        'DNS:node1.test, IP Address:192.0.2.7, IP Address:2001:DB8:0:0:0:0:0:7',
        'X509v3 Subject Key Identifier',
        'X509v3 Authority Key Identifier',
      ]) {
        assert.ok(text.stdout.includes(expected), `openssl's text lacks '${expected}':\n${text.stdout}`);
      }
      const caText = spawnSync('openssl', ['x509', '-noout', '-text'], { input: pki.caPem, encoding: 'utf8' });
      assert.match(caText.stdout, /CA:TRUE, pathlen:0/);
      assert.match(caText.stdout, /Certificate Sign, CRL Sign/);
      for (const purpose of ['sslserver', 'sslclient']) {
        const verify = spawnSync('openssl', ['verify', '-x509_strict', '-purpose', purpose, '-CAfile', leaf.caPath, leaf.certPath], {
          encoding: 'utf8',
        });
        assert.equal(verify.status, 0, verify.stdout + verify.stderr);
        assert.match(verify.stdout, /: OK/);
      }
    } finally {
      pki.cleanup();
    }
  });
});
