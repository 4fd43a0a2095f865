// The localhost defences as wrappers, table-driven on requests made in memory: the Host
// allow-list (421) and cross-origin protection (403), their options and their pages.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Fields } from '../protocol/index.js';
import { ServerRequest, Session, bodies, type AppResponse } from '../index.js';
import { crossOriginProtection, originChecker, originHost } from './origin.js';
import { hostAllowList, hostChecker, parseHost } from './hosts.js';
import type { Handler } from './response.js';

const request = (method: string, lines: [string, string][]): ServerRequest => new ServerRequest(method, '/', '1.1', new Fields(lines), null);
const session = new Session(['127.0.0.1', 1]);
const ok: Handler = () => 'ok';
const bodyText = (response: AppResponse): string => (response.body as readonly string[]).join('');

test('hosts: loopback names on the bound port pass; other ports, other names and no Host get 421', () => {
  const check = hostChecker({ port: 8080 })!;
  for (const host of ['localhost:8080', '127.0.0.1:8080', '[::1]:8080', 'LOCALHOST:8080']) assert.equal(check(request('GET', [['Host', host]])), null, host);
  for (const host of ['localhost:8081', 'localhost', 'evil.example:8080', 'evil.example', '127.0.0.2:8080', '[::2]:8080', 'localhost.:8080', 'x.localhost:8080', '']) {
    assert.equal(check(request('GET', [['Host', host]]))?.status, 421, host);
  }
  assert.equal(check(request('GET', []))?.status, 421);
  // Port 80 is the one a browser leaves out.
  assert.equal(hostChecker({ port: 80 })!(request('GET', [['Host', 'localhost']])), null);
});

test('hosts: the 421 page names the Host received (escaped) and the option that allows it', () => {
  const refused = hostChecker({ port: 8080 })!(request('GET', [['Host', 'evil.example:8080']]))!;
  assert.match(bodyText(refused), /does not answer to the Host &#34;evil\.example:8080&#34;.*localhost:8080.*DNS rebinding.*allowedHosts: \[&#39;evil\.example&#39;\]/s);
  const none = hostChecker({ port: 8080 })!(request('GET', []))!;
  assert.match(bodyText(none), /no Host field.*allowedHosts/);
  const markup = hostChecker({ port: 8080 })!(request('GET', [['Host', '<b>']]))!;
  assert.ok(!bodyText(markup).includes('<b>') && bodyText(markup).includes('&lt;b&gt;'));
});

test('hosts: configured names with or without a port, subdomains with a leading dot, and "any"', () => {
  const check = hostChecker({ port: 8080, allowedHosts: ['myapp.test', 'Pinned.test:9000', '.apps.test'] })!;
  const pass = ['myapp.test', 'myapp.test:8080', 'myapp.test:1234', 'pinned.test:9000', 'apps.test:8080', 'a.apps.test', 'b.a.apps.test:1', 'localhost:8080'];
  const fail = ['pinned.test:8080', 'pinned.test', 'xapps.test', 'myapp.test.evil', 'evil.example:8080'];
  for (const host of pass) assert.equal(check(request('GET', [['Host', host]])), null, host);
  for (const host of fail) assert.equal(check(request('GET', [['Host', host]]))?.status, 421, host);
  assert.equal(hostChecker({ allowedHosts: 'any' }), null);
  // Without a port, loopback names pass on any port.
  assert.equal(hostChecker({})!(request('GET', [['Host', 'localhost:1']])), null);
});

test('hosts: over a Unix socket (port null) the check is off unless names are configured', () => {
  assert.equal(hostChecker({ port: null })!(request('GET', [['Host', 'anything']])), null);
  const check = hostChecker({ port: null, allowedHosts: ['app.internal'] })!;
  assert.equal(check(request('GET', [['Host', 'app.internal']])), null);
  assert.equal(check(request('GET', [['Host', 'localhost']]))?.status, 421);
});

test('hosts: bad options are refused with a sentence', () => {
  assert.throws(() => hostChecker({ allowedHosts: 'localhost' as never }), /array of host names .* or 'any' to turn the Host check off; got the string "localhost"/);
  assert.throws(() => hostChecker({ allowedHosts: ['ok', 5 as never] }), /host names, with or without a port.*got the number 5/);
  assert.throws(() => hostChecker({ allowedHosts: ['a:b'] }), /got the string "a:b"/);
  assert.throws(() => hostChecker({ port: 70000 }), /bound port/);
});

test('hosts: parseHost() never throws and reads what it is given', () => {
  assert.deepEqual(parseHost('a.b:12'), { name: 'a.b', port: 12 });
  assert.deepEqual(parseHost('[::1]:8080'), { name: '[::1]', port: 8080 });
  assert.deepEqual(parseHost('[::1]'), { name: '[::1]', port: null });
  assert.equal(parseHost('[::1'), null);
  assert.equal(parseHost('a:0'), null);
  assert.equal(parseHost('a:65536'), null);
  assert.equal(parseHost('a:1:2'), null);
  fc.assert(fc.property(fc.string(), (text) => void parseHost(text)));
});

test('hostAllowList wraps any handler or App', async () => {
  const wrapped = hostAllowList(ok, { port: 3000 });
  assert.equal(await wrapped(session, request('GET', [['Host', 'localhost:3000']]), bodies), 'ok');
  assert.equal(((await wrapped(session, request('GET', [['Host', 'evil.example:3000']]), bodies)) as AppResponse).status, 421);
});

const post = (lines: [string, string][], method = 'POST') => request(method, [['Host', 'localhost:8080'], ...lines]);

test('origin: as Go\'s CrossOriginProtection, table-driven', () => {
  const check = originChecker({ trustedOrigins: ['https://trusted.example'] })!;
  const cases: [string, [string, string][], number | null][] = [
    ['GET', [['Sec-Fetch-Site', 'cross-site'], ['Origin', 'http://evil.example']], null],
    ['HEAD', [['Sec-Fetch-Site', 'cross-site']], null],
    ['OPTIONS', [['Origin', 'http://evil.example']], null],
    ['POST', [['Sec-Fetch-Site', 'same-origin']], null],
    ['POST', [['Sec-Fetch-Site', 'none']], null],
    ['POST', [['Sec-Fetch-Site', 'cross-site'], ['Origin', 'http://evil.example']], 403],
    ['POST', [['Sec-Fetch-Site', 'same-site'], ['Origin', 'http://localhost:9999']], 403],
    ['PUT', [['Sec-Fetch-Site', 'cross-site']], 403],
    ['DELETE', [['Sec-Fetch-Site', 'cross-site']], 403],
    ['PATCH', [['Sec-Fetch-Site', 'cross-site']], 403],
    ['PROPFIND', [['Sec-Fetch-Site', 'cross-site']], 403],
    ['POST', [], null],
    ['POST', [['Origin', 'http://localhost:8080']], null],
    ['POST', [['Origin', 'https://LOCALHOST:8080']], null],
    ['POST', [['Origin', 'http://localhost:8081']], 403],
    ['POST', [['Origin', 'http://evil.example']], 403],
    ['POST', [['Origin', 'null']], 403],
    ['POST', [['Origin', 'http://localhost:8080/path']], 403],
    ['POST', [['Sec-Fetch-Site', 'cross-site'], ['Origin', 'https://trusted.example']], null],
    ['POST', [['Origin', 'https://trusted.example']], null],
    ['POST', [['Origin', 'http://trusted.example']], 403],
    // A WebSocket handshake is a GET that may act: checked as unsafe (cross-site WebSocket hijacking).
    ['GET', [['Connection', 'upgrade'], ['Upgrade', 'websocket'], ['Origin', 'http://evil.example']], 403],
    ['GET', [['Connection', 'upgrade'], ['Upgrade', 'websocket'], ['Sec-Fetch-Site', 'cross-site']], 403],
    ['GET', [['Connection', 'upgrade'], ['Upgrade', 'websocket'], ['Origin', 'http://localhost:8080']], null],
    ['GET', [['Connection', 'upgrade'], ['Upgrade', 'websocket'], ['Sec-Fetch-Site', 'same-origin']], null],
    ['GET', [['Connection', 'upgrade'], ['Upgrade', 'websocket']], null],
    // Sec-Fetch-Site wins over a matching Origin, as in Go.
    ['POST', [['Sec-Fetch-Site', 'cross-site'], ['Origin', 'http://localhost:8080']], 403],
  ];
  for (const [method, lines, status] of cases) assert.equal(check(post(lines, method))?.status ?? null, status, `${method} ${JSON.stringify(lines)}`);
});

test('origin: the 403 page says what came and how to trust a site, escaped; "any" turns the check off', () => {
  const refused = originChecker()!(post([['Sec-Fetch-Site', 'cross-site'], ['Origin', 'http://evil.example']]))!;
  assert.match(bodyText(refused), /This POST request came from another web site \(Sec-Fetch-Site: cross-site, Origin: http:\/\/evil\.example\).*trustedOrigins: \[&#39;http:\/\/evil\.example&#39;\]/);
  const socket = originChecker()!(post([['Upgrade', 'websocket'], ['Origin', 'http://evil.example']], 'GET'))!;
  assert.match(bodyText(socket), /This GET request to open a websocket connection came from another web site/);
  const markup = originChecker()!(post([['Origin', 'http://<i>']]))!;
  assert.ok(!bodyText(markup).includes('<i>'));
  assert.equal(originChecker({ trustedOrigins: 'any' }), null);
  assert.throws(() => originChecker({ trustedOrigins: ['https://a.example/path'] }), /scheme:\/\/host\[:port\] with no path.*got the string "https:\/\/a\.example\/path"/);
  assert.throws(() => originChecker({ trustedOrigins: 'https://a.example' as never }), /array of origins/);
  assert.equal(originHost('ftp://a'), null);
  assert.equal(originHost('http://a@b'), null);
  assert.equal(originHost('HTTP://A:1'), 'a:1');
});

test('crossOriginProtection wraps any handler or App', async () => {
  const wrapped = crossOriginProtection(ok);
  assert.equal(await wrapped(session, post([['Sec-Fetch-Site', 'same-origin']]), bodies), 'ok');
  assert.equal(((await wrapped(session, post([['Sec-Fetch-Site', 'cross-site']]), bodies)) as AppResponse).status, 403);
});

test('checks: no Host, Origin or Sec-Fetch-Site value throws; a refusal is always 421 or 403', () => {
  const hosts = hostChecker({ port: 8080, allowedHosts: ['myapp.test', '.apps.test'] })!;
  const origins = originChecker({ trustedOrigins: ['https://trusted.example'] })!;
  const value = fc.string({ unit: fc.constantFrom(...'aZ09.:[]/-_@?#% \tlocalhost'.split('')), maxLength: 30 });
  fc.assert(
    fc.property(value, value, value, fc.constantFrom('GET', 'POST', 'PUT', 'X'), (host, origin, site, method) => {
      void originHost(origin);
      const r = request(method, [['Host', host], ['Origin', origin], ['Sec-Fetch-Site', site]]);
      assert.ok([undefined, 421].includes(hosts(r)?.status));
      assert.ok([undefined, 403].includes(origins(r)?.status));
    }),
  );
});
