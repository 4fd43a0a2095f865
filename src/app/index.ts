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
