// Address validation, the command-line form and its round trips, and real sockets on this
// host: Unix path, abstract name, 127.0.0.1, localhost, ::1 and a link-local address if
// there is one, each listened on with listenOptions() and reached with connectOptions() of
// boundAddress(). Skips say why; sockets, files and temp dirs are cleaned up after each test.

import { test, describe, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  addressKind,
  boundAddress,
  checkAddress,
  connectOptions,
  describeAddress,
  formatCliAddress,
  isLocalSocket,
  listenOptions,
  parseCliAddress,
  type Address,
  type AddressKind,
} from './address.js';

const linux = process.platform === 'linux';
const notLinux = linux ? false : 'abstract sockets and the 107-byte limit are Linux-specific';

/** An IPv6 link-local address of this host and its interface, if there is one. */
function linkLocal(): { address: string; name: string; index: number } | undefined {
  for (const [name, entries] of Object.entries(os.networkInterfaces())) {
    for (const entry of entries ?? []) {
      if (entry.family === 'IPv6' && entry.address.toLowerCase().startsWith('fe80:') && entry.scopeid) {
        return { address: entry.address, name, index: entry.scopeid };
      }
    }
  }
  return undefined;
}

describe('checkAddress accepts', () => {
  const valid: [Address, AddressKind][] = [
    ['/run/app.sock', 'unix'],
    ['/tmp/ünïcode.sock', 'unix'],
    ['/a', 'unix'],
    [['127.0.0.1', 8080], 'ipv4'],
    [['0.0.0.0', 0], 'ipv4'],
    [['::1', 0], 'ipv6'],
    [['::', 65535], 'ipv6'],
    [['::ffff:127.0.0.1', 1], 'ipv6'],
    [['localhost', 80], 'dns'],
    [['example.com.', 443], 'dns'],
    [['my_host-1.internal', 8443], 'dns'],
    [['bücher.example', 80], 'dns'],
    [['fe80::1', 8080, 0, 'eth0'], 'ipv6'],
    [['fe80::1', 8080, 0, 2], 'ipv6'],
    [['::1', 0, 0, 0], 'ipv6'],
    [['2001:db8::1', 1, 0xffff_ffff, 0xffff_ffff], 'ipv6'],
  ];
  if (linux) {
    valid.push(['\0warren', 'abstract'], [`\0${'é'.repeat(53)}a`, 'abstract']);
  }

  for (const [address, kind] of valid) {
    test(describeAddress(address), () => {
      const input = typeof address === 'string' ? address : [...address];
      const checked = checkAddress(input);
      assert.deepEqual(checked, address);
      assert.ok(Object.isFrozen(checked), 'result is frozen');
      if (Array.isArray(input)) {
        assert.notEqual(checked, input, 'a tuple is copied, not frozen in place');
        assert.ok(!Object.isFrozen(input));
        input[1] = 1;
        assert.deepEqual(checked, address, 'later changes to the input do not leak in');
      }
      assert.equal(addressKind(checked), kind);
      assert.equal(isLocalSocket(checked), kind === 'unix' || kind === 'abstract');
    });
  }

  test('the longest paths the kernel takes whole', { skip: notLinux }, () => {
    assert.equal(checkAddress(`/${'x'.repeat(106)}`), `/${'x'.repeat(106)}`);
    assert.equal(checkAddress(`/${'é'.repeat(53)}`), `/${'é'.repeat(53)}`); // 1 + 106 bytes
    assert.equal(checkAddress(`\0${'x'.repeat(107)}`), `\0${'x'.repeat(107)}`);
  });
});

describe('checkAddress rejects', () => {
  const invalid: [string, unknown, RegExp][] = [
    ['a relative path', 'app.sock', /a Unix socket address must be an absolute path such as \/run\/app\.sock; got 'app\.sock'/],
    ['an empty string', '', /must be an absolute path.*got ''/],
    ['host:port as a string', 'localhost:8080', /absolute path.*for TCP pass a \[host, port\] tuple/],
    ['a directory', '/run/', /names a file, not a directory/],
    ['a NUL inside a path', '/run/a\0b', /must not contain NUL/],
    ['a number', 8080, /Unix socket path string or a \[host, port\] tuple; got 8080; for port 8080 on loopback pass \['127\.0\.0\.1', 8080\]/],
    ['null', null, /got null/],
    ['an object', { host: 'h', port: 1 }, /got an object/],
    ['a 1-tuple', ['localhost'], /must be \[host, port\] or \[host, port, flowinfo, scopeid\]; got 1 element:/],
    ['a 3-tuple', ['::1', 80, 0], /got 3 elements/],
    ['a 5-tuple', ['::1', 80, 0, 0, 0], /got 5 elements/],
    ['a numeric host', [127, 80], /host of a \[host, port\] address must be a string; got 127/],
    ['an empty host', ['', 80], /must not be empty; to listen on every interface use '0\.0\.0\.0' or '::'/],
    ['a host with spaces', ['local host', 80], /must not contain spaces/],
    ['a host with a tab', ['localhost\t', 80], /must not contain spaces/],
    ['a bracketed IPv6 host', ['[::1]', 80], /without brackets in a tuple: '::1', not '\[::1\]'/],
    ['a half-bracketed host', ['::1]', 80], /without brackets/],
    ['a zone in a 2-tuple', ['fe80::1%eth0', 80], /has an IPv6 zone; write it as the 4-tuple \['fe80::1', port, 0, 'eth0'\]/],
    ['a numeric zone in a 2-tuple', ['fe80::1%2', 80], /4-tuple \['fe80::1', port, 0, 2\]/],
    ['a host with a port', ['localhost:8080', 80], /includes a port; pass \['localhost', 8080\]/],
    ['a bad IPv6 literal', ['fe80:::1', 80], /not a valid IPv6 address, and a DNS name cannot contain ':'/],
    ['a bad IPv4 literal', ['256.1.1.1', 80], /not a valid IPv4 address/],
    ['a short IPv4 literal', ['127.1', 80], /not a valid IPv4 address/],
    ['an empty label', ['a..b', 80], /empty label/],
    ['a URL', ['http://example.com', 80], /not a valid IPv6 address|not an IP address or a DNS name/],
    ['a path as host', ['example.com/x', 80], /not an IP address or a DNS name/],
    ['a 64-byte label', [`${'a'.repeat(64)}.com`, 80], /too long/],
    ['a string port', ['localhost', '8080'], /port must be an integer from 0 to 65535.*got the string '8080'; pass a number/],
    ['a negative port', ['localhost', -1], /port must be an integer from 0 to 65535.*got -1/],
    ['a port too large', ['localhost', 65536], /got 65536/],
    ['a fractional port', ['localhost', 80.5], /got 80\.5/],
    ['a NaN port', ['localhost', NaN], /got NaN/],
    ['an IPv4 4-tuple', ['127.0.0.1', 80, 0, 0], /4-tuple form is for IPv6 addresses only; write \['127\.0\.0\.1', port\]/],
    ['a DNS 4-tuple', ['localhost', 80, 0, 'lo'], /must be an IPv6 address such as 'fe80::1'; got 'localhost'/],
    ['a bracketed 4-tuple host', ['[fe80::1]', 80, 0, 'eth0'], /without brackets/],
    ['a zone in the 4-tuple host', ['fe80::1%eth0', 80, 0, 'eth0'], /must not carry a zone; put it in scopeid/],
    ['negative flowinfo', ['fe80::1', 80, -1, 'eth0'], /flowinfo .* integer from 0 to 4294967295 \(usually 0\); got -1/],
    ['flowinfo over 32 bits', ['fe80::1', 80, 2 ** 32, 'eth0'], /flowinfo.*got 4294967296/],
    ['string flowinfo', ['fe80::1', 80, '0', 'eth0'], /flowinfo.*got '0'/],
    ['an empty scope', ['fe80::1', 80, 0, ''], /scopeid must not be empty; use 0 for no scope/],
    ['a digit-string scope', ['fe80::1', 80, 0, '2'], /give an interface index as a number: 2, not the string '2'/],
    ['a negative scope', ['fe80::1', 80, 0, -2], /interface index, an integer from 0 to 4294967295.*got -2/],
    ['a fractional scope', ['fe80::1', 80, 0, 1.5], /got 1\.5/],
    ['a scope with a space', ['fe80::1', 80, 0, 'eth 0'], /scopeid must be an interface name such as 'eth0'; got 'eth 0'/],
    ['a null scope', ['fe80::1', 80, 0, null], /interface name such as 'eth0' or an interface index such as 2; got null/],
  ];
  if (linux) {
    invalid.push(
      ['a path over 107 bytes', `/${'x'.repeat(107)}`, /at most 107 bytes in UTF-8 \(the kernel's sun_path limit\); got 108 bytes/],
      ['a path over 107 UTF-8 bytes but not chars', `/${'é'.repeat(54)}`, /got 109 bytes/],
      ['an empty abstract name', '\0', /abstract socket name must not be empty/],
      ['a NUL inside an abstract name', '\0a\0b', /must not contain NUL characters after the first; got '\\0a\\0b'/],
      ['an abstract name over 107 bytes', `\0${'x'.repeat(108)}`, /abstract socket name can be at most 107 bytes.*got 108 bytes/],
    );
  }
  for (const [name, input, message] of invalid) {
    test(name, () => {
      assert.throws(() => checkAddress(input), (error: unknown) => {
        assert.ok(error instanceof TypeError, `a TypeError, not ${String(error)}`);
        assert.match(error.message, message);
        return true;
      });
    });
  }
});

describe('listen and connect options', () => {
  test('paths go to path, tuples to host and port', { skip: notLinux }, () => {
    assert.deepEqual(listenOptions('/run/a.sock'), { path: '/run/a.sock' });
    assert.deepEqual(connectOptions('/run/a.sock'), { path: '/run/a.sock' });
    assert.deepEqual(listenOptions('\0name'), { path: '\0name' });
    assert.deepEqual(connectOptions('\0name'), { path: '\0name' });
    assert.deepEqual(listenOptions(['127.0.0.1', 0]), { host: '127.0.0.1', port: 0 });
    assert.deepEqual(connectOptions(['127.0.0.1', 80]), { host: '127.0.0.1', port: 80, family: 4 });
    assert.deepEqual(connectOptions(['::1', 80]), { host: '::1', port: 80, family: 6 });
    assert.deepEqual(connectOptions(['localhost', 80]), { host: 'localhost', port: 80 });
  });

  test('a named scope becomes a zone; scope 0 means none', () => {
    assert.deepEqual(listenOptions(['fe80::1', 80, 0, 'eth0']), { host: 'fe80::1%eth0', port: 80 });
    assert.deepEqual(connectOptions(['fe80::1', 80, 7, 'eth0']), { host: 'fe80::1%eth0', port: 80, family: 6 });
    assert.deepEqual(listenOptions(['::1', 0, 0, 0]), { host: '::1', port: 0 });
  });

  test('a numeric scope becomes the interface name libuv looks up', (t) => {
    const found = linkLocal();
    if (!found) return t.skip('no interface here has an IPv6 link-local address');
    if (process.platform === 'win32') return t.skip('Windows reads numeric zones as they are');
    assert.deepEqual(listenOptions([found.address, 0, 0, found.index]), { host: `${found.address}%${found.name}`, port: 0 });
  });

  test('an unknown numeric scope is refused with a sentence', { skip: process.platform === 'win32' }, () => {
    assert.throws(() => listenOptions(['fe80::1', 0, 0, 999_999]), /no network interface with an IPv6 link-local address has index 999999/);
  });

  test('connecting to port 0 is refused', () => {
    assert.throws(() => connectOptions(['127.0.0.1', 0]), /cannot connect to port 0 of 127\.0\.0\.1:0.*use boundAddress\(\)/);
  });

  test('invalid input is refused here too', () => {
    assert.throws(() => listenOptions('app.sock' as Address), /absolute path/);
    assert.throws(() => connectOptions(['[::1]', 80]), /without brackets/);
  });
});

describe('command-line form', () => {
  const forms: [string, Address][] = [
    ['/run/app.sock', '/run/app.sock'],
    ['127.0.0.1:8080', ['127.0.0.1', 8080]],
    ['0.0.0.0:0', ['0.0.0.0', 0]],
    ['localhost:8080', ['localhost', 8080]],
    ['example.com.:443', ['example.com.', 443]],
    ['[::1]:0', ['::1', 0]],
    ['[::]:65535', ['::', 65535]],
    ['[::ffff:127.0.0.1]:80', ['::ffff:127.0.0.1', 80]],
    ['[fe80::1%eth0]:8080', ['fe80::1', 8080, 0, 'eth0']],
    ['[fe80::1%2]:8080', ['fe80::1', 8080, 0, 2]],
    ['[::1%0]:1', ['::1', 1, 0, 0]],
  ];
  if (linux) forms.push(['@name', '\0name'], ['@with space', '\0with space']);

  for (const [text, address] of forms) {
    test(`${text} parses and formats back`, () => {
      const parsed = parseCliAddress(text);
      assert.deepEqual(parsed, address);
      assert.ok(Object.isFrozen(parsed));
      assert.equal(formatCliAddress(parsed), text);
      assert.equal(describeAddress(parsed), text);
    });
  }

  test('leading zeros in a port or zone are read as decimal', () => {
    assert.deepEqual(parseCliAddress('localhost:080'), ['localhost', 80]);
    assert.deepEqual(parseCliAddress('[fe80::1%02]:80'), ['fe80::1', 80, 0, 2]);
  });

  const bad: [string, RegExp][] = [
    ['', /'' is not an address: it is empty/],
    ['app.sock', /must be absolute, such as \/run\/app\.sock/],
    ['run/app', /must be absolute/],
    ['8080', /it has no host; for port 8080 on loopback write 127\.0\.0\.1:8080/],
    ['localhost', /it has no port/],
    ['localhost:', /the port must be a number from 0 to 65535; got ''/],
    ['localhost:http', /got 'http'/],
    ['localhost:65536', /got '65536'/],
    ['localhost:-1', /got '-1'/],
    ['localhost:+80', /got '\+80'/],
    ['localhost:8080 ', /got '8080 '/],
    [':8080', /must not be empty/],
    ['::1:8080', /write an IPv6 address in brackets, as in \[::1\]:8080/],
    ['[::1]', /a port must follow the bracketed IPv6 address/],
    ['[::1]8080', /a port must follow/],
    ['[::1:8080', /no closing bracket/],
    ['[127.0.0.1]:80', /'127\.0\.0\.1' inside the brackets is not an IPv6 address/],
    ['[localhost]:80', /not an IPv6 address/],
    ['[fe80::1%]:80', /the zone after '%' is empty/],
    ['[fe80::1%eth 0]:80', /interface name such as 'eth0'/],
    ['[fe80::1%99999999999]:80', /interface index, an integer from 0 to 4294967295/],
    ['local host:80', /must not contain spaces/],
    ['256.0.0.1:80', /not a valid IPv4 address/],
  ];
  if (linux) bad.push(['@', /abstract socket name must not be empty/]);
  for (const [text, message] of bad) {
    test(`rejects ${JSON.stringify(text)}`, () => {
      assert.throws(() => parseCliAddress(text), (error: unknown) => {
        assert.ok(error instanceof TypeError);
        assert.match(error.message, message);
        assert.match(error.message, /accepted forms are \/path\/to\/app\.sock .*@name .*host:port .*\[ipv6\]:port/);
        return true;
      });
    });
  }

  test('flowinfo cannot be written in the command-line form, but can be described', () => {
    assert.throws(() => formatCliAddress(['fe80::1', 80, 5, 'eth0']), /cannot carry IPv6 flowinfo; got flowinfo 5/);
    assert.equal(describeAddress(['fe80::1', 80, 5, 'eth0']), '[fe80::1%eth0]:80 (flowinfo 5)');
  });

  test('round trips over generated addresses', () => {
    let seed = 0x5eed;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const hosts = ['127.0.0.1', '10.1.2.3', '::1', '2001:db8::8:800:200c:417a', 'localhost', 'a-b.example', 'x'];
    const zones: (string | number)[] = ['eth0', 'lo', 'wlp2s0', 'br-1a2b', 0, 1, 42, 0xffff_ffff];
    for (let i = 0; i < 2000; i++) {
      const port = i < 10 ? [0, 1, 65535, 80, 443, 8080, 65534, 1023, 1024, 10][i]! : random(65536);
      const host = hosts[random(hosts.length)]!;
      const candidates: Address[] = [[host, port], `/tmp/s-${port}.sock`];
      if (host.includes(':')) candidates.push([host, port, 0, zones[random(zones.length)]!]);
      if (linux) candidates.push(`\0n${port}.${random(1000)}`);
      for (const address of candidates) {
        const text = formatCliAddress(checkAddress(address));
        assert.deepEqual(parseCliAddress(text), address, text);
      }
    }
  });
});

// --- real sockets, loopback only ----------------------------------------------------------

interface Bound {
  server: net.Server;
  bound: Address;
}

/** Listens on `address`; resolves to null (after skipping `t`) when the host lacks it. */
async function listen(t: TestContext, address: Address, skipCodes: string[] = []): Promise<Bound | null> {
  const server = net.createServer((socket) => socket.end('hello'));
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(listenOptions(address), () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (skipCodes.includes(code)) {
      t.skip(`cannot listen on ${describeAddress(address)} here: ${(error as Error).message}`);
      return null;
    }
    throw error;
  }
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { server, bound: boundAddress(server, address) };
}

/** Connects to `address` and returns what the server sent before closing. */
function fetchGreeting(address: Address): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(connectOptions(address));
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      socket.end();
      resolve(text);
    });
  });
}

function assertSameFormWithPort(bound: Address, requested: Address): void {
  assert.ok(Object.isFrozen(bound));
  if (typeof requested === 'string') {
    assert.equal(bound, requested);
    return;
  }
  assert.ok(typeof bound !== 'string');
  assert.equal(bound.length, requested.length);
  assert.equal(bound[0], requested[0]);
  assert.ok(Number.isInteger(bound[1]) && bound[1] > 0, `a real port, not ${bound[1]}`);
  if (requested.length === 4 && bound.length === 4) {
    assert.equal(bound[2], requested[2]);
    assert.equal(bound[3], requested[3]);
  }
}

describe('listening for real', () => {
  test('a Unix socket path', async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-address-'));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const address = checkAddress(path.join(dir, 'app.sock'));
    const listening = await listen(t, address);
    assert.ok(listening);
    assertSameFormWithPort(listening.bound, address);
    assert.equal(addressKind(listening.bound), 'unix');
    assert.equal(await fetchGreeting(listening.bound), 'hello');
  });

  test('a Unix socket path of exactly 107 bytes binds that very file', { skip: notLinux }, async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-address-'));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const full = `${dir}/${'s'.repeat(107 - Buffer.byteLength(dir) - 1)}`;
    assert.equal(Buffer.byteLength(full), 107);
    const listening = await listen(t, checkAddress(full));
    assert.ok(listening);
    assert.ok(fs.statSync(full).isSocket(), 'the socket file has the full name');
    assert.equal(await fetchGreeting(listening.bound), 'hello');
  });

  test('an abstract socket', { skip: notLinux }, async (t) => {
    const address = checkAddress(`\0warren-test-${process.pid}-${Math.random().toString(36).slice(2)}`);
    const listening = await listen(t, address);
    assert.ok(listening);
    // Node reports '\0name' here, not Linux's '@name' spelling.
    assert.equal(listening.server.address(), address);
    assertSameFormWithPort(listening.bound, address);
    assert.equal(addressKind(listening.bound), 'abstract');
    assert.equal(await fetchGreeting(listening.bound), 'hello');
  });

  test("['127.0.0.1', 0]", async (t) => {
    const address = checkAddress(['127.0.0.1', 0]);
    const listening = await listen(t, address);
    assert.ok(listening);
    assertSameFormWithPort(listening.bound, address);
    assert.equal(await fetchGreeting(listening.bound), 'hello');
  });

  test("['localhost', 0] keeps the name", async (t) => {
    const address = checkAddress(['localhost', 0]);
    const listening = await listen(t, address, ['ENOTFOUND', 'EAI_AGAIN']);
    if (!listening) return;
    assertSameFormWithPort(listening.bound, address);
    assert.equal(addressKind(listening.bound), 'dns');
    assert.equal(await fetchGreeting(listening.bound), 'hello');
  });

  test("['::1', 0]", async (t) => {
    const address = checkAddress(['::1', 0]);
    const listening = await listen(t, address, ['EADDRNOTAVAIL', 'EAFNOSUPPORT']);
    if (!listening) return;
    assertSameFormWithPort(listening.bound, address);
    assert.equal(await fetchGreeting(listening.bound), 'hello');
  });

  test("['::1', 0, 0, 0]: scope 0 means no zone", async (t) => {
    const address = checkAddress(['::1', 0, 0, 0]);
    const listening = await listen(t, address, ['EADDRNOTAVAIL', 'EAFNOSUPPORT']);
    if (!listening) return;
    assertSameFormWithPort(listening.bound, address);
    assert.equal(await fetchGreeting(listening.bound), 'hello');
  });

  for (const form of ['name', 'index'] as const) {
    test(`a link-local address with its scope as an interface ${form}`, async (t) => {
      const found = linkLocal();
      if (!found) return t.skip('no interface here has an IPv6 link-local address');
      const address = checkAddress([found.address, 0, 0, form === 'name' ? found.name : found.index]);
      // A link-local address still in duplicate address detection cannot be bound yet.
      const listening = await listen(t, address, ['EADDRNOTAVAIL']);
      if (!listening) return;
      assertSameFormWithPort(listening.bound, address);
      assert.equal(await fetchGreeting(listening.bound), 'hello');
    });
  }

  test('boundAddress refuses a server that is not listening, or listening elsewhere', async (t) => {
    assert.throws(() => boundAddress(net.createServer(), ['127.0.0.1', 0]), /needs a listening server/);
    const listening = await listen(t, checkAddress(['127.0.0.1', 0]));
    assert.ok(listening);
    assert.throws(() => boundAddress(listening.server, '/run/other.sock'), /the server is listening on 127\.0\.0\.1 port \d+, not on \/run\/other\.sock/);
    const port = (listening.bound as readonly [string, number])[1];
    assert.throws(() => boundAddress(listening.server, ['127.0.0.1', port === 1 ? 2 : 1]), /not on 127\.0\.0\.1:/);
    assert.deepEqual(boundAddress(listening.server, ['127.0.0.1', port]), ['127.0.0.1', port]);
  });
});
