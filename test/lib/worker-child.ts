// A warren server in a child process of its own, for the scaling and nginx tests. argv[2]
// is JSON: { address } to bind (with reusePort when asked), or { activation: true } to take
// the socket systemd-style from fd 3 (LISTEN_FDS, LISTEN_PID). It prints one JSON line
// { pid, address } once listening and closes on SIGTERM or when its stdin ends.
// Every response says who served it: X-Pid, and X-Requests (the session's request count).

import { BodyIter, ChunkedBodyIter, Server, socketActivation, type Address, type App } from '../../src/index.js';

interface Config {
  readonly address?: Address;
  readonly reusePort?: boolean;
  readonly activation?: boolean;
}

const config = JSON.parse(process.argv[2] ?? '{}') as Config;

const app: App = async (session, request) => {
  const headers = { 'X-Pid': String(process.pid), 'X-Requests': String(session.requests) };
  const [what, arg] = request.path;
  // The whole body is read before answering: streamed straight back, a 4 MiB upload stalled
  // behind nginx until warren's body timeout (warren to warren, it streams through).
  // The framing stays: chunked in, chunked out.
  if (what === 'echo') {
    const data = request.body === null ? new Uint8Array(0) : await request.body.bytes();
    return { status: 200, headers, body: request.body?.chunked === true ? new ChunkedBodyIter(data.length === 0 ? [] : [{ data }]) : data };
  }
  if (what === 'chunked') {
    const count = Number(arg ?? '3');
    return { status: 200, headers, body: new ChunkedBodyIter((function* () { for (let i = 0; i < count; i++) yield { data: `chunk ${i};` }; })()) };
  }
  if (what === 'big') {
    const size = Number(arg ?? '0');
    const piece = Buffer.alloc(64 * 1024, 0x61);
    return { status: 200, headers, body: new BodyIter((function* () { for (let left = size; left > 0; left -= piece.length) yield left >= piece.length ? piece : piece.subarray(0, left); })(), size) };
  }
  return { status: 200, headers, body: `pid ${process.pid}` };
};

const where = config.activation === true ? socketActivation()[0]! : config.address!;
const server = new Server(where, app, { reusePort: config.reusePort ?? false, requireHost: false, onError: (error) => console.error(error) });
await server.listen();
process.stdout.write(`${JSON.stringify({ pid: process.pid, address: server.address })}\n`);
const stop = (): void => void server.close({ timeout: 1000 }).then(() => process.exit(0));
process.on('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();
