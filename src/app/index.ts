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
// Templates (issue 15): html`` and file templates that escape by the context a value lands in.
export { html } from './template/tag.js';
export { template, type InlineTemplateOptions } from './template/inline.js';
export { templates, type TemplateFolder, type TemplateOptions } from './template/folder.js';
export type { Template, TemplateData } from './template/compile.js';
export { FORMATTERS, type Formatter } from './template/formatters.js';
export { TemplateError, type TemplateErrorCode, type TemplateLocation } from './template/errors.js';
export { isSafeUrl, REFUSED_URL } from './template/url.js';
