// The state machine's fast paths against its tables: rare() must name exactly the states,
// other than idle and done, that a joint transition starts from.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectionState, EVENT_TRANSITIONS, JOINT_TRANSITIONS, hot, rare, type State, type Transition } from './state.js';

const STATES: readonly State[] = ['idle', 'send-response', 'send-body', 'done', 'must-close', 'closed', 'might-switch-protocol', 'switched-protocol', 'error'];

test('rare() is true for exactly the states a joint transition starts from, but idle and done', () => {
  const starts = new Set(JOINT_TRANSITIONS.flatMap(([client, server]) => [client, server]));
  for (const state of STATES) {
    assert.equal(rare(state), starts.has(state) && state !== 'idle' && state !== 'done', state);
  }
});

test('hot() answers only as the tables do, and answers every exchange of a plain request and response', () => {
  const states: State[] = ['idle', 'send-response', 'send-body', 'done', 'must-close', 'closed', 'might-switch-protocol', 'switched-protocol', 'error'];
  const transitions: Transition[] = ['request', 'informational', 'response', 'data', 'end-of-message', 'connection-closed', 'informational+upgrade', 'response+connect'];
  let answered = 0;
  for (const role of ['client', 'server'] as const) {
    for (const from of states) {
      for (const transition of transitions) {
        const fast = hot(role, from, transition);
        if (fast === undefined) continue;
        answered++;
        assert.equal(fast, EVENT_TRANSITIONS[role][from]?.[transition], `${role} ${from} ${transition}`);
      }
    }
  }
  // The client's request and end-of-message; the server's response (from idle and send-response) and end-of-message.
  assert.equal(answered, 5);
});

test('a keep-alive exchange leaves both parties idle; without keep-alive both must close', () => {
  const state = new ConnectionState();
  const exchange = (): void => {
    state.process('client', 'request');
    state.process('client', 'end-of-message');
    state.process('server', 'response');
    state.process('server', 'end-of-message');
  };
  exchange();
  assert.deepEqual([state.client, state.server, state.outstanding], ['idle', 'idle', 0]);
  state.disableKeepAlive();
  exchange();
  assert.deepEqual([state.client, state.server], ['must-close', 'must-close']);
});

test('pipelined requests turn the server to the next response as it ends each one', () => {
  const state = new ConnectionState();
  for (let i = 0; i < 2; i++) {
    state.process('client', 'request');
    state.process('client', 'end-of-message');
  }
  assert.equal(state.outstanding, 2);
  state.process('server', 'response');
  state.process('server', 'end-of-message');
  assert.deepEqual([state.server, state.outstanding], ['send-response', 1]);
  state.process('server', 'response');
  state.process('server', 'end-of-message');
  assert.deepEqual([state.server, state.outstanding], ['idle', 0]);
});

test('a pending upgrade holds the client until the server answers it', () => {
  const state = new ConnectionState();
  state.process('client', 'request', 'upgrade');
  state.process('client', 'end-of-message');
  assert.equal(state.client, 'might-switch-protocol');
  state.process('server', 'informational+upgrade');
  assert.deepEqual([state.client, state.server], ['switched-protocol', 'switched-protocol']);
  const declined = new ConnectionState();
  declined.process('client', 'request', 'upgrade');
  declined.process('client', 'end-of-message');
  declined.process('server', 'response');
  assert.equal(declined.client, 'idle');
});
