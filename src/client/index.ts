export { Client, hostFor } from './client.js';
export { ClientConnection } from './connection.js';
export { MAX_INFORMATIONAL_RESPONSES, type RequestOptions } from './exchange.js';
export { SwitchRefusedError, type Switched } from './switch.js';
export { ClientResponse } from './response.js';
export { Pool, type PoolOptions } from './pool.js';
export { DEFAULT_CLIENT_OPTIONS, type ClientOptions, type OnConnect } from './options.js';
export { RangeMismatchError, MAX_RANGE_POSITION } from './range.js';
