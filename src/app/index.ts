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
// The router (issue 14, part router): segment-trie routing, typed params, mount().
export { Router, RouteConflictError, type NoParams } from './router/router.js';
export { RoutePatternError, type RoutePattern, type Segment, type Tail } from './router/pattern.js';
export type { Params } from './router/params.js';
