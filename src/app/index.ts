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
// Validation and redisplay (kali's forms, typed): field.text(), field.date()..., defineForm(), renderForm().
export * as field from './validate/fields.js';
export type { Field, Entry, Converted, Control, Attributes, NativeOf, Choices } from './validate/fields.js';
export { defineForm, type Form, type FormState, type Validated, type DefineFormOptions, type FormFields, type NativeRecord, type PostedValues } from './validate/form.js';
export { renderField, renderForm, type RenderFormOptions } from './validate/render.js';
export { isStandardSchema, type StandardSchemaV1 } from './validate/standard-schema.js';
// The router (issue 14, part router): segment-trie routing, typed params, mount().
export { Router, RouteConflictError, type NoParams } from './router/router.js';
export { RoutePatternError, type RoutePattern, type Segment, type Tail } from './router/pattern.js';
export type { Params } from './router/params.js';
// Templates (issue 15): html`` and file templates that escape by the context a value lands in.
export { html } from './template/tag.js';
export { template, type InlineTemplateOptions } from './template/inline.js';
export { templates, type TemplateFolder, type TemplateOptions } from './template/folder.js';
export type { Template, TemplateData } from './template/compile.js';
export { FORMATTERS, type Formatter } from './template/formatters.js';
export { TemplateError, type TemplateErrorCode, type TemplateLocation } from './template/errors.js';
export { isSafeUrl, REFUSED_URL } from './template/url.js';
// serve(), serial mode, localhost security, cookies, links (issue 14, the `serve` part).
export { serve, urlOf, type ServeOptions, type Served } from './serve.js';
export { accessLog, commonLogLine, clfDate, type AccessLogOptions } from './access-log.js';
export { serial } from './serial.js';
export { asApp, failurePage, isDevelopment, type ErrorPageOptions } from './handle.js';
export { hostAllowList, hostChecker, type HostCheckOptions } from './hosts.js';
export { crossOriginProtection, originChecker, type OriginCheckOptions } from './origin.js';
export { cookies, parseCookie, setCookie, type CookieOptions } from './cookies.js';
export { appUrl, encodeSegment } from './url.js';
export { browserCommand } from './browser.js';
// Forms (issue 16, bodies): urlencoded and streaming multipart, form(), the query multi-map.
export { FormValues, FormFiles, type UploadedFile } from './form/values.js';
export {
  DEFAULT_FORM_LIMITS,
  MAX_FORM_BYTES,
  MAX_FILE_BYTES,
  MAX_PARTS,
  MAX_FIELDS,
  MAX_FILES,
  MAX_FIELD_BYTES,
  MAX_NAME_BYTES,
  MAX_PART_HEADER_BYTES,
  type FormLimits,
} from './form/limits.js';
export { parseUrlencoded, query, QUERY_LIMITS, type UrlencodedLimits } from './form/urlencoded.js';
export { form, READ_PIECE_BYTES, type FormBody, type FormOptions, type FormRequest, type FilePart, type FileSink, type FileTarget } from './form/read.js';
export { MultipartParser, type MultipartEvent, type MultipartLimits } from './multipart/parser.js';
export { boundaryOf, parseDisposition, type Disposition } from './multipart/params.js';
export type { PartHeader } from './multipart/part-head.js';
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
