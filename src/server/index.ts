export { Server, type CloseOptions, type ServerHooks } from './server.js';
export type { App, AppResponse } from './app.js';
export type { SwitchHandler } from './switch.js';
export { ServerRequest, type HeaderMap } from './request.js';
export { Session, type TlsIdentity } from './session.js';
export { DEFAULT_SERVER_OPTIONS, type ServerOptions } from './options.js';
export {
  serverChannels,
  type ServerRequestStartMessage,
  type ServerResponseHeadMessage,
  type ServerResponseEndMessage,
  type ServerRequestErrorMessage,
} from './diagnostics.js';
export { socketActivation, SD_LISTEN_FDS_START, MAX_LISTEN_FDS, type SocketActivationOptions } from './activation.js';
export { compress, isCompressible, COMPRESS_MIN_BYTES, type CompressOptions } from './compress.js';
export { negotiateEncoding, parseAcceptEncoding, parseQValue, type CodingPreference } from './accept-encoding.js';
export { fetchApp, type FetchHandler } from './fetch-app.js';
export { toFetch, type ToFetchOptions } from './to-fetch.js';
