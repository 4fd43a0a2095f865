// warren/app: the localhost web-app toolkit (kali's heir), built on warren's public API.
export { raw, isHtml, escapeHtml, type Html, type HtmlPiece } from './html.js';
export {
  text,
  htmlResponse,
  json,
  isJson,
  redirect,
  notFound,
  error,
  toResponse,
  TEXT_TYPE,
  HTML_TYPE,
  JSON_TYPE,
  type JsonResponse,
  type BareBody,
  type HandlerResult,
  type AppRequest,
  type Handler,
  type ResponseInit,
} from './response.js';
export { HttpError } from './errors.js';
export { decodeSegment } from './path.js';
// Static files (staticFiles) and the SQLite guard (transaction, guardTransactions).
export { staticFiles, DEFAULT_CACHE_CONTROL, READ_CHUNK_BYTES, type StaticOptions } from './static/serve.js';
export { MIME_TYPES, UNKNOWN_TYPE, typeFor } from './static/mime.js';
export {
  transaction,
  guardTransactions,
  openDatabase,
  isTransactionOpen,
  LEFT_OPEN_MESSAGE,
  CONCURRENT_WARNING,
  type TransactionalDatabase,
  type TransactionMode,
  type TransactionOptions,
  type GuardOptions,
} from './sqlite.js';
