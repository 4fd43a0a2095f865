export { Client, hostFor } from './client.js';
export { ClientConnection, MAX_INFORMATIONAL_RESPONSES, type RequestOptions } from './connection.js';
export { ClientResponse } from './response.js';
export { Pool, type PoolOptions } from './pool.js';
export { DEFAULT_CLIENT_OPTIONS, type ClientOptions, type OnConnect } from './options.js';
export { RangeMismatchError, MAX_RANGE_POSITION } from './range.js';
export {
  clientChannels,
  type ClientRequestInfo,
  type ClientRequestStartMessage,
  type ClientResponseHeadMessage,
  type ClientResponseEndMessage,
  type ClientRequestErrorMessage,
} from './diagnostics.js';
