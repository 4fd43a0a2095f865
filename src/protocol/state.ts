// The state machine of one HTTP/1.1 connection: one state per party (client, server),
// changed only here, by the two tables below and the rules in #settle().
// Unlike h11 the client may send its next request as soon as the previous one is sent
// (pipelining, RFC 9112 §9.3.2); `outstanding` counts requests whose response has not
// ended, and the server party turns to the next one when it finishes a response.

import { localError } from './errors.js';
import type { Role } from './events.js';

/** The state of one party of a connection (RFC 9112 §9 persistence, h11's states plus must-close): what it may send or receive next. */
export type State =
  | 'idle'
  | 'send-response'
  | 'send-body'
  | 'done'
  | 'must-close'
  | 'closed'
  | 'might-switch-protocol'
  | 'switched-protocol'
  | 'error';

/** How a client proposed to leave HTTP (RFC 9110 §7.8 Upgrade, §9.3.6 CONNECT). */
export type SwitchProposal = 'upgrade' | 'connect';

/** An event type, or a server event that accepts a switch. */
export type Transition =
  | 'request'
  | 'informational'
  | 'response'
  | 'data'
  | 'end-of-message'
  | 'connection-closed'
  | 'informational+upgrade'
  | 'response+connect';

type Table = Readonly<Partial<Record<State, Readonly<Partial<Record<Transition, State>>>>>>;

/** What each party's own events do to its own state. */
export const EVENT_TRANSITIONS: Readonly<Record<Role, Table>> = {
  client: {
    idle: { request: 'send-body', 'connection-closed': 'closed' },
    'send-body': { data: 'send-body', 'end-of-message': 'done' },
    done: { 'connection-closed': 'closed' },
    'must-close': { 'connection-closed': 'closed' },
    closed: { 'connection-closed': 'closed' },
  },
  server: {
    // A server may answer before any request arrives: 400 to garbage, 408 to silence.
    idle: { response: 'send-body', 'connection-closed': 'closed' },
    'send-response': {
      informational: 'send-response',
      response: 'send-body',
      'informational+upgrade': 'switched-protocol',
      'response+connect': 'switched-protocol',
    },
    'send-body': { data: 'send-body', 'end-of-message': 'done' },
    done: { 'connection-closed': 'closed' },
    'must-close': { 'connection-closed': 'closed' },
    closed: { 'connection-closed': 'closed' },
  },
};

// The tables as maps: a lookup by a string that varies is faster in a Map than in an object.
const asMap = (table: Table): ReadonlyMap<State, ReadonlyMap<Transition, State>> =>
  new Map(Object.entries(table).map(([from, row]) => [from as State, new Map(Object.entries(row!) as [Transition, State][])]));
const CLIENT = asMap(EVENT_TRANSITIONS.client);
const SERVER = asMap(EVENT_TRANSITIONS.server);

/**
 * The transitions of every exchange, answered by branches (states and transitions are
 * interned literals, so each test is a pointer compare) before the tables' two lookups;
 * state.test.ts checks that they agree with EVENT_TRANSITIONS.
 */
export function hot(party: Role, from: State, transition: Transition): State | undefined {
  if (from === 'send-body') return transition === 'end-of-message' ? 'done' : undefined;
  if (transition === 'request') return party === 'client' && from === 'idle' ? 'send-body' : undefined;
  if (transition === 'response') return party === 'server' && (from === 'send-response' || from === 'idle') ? 'send-body' : undefined;
  return undefined;
}

/** What a pair of states does to one party: [client, server] -> [party, new state]. */
export const JOINT_TRANSITIONS: ReadonlyArray<readonly [State, State, Role, State]> = [
  ['might-switch-protocol', 'switched-protocol', 'client', 'switched-protocol'],
  ['closed', 'idle', 'server', 'must-close'],
  ['closed', 'done', 'server', 'must-close'],
  // A server may still answer a client that broke the rules (400), so idle stays idle.
  ['error', 'done', 'server', 'must-close'],
  ['idle', 'closed', 'client', 'must-close'],
  ['done', 'closed', 'client', 'must-close'],
  ['idle', 'error', 'client', 'must-close'],
  ['done', 'error', 'client', 'must-close'],
];

/** Whether some joint transition starts from `state` other than idle and done (state.test.ts checks it against the table). */
export function rare(state: State): boolean {
  return state === 'might-switch-protocol' || state === 'switched-protocol' || state === 'closed' || state === 'error';
}

export class ConnectionState {
  client: State = 'idle';
  server: State = 'idle';
  /** Requests whose head has been seen and whose final response has not ended. */
  outstanding = 0;
  keepAlive = true;
  pendingSwitch: SwitchProposal | null = null;

  /** `party`'s state (a property read by a varying key costs more than a branch). */
  of(party: Role): State {
    return party === 'client' ? this.client : this.server;
  }

  /** Applies `party`'s event; throws a local error when the tables do not allow it. */
  process(party: Role, transition: Transition, proposal: SwitchProposal | null = null): void {
    const client = party === 'client';
    const from = client ? this.client : this.server;
    // Body data changes nothing: the hot path skips the tables.
    if (transition === 'data' && from === 'send-body') return;
    const to = hot(party, from, transition) ?? (client ? CLIENT : SERVER).get(from)?.get(transition);
    if (to === undefined) {
      throw localError('invalid-state', `the ${party} cannot send ${describe(transition)} now: its state is ${from}`);
    }
    if (client) this.client = to;
    else this.server = to;
    if (transition === 'request') {
      this.outstanding++;
      this.pendingSwitch = proposal;
      if (this.server === 'idle') this.server = 'send-response';
    } else if (party === 'server' && transition === 'response') {
      // A final response that does not accept a proposal declines it (RFC 9110 §7.8).
      this.pendingSwitch = null;
    } else if (party === 'server' && transition === 'end-of-message' && this.outstanding > 0) {
      this.outstanding--;
    }
    this.#settle();
  }

  /** A rule was broken by `party`: nothing more is read from (or sent by) it. */
  fail(party: Role): void {
    this[party] = 'error';
    this.#settle();
  }

  disableKeepAlive(): void {
    this.keepAlive = false;
    this.#settle();
  }

  #settle(): void {
    for (;;) {
      const client = this.client;
      const server = this.server;
      // A party done with its message starts its next one (keep-alive, pipelining), waits
      // for the server's word on a switch, or must close.
      if (client === 'done' || (client === 'might-switch-protocol' && this.pendingSwitch === null)) {
        this.client = this.pendingSwitch !== null ? 'might-switch-protocol' : this.keepAlive ? 'idle' : 'must-close';
      }
      if (server === 'done') this.server = !this.keepAlive ? 'must-close' : this.outstanding > 0 ? 'send-response' : 'idle';
      else if (server === 'idle' && this.outstanding > 0) this.server = 'send-response';
      if (rare(this.client) || rare(this.server)) {
        for (const [c, s, party, to] of JOINT_TRANSITIONS) {
          if (this.client === c && this.server === s) this[party] = to;
        }
      }
      if (this.client === client && this.server === server) return;
    }
  }
}

function describe(transition: Transition): string {
  switch (transition) {
    case 'informational+upgrade':
      return 'a 101 response';
    case 'response+connect':
      return 'a 2xx response to CONNECT';
    default:
      return `a ${transition} event`;
  }
}
