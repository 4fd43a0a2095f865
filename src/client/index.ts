export { Client, hostFor } from './client.js';
export { ClientConnection } from './connection.js';
export { MAX_INFORMATIONAL_RESPONSES, type RequestOptions } from './exchange.js';
export { SwitchRefusedError, type Switched } from './switch.js';
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
export { createFetch, MAX_FETCH_REDIRECTS, type FetchOptions, type WarrenFetch } from './fetch.js';
export { MAX_DECODED_BYTES, MAX_STACKED_CODINGS, ACCEPT_ENCODING } from './decode.js';
