// The llhttp conformance corpus (test/vectors/llhttp-cases.json) against the protocol
// core: every strict case, whole, split in two at every byte, and one byte at a time.
// Deviations are read from docs/deviations.md, so the list and the test cannot drift,
// and each one is checked to still differ from llhttp's expectation.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Connection, ProtocolError, type ReceivedEvent } from '../src/protocol/index.js';
import { fromRoot } from './lib/paths.js';

interface Message {
  method?: string;
  target?: string;
  status?: number | null;
  reason?: string | null;
  version?: string;
  headers: [string, string][];
  body: string;
  chunks?: { size: number; extensions: [string, string | null][] }[];
  trailers?: [string, string][];
  upgrade: boolean;
  complete: boolean;
  headersComplete?: boolean;
}

interface Case {
  id: string;
  name: string;
  role: 'request' | 'response';
  lenient: string[];
  finish: boolean;
  inputBase64: string;
  expect: { messages: Message[]; error: { code: string } | null; upgradeOffset?: number };
  tags: string[];
}

interface Outcome {
  messages: Message[];
  error: ProtocolError | null;
  /** Offset of the first byte handed back after a protocol switch. */
  upgradeOffset: number | null;
}

const cases: Case[] = JSON.parse(readFileSync(fromRoot('test/vectors/llhttp-cases.json'), 'utf8'));
const deviations = readDeviations();
const strict = cases.filter((c) => c.lenient.length === 0);

function readDeviations(): Map<string, string> {
  const out = new Map<string, string>();
  const text = readFileSync(fromRoot('docs/deviations.md'), 'utf8');
  for (const match of text.matchAll(/^\| `((?:request|response)\/[a-z-]+\.md:\d+)` \| (.+?) \|$/gm)) out.set(match[1]!, match[2]!);
  return out;
}

/** Feeds `pieces` to a connection of the case's role and records what it reports. */
function run(c: Case, pieces: Uint8Array[]): Outcome {
  const input = Buffer.from(c.inputBase64, 'base64');
  const messages: Message[] = [];
  let current: Message | null = null;
  let upgradeOffset: number | null = null;
  const conn = c.role === 'request' ? new Connection('server', { allowMissingHost: true }) : new Connection('client');
  if (c.role === 'response') {
    // The client must have asked: a HEAD for skip-body cases, an upgrade for 101 cases.
    const upgrade = c.expect.messages.some((m) => m.upgrade);
    const method = c.tags.includes('skip-body') ? 'HEAD' : 'GET';
    for (let i = 0; i < (upgrade ? 1 : 8); i++) {
      const fields: [string, string][] = upgrade ? [['Host', 'a'], ['Connection', 'upgrade'], ['Upgrade', 'h2c']] : [['Host', 'a']];
      conn.send({ type: 'request', method, target: '/', fields });
      conn.send({ type: 'end-of-message' });
    }
  }
  const drain = (): boolean => {
    for (;;) {
      const event: ReceivedEvent | 'need-data' | 'paused' = conn.nextEvent();
      if (event === 'need-data') return true;
      if (event === 'paused') {
        if (conn.theirState === 'might-switch-protocol' || conn.theirState === 'switched-protocol') {
          if (current !== null) current.upgrade = true;
          return false;
        }
        if (conn.role === 'server' && conn.ourState === 'send-response') {
          conn.send({ type: 'response', status: 200, fields: [['Content-Length', '0']] });
          conn.send({ type: 'end-of-message' });
          continue;
        }
        return false;
      }
      switch (event.type) {
        case 'request':
        case 'response':
        case 'informational': {
          current = {
            ...(event.type === 'request'
              ? { method: event.method, target: event.target }
              : { status: event.status, reason: event.reason }),
            version: event.version,
            headers: event.fields.raw() as [string, string][],
            body: '',
            upgrade: false,
            complete: event.type === 'informational',
          };
          messages.push(current);
          if (event.type === 'informational' && event.status !== 101) current = null;
          break;
        }
        case 'data': {
          const m = current!;
          m.body += Buffer.from(event.data).toString('latin1');
          if (event.extensions !== null) (m.chunks ??= []).push({ size: 0, extensions: event.extensions.map(([n, v]) => [n, v]) });
          if (m.chunks !== undefined) m.chunks.at(-1)!.size += event.data.length;
          break;
        }
        case 'end-of-message': {
          const m = current!;
          m.complete = true;
          if (event.extensions !== null) (m.chunks ??= []).push({ size: 0, extensions: event.extensions.map(([n, v]) => [n, v]) });
          if (event.trailers !== null) m.trailers = event.trailers.raw() as [string, string][];
          break;
        }
        case 'connection-closed':
          return false;
      }
    }
  };
  try {
    let go = true;
    for (const piece of pieces) {
      conn.receive(piece);
      if (go) go = drain();
    }
    if (c.finish) {
      conn.receiveClose();
      if (go) drain();
    }
    if (conn.theirState === 'might-switch-protocol' || conn.theirState === 'switched-protocol') {
      upgradeOffset = input.length - conn.trailingData.data.length;
    }
    return { messages, error: null, upgradeOffset };
  } catch (error) {
    if (!(error instanceof ProtocolError)) throw error;
    assert.equal(error.side, 'remote', `a parse error is the peer's: ${error.message}`);
    return { messages, error, upgradeOffset };
  }
}

function unquote(value: string | null): string | null {
  if (value === null || !value.startsWith('"')) return value;
  return value.slice(1, -1).replace(/\\(.)/g, '$1');
}

/** llhttp keeps trailing whitespace in values; RFC 9110 §5.5 excludes it from the value. */
function normalize(m: Message): Message {
  const trim = (lines: [string, string][]): [string, string][] => lines.map(([n, v]) => [n, v.replace(/[ \t]+$/, '')]);
  return {
    ...m,
    headers: trim(m.headers),
    ...(m.trailers ? { trailers: trim(m.trailers) } : {}),
    ...(m.chunks ? { chunks: m.chunks.map((k) => ({ size: k.size, extensions: k.extensions.map(([n, v]) => [n, unquote(v)] as [string, string | null]) })) } : {}),
  };
}

/** What the case expects of a parser that reports what warren reports. */
function expected(c: Case): Message[] {
  return c.expect.messages
    .filter((m) => m.headersComplete !== false)
    .map((m) => {
      const out = normalize(m);
      delete out.headersComplete;
      // warren reports the last chunk with end-of-message, so an unfinished message has not reached it.
      if (!out.complete && out.chunks?.at(-1)?.size === 0) out.chunks.pop();
      if (out.chunks && out.chunks.length === 0) delete out.chunks;
      if (out.status === undefined) delete out.status;
      return out;
    });
}

function check(c: Case, outcome: Outcome, how: string): void {
  const label = `${c.id} (${c.name}) ${how}`;
  if (c.expect.error !== null) {
    assert.ok(outcome.error !== null, `${label}: expected an error like ${c.expect.error.code}, got none`);
    const done = expected(c).filter((m) => m.complete);
    assert.deepEqual(outcome.messages.filter((m) => m.complete), done, `${label}: messages before the error`);
    return;
  }
  assert.equal(outcome.error, null, `${label}: unexpected ${outcome.error?.code}: ${outcome.error?.message}`);
  assert.deepEqual(outcome.messages, expected(c), `${label}: messages`);
  if (c.expect.upgradeOffset !== undefined) assert.equal(outcome.upgradeOffset, c.expect.upgradeOffset, `${label}: upgrade offset`);
}

/** Whether warren agrees with llhttp on the case, whole. */
function agrees(c: Case): boolean {
  try {
    check(c, run(c, [Buffer.from(c.inputBase64, 'base64')]), 'whole');
    return true;
  } catch (error) {
    if (error instanceof assert.AssertionError) return false;
    throw error;
  }
}

test('the corpus is the one we expect', () => {
  assert.equal(cases.length, 251);
  assert.equal(strict.length, 214);
  for (const id of deviations.keys()) assert.ok(strict.some((c) => c.id === id), `docs/deviations.md lists ${id}, which is not a strict case`);
});

for (const c of strict) {
  const reason = deviations.get(c.id);
  if (reason !== undefined) {
    test(`${c.id} ${c.name}: deviation`, () => {
      assert.equal(agrees(c), false, `${c.id} is listed as a deviation (${reason}) but warren now agrees with llhttp: remove it from docs/deviations.md`);
    });
    continue;
  }
  test(`${c.id} ${c.name}`, () => {
    const input = Buffer.from(c.inputBase64, 'base64');
    check(c, run(c, [input]), 'whole');
    if (c.tags.includes('no-scan')) return;
    for (let k = 1; k < input.length; k++) {
      check(c, run(c, [input.subarray(0, k), input.subarray(k)]), `split at ${k}`);
    }
    check(c, run(c, Array.from(input, (_, i) => input.subarray(i, i + 1))), 'one byte at a time');
  });
}
