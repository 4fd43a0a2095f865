// Connection: one HTTP/1.1 connection seen from one role, in the h11 style. Bytes go in
// through receive() and come out of nextEvent() as events; events go in through send()
// and come out as bytes. No I/O, no timers: the caller owns the socket and the clock.
// Implements RFC 9112 (framing, persistence §9.3, pipelining §9.3.2) and RFC 9110 §7.8
// (Upgrade), §9.3.6 (CONNECT), §10.1.1 (Expect). State changes only in state.ts.

import { bodyReader, bodyWriter, wholeBody, type BodyReader, type BodyWriter, type ReadStep } from './body.js';
import { ReceiveBuffer } from './bytes.js';
import { localError, remoteError, ProtocolError } from './errors.js';
import type {
  ConnectionClosedEvent,
  HttpVersion,
  NoEvent,
  ReceivedEvent,
  Role,
  SendEvent,
  WholeBody,
} from './events.js';
import type { FieldsInit } from './fields.js';
import { CLOSE_DELIMITED, NO_BODY, opensTunnel, requestFraming, responseFraming, type Framing } from './framing.js';
import { HeadParser, type Head } from './head.js';
import { resolveLimits, type Limits } from './limits.js';
import {
  checkVersion,
  checkFields,
  encodeHead,
  newFacts,
  requestLine,
  statusLine,
  type OutgoingFacts,
} from './serialize.js';
import { ConnectionState, type State, type SwitchProposal } from './state.js';

/** Options of a protocol Connection: its limits, and whether a request may omit Host. */
export interface ConnectionOptions {
  /**
   * Accept HTTP/1.1 requests without Host. Off by default (RFC 9112 §3.2 says 400);
   * meant for Unix-socket peers such as Degu's client, which send none.
   */
  readonly allowMissingHost?: boolean;
  readonly limits?: Partial<Limits>;
}

/** A request this connection has seen and not yet seen answered: what its response depends on. */
interface Exchange {
  readonly method: string;
  readonly version: HttpVersion;
}

const NO_BYTES: Uint8Array[] = [];
const CLOSED_EVENT: ConnectionClosedEvent = Object.freeze({ type: 'connection-closed' });

/**
 * One HTTP/1.1 connection in one role, without I/O: feed it bytes with receive() and take
 * events from nextEvent(); give it events with send() and write the bytes it returns.
 */
export class Connection {
  readonly role: Role;
  readonly #peer: Role;
  readonly #limits: Limits;
  readonly #allowMissingHost: boolean;
  readonly #state = new ConnectionState();
  readonly #received = new ReceiveBuffer();
  #eof = false;
  #head: HeadParser | null = null;
  #reader: BodyReader | null = null;
  #writer: BodyWriter | null = null;
  /** Requests whose responses are still to come or to be sent, oldest first. */
  readonly #exchanges: Exchange[] = [];
  /** The request whose response is being received (client) or sent (server). */
  #answering: Exchange | null = null;
  #peerError: ProtocolError | null = null;
  #peerVersion: HttpVersion = '1.1';
  #expectingContinue = false;

  constructor(role: Role, options: ConnectionOptions = {}) {
    if (role !== 'client' && role !== 'server') throw new TypeError(`role must be 'client' or 'server', got ${String(role)}`);
    this.role = role;
    this.#peer = role === 'client' ? 'server' : 'client';
    this.#limits = resolveLimits(options.limits);
    this.#allowMissingHost = options.allowMissingHost ?? false;
  }

  /** This side's state, as the state table names it. */
  get ourState(): State {
    return this.#state.of(this.role);
  }

  get theirState(): State {
    return this.#state.of(this.#peer);
  }

  /** False once either side has said the connection closes after the current exchange. */
  get keepAlive(): boolean {
    return this.#state.keepAlive;
  }

  /**
   * Server: the client sent `Expect: 100-continue` and waits for a 100 (or a final
   * response) before it sends the body. Client: this side sent it and no response came yet.
   */
  get expectingContinue(): boolean {
    return this.#expectingContinue;
  }

  /** Bytes received and not yet turned into events: what a caller bounds its read-ahead by. */
  get bufferedBytes(): number {
    return this.#received.length;
  }

  /** After a switch (101, CONNECT): the bytes that followed the head, and whether the peer closed. */
  get trailingData(): { readonly data: Uint8Array; readonly closed: boolean } {
    return { data: this.#received.window().subarray(this.#received.start), closed: this.#eof };
  }

  /** Hands the core bytes from the peer. They are kept, not copied, until parsed. */
  receive(bytes: Uint8Array): void {
    if (this.#eof) throw localError('invalid-state', 'receive() after receiveClose(): the peer had already closed');
    if (bytes.length > 0) this.#received.push(bytes);
  }

  /** The peer closed its side (EOF). */
  receiveClose(): void {
    this.#eof = true;
  }

  /** The next event from the peer, 'need-data' for more bytes, or 'paused' until this side acts. */
  nextEvent(): ReceivedEvent | NoEvent {
    if (this.#peerError !== null) throw this.#peerError;
    try {
      return this.#next();
    } catch (error) {
      if (!(error instanceof ProtocolError) || error.side !== 'remote') throw error;
      this.#peerError = error;
      this.#head = null;
      this.#reader = null;
      this.#state.fail(this.#peer);
      throw error;
    }
  }

  #next(): ReceivedEvent | NoEvent {
    const their = this.#state.of(this.#peer);
    if (this.#reader !== null) return this.#readBody();
    switch (their) {
      case 'might-switch-protocol':
      case 'switched-protocol':
        return 'paused';
      case 'closed':
        return CLOSED_EVENT;
      case 'error':
        return 'paused';
      case 'must-close':
        if (this.role === 'server' && this.#state.outstanding > 0) return 'paused';
        if (this.#received.length > 0) throw remoteError('data-after-close', 'bytes after a message that closes the connection');
        return this.#eof ? this.#closed() : 'need-data';
      case 'idle':
        // A server answers one request at a time; later ones wait in the buffer (RFC 9112 §9.3.2).
        if (this.role === 'server' && this.#state.outstanding > 0) return 'paused';
        break;
      default:
        break;
    }
    if (this.#received.length === 0) {
      if (!this.#eof) return 'need-data';
      if (this.#head !== null) throw remoteError('incomplete-message', 'the connection closed in the middle of a head');
      if (their === 'send-response') throw remoteError('incomplete-message', 'the connection closed before the response');
      return this.#closed();
    }
    return this.#readHead();
  }

  #closed(): ConnectionClosedEvent {
    this.#state.process(this.#peer, 'connection-closed');
    return CLOSED_EVENT;
  }

  #readHead(): ReceivedEvent | NoEvent {
    const kind = this.role === 'server' ? 'request' : 'response';
    this.#head ??= new HeadParser(kind, this.#limits);
    const end = this.#head.feed(this.#received.window(), this.#received.start);
    if (end === -1) {
      if (this.#eof) throw remoteError('incomplete-message', 'the connection closed in the middle of a head');
      return 'need-data';
    }
    const head = this.#head.head();
    this.#head = null;
    this.#advance(end);
    return kind === 'request' ? this.#receivedRequest(head) : this.#receivedResponse(head);
  }

  #receivedRequest(head: Head): ReceivedEvent {
    if (head.version === '1.1' && head.hostCount === 0 && !this.#allowMissingHost) {
      throw remoteError('missing-host', 'an HTTP/1.1 request without Host (RFC 9112 §3.2)');
    }
    const proposal: SwitchProposal | null = head.method === 'CONNECT' ? 'connect' : head.upgrade ? 'upgrade' : null;
    this.#state.process('client', 'request', proposal);
    this.#peerVersion = head.version;
    this.#exchanges.push({ method: head.method, version: head.version });
    this.#answering ??= this.#exchanges.shift()!;
    if (head.close || (head.version === '1.0' && !head.keepAlive)) this.#state.disableKeepAlive();
    const framing = requestFraming(head.method, head);
    this.#expectingContinue = head.expectContinue && head.version === '1.1' && framing !== NO_BODY;
    this.#reader = bodyReader(framing, this.#limits);
    return { type: 'request', method: head.method, target: head.target, version: head.version, fields: head.fields, framing };
  }

  #receivedResponse(head: Head): ReceivedEvent {
    const exchange = this.#exchanges[0] ?? null;
    const method = exchange?.method ?? null;
    this.#expectingContinue = false;
    if (head.status < 200) {
      if (this.#state.server !== 'send-response') throw remoteError('unexpected-response', `a ${head.status} response with no request waiting for an answer`);
      if (head.status === 101) {
        if (this.#state.pendingSwitch !== 'upgrade') throw remoteError('invalid-switch', 'a 101 response to a request that did not ask to upgrade');
        this.#state.process('server', 'informational+upgrade');
      } else {
        this.#state.process('server', 'informational');
      }
      return { type: 'informational', status: head.status, reason: head.reason, version: head.version, fields: head.fields };
    }
    // With no request outstanding this is a server's 408 or 400 before it closes: read it all the same.
    this.#exchanges.shift();
    const connect = opensTunnel(method, head.status) && this.#state.pendingSwitch === 'connect';
    this.#state.process('server', connect ? 'response+connect' : 'response');
    if (head.close || (head.version === '1.0' && !head.keepAlive)) this.#state.disableKeepAlive();
    const framing = responseFraming(method, head.status, head);
    if (framing === CLOSE_DELIMITED) this.#state.disableKeepAlive();
    if (!connect) this.#reader = bodyReader(framing, this.#limits);
    return { type: 'response', status: head.status, reason: head.reason, version: head.version, fields: head.fields, framing: connect ? NO_BODY : framing };
  }

  #readBody(): ReceivedEvent | NoEvent {
    const reader = this.#reader!;
    let step: ReadStep = reader.read(this.#received.window(), this.#received.start);
    if (step.kind === 'need-data') {
      this.#advance(step.next);
      if (!this.#eof) return 'need-data';
      step = reader.eof();
    }
    if (step.kind === 'data') {
      this.#advance(step.next);
      this.#expectingContinue = false;
      this.#state.process(this.#peer, 'data');
      return { type: 'data', data: step.data, extensions: step.extensions, chunkEnd: step.chunkEnd };
    }
    if (step.kind === 'need-data') return 'need-data';
    this.#advance(step.next);
    this.#reader = null;
    this.#state.process(this.#peer, 'end-of-message');
    return { type: 'end-of-message', extensions: step.extensions, trailers: step.trailers?.fields ?? null };
  }

  #advance(to: number): void {
    this.#received.consume(to);
  }

  /** Turns an event into bytes to write, in order. A refused event changes nothing. */
  send(event: SendEvent): Uint8Array[] {
    switch (event.type) {
      case 'request':
        return this.#sendRequest(event.method, event.target, event.version ?? '1.1', event.fields ?? [], event.body);
      case 'informational':
        return this.#sendInformational(event.status, event.reason, event.fields ?? []);
      case 'response':
        return this.#sendResponse(event.status, event.reason, event.fields ?? [], event.body);
      case 'data': {
        const writer = this.#bodyWriter('data');
        const out = writer.data(event.data, event.extensions);
        this.#state.process(this.role, 'data');
        return out;
      }
      case 'end-of-message': {
        const writer = this.#bodyWriter('end-of-message');
        const out = writer.end(event.extensions, event.trailers);
        this.#ended();
        return out;
      }
      case 'connection-closed':
        this.#state.process(this.role, 'connection-closed');
        return [];
      default:
        throw localError('invalid-event', `unknown event type ${JSON.stringify((event as { type: unknown }).type)}`);
    }
  }

  #ended(): void {
    this.#writer = null;
    if (this.role === 'server') this.#answering = this.#exchanges.shift() ?? null;
    this.#state.process(this.role, 'end-of-message');
  }

  /**
   * The bytes of a head sent with `body` (a WholeBody) or without (undefined). `body` was
   * checked against the framing before the head changed anything (see wholeBody()).
   */
  #headBytes(startLine: string, fields: FieldsInit, fieldBytes: number, added: string, body: WholeBody | undefined, rest: Uint8Array[]): Uint8Array[] {
    if (body !== undefined) {
      if (body !== null && body.length > 0) this.#state.process(this.role, 'data');
      this.#ended();
    }
    return encodeHead(startLine, fields, fieldBytes, added, rest);
  }

  /** The body bytes of a message sent whole, refused (before anything changes) when its framing forbids them. */
  #whole(writer: BodyWriter | null, body: WholeBody | undefined): Uint8Array[] {
    if (body === undefined) return NO_BYTES;
    const what = this.role === 'client' ? 'request' : 'response';
    if (body !== null && !(body instanceof Uint8Array)) throw localError('invalid-event', `the body of a ${what} is a Uint8Array or null, not ${typeof body}`);
    if (writer === null) {
      if (body === null || body.length === 0) return NO_BYTES;
      throw localError('body-not-allowed', `a ${what} that switches protocols has no body: send the tunnel's bytes after it`);
    }
    return wholeBody(writer, body);
  }

  #bodyWriter(type: string): BodyWriter {
    if (this.#writer === null || this.#state.of(this.role) !== 'send-body') {
      throw localError('invalid-state', `cannot send ${type} now: this side's state is ${this.#state.of(this.role)}, not send-body`);
    }
    return this.#writer;
  }

  #sendRequest(method: string, target: string, version: HttpVersion, fields: FieldsInit, body: WholeBody | undefined): Uint8Array[] {
    this.#must('client', 'request');
    const facts = newFacts();
    const startLine = requestLine(method, target, checkVersion(version));
    const fieldBytes = checkFields(fields, facts);
    if (facts.chunked && version === '1.0') throw localError('framing-conflict', 'Transfer-Encoding: chunked in an HTTP/1.0 request');
    const proposal: SwitchProposal | null = method === 'CONNECT' ? 'connect' : facts.upgrade && facts.upgradeField ? 'upgrade' : null;
    const framing = requestFraming(method, facts);
    const writer = bodyWriter(framing, false, () => `a ${method} request without Content-Length or Transfer-Encoding`);
    const rest = this.#whole(writer, body);
    this.#state.process('client', 'request', proposal);
    this.#exchanges.push({ method, version });
    if (facts.close || (version === '1.0' && !facts.keepAlive)) this.#state.disableKeepAlive();
    // A body sent with its head was not held back for a 100 (Continue): there is nothing to wait for.
    this.#expectingContinue = facts.expectContinue && framing !== NO_BODY && body === undefined;
    this.#writer = writer;
    return this.#headBytes(startLine, fields, fieldBytes, '', body, rest);
  }

  #sendInformational(status: number, reason: string | undefined, fields: FieldsInit): Uint8Array[] {
    this.#must('server', 'informational');
    if (!Number.isInteger(status) || status < 100 || status > 199) {
      throw localError('invalid-event', `an informational response has a 1xx status, not ${String(status)}: send other statuses as 'response'`);
    }
    if (this.#peerVersion === '1.0') throw localError('invalid-event', 'an HTTP/1.0 client cannot receive 1xx responses (RFC 9110 §15.2)');
    const facts = newFacts();
    const startLine = statusLine('1.1', status, reason);
    const fieldBytes = checkFields(fields, facts);
    if (facts.contentLength !== null || facts.chunked) throw localError('framing-conflict', 'a 1xx response has no body: no Content-Length or Transfer-Encoding');
    if (status === 101) {
      if (this.#state.pendingSwitch !== 'upgrade') throw localError('invalid-event', 'a 101 answers a request with Upgrade and Connection: upgrade; this one had none');
      this.#state.process('server', 'informational+upgrade');
    } else {
      this.#state.process('server', 'informational');
    }
    this.#expectingContinue = false;
    return encodeHead(startLine, fields, fieldBytes, '', NO_BYTES);
  }

  #sendResponse(status: number, reason: string | undefined, init: FieldsInit, body: WholeBody | undefined): Uint8Array[] {
    this.#must('server', 'response');
    if (!Number.isInteger(status) || status < 200 || status > 599) {
      throw localError('invalid-event', `a response has a status from 200 to 599, not ${String(status)}: send 1xx as 'informational'`);
    }
    const exchange = this.#state.server === 'idle' ? null : this.#answering;
    const method = exchange?.method ?? null;
    const version: HttpVersion = exchange?.version ?? '1.1';
    const facts = newFacts();
    const startLine = statusLine(version, status, reason);
    const fieldBytes = checkFields(init, facts);
    const connect = opensTunnel(method, status) && this.#state.pendingSwitch === 'connect';
    const framing = outgoingResponseFraming(method, status, version, facts);
    // Close when either side asked, when the body runs to the close, or when there is no request to keep alive for.
    const close = facts.close || !this.#state.keepAlive || framing === CLOSE_DELIMITED || exchange === null || this.#state.client === 'error';
    if (close && facts.keepAlive) throw localError('framing-conflict', 'Connection: keep-alive on a response after which the connection must close');
    const added = close && !facts.close ? 'Connection: close\r\n' : !close && version === '1.0' && !facts.keepAlive ? 'Connection: keep-alive\r\n' : '';
    const writer = connect ? null : bodyWriter(framing, method === 'HEAD', () => `a ${status} response${method === 'HEAD' ? ' to HEAD' : ''}`);
    const rest = this.#whole(writer, body);
    this.#state.process('server', connect ? 'response+connect' : 'response');
    if (close) this.#state.disableKeepAlive();
    this.#expectingContinue = false;
    this.#writer = writer;
    // A CONNECT tunnel has no message to end: its bytes follow the head as they are.
    return connect ? encodeHead(startLine, init, fieldBytes, added, NO_BYTES) : this.#headBytes(startLine, init, fieldBytes, added, body, rest);
  }

  /** Refuses, before anything changes, an event this role never sends or cannot send now. */
  #must(role: Role, type: 'request' | 'informational' | 'response'): void {
    if (this.role !== role) {
      throw localError('invalid-event', `a ${this.role} cannot send a ${type}: that is the ${role}'s part`);
    }
    const state = this.#state.of(role);
    const ok = type === 'request' ? state === 'idle' : state === 'send-response' || (type === 'response' && state === 'idle');
    if (!ok) throw localError('invalid-state', `cannot send a ${type} now: this side's state is ${state}`);
  }
}

/** RFC 9112 §6.3 for a response this side sends, refusing framing fields its status forbids. */
function outgoingResponseFraming(method: string | null, status: number, peerVersion: HttpVersion, facts: OutgoingFacts): Framing {
  if (status === 204 && (facts.contentLength !== null || facts.chunked)) {
    throw localError('framing-conflict', 'a 204 response has no body: no Content-Length or Transfer-Encoding (RFC 9110 §8.6, RFC 9112 §6.1)');
  }
  if (opensTunnel(method, status) && (facts.contentLength !== null || facts.chunked)) {
    throw localError('framing-conflict', 'a 2xx response to CONNECT has no body: no Content-Length or Transfer-Encoding (RFC 9110 §9.3.6)');
  }
  if (facts.chunked && peerVersion === '1.0') {
    throw localError('framing-conflict', 'Transfer-Encoding: chunked to an HTTP/1.0 client, which cannot read it: set Content-Length');
  }
  return responseFraming(method, status, facts);
}

