export { Server, type CloseOptions, type ServerHooks } from './server.js';
export type { App, AppResponse } from './app.js';
export { ServerRequest, type HeaderMap } from './request.js';
export { Session, type TlsIdentity } from './session.js';
export { DEFAULT_SERVER_OPTIONS, type ServerOptions } from './options.js';
export { fetchApp, type FetchHandler } from './fetch-app.js';
export { toFetch, type ToFetchOptions } from './to-fetch.js';
