// Child process of the suite, driven over IPC, for the two jobs that need many connections:
//
//   { load }   W6 without wrk: a multi-connection raw-socket load generator. Each of
//              `connections` keep-alive connections sends GET /example, waits for the whole
//              response, and sends again, until `ms` have passed or `maxRequests` were sent.
//              Answers { count, seconds, errors }: responses read, and the time from the
//              first request to the last response.
//   { idle }   the idle-memory measurement: opens `connections` connections in batches,
//              each sends one request, reads its response and stays open. Answers
//              { opened, seconds }. { close } then closes them all.
//
// Every job is bounded in time: it fails (answers { error }) rather than wait forever.

import { connect, type Socket } from 'node:net';
import { withTimeout } from '../lib/timeout.js';
import { hostField, ResponseReader, type Target } from './framing.js';
import { HELLO } from './payloads.js';

export type LoadCommand =
  | { readonly load: { readonly target: Target; readonly connections: number; readonly ms: number; readonly maxRequests: number } }
  | { readonly idle: { readonly target: Target; readonly connections: number; readonly batch: number; readonly timeoutMs: number } }
  | { readonly close: true };

export type LoadReply =
  | { readonly count: number; readonly seconds: number; readonly errors: number }
  | { readonly opened: number; readonly seconds: number }
  | { readonly closed: number }
  | { readonly error: string };

function requestFor(target: Target): Buffer {
  return Buffer.from(`GET /example HTTP/1.1\r\nHost: ${hostField(target)}\r\n\r\n`, 'latin1');
}

function open(target: Target): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = 'path' in target ? connect(target.path) : connect(target.port, target.host);
    socket.setNoDelay(true);
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

async function load(target: Target, connections: number, ms: number, maxRequests: number): Promise<LoadReply> {
  const sockets: Socket[] = [];
  for (let i = 0; i < connections; i += 50) {
    const batch = await Promise.all(Array.from({ length: Math.min(50, connections - i) }, () => open(target)));
    sockets.push(...batch);
  }
  const request = requestFor(target);
  let sent = 0;
  let count = 0;
  let errors = 0;
  let last = process.hrtime.bigint();
  const started = process.hrtime.bigint();
  const end = Date.now() + ms;
  await new Promise<void>((resolve) => {
    let running = sockets.length;
    const stopped = new WeakSet<Socket>();
    const stop = (socket: Socket): void => {
      if (stopped.has(socket)) return;
      stopped.add(socket);
      socket.removeAllListeners('data');
      if (--running === 0) resolve();
    };
    for (const socket of sockets) {
      const reader = new ResponseReader(HELLO.length);
      socket.on('error', () => {
        errors++;
        stop(socket);
      });
      socket.on('data', (chunk: Buffer) => {
        let done: number;
        try {
          done = reader.feed(chunk);
        } catch {
          errors++;
          socket.destroy();
          return stop(socket);
        }
        if (done === 0) return;
        count += done;
        last = process.hrtime.bigint();
        if (sent < maxRequests && Date.now() < end) {
          sent++;
          socket.write(request);
        } else {
          stop(socket);
        }
      });
      sent++;
      socket.write(request);
    }
  });
  for (const socket of sockets) socket.destroy();
  return { count, seconds: Number(last - started) / 1e9, errors };
}

let idle: Socket[] = [];

async function openIdle(target: Target, connections: number, batch: number): Promise<LoadReply> {
  const request = requestFor(target);
  const started = process.hrtime.bigint();
  const one = async (): Promise<Socket> => {
    const socket = await open(target);
    const reader = new ResponseReader(HELLO.length);
    await new Promise<void>((resolve, reject) => {
      socket.on('data', (chunk: Buffer) => {
        try {
          if (reader.feed(chunk) > 0) resolve();
        } catch (error) {
          reject(error as Error);
        }
      });
      socket.once('close', () => reject(new Error('the server closed an idle connection')));
      socket.write(request);
    });
    socket.removeAllListeners('data');
    socket.removeAllListeners('close');
    socket.on('error', () => {});
    return socket;
  };
  for (let i = 0; i < connections; i += batch) {
    idle.push(...(await Promise.all(Array.from({ length: Math.min(batch, connections - i) }, one))));
  }
  return { opened: idle.length, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

function reply(message: LoadReply): void {
  process.send?.(message);
}

process.on('message', (message: LoadCommand) => {
  if ('load' in message) {
    const { target, connections, ms, maxRequests } = message.load;
    withTimeout(load(target, connections, ms, maxRequests), ms + 20_000, `the load of ${connections} connections`).then(reply, (error: Error) => reply({ error: error.message }));
  } else if ('idle' in message) {
    const { target, connections, batch, timeoutMs } = message.idle;
    withTimeout(openIdle(target, connections, batch), timeoutMs, `opening ${connections} idle connections`).then(reply, (error: Error) => reply({ error: error.message }));
  } else if ('close' in message) {
    const closed = idle.length;
    for (const socket of idle) socket.destroy();
    idle = [];
    reply({ closed });
  }
});
process.on('disconnect', () => process.exit(0));
