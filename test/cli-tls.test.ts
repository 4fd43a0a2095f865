// The `warren` command line over TLS, every command a child process: `warren pki init` and
// `warren pki issue` (the files, their modes, refusing to replace a CA, fingerprints as
// X509Certificate gives them), `warren echo --cert --key --ca` on 127.0.0.1 and on a Unix
// socket with `warren request --ca --cert --key` against it (the echo's tls block names the
// client's certificate), the refusals (no client certificate, another CA, a wrong name), the
// usage errors, and curl with a client certificate.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { EchoReport } from '../src/cli/echo.js';
import { TIMEOUT, run, startEcho, stopWarren, tempDir, warren, type Echo, type Run } from './lib/cli.js';

const mode = (path: string): number => statSync(path).mode & 0o777;

/** The `certificate`, `key` and `sha256` lines of `warren pki` output. */
function printed(result: Run): { certificate: string; key: string; sha256: string } {
  assert.equal(result.code, 0, `exit ${result.code}; stderr: ${result.stderr}`);
  assert.equal(result.stderr, '');
  const lines = result.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 3, result.stdout);
  const fields = Object.fromEntries(lines.map((line) => /^(\w+) +(\S.*)$/.exec(line)!.slice(1, 3)));
  assert.deepEqual(Object.keys(fields), ['certificate', 'key', 'sha256']);
  return fields as { certificate: string; key: string; sha256: string };
}

/** The echo's report from a `warren request` run that got a 200. */
function report(result: Run): EchoReport {
  assert.equal(result.code, 0, `exit ${result.code}; stderr: ${result.stderr}`);
  const end = result.stdout.indexOf('\n\n');
  assert.ok(end >= 0, result.stdout);
  assert.equal(result.stdout.slice(0, result.stdout.indexOf('\n')), 'HTTP/1.1 200 OK');
  return JSON.parse(result.stdout.slice(end + 2)) as EchoReport;
}

/** A PKI made with the CLI: a CA, a server certificate for localhost and 127.0.0.1, a client one; and another CA. */
interface Pki {
  dir: string;
  ca: string;
  server: { cert: string; key: string };
  client: { cert: string; key: string; sha256: string };
  otherCa: string;
  stranger: { cert: string; key: string };
}

async function makePki(): Promise<Pki> {
  const dir = join(tempDir(), 'pki');
  const otherDir = join(tempDir(), 'other');
  printed(await warren('pki', 'init', dir, '--name', 'cli test CA'));
  printed(await warren('pki', 'init', otherDir, '--name', 'another CA'));
  const server = printed(await warren('pki', 'issue', dir, 'localhost', '--server', '--dns', 'localhost', '--ip', '127.0.0.1'));
  const client = printed(await warren('pki', 'issue', dir, 'client', '--client'));
  const stranger = printed(await warren('pki', 'issue', otherDir, 'client', '--client'));
  return {
    dir,
    ca: join(dir, 'ca.crt'),
    server: { cert: server.certificate, key: server.key },
    client: { cert: client.certificate, key: client.key, sha256: client.sha256 },
    otherCa: join(otherDir, 'ca.crt'),
    stranger: { cert: stranger.certificate, key: stranger.key },
  };
}

describe('warren pki', { timeout: TIMEOUT * 4 }, () => {
  it('init creates ca.crt (0644) and ca.key (0600) in a new directory (0700) and prints the paths and the fingerprint', async () => {
    const dir = join(tempDir(), 'new', 'pki');
    const out = printed(await warren('pki', 'init', dir, '--name', 'Home CA', '--days', '30'));
    assert.deepEqual([out.certificate, out.key], [join(dir, 'ca.crt'), join(dir, 'ca.key')]);
    assert.equal(mode(dir), 0o700);
    assert.equal(mode(out.certificate), 0o644);
    assert.equal(mode(out.key), 0o600);
    const x509 = new X509Certificate(readFileSync(out.certificate));
    assert.equal(out.sha256, x509.fingerprint256);
    assert.equal(x509.ca, true);
    assert.equal(x509.subject, 'CN=Home CA');
    assert.equal(x509.issuer, 'CN=Home CA');
    const days = (Date.parse(x509.validTo) - Date.now()) / 86_400_000;
    assert.ok(days > 29 && days <= 30, `valid for ${days} more days`);
    assert.ok(x509.checkPrivateKey(createPrivateKey(readFileSync(out.key))));
  });

  it('init names the CA "warren CA" by default, in an existing directory', async () => {
    const dir = tempDir();
    const out = printed(await warren('pki', 'init', dir));
    assert.equal(new X509Certificate(readFileSync(out.certificate)).subject, 'CN=warren CA');
    assert.equal(mode(out.key), 0o600);
  });

  it('init refuses to replace a CA: exit 1 with the sentence, the files untouched', async () => {
    const dir = tempDir();
    printed(await warren('pki', 'init', dir));
    const before = [readFileSync(join(dir, 'ca.crt')), readFileSync(join(dir, 'ca.key'))];
    const again = await warren('pki', 'init', dir, '--name', 'replacement');
    assert.equal(again.code, 1);
    assert.equal(again.stdout, '');
    assert.match(again.stderr, /^warren: \S+ already holds a CA \(.*ca\.crt, .*ca\.key\); warren will not replace it/);
    assert.equal(again.stderr.split('\n').length, 2, 'one line');
    assert.deepEqual([readFileSync(join(dir, 'ca.crt')), readFileSync(join(dir, 'ca.key'))], before);
  });

  it('init refuses when only ca.key is there, too', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'ca.key'), 'not mine');
    const result = await warren('pki', 'init', dir);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /already holds a CA/);
    assert.equal(existsSync(join(dir, 'ca.crt')), false);
    assert.equal(readFileSync(join(dir, 'ca.key'), 'utf8'), 'not mine');
  });

  describe('issue', () => {
    let dir: string;
    let ca: X509Certificate;

    before(async () => {
      dir = tempDir();
      printed(await warren('pki', 'init', dir, '--name', 'issuing CA'));
      ca = new X509Certificate(readFileSync(join(dir, 'ca.crt')));
    });

    it('--server with --dns and --ip: NAME.crt (0644) and NAME.key (0600), signed by the CA, the names as given', async () => {
      const out = printed(await warren('pki', 'issue', dir, 'device7', '--server', '--dns', 'device7.local', '--dns', 'localhost', '--ip', '127.0.0.1', '--ip', '::1', '--days', '10'));
      assert.deepEqual([out.certificate, out.key], [join(dir, 'device7.crt'), join(dir, 'device7.key')]);
      assert.equal(mode(out.certificate), 0o644);
      assert.equal(mode(out.key), 0o600);
      const x509 = new X509Certificate(readFileSync(out.certificate));
      assert.equal(out.sha256, x509.fingerprint256);
      assert.equal(x509.subject, 'CN=device7');
      assert.ok(x509.checkIssued(ca));
      assert.ok(x509.verify(ca.publicKey));
      assert.equal(x509.ca, false);
      assert.match(x509.subjectAltName ?? '', /^DNS:device7\.local, DNS:localhost, IP Address:127\.0\.0\.1, IP Address:(0:0:0:0:0:0:0:1|::1)$/);
      assert.deepEqual(x509.keyUsage, ['1.3.6.1.5.5.7.3.1']);
      const days = (Date.parse(x509.validTo) - Date.now()) / 86_400_000;
      assert.ok(days > 9 && days <= 10, `valid for ${days} more days`);
    });

    it('--client: clientAuth; --both: serverAuth and clientAuth', async () => {
      const client = printed(await warren('pki', 'issue', dir, 'sensor', '--client'));
      const x509 = new X509Certificate(readFileSync(client.certificate));
      assert.equal(client.sha256, x509.fingerprint256);
      assert.deepEqual(x509.keyUsage, ['1.3.6.1.5.5.7.3.2']);
      assert.equal(mode(client.key), 0o600);
      const both = printed(await warren('pki', 'issue', dir, 'peer.local', '--both'));
      const peer = new X509Certificate(readFileSync(both.certificate));
      assert.deepEqual(peer.keyUsage, ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
      // With no --dns or --ip, the name itself, as it is a host name.
      assert.equal(peer.subjectAltName, 'DNS:peer.local');
    });

    it('issuing a name again replaces its files, the key still 0600', async () => {
      const first = printed(await warren('pki', 'issue', dir, 'again', '--client'));
      const second = printed(await warren('pki', 'issue', dir, 'again', '--client'));
      assert.notEqual(first.sha256, second.sha256);
      assert.equal(new X509Certificate(readFileSync(second.certificate)).fingerprint256, second.sha256);
      assert.equal(mode(second.key), 0o600);
    });

    for (const [args, reason] of [
      [['x'], /needs --client, --server or --both/],
      [['x', '--client', '--server'], /give one of --client, --server and --both, got --client and --server/],
      [[], /takes DIR NAME, got 1 argument/],
      [['x', '--client', '--days', 'ten'], /--days is a whole number/],
      [['x', '--client', '--dns'], /--dns takes a value/],
      [['x', '--client', '--frob'], /unknown option '--frob'/],
    ] as const) {
      it(`exits 2 with the usage for: warren pki issue DIR ${args.join(' ')}`, async () => {
        const result = await warren('pki', 'issue', dir, ...args);
        assert.equal(result.code, 2, result.stderr);
        assert.equal(result.stdout, '');
        assert.match(result.stderr, reason);
        assert.match(result.stderr, /\nusage: warren echo ADDRESS\n/);
      });
    }

    it('exits 1 with the sentence when DIR holds no CA, for the name ca, and for a server name clients cannot check', async () => {
      const none = await warren('pki', 'issue', join(tempDir(), 'empty'), 'x', '--client');
      assert.equal(none.code, 1);
      assert.match(none.stderr, /^warren: \S+ holds no CA \(ca\.crt and ca\.key\)/);
      const named = await warren('pki', 'issue', dir, 'ca', '--client');
      assert.equal(named.code, 1);
      assert.match(named.stderr, /^warren: 'ca' is the CA's own file name/);
      const unnamed = await warren('pki', 'issue', dir, 'my device', '--server');
      assert.equal(unnamed.code, 1);
      assert.match(unnamed.stderr, /^warren: A server certificate needs a name clients can check/);
      assert.equal(existsSync(join(dir, 'my device.crt')), false);
    });
  });

  it('pki without a subcommand, or an unknown one: exit 2', async () => {
    for (const args of [['pki'], ['pki', 'frob']]) {
      const result = await warren(...args);
      assert.equal(result.code, 2);
      assert.match(result.stderr, /^warren: .*pki.*\nusage: /);
    }
  });

  it('--help lists the pki commands and the TLS options', async () => {
    const result = await warren('--help');
    assert.equal(result.code, 0);
    for (const text of ['warren pki init DIR', 'warren pki issue DIR NAME --client|--server|--both', '--allow-unauthenticated', '--no-verify-hostname', '--servername NAME']) {
      assert.ok(result.stdout.includes(text), `no ${text} in the usage`);
    }
  });
});

describe('warren echo over TLS with warren request', { timeout: TIMEOUT * 4 }, () => {
  let pki: Pki;
  let tcp: Echo;
  let unix: Echo;
  let port: number;

  before(async () => {
    pki = await makePki();
    const tls = ['--cert', pki.server.cert, '--key', pki.server.key, '--ca', pki.ca];
    [tcp, unix] = await Promise.all([startEcho('127.0.0.1:0', ...tls), startEcho(join(tempDir(), 'tls.sock'), ...tls)]);
    port = (tcp.address as readonly [string, number])[1];
  });

  after(async () => {
    await Promise.all([stopWarren(tcp), stopWarren(unix)]);
  });

  const mine = (): string[] => ['--ca', pki.ca, '--cert', pki.client.cert, '--key', pki.client.key];

  it('on 127.0.0.1: the echo names the client certificate (subject and fingerprint), verified by the IP', async () => {
    const echoed = report(await warren('request', tcp.cliAddress, 'GET', '/who', ...mine()));
    assert.deepEqual(echoed.headers, [['Host', `127.0.0.1:${port}`]]);
    const tls = echoed.tls!;
    assert.ok(tls !== undefined, 'no tls block');
    assert.equal(tls.authorized, true);
    assert.match(tls.protocol ?? '', /^TLSv1\.[23]$/);
    assert.equal(typeof tls.cipher, 'string');
    assert.deepEqual(tls.peer, {
      subject: { CN: 'client' },
      fingerprint256: new X509Certificate(readFileSync(pki.client.cert)).fingerprint256,
    });
    assert.equal(tls.peer?.fingerprint256, pki.client.sha256);
  });

  it('by name (localhost), with a body', async () => {
    const echoed = report(await warren('request', `localhost:${port}`, 'POST', '/up', '--data', 'over tls', ...mine()));
    assert.equal(Buffer.from(echoed.body, 'base64').toString(), 'over tls');
    assert.deepEqual(echoed.tls?.peer?.subject, { CN: 'client' });
  });

  it('on a Unix socket with --servername: Host is the name, and the tls block is there', async () => {
    const echoed = report(await warren('request', unix.cliAddress, 'GET', '/', ...mine(), '--servername', 'localhost'));
    assert.deepEqual(echoed.headers, [['Host', 'localhost']]);
    assert.equal(echoed.tls?.authorized, true);
    assert.deepEqual(echoed.tls?.peer, { subject: { CN: 'client' }, fingerprint256: pki.client.sha256 });
  });

  it('on a Unix socket with --no-verify-hostname, and -H Host as given', async () => {
    const echoed = report(await warren('request', unix.cliAddress, 'GET', '/', ...mine(), '--no-verify-hostname', '-H', 'Host: device7'));
    assert.deepEqual(echoed.headers, [['Host', 'device7']]);
    assert.equal(echoed.tls?.peer?.fingerprint256, pki.client.sha256);
  });

  it('without --cert: exit 1 with tls-failed (the server requires a certificate)', async () => {
    for (const address of [tcp.cliAddress, unix.cliAddress]) {
      const result = await warren('request', address, 'GET', '/', '--ca', pki.ca, '--servername', 'localhost');
      assert.notEqual(result.code, 0);
      assert.equal(result.code, 1);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, /^warren: tls-failed: /);
    }
  });

  it('a client certificate from another CA: exit 1, no response', async () => {
    const result = await warren('request', tcp.cliAddress, 'GET', '/', '--ca', pki.ca, '--cert', pki.stranger.cert, '--key', pki.stranger.key);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    // TLS 1.3: the client's handshake is done before the server checks its certificate, and
    // node's TLS server then hangs up without an alert.
    assert.match(result.stderr, /^warren: (tls-failed|connection-closed): /);
  });

  it('a server the given CA did not sign, or under another name: exit 1 with tls-failed', async () => {
    const otherCa = await warren('request', tcp.cliAddress, 'GET', '/', '--ca', pki.otherCa, '--cert', pki.client.cert, '--key', pki.client.key);
    assert.equal(otherCa.code, 1);
    assert.match(otherCa.stderr, /^warren: tls-failed: .*certificate/i);
    const wrongName = await warren('request', tcp.cliAddress, 'GET', '/', ...mine(), '--servername', 'elsewhere.example');
    assert.equal(wrongName.code, 1);
    assert.match(wrongName.stderr, /^warren: tls-failed: .*elsewhere\.example/);
    // The system store does not know this CA.
    const system = await warren('request', tcp.cliAddress, 'GET', '/', '--cert', pki.client.cert, '--key', pki.client.key);
    assert.equal(system.code, 1);
    assert.match(system.stderr, /^warren: tls-failed: /);
  });

  it('curl with --cert, --key and --cacert: the echo shows its certificate', async (t) => {
    const probe = spawnSync('curl', ['--version'], { encoding: 'utf8' });
    if (probe.error !== undefined || probe.status !== 0) {
      const reason = `curl is not available (${probe.error?.message ?? `exit ${probe.status}`})`;
      console.log(`# skipped: ${reason}`);
      return t.skip(reason);
    }
    const result = await run('curl', [
      '-sS', '--fail', '--max-time', '10',
      '--cert', pki.client.cert, '--key', pki.client.key, '--cacert', pki.ca,
      '--resolve', `localhost:${port}:127.0.0.1`, `https://localhost:${port}/from/curl`,
    ]);
    assert.equal(result.code, 0, result.stderr);
    const echoed = JSON.parse(result.stdout) as EchoReport;
    assert.equal(echoed.target, '/from/curl');
    assert.deepEqual(echoed.headers[0], ['Host', `localhost:${port}`]);
    assert.equal(echoed.tls?.authorized, true);
    assert.deepEqual(echoed.tls?.peer, { subject: { CN: 'client' }, fingerprint256: pki.client.sha256 });
  });
});

describe('warren echo --allow-unauthenticated', { timeout: TIMEOUT * 2 }, () => {
  it('takes a client without a certificate (peer null), and one the server cannot verify (authorized false)', async () => {
    const pki = await makePki();
    const echo = await startEcho('127.0.0.1:0', '--cert', pki.server.cert, '--key', pki.server.key, '--allow-unauthenticated');
    try {
      const anonymous = report(await warren('request', echo.cliAddress, 'GET', '/', '--ca', pki.ca)).tls!;
      assert.equal(anonymous.authorized, false);
      assert.equal(anonymous.peer, null);
      // Without --ca the server has no CA to check a certificate against: shown, but not authorized.
      const presented = report(await warren('request', echo.cliAddress, 'GET', '/', '--ca', pki.ca, '--cert', pki.client.cert, '--key', pki.client.key)).tls!;
      assert.equal(presented.authorized, false);
      assert.deepEqual(presented.peer, { subject: { CN: 'client' }, fingerprint256: pki.client.sha256 });
    } finally {
      await stopWarren(echo);
    }
  });
});

describe('warren echo and request: TLS usage', { timeout: TIMEOUT * 4 }, () => {
  let pki: Pki;

  before(async () => {
    pki = await makePki();
  });

  it('--cert and --key without --ca or --allow-unauthenticated: exit 2 with the Server\'s sentence', async () => {
    const result = await warren('echo', '127.0.0.1:0', '--cert', pki.server.cert, '--key', pki.server.key);
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^warren: tls needs ca \(client certificates are required and checked against it\) or allowUnauthenticatedClients: true/);
    assert.match(result.stderr, /--allow-unauthenticated/);
  });

  it('both --ca and --allow-unauthenticated: exit 2 with the Server\'s sentence', async () => {
    const result = await warren('echo', '127.0.0.1:0', '--cert', pki.server.cert, '--key', pki.server.key, '--ca', pki.ca, '--allow-unauthenticated');
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^warren: tls has both ca and allowUnauthenticatedClients/);
  });

  for (const [args, reason] of [
    [['--cert', 'c.pem'], /--cert and --key go together/],
    [['--key', 'k.pem'], /--cert and --key go together/],
    [['--ca', 'ca.pem'], /--ca is for TLS: give --cert and --key too/],
    [['--allow-unauthenticated'], /--allow-unauthenticated is for TLS/],
    [['--cert'], /--cert takes a FILE/],
    [['--tls'], /unknown option '--tls' for warren echo/],
  ] as const) {
    it(`echo exits 2 with the usage for: ${args.join(' ')}`, async () => {
      const result = await warren('echo', '127.0.0.1:0', ...args);
      assert.equal(result.code, 2);
      assert.match(result.stderr, reason);
      assert.match(result.stderr, /\nusage: warren echo ADDRESS\n/);
    });
  }

  it('echo exits 1 when a file cannot be read, or the key is not the certificate\'s', async () => {
    const missing = await warren('echo', '127.0.0.1:0', '--cert', join(pki.dir, 'nothing.crt'), '--key', pki.server.key, '--ca', pki.ca);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^warren: cannot read \S*nothing\.crt \(--cert\): .*ENOENT/);
    const mismatched = await warren('echo', '127.0.0.1:0', '--cert', pki.server.cert, '--key', pki.client.key, '--ca', pki.ca);
    assert.equal(mismatched.code, 1);
    assert.match(mismatched.stderr, /^warren: cannot serve TLS with /);
  });

  for (const [args, reason] of [
    [['127.0.0.1:1', '--key', 'k.pem'], /--cert and --key go together/],
    [['127.0.0.1:1', '--servername', 'x'], /--servername is for TLS/],
    [['127.0.0.1:1', '--no-verify-hostname'], /--no-verify-hostname is for TLS/],
    [['127.0.0.1:1', '--cert', 'c.pem', '--key', 'k.pem', '--no-verify-hostname'], /--no-verify-hostname trusts whatever the CA signed: give that CA with --ca/],
    [['/tmp/x.sock', '--ca', 'ca.pem'], /over a Unix socket there is no host name .*--servername NAME, or --no-verify-hostname/],
    [['127.0.0.1:1', '--ca', 'a.pem', '--ca', 'b.pem'], /give --ca once/],
  ] as const) {
    it(`request exits 2 with the usage for: ${args.join(' ')}`, async () => {
      const [address, ...rest] = args;
      const result = await warren('request', address, 'GET', '/', ...rest);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, reason);
      assert.match(result.stderr, /\nusage: warren echo ADDRESS\n/);
    });
  }

  it('request exits 1 when a TLS file cannot be read', async () => {
    const result = await warren('request', '127.0.0.1:1', 'GET', '/', '--ca', join(pki.dir, 'nothing.crt'));
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^warren: cannot read \S*nothing\.crt \(--ca\): /);
  });
});
