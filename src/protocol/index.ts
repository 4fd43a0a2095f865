// warren/protocol: the sans-I/O HTTP/1.1 core shared by warren's server and client.
export { Connection, type ConnectionOptions } from './connection.js';
export { ProtocolError, type ProtocolErrorCode, type Side, type ErrorStatus } from './errors.js';
export { Fields, type FieldLine, type FieldsInit } from './fields.js';
export { DEFAULT_LIMITS, resolveLimits, type Limits } from './limits.js';
export { reasonPhrase } from './status.js';
export { opensTunnel, requestStatesEmptyLength, responseHasBody, type Framing } from './framing.js';
export { expectsContinue, keepAliveTimeout, listMembers, trimOws } from './syntax.js';
export type { State } from './state.js';
export type {
  ChunkExtension,
  ConnectionClosedEvent,
  DataEvent,
  EndOfMessageEvent,
  EventType,
  HttpVersion,
  InformationalEvent,
  NoEvent,
  ReceivedEvent,
  RequestEvent,
  ResponseEvent,
  Role,
  SendEvent,
  WholeBody,
} from './events.js';
