// ClientConnection: one connection to a server, driving the protocol core in the client
// role. Requests go out in order; a request made before the previous response is read is
// pipelined (up to `pipelining` on the wire, RFC 9112 §9.3.2) and responses resolve in
// order. Response bodies are read only as fast as the program reads them. Every failure
// is a RequestError saying whether the request was sent, so a caller knows if a retry is safe.
// upgrade() and tunnel() go out alone and, once accepted, hand the socket to the program.

import type { TLSSocket } from 'node:tls';
import type { Socket } from '../transport/connect.js';
import { Connection, ProtocolError, keepAliveTimeout, opensTunnel, requestStatesEmptyLength, type FieldLine, type InformationalEvent, type ResponseEvent } from '../protocol/index.js';
import { Body, ChunkedBody, type OutgoingBody } from '../transport/body.js';
import type { Deadlines } from '../transport/deadlines.js';
import { RequestError, WarrenError } from '../transport/errors.js';
import { handOver, type SocketListeners } from '../transport/hand-off.js';
import { drained, prepare, bodyWithHead, writeBody, writeChunks, writeMessage, type HeadersInit } from '../transport/outgoing.js';
import { identityOf, type TlsIdentity } from '../transport/tls.js';
import { abortError } from './abort.js';
import { decodedResponse, offerCodings } from './decode.js';
import { underDefaults, type ResolvedClientOptions } from './options.js';
import { checkRange, rangeHeaders } from './range.js';
import { checkRequestTarget, requestMethod } from './request-line.js';
import { asRequestError } from './request-error.js';
import { ClientResponse } from './response.js';
import { traceClientError, traceClientRequest } from './diagnostics.js';
import { MAX_INFORMATIONAL_RESPONSES, newExchange, type Exchange, type RequestOptions } from './exchange.js';
import { ResponseSource } from './response-source.js';
import { settleSwitch, tunnelRequest, upgradeRequest, type Switched, type Switching } from './switch.js';

/** What a connection needs from whoever made it: a Client or a Pool. */
export interface ConnectionHost {
  readonly options: ResolvedClientOptions;
  readonly host: string | null;
  /** The coarse clock of the connection's timeouts. */
  readonly deadlines: Deadlines;
  /** A response has been read to its end (pools reuse the connection then). */
  released?(conn: ClientConnection): void;
  closed?(conn: ClientConnection): void;
}

/**
 * One connection to a server, from `await client.connect()`. Requests on it go out in the
 * order they are made and their responses resolve in that order; up to `pipelining` are on
 * the wire at once. A body is read as fast as the program reads it, and the responses
 * behind it wait: read each body to its end, or close the connection. A failure rejects
 * with a RequestError whose `sent` says whether a retry is safe.
 */
export class ClientConnection {
  // A Timed and a Sink through members marked @internal: no `implements`, which would outlive them in the .d.ts.
  readonly #host: ConnectionHost;
  readonly #socket: Socket;
  readonly #conn: Connection;
  readonly #queue: Exchange[] = [];
  readonly #inflight: Exchange[] = [];
  #writing: Exchange | null = null;
  /** The response body being read off the wire. */
  #reading: ResponseSource | null = null;
  #failure: RequestError | null = null;
  #mustClose = false;
  #responses = 0;
  #tls: TlsIdentity | null | undefined = undefined;
  /** @internal When the armed timeout is due, on the host's coarse clock. */
  deadline = Infinity;
  #deadlineKind: 'headers' | 'body' | null = null;
  #handedOver = false;
  readonly #listeners: SocketListeners = { data: (chunk) => this.#onData(chunk), end: () => this.#onEnd(), close: () => this.#onClose() };

  /** Made by Client.connect() and by a Pool, not by a program. */
  constructor(host: ConnectionHost, socket: Socket) {
    this.#host = host;
    this.#socket = socket;
    this.#conn = new Connection('client', { limits: host.options.limits });
    socket.setNoDelay(true);
    socket.on('data', this.#listeners.data);
    socket.on('end', this.#listeners.end);
    socket.on('error', (error: Error & { code?: string }) => {
      if (this.#handedOver) return;
      // TLS 1.3 refuses a client certificate after the client thinks the handshake is done.
      const tls = /alert|certificate/i.test(error.message) || (error.code ?? '').startsWith('ERR_SSL');
      this.#fail(new WarrenError(tls ? 'tls-failed' : 'connection-closed', `the connection failed: ${error.message}`, { cause: error }));
    });
    socket.on('close', this.#listeners.close!);
    host.deadlines.add(this);
  }

  /** False once the connection failed or closed, or will close after its current exchanges. */
  get usable(): boolean {
    return this.#failure === null && !this.#mustClose && !this.#socket.destroyed && this.#conn.keepAlive;
  }

  /** No request queued, on the wire or being read. */
  get idle(): boolean {
    return this.#queue.length === 0 && this.#inflight.length === 0 && this.#writing === null;
  }

  /** Responses read to their end on this connection. */
  get responses(): number {
    return this.#responses;
  }

  /** The server's Keep-Alive: timeout=N hint from its last response, in ms; null when none. */
  keepAliveHint: number | null = null;

  /** Over TLS, what the handshake settled: protocol, cipher and the server's certificate (for an onConnect check); null over plain TCP or Unix. */
  get tls(): TlsIdentity | null {
    if (this.#tls === undefined) this.#tls = 'encrypted' in this.#socket ? identityOf(this.#socket as TLSSocket) : null;
    return this.#tls;
  }

  /**
   * Sends a request and resolves with its response head; the body is read from
   * `response.body`. `method`: DELETE, GET, HEAD, OPTIONS, POST and PUT are upper-cased
   * as fetch does, any other token is sent as given. `uri`: the request-target, `/path?query`
   * (absolute `http://host/path` for a proxy, `*` for OPTIONS, `host:port` for CONNECT),
   * visible ASCII. `headers` go over the client's `authorization` and `headers` options.
   * A bad method, target or header is refused before anything is sent (`sent: false`).
   */
  request(method: string, uri: string, headers?: HeadersInit, body?: OutgoingBody, options?: RequestOptions): Promise<ClientResponse> {
    return this.#enqueue(method, uri, headers, body, options, null);
  }

  /**
   * Asks to switch the connection to `protocol` (Upgrade, RFC 9110 §7.8): a GET of `uri`
   * with Upgrade and Connection: upgrade, sent once every request before it is answered,
   * with none behind it. A 101 resolves with the stream, which is no longer warren's (the
   * connection leaves its pool); any other answer rejects with a SwitchRefusedError
   * ('upgrade-refused') holding the response.
   */
  upgrade(uri: string, protocol: string, headers?: HeadersInit, options?: RequestOptions): Promise<Switched> {
    return this.#switch('GET', uri, () => upgradeRequest(protocol, headers), options);
  }

  /**
   * Opens a tunnel to `authority` (host:port) through the proxy at the other end: a CONNECT
   * (RFC 9110 §9.3.6), alone on the connection like upgrade(). A 2xx resolves with the
   * stream; any other answer (407 asks for Proxy-Authorization) rejects with a
   * SwitchRefusedError ('tunnel-refused') holding the response.
   */
  tunnel(authority: string, headers?: HeadersInit, options?: RequestOptions): Promise<Switched> {
    return this.#switch('CONNECT', authority, () => tunnelRequest(authority, headers), options);
  }

  #switch(method: string, uri: string, ask: () => ReturnType<typeof upgradeRequest>, options: RequestOptions | undefined): Promise<Switched> {
    let asked: ReturnType<typeof upgradeRequest>;
    try {
      asked = ask();
    } catch (error) {
      return Promise.reject(asRequestError(error, false));
    }
    return this.#enqueue(method, uri, asked.fields, null, options, asked.switching).then((response) => settleSwitch(response, asked.switching, uri));
  }

  #enqueue(method: string, uri: string, headers: HeadersInit | undefined, body: OutgoingBody, options: RequestOptions | undefined, switching: Switching | null): Promise<ClientResponse> {
    return new Promise<ClientResponse>((resolve, reject) => {
      let sendMethod = method;
      let refusal: RequestError | null = null;
      try {
        sendMethod = requestMethod(method);
        checkRequestTarget(sendMethod, uri);
      } catch (error) {
        refusal = asRequestError(error, false);
      }
      const exchange = newExchange(sendMethod, uri, headers, body, options?.signal, resolve, reject, switching);
      if (refusal !== null) return this.#settle(exchange, refusal);
      if (this.#failure !== null || this.#mustClose || this.#socket.destroyed) {
        return this.#settle(exchange, new RequestError('connection-closed', 'the connection is closed or closing: make a new one', false));
      }
      const signal = options?.signal;
      if (signal?.aborted) return this.#settle(exchange, abortError(signal, 'before it was sent', false));
      if (signal !== undefined) {
        exchange.onAbort = () => this.#abort(exchange);
        signal.addEventListener('abort', exchange.onAbort, { once: true });
      }
      this.#queue.push(exchange);
      this.#pumpWrites();
    });
  }

  /** A GET request; see request(). */
  get(uri: string, headers?: HeadersInit, options?: RequestOptions): Promise<ClientResponse> {
    return this.request('GET', uri, headers, null, options);
  }

  /** A HEAD request: its response has no body, whatever its Content-Length says. */
  head(uri: string, headers?: HeadersInit, options?: RequestOptions): Promise<ClientResponse> {
    return this.request('HEAD', uri, headers, null, options);
  }

  /** A DELETE request; see request(). */
  delete(uri: string, headers?: HeadersInit, options?: RequestOptions): Promise<ClientResponse> {
    return this.request('DELETE', uri, headers, null, options);
  }

  /** A PUT request with `body` (framed by Content-Length when its length is known, else chunked). */
  put(uri: string, headers?: HeadersInit, body?: OutgoingBody, options?: RequestOptions): Promise<ClientResponse> {
    return this.request('PUT', uri, headers, body, options);
  }

  /** A POST request with `body` (framed by Content-Length when its length is known, else chunked). */
  post(uri: string, headers?: HeadersInit, body?: OutgoingBody, options?: RequestOptions): Promise<ClientResponse> {
    return this.request('POST', uri, headers, body, options);
  }

  /**
   * A GET of the bytes from `start` up to, not including, `stop` (Degu's get_range), sent
   * as `Range: bytes=start-(stop-1)`. Resolves with a 206 whose Content-Range names those
   * bytes (or those before the end, when the representation is shorter); anything else
   * rejects with a RangeMismatchError (code 'range-mismatch') holding the response unread.
   */
  getRange(uri: string, headers: HeadersInit | undefined, start: number, stop: number, options?: RequestOptions): Promise<ClientResponse> {
    let lines: FieldLine[];
    try {
      lines = rangeHeaders(headers, start, stop);
    } catch (error) {
      return Promise.reject(asRequestError(error, false));
    }
    return this.request('GET', uri, lines, null, options).then((response) => checkRange(response, start, stop));
  }

  /** Closes at once; requests not yet answered fail with code 'connection-closed'. */
  close(): void {
    // After a switch the socket is the program's to close.
    if (this.#handedOver) return;
    this.#fail(new WarrenError('connection-closed', 'the connection was closed by close()'));
    this.#socket.destroy();
  }

  // --- writing

  #pumpWrites(): void {
    while (this.#writing === null && this.#queue.length > 0 && this.#inflight.length < this.#host.options.pipelining) {
      // A switch goes out alone: the bytes after its answer may not be HTTP.
      if (this.#inflight.length > 0 && (this.#queue[0]!.switching !== null || this.#inflight.at(-1)!.switching !== null)) return;
      if (this.#mustClose || !this.#conn.keepAlive || this.#conn.ourState !== 'idle') {
        if (this.#inflight.length > 0 && this.#conn.ourState !== 'idle' && this.#conn.keepAlive && !this.#mustClose) return;
        for (const exchange of this.#queue.splice(0)) {
          this.#settle(exchange, new RequestError('connection-closed', 'the connection closes after the exchange before this request: it was not sent', false));
        }
        return;
      }
      const exchange = this.#queue.shift()!;
      this.#start(exchange);
    }
  }

  #start(exchange: Exchange): void {
    let head: Uint8Array[];
    let plan;
    let expectContinue = false;
    let held = false;
    try {
      const method = exchange.method;
      const bodiless = exchange.body === null || exchange.body === undefined;
      const prepared = prepare(exchange.headers, exchange.body, true, !bodiless || requestStatesEmptyLength(method));
      plan = prepared.plan;
      const fields: FieldLine[] = prepared.fields;
      const defaults = this.#host.options.defaultFields;
      if (defaults.length > 0) underDefaults(fields, defaults);
      if (this.#host.options.decompress) offerCodings(fields);
      if (this.#host.host !== null && !prepared.host) fields.unshift(['Host', this.#host.host]);
      // A body that may wait for 100 (Continue) goes after the head, not in it.
      held = prepared.expectContinue;
      head = this.#conn.send({ type: 'request', method, target: exchange.uri, fields, body: held ? undefined : bodyWithHead(plan) });
      expectContinue = this.#conn.expectingContinue;
      exchange.trace = traceClientRequest(this, method, exchange.uri, fields);
    } catch (error) {
      return this.#settle(exchange, asRequestError(error, false));
    }
    this.#writing = exchange;
    this.#inflight.push(exchange);
    exchange.sent = true;
    let written: void | Promise<void>;
    try {
      if (expectContinue) {
        this.write(head);
        written = this.#afterContinue(exchange).then(() => (this.#mustClose ? undefined : writeBody(this.#conn, [], plan, this)));
      } else if (held) {
        written = writeBody(this.#conn, head, plan, this);
      } else {
        written = writeMessage(this.#conn, head, plan, this);
      }
    } catch (error) {
      return this.#fail(error);
    }
    if (written instanceof Promise) written.then(() => this.#written(exchange), (error) => this.#fail(error));
    else this.#written(exchange);
  }

  /** Resolves when the server says 100 Continue, or after continueTimeout; a final response first means no body. */
  #afterContinue(exchange: Exchange): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        exchange.continued = null;
        resolve();
      }, this.#host.options.continueTimeout);
      exchange.continued = () => {
        clearTimeout(timer);
        exchange.continued = null;
        resolve();
      };
    });
  }

  #written(exchange: Exchange): void {
    if (this.#writing === exchange) this.#writing = null;
    if (this.#inflight[0] === exchange && !exchange.answered) this.#arm('headers', this.#host.options.headersTimeout);
    this.#pumpWrites();
  }

  /** @internal The Sink the body writers write through. */
  write(chunks: Uint8Array[]): boolean {
    return writeChunks(this.#socket, chunks, 'request');
  }

  /** @internal Waits until the socket takes more, under the body timeout. */
  async drain(): Promise<void> {
    const wait = drained(this.#socket, 'request');
    if (wait === null) return;
    this.#arm('body', this.#host.options.bodyTimeout);
    try {
      await wait;
    } finally {
      // A headers deadline armed since, for an earlier pipelined request, stays.
      if (this.#deadlineKind === 'body') this.#disarm();
    }
  }

  // --- reading

  #onData(chunk: Buffer): void {
    this.#conn.receive(chunk);
    this.pumpReads();
  }

  #onEnd(): void {
    this.#conn.receiveClose();
    this.pumpReads();
  }

  /**
   * @internal
   * Reads what can be read now: response heads, and body pieces. A body is read ahead, up
   * to readAheadBytes, before anyone asks: a small one is then whole by the time the
   * program reads it (no wait on the socket), and pipelined responses behind it resolve.
   */
  pumpReads(): void {
    while (this.#failure === null) {
      const source = this.#reading;
      if (source !== null && !source.wanted && source.bytes >= this.#host.options.readAheadBytes) {
        if (this.#conn.bufferedBytes > this.#host.options.readAheadBytes) this.#socket.pause();
        return;
      }
      let event;
      try {
        event = this.#conn.nextEvent();
      } catch (error) {
        return this.#fail(this.#closedEarly(error) ? new WarrenError('connection-closed', this.#closedEarlyMessage()) : error);
      }
      if (event === 'need-data' || event === 'paused') {
        this.#socket.resume();
        if (source?.wanted && this.#deadlineKind === null) this.#arm('body', this.#host.options.bodyTimeout);
        return;
      }
      const exchange = this.#inflight[0];
      if (event.type === 'connection-closed') {
        if (exchange !== undefined) return this.#fail(new WarrenError('connection-closed', this.#closedEarlyMessage()));
        this.#mustClose = true;
        this.#socket.end();
        return;
      }
      if (exchange === undefined) return this.#fail(new ProtocolError('unexpected-response', 'remote', 'the server sent a response to no request'));
      switch (event.type) {
        case 'informational':
          if (++exchange.informational > MAX_INFORMATIONAL_RESPONSES) {
            return this.#fail(new ProtocolError('too-many-informational', 'remote', `the server sent more than ${MAX_INFORMATIONAL_RESPONSES} interim (1xx) responses before a final one`));
          }
          if (event.status === 100) exchange.continued?.();
          if (event.status === 101 && exchange.switching !== null) return this.#switched(exchange, event);
          break;
        case 'response': {
          if (exchange.switching?.kind === 'connect' && opensTunnel('CONNECT', event.status)) return this.#switched(exchange, event);
          exchange.answered = true;
          this.#disarm();
          if (exchange.continued !== null) {
            // A final response before 100 Continue: the body is not sent, so the connection cannot go on.
            this.#mustClose = true;
            exchange.continued();
          }
          const hint = keepAliveTimeout(event.fields.get('keep-alive'));
          this.keepAliveHint = hint === null ? null : hint * 1000;
          const framing = event.framing;
          let body: Body | ChunkedBody | null = null;
          if (framing.kind !== 'none') {
            const reader = new ResponseSource(this);
            this.#reading = reader;
            body = framing.kind === 'length' ? new Body(reader, framing.length) : framing.kind === 'chunked' ? new ChunkedBody(reader) : new Body(reader, null);
          }
          const response = new ClientResponse(event.status, event.reason, event.version, event.fields, body);
          // A body that fails to decode while still on the wire leaves nothing worth reading on this connection.
          const reading = this.#reading;
          const drop = (): void => (reading !== null && this.#reading === reading ? this.close() : undefined);
          const settled = this.#host.options.decompress ? decodedResponse(response, this.#host.options.maxDecodedBytes, drop) : response;
          exchange.trace?.head(settled);
          this.#settle(exchange, settled);
          break;
        }
        case 'data':
          if (this.#deadlineKind === 'body') this.#disarm();
          source!.push(event);
          break;
        case 'end-of-message':
          source?.push(event);
          this.#finished();
          break;
      }
    }
  }

  /** The switch was accepted: the socket, and the bytes after the head, go to the program; the connection is done. */
  #switched(exchange: Exchange, event: InformationalEvent | ResponseEvent): void {
    this.#inflight.shift();
    exchange.answered = true;
    this.#disarm();
    this.#mustClose = true;
    exchange.switching!.taken = { stream: this.#socket, head: Buffer.from(this.#conn.trailingData.data) };
    if (exchange.onAbort && exchange.signal) exchange.signal.removeEventListener('abort', exchange.onAbort);
    handOver(this.#socket, this.#listeners);
    this.#handedOver = true;
    this.#host.deadlines.delete(this);
    this.#host.closed?.(this);
    for (const queued of this.#queue.splice(0)) this.#settle(queued, new RequestError('connection-closed', 'the connection switched protocols before this request was sent', false));
    const response = new ClientResponse(event.status, event.reason, event.version, event.fields, null);
    // For diagnostics the exchange ends here: what follows is the program's protocol.
    exchange.trace?.head(response);
    exchange.trace?.end();
    this.#settle(exchange, response);
  }

  /** The server closed before a single byte of the response at the head of the line: the request may be retried. */
  #closedEarly(error: unknown): boolean {
    const exchange = this.#inflight[0];
    return error instanceof ProtocolError && error.code === 'incomplete-message' && exchange !== undefined && !exchange.answered && this.#conn.bufferedBytes === 0;
  }

  #closedEarlyMessage(): string {
    // A TLS server that refuses a client certificate after the handshake closes without a word.
    return this.#responses === 0 && 'encrypted' in this.#socket
      ? 'the server closed the connection right after the TLS handshake, before responding: was the client certificate refused?'
      : 'the server closed the connection before responding';
  }

  /** The exchange at the head of the line has its whole response. */
  #finished(): void {
    const exchange = this.#inflight.shift();
    this.#reading = null;
    this.#responses++;
    exchange?.trace?.end();
    if (exchange?.onAbort && exchange.signal) exchange.signal.removeEventListener('abort', exchange.onAbort);
    if (this.#inflight[0] !== undefined && this.#writing !== this.#inflight[0]) this.#arm('headers', this.#host.options.headersTimeout);
    else this.#disarm();
    if (this.#mustClose || !this.#conn.keepAlive) {
      if (this.#inflight.length === 0) this.#socket.end();
    }
    this.#pumpWrites();
    this.#host.released?.(this);
  }

  // --- time, aborts and failure

  #arm(kind: 'headers' | 'body', timeout: number): void {
    if (timeout === 0) return;
    this.#deadlineKind = kind;
    this.deadline = this.#host.deadlines.due(timeout);
  }

  #disarm(): void {
    this.#deadlineKind = null;
    this.deadline = Infinity;
  }

  /** @internal Called by the host's clock when the armed timeout is due. */
  expire(): void {
    const kind = this.#deadlineKind;
    this.#disarm();
    const timeout = kind === 'headers' ? this.#host.options.headersTimeout : this.#host.options.bodyTimeout;
    this.#fail(new WarrenError(kind === 'headers' ? 'headers-timeout' : 'body-timeout', `no ${kind === 'headers' ? 'response head' : 'body bytes'} for ${timeout} ms`));
    this.#socket.destroy();
  }

  #abort(exchange: Exchange): void {
    const index = this.#queue.indexOf(exchange);
    if (index !== -1) {
      this.#queue.splice(index, 1);
      return this.#settle(exchange, abortError(exchange.signal, 'before it was sent', false));
    }
    // On the wire, HTTP/1.1 has no way to cancel one request but to close the connection:
    // this one fails with the abort; the others on the connection because it closed.
    if (!exchange.settled) this.#settle(exchange, abortError(exchange.signal, 'after it was sent: its connection was closed', true));
    else if (this.#reading !== null && this.#inflight[0] === exchange) {
      const failure = abortError(exchange.signal, 'while its response body was read: its connection was closed', true);
      failure.responseStarted = true;
      exchange.trace?.error(failure);
      this.#reading.fail(failure);
      this.#reading = null;
    }
    this.#fail(new WarrenError('connection-closed', 'the connection was closed because a request on it was aborted'));
    this.#socket.destroy();
  }

  /** Fails every exchange not yet answered, and the body being read. */
  #fail(error: unknown): void {
    if (this.#failure === null) this.#failure = asRequestError(error, true);
    const failure = this.#failure;
    const reading = this.#inflight[0];
    this.#disarm();
    for (const exchange of [...this.#inflight.splice(0), ...this.#queue.splice(0)]) {
      if (!exchange.settled) this.#settle(exchange, new RequestError(failure.code, failure.message, exchange.sent && failure.sent, { cause: failure.cause ?? error }));
    }
    if (this.#reading !== null) {
      const bodyFailure = new RequestError(failure.code, failure.message, true, { cause: failure.cause ?? error });
      bodyFailure.responseStarted = true;
      reading?.trace?.error(bodyFailure);
      this.#reading.fail(bodyFailure);
      this.#reading = null;
    }
    this.#writing = null;
    if (!this.#socket.destroyed) this.#socket.destroy();
  }

  #settle(exchange: Exchange, outcome: ClientResponse | RequestError): void {
    if (exchange.settled) return;
    exchange.settled = true;
    if (outcome instanceof RequestError) {
      if (exchange.onAbort && exchange.signal) exchange.signal.removeEventListener('abort', exchange.onAbort);
      outcome.responseStarted = exchange.answered;
      traceClientError(exchange.trace, this, exchange.method, exchange.uri, outcome);
      exchange.reject(outcome);
    } else {
      exchange.resolve(outcome);
    }
  }

  #onClose(): void {
    this.#mustClose = true;
    if (this.#failure === null) {
      // What was received stays readable: a response read after the close is still whole.
      // Requests not sent fail now; the rest learn their fate from the bytes that came.
      this.#conn.receiveClose();
      this.#pumpWrites();
      this.pumpReads();
    }
    this.#host.deadlines.delete(this);
    this.#host.closed?.(this);
  }

}
