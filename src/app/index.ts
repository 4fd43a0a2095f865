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
// serve(), serial mode, localhost security, cookies, links (issue 14, the `serve` part).
export { serve, urlOf, type ServeOptions, type Served } from './serve.js';
export { serial } from './serial.js';
export { asApp, failurePage, isDevelopment, type ErrorPageOptions } from './handle.js';
export { hostAllowList, hostChecker, type HostCheckOptions } from './hosts.js';
export { crossOriginProtection, originChecker, type OriginCheckOptions } from './origin.js';
export { cookies, parseCookie, setCookie, type CookieOptions } from './cookies.js';
export { appUrl, encodeSegment } from './url.js';
export { browserCommand } from './browser.js';
