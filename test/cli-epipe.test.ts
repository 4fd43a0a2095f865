// `warren request ... | head -1`: a reader that closes stdout after the first line. The tool
// must end quietly with the response's exit status (0 for any response), as curl does,
// not print `warren: EPIPE: write EPIPE` and exit 1. The bodies are far past a pipe's
// buffer (64 KiB on Linux), so the writes after the close do fail.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { withTimeout } from '../bench/lib/timeout.js';
import { ChunkedBodyIter, Server, formatCliAddress, type App } from '../src/index.js';
import { TIMEOUT } from './lib/cli.js';

// This file runs as dist/test/cli-epipe.test.js; the CLI is dist/src/cli/main.js.
const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const BIG = Buffer.alloc(4 * 1024 * 1024, 'x');

const servers: Server[] = [];
after(async () => {
  for (const server of servers) await withTimeout(server.close(), 5000, () => `server.close() (${server.connections} connections left)`);
});

const app: App = (_session, request) => {
  switch (request.path[0]) {
    case 'missing':
      return { status: 404, body: BIG };
    case 'chunked':
      return {
        status: 200,
        body: new ChunkedBodyIter(
          (function* () {
            for (let i = 0; i < 64; i++) yield { data: BIG.subarray(0, 64 * 1024) };
          })(),
        ),
      };
    default:
      return { status: 200, body: BIG };
  }
};

interface HeadRun {
  firstLine: string;
  code: number | null;
  stderr: string;
}

/** Runs `warren request ADDRESS GET target`, reads stdout to its first line and closes it, as `head -1` does. */
function requestHead(address: string, target: string): Promise<HeadRun> {
  const child = spawn(process.execPath, [MAIN, 'request', address, 'GET', target], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let firstLine: string | null = null;
  child.stdout.setEncoding('latin1').on('data', (text: string) => {
    stdout += text;
    const end = stdout.indexOf('\n');
    if (end !== -1 && firstLine === null) {
      firstLine = stdout.slice(0, end);
      child.stdout.destroy();
    }
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ firstLine: firstLine ?? '', code, stderr });
    });
  });
}

describe('warren request with a stdout closed early (| head -1)', { timeout: TIMEOUT * 3 }, () => {
  for (const [target, status] of [
    ['/', '200 OK'],
    ['/missing', '404 Not Found'],
    ['/chunked', '200 OK'],
  ] as const) {
    it(`${target}: the status line, then a quiet exit 0 (the response's status), no EPIPE`, async () => {
      const server = await new Server(['127.0.0.1', 0], app, { onError: () => {} }).listen();
      servers.push(server);
      const run = await requestHead(formatCliAddress(server.address), target);
      assert.equal(run.firstLine, `HTTP/1.1 ${status}`);
      assert.doesNotMatch(run.stderr, /warren:|EPIPE/);
      assert.equal(run.code, 0, `stderr: ${run.stderr}`);
    });
  }
});
