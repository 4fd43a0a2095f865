// ServerConnection: drives one accepted socket through the protocol core. It reads a
// request, calls the app, writes its response, and goes on to the next request; it reads
// a request body only as fast as the app does (the socket pauses past readAheadBytes),
// and writes a response body only as fast as the peer takes it. Every failure ends in
// a status (400/408/413/500...) when the response has not started, else in a closed socket.
// A response with `switch` (101 to Upgrade, 2xx to CONNECT) hands the socket to the app.

import type { Socket } from '../transport/listen.js';
import {
  Connection,
  ProtocolError,
  reasonPhrase,
  responseHasBody,
  type DataEvent,
  type EndOfMessageEvent,
  type HttpVersion,
  type RequestEvent,
} from '../protocol/index.js';
import { Body, ChunkedBody, bodies, type BodySource } from '../transport/body.js';
import type { Deadlines, Timed } from '../transport/deadlines.js';
import { WarrenError } from '../transport/errors.js';
import { handOver, type SocketListeners } from '../transport/hand-off.js';
import { corkForTick, drained, prepare, bodyWithHead, writeChunks, writeMessage, type Sink } from '../transport/outgoing.js';
import type { App } from './app.js';
import type { ResolvedServerOptions } from './options.js';
import { checkResponse } from './check-response.js';
import { hasDate, type HttpDate } from './date.js';
import { ServerRequest } from './request.js';
import { traceError, traceRequest, type ServerTrace } from './diagnostics.js';
import type { Session } from './session.js';
import { planSwitch, type SwitchPlan } from './switch.js';

/** What a connection needs from its server. */
export interface ServerContext {
  readonly app: App;
  readonly options: ResolvedServerOptions;
  readonly onError: (error: unknown, session: Session) => void;
  readonly deadlines: Deadlines;
  /** The Date field's value, refreshed by the deadline tick. A Server always gives one; without (a bench's bare context), responses carry no Date. */
  readonly date?: HttpDate;
  closed(conn: ServerConnection): void;
  /** Told when a connection's use of its slot changes, for shedding at maxConnections (a bench's bare context has none). */
  slot?(conn: ServerConnection, was: SlotUse, now: SlotUse): void;
}

/**
 * What a connection does with its slot, for Server's shedding: 'idle' between requests
 * (or ending), 'head' while a request head arrives (or the first has not begun), 'busy'
 * while the app handles a request or its response is written: never shed.
 */
export type SlotUse = 'idle' | 'head' | 'busy';

type Phase = 'head' | 'app' | 'respond' | 'switched' | 'done';

/** How long an ending connection waits for the peer's close before it is destroyed. */
const LINGER_MS = 5000;
type Piece = DataEvent | EndOfMessageEvent;

/** @internal One accepted connection, driven by its Server. */
export class ServerConnection implements Timed, Sink {
  readonly #ctx: ServerContext;
  readonly #socket: Socket;
  readonly #conn: Connection;
  /** @internal The session the app sees for this connection. */
  readonly session: Session;
  #phase: Phase = 'head';
  /** @internal See Timed: the sweep that expires this connection's current wait. */
  deadline = Infinity;
  #deadlineKind: 'idle' | 'head' | 'body' | 'linger' | null = null;
  /** The body of the request being answered, while its exchange lasts. */
  #source: ExchangeSource | null = null;
  #current: ServerRequest | null = null;
  #waiter: { resolve: (piece: Piece) => void; reject: (error: unknown) => void } | null = null;
  #peerError: ProtocolError | null = null;
  #closeAfter = false;
  #drained = 0;
  #slot: SlotUse = 'busy';
  /** The current exchange's diagnostics_channel trace; null when no one listens. */
  #trace: ServerTrace | null = null;
  // The 'close' listener stays after a switch: the server tracks the socket until it closes.
  readonly #listeners: SocketListeners = { data: (chunk) => this.#onData(chunk), end: () => this.#onEnd() };

  constructor(ctx: ServerContext, socket: Socket, session: Session) {
    this.#ctx = ctx;
    this.#socket = socket;
    this.session = session;
    this.#conn = new Connection('server', { allowMissingHost: !ctx.options.requireHost, limits: ctx.options.limits });
    socket.setNoDelay(true);
    socket.on('data', this.#listeners.data);
    socket.on('end', this.#listeners.end);
    socket.on('error', () => this.#socket.destroy());
    socket.on('close', () => this.#onClose());
    ctx.deadlines.add(this);
    this.#loop();
  }

  /** @internal Server.closeAllConnections(), or close()'s timeout: ends the connection now, whatever it is doing. */
  destroy(): void {
    this.#socket.destroy();
  }

  /**
   * @internal Server's shedding at maxConnections: drops this idle or slow connection at
   * once (its peer sees the close) and says what it was doing, for the diagnostic.
   */
  shed(): string {
    const what = this.#slot === 'idle' ? `an idle connection after ${this.session.requests} request(s)` : `a connection with ${this.#conn.bufferedBytes} byte(s) of request head received`;
    this.#phase = 'done';
    this.#socket.destroy();
    return what;
  }

  #use(now: SlotUse): void {
    const was = this.#slot;
    if (was === now) return;
    this.#slot = now;
    this.#ctx.slot?.(this, was, now);
  }

  /** @internal Server.close(): finish the exchange in flight, then close; close at once when idle. */
  shutdown(): void {
    this.#closeAfter = true;
    // A switched stream is the app's, but close() still ends it; its timeout destroys it.
    if (this.#phase === 'switched') return void this.#socket.end();
    if (this.#phase === 'head' && this.#conn.bufferedBytes === 0) this.#end();
  }

  /** @internal The deadline tick's call when a timeout has passed. */
  expire(): void {
    const kind = this.#deadlineKind;
    this.#disarm();
    if (kind === 'body' && this.#waiter !== null) {
      this.#reject(new WarrenError('body-timeout', `no request body bytes for ${this.#ctx.options.bodyTimeout} ms`));
    } else if (kind === 'head' && this.#conn.bufferedBytes > 0 && this.#phase === 'head') {
      this.#answerError(408, 'head-timeout', `the request head did not arrive within ${this.#ctx.options.headTimeout} ms`);
    } else {
      this.#socket.destroy();
    }
  }

  #arm(kind: 'idle' | 'head' | 'body' | 'linger', timeout: number): void {
    if (timeout === 0) return this.#disarm();
    this.#deadlineKind = kind;
    this.deadline = this.#ctx.deadlines.due(timeout);
  }

  #disarm(): void {
    this.#deadlineKind = null;
    this.deadline = Infinity;
  }

  #onData(chunk: Buffer): void {
    // Ending: what still comes is dropped, so the socket keeps reading until the peer's close.
    if (this.#phase === 'done') return;
    this.#conn.receive(chunk);
    if (this.#waiter !== null) this.#feedWaiter();
    else if (this.#phase === 'head') this.#loop();
    else if (this.#conn.bufferedBytes > this.#ctx.options.readAheadBytes) this.#socket.pause();
  }

  #onEnd(): void {
    this.#conn.receiveClose();
    if (this.#waiter !== null) this.#feedWaiter();
    else if (this.#phase === 'head') this.#loop();
  }

  #onClose(): void {
    this.#phase = 'done';
    this.#ctx.deadlines.delete(this);
    if (this.#waiter !== null) this.#reject(new WarrenError('connection-closed', 'the connection closed while the request body was read'));
    this.#trace?.error(null, 'connection-closed', 'the connection closed before the response was written', null);
    this.#ctx.closed(this);
  }

  /** Reads requests until one is handed to the app or the connection needs more bytes. */
  #loop(): void {
    while (this.#phase === 'head') {
      let event;
      try {
        event = this.#conn.nextEvent();
      } catch (error) {
        return this.#failedRead(error);
      }
      if (event === 'need-data') {
        if (this.#closeAfter && this.#conn.bufferedBytes === 0) return this.#end();
        if (this.#conn.bufferedBytes > 0 || this.session.requests === 0) {
          if (this.#deadlineKind !== 'head') this.#arm('head', this.#ctx.options.headTimeout);
          this.#use('head');
        } else {
          this.#arm('idle', this.#ctx.options.keepAliveTimeout);
          this.#use('idle');
        }
        this.#socket.resume();
        return;
      }
      if (event === 'paused') return;
      switch (event.type) {
        case 'request':
          this.#disarm();
          this.#use('busy');
          this.#request(event);
          break;
        case 'data':
          // The rest of a body the app did not read: drained up to a bound, to keep the connection.
          this.#drained += event.data.length;
          if (this.#drained > this.#ctx.options.drainBytes) return this.#end();
          break;
        case 'end-of-message':
          this.#drained = 0;
          break;
        case 'connection-closed':
          return this.#end();
      }
    }
  }

  #request(event: RequestEvent): void {
    const options = this.#ctx.options;
    const count = this.session.countRequest();
    if (count >= options.maxRequestsPerConnection) this.#closeAfter = true;
    const framing = event.framing;
    if (framing.kind === 'length' && framing.length > options.maxBodyBytes) {
      return this.#answerError(413, 'body-too-large', `the request body of ${framing.length} bytes is over the limit of ${options.maxBodyBytes}`);
    }
    const source = new ExchangeSource(this, event.method, event.version);
    this.#source = source;
    const body = framing.kind === 'length' ? new Body(source, framing.length) : framing.kind === 'chunked' ? new ChunkedBody(source) : null;
    const request = new ServerRequest(event.method, event.target, event.version, event.fields, body);
    this.#trace = traceRequest(this.session, request);
    this.#current = request;
    this.#phase = 'app';
    let result;
    try {
      result = this.#ctx.app(this.session, request, bodies);
    } catch (error) {
      return this.#appFailed(error);
    }
    if (result instanceof Promise) {
      result.then(
        (response) => this.#respond(response),
        (error) => this.#appFailed(error),
      );
    } else {
      this.#respond(result);
    }
  }

  #respond(response: unknown): void {
    if (this.#phase !== 'app') return;
    let head;
    let plan;
    try {
      checkResponse(response);
      const source = this.#source!;
      const status = response.status;
      const request = this.#current!;
      const switching = planSwitch(response, request, request.body === null || source.ended);
      if (switching !== null) return this.#switch(switching);
      // Whether the response has a body is RFC 9112 §6.3's to decide, in the core.
      const prepared = prepare(response.headers, response.body, source.version !== '1.0', responseHasBody(source.method, status));
      plan = prepared.plan;
      // A client still waiting for 100 Continue may never send the body: the connection cannot go on (RFC 9110 §10.1.1).
      if (this.#conn.expectingContinue) this.#closeAfter = true;
      const date = this.#ctx.date;
      if (date !== undefined && !hasDate(prepared.fields)) prepared.fields.push(['Date', date.value]);
      if (this.#closeAfter || this.#peerError !== null) prepared.fields.push(['Connection', 'close']);
      head = this.#conn.send({ type: 'response', status: response.status, reason: response.reason, fields: prepared.fields, body: bodyWithHead(plan) });
      this.#trace?.head(status, prepared.fields);
    } catch (error) {
      return this.#appFailed(error);
    }
    this.#phase = 'respond';
    let written;
    try {
      written = writeMessage(this.#conn, head, plan, this);
    } catch (error) {
      return this.#writeFailed(error);
    }
    if (written instanceof Promise) written.then(() => this.#responded(), (error) => this.#writeFailed(error));
    // A response written whole may still wait in the socket: a pipelining peer that reads
    // none would have every next one queued without bound, so the next request waits for
    // the drain (bounded by the body timeout), and unread requests wait in the kernel.
    else if (this.#socket.writableNeedDrain) this.drain().then(() => this.#responded(), (error) => this.#writeFailed(error));
    else this.#responded();
  }

  #responded(): void {
    if (this.#phase !== 'respond') return;
    this.#trace?.end();
    this.#trace = null;
    this.#source?.expire();
    this.#source = null;
    this.#current = null;
    const state = this.#conn.ourState;
    if (state === 'must-close' || state === 'closed' || this.#peerError !== null) return this.#end();
    this.#phase = 'head';
    this.#drained = 0;
    this.#loop();
  }

  /** Writes the switch's head and hands the socket, with the bytes already past the request, to its handler. */
  #switch(plan: SwitchPlan): void {
    const date = this.#ctx.date;
    if (plan.kind === 'connect' && date !== undefined && !hasDate(plan.fields)) plan.fields.push(['Date', date.value]);
    const head = plan.kind === 'upgrade' ? this.#conn.send({ type: 'informational', status: 101, fields: plan.fields }) : this.#conn.send({ type: 'response', status: plan.status, fields: plan.fields });
    this.#phase = 'switched';
    this.#source?.expire();
    this.#source = null;
    this.#current = null;
    this.#disarm();
    this.#ctx.deadlines.delete(this);
    const rest = Buffer.from(this.#conn.trailingData.data);
    handOver(this.#socket, this.#listeners);
    this.write(head);
    // For diagnostics the exchange ends here: what follows is the switch handler's protocol.
    this.#trace?.head(plan.kind === 'upgrade' ? 101 : plan.status, plan.fields);
    this.#trace?.end();
    this.#trace = null;
    const failed = (error: unknown): void => {
      this.#ctx.onError(error, this.session);
      this.#socket.destroy();
    };
    try {
      const taken = plan.handler(this.#socket, rest);
      if (taken instanceof Promise) taken.catch(failed);
    } catch (error) {
      failed(error);
    }
  }

  #appFailed(error: unknown): void {
    if (this.#phase !== 'app') return;
    const remote = this.#peerError ?? (error instanceof ProtocolError && error.side === 'remote' ? error : null);
    if (remote !== null) return this.#answerError(remote.status, remote.code, remote.message, remote);
    if (error instanceof WarrenError && error.code === 'body-timeout') return this.#answerError(408, error.code, error.message, error);
    if (error instanceof WarrenError && error.code === 'connection-closed') return this.#end();
    this.#ctx.onError(error, this.session);
    this.#answerError(500, 'app-error', 'the app failed', error);
  }

  #writeFailed(error: unknown): void {
    // The head is out: no status can tell the peer; only the close can.
    if (!(error instanceof WarrenError && error.code === 'connection-closed')) this.#ctx.onError(error, this.session);
    this.#trace?.error(null, error instanceof WarrenError ? error.code : 'write-failed', error instanceof Error ? error.message : String(error), error);
    this.#socket.destroy();
  }

  #failedRead(error: unknown): void {
    if (!(error instanceof ProtocolError)) throw error;
    if (error.code === 'data-after-close') return this.#end();
    this.#answerError(error.status, error.code, error.message, error);
  }

  /** Answers with an error status and closes; when a response has started, just closes. */
  #answerError(status: number, code: string, message: string, error: unknown = null): void {
    this.#source?.expire();
    this.#source = null;
    this.#phase = 'respond';
    const state = this.#conn.ourState;
    traceError(this.#trace, this.session, state === 'idle' || state === 'send-response' ? status : null, code, message, error);
    this.#trace = null;
    if (state !== 'idle' && state !== 'send-response') return this.#end();
    const text = `${status} ${reasonPhrase(status)}: ${message} (${code})\n`;
    try {
      const body = Buffer.from(text);
      const date = this.#ctx.date;
      this.write(
        this.#conn.send({
          type: 'response',
          status,
          fields: [['Content-Type', 'text/plain; charset=utf-8'], ['Content-Length', String(body.length)], ...(date === undefined ? [] : [['Date', date.value] as const]), ['Connection', 'close']],
          body,
        }),
      );
    } catch {
      // The state allowed no response after all: closing says enough.
    }
    this.#end();
  }

  #end(): void {
    this.#phase = 'done';
    // Lingering for the peer's close holds a slot for no request: the first to go at the limit.
    this.#use('idle');
    this.#socket.resume();
    this.#socket.end();
    // A peer that never closes its side is cut off (nginx: lingering_timeout 5 s).
    this.#arm('linger', LINGER_MS);
  }

  /** @internal Sink: the response goes out through here. */
  write(chunks: Uint8Array[]): boolean {
    // More requests are already here (pipelined): their responses leave together.
    if (this.#conn.bufferedBytes > 0) corkForTick(this.#socket);
    return writeChunks(this.#socket, chunks, 'response');
  }

  /** @internal Sink: waits until the socket takes writes again, bounded by the body timeout. */
  async drain(): Promise<void> {
    const wait = drained(this.#socket, 'response');
    if (wait === null) return;
    this.#arm('body', this.#ctx.options.bodyTimeout);
    try {
      await wait;
    } finally {
      this.#disarm();
    }
  }

  /** @internal The next piece of the current request body (see ExchangeSource). */
  nextPiece(): Piece | Promise<Piece> {
    if (this.#conn.expectingContinue) this.write(this.#conn.send({ type: 'informational', status: 100 }));
    const piece = this.#read();
    if (piece !== null) return piece;
    this.#socket.resume();
    this.#arm('body', this.#ctx.options.bodyTimeout);
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  /** A body piece if one is ready, null if more bytes are needed; throws what the core throws. */
  #read(): Piece | null {
    let event;
    try {
      event = this.#conn.nextEvent();
    } catch (error) {
      if (error instanceof ProtocolError && error.side === 'remote') this.#peerError = error;
      throw error;
    }
    if (event === 'need-data') return null;
    if (event === 'paused' || (event.type !== 'data' && event.type !== 'end-of-message')) {
      throw new WarrenError('misuse', 'the request body was already read to its end');
    }
    if (event.type === 'end-of-message') this.#source!.ended = true;
    else {
      const source = this.#source!;
      source.received += event.data.length;
      if (source.received > this.#ctx.options.maxBodyBytes) {
        this.#peerError = new ProtocolError('body-too-large', 'remote', `the request body is over the limit of ${this.#ctx.options.maxBodyBytes} bytes`, 413);
        throw this.#peerError;
      }
    }
    if (this.#conn.bufferedBytes <= this.#ctx.options.readAheadBytes) this.#socket.resume();
    return event;
  }

  #feedWaiter(): void {
    const waiter = this.#waiter!;
    let piece;
    try {
      piece = this.#read();
    } catch (error) {
      this.#waiter = null;
      this.#disarm();
      waiter.reject(error);
      return;
    }
    if (piece === null) {
      this.#arm('body', this.#ctx.options.bodyTimeout);
      return;
    }
    this.#waiter = null;
    this.#disarm();
    waiter.resolve(piece);
  }

  #reject(error: unknown): void {
    const waiter = this.#waiter!;
    this.#waiter = null;
    waiter.reject(error);
  }
}

/** The body source of one exchange: dead once its response is sent. */
class ExchangeSource implements BodySource {
  readonly #owner: ServerConnection;
  #live = true;
  received = 0;
  /** The body was read to its end: what follows is the next request's, or a switched protocol's. */
  ended = false;
  readonly method: string;
  readonly version: HttpVersion;

  constructor(owner: ServerConnection, method: string, version: HttpVersion) {
    this.#owner = owner;
    this.method = method;
    this.version = version;
  }

  /** @internal */
  next(): Piece | Promise<Piece> {
    if (!this.#live) throw new WarrenError('misuse', 'a request body was read after its response was sent: read it before responding');
    return this.#owner.nextPiece();
  }

  /** @internal */
  expire(): void {
    this.#live = false;
  }
}
