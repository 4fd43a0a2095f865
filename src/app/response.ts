// Responses for browser apps: the status helpers, and the one rule that turns what a
// handler returned into a warren AppResponse (a bare body is a 200 text/html page). The
// helpers make plain AppResponses, so a handler's answer is what any warren app returns.

import type { AppResponse, Bodies, HeadersInit, IoList, ServerRequest, Session } from '../index.js';
import { describe, escapeHtml, trusted, type Html } from './html.js';

/** A body a handler may return bare, for a 200 text/html answer. */
export type BareBody = string | Uint8Array | Html | IoList;

/** What a handler returns: a full AppResponse, or a bare body. */
export type HandlerResult = AppResponse | BareBody;

// An interface, not `ServerRequest & { params: P }`: the intersection would keep the
// index signature of ServerRequest.params, and `request.params.nope` would compile.
/** A request with the params its route matched (empty when no router called the handler). */
export interface AppRequest<P extends Readonly<Record<string, string>> = Readonly<Record<string, string>>> extends ServerRequest {
  readonly params: P;
}

/** A warren/app handler: a Degu app that may also return a bare body. */
export type Handler<P extends Readonly<Record<string, string>> = Readonly<Record<string, string>>> = (
  session: Session,
  request: AppRequest<P>,
  bodies: Bodies,
) => HandlerResult | Promise<HandlerResult>;

/** Status, headers or both, for the helpers. */
export type ResponseInit = number | { readonly status?: number; readonly headers?: HeadersInit };

/** The Content-Type of text(): UTF-8 plain text. */
export const TEXT_TYPE = 'text/plain; charset=utf-8';
/** The Content-Type of htmlResponse(): UTF-8 HTML. */
export const HTML_TYPE = 'text/html; charset=utf-8';
/** The Content-Type of json(): JSON in UTF-8. */
export const JSON_TYPE = 'application/json; charset=utf-8';

/** A text/plain answer. */
export function text(body: string, init?: ResponseInit): AppResponse {
  return withType(TEXT_TYPE, body, init);
}

/** A text/html answer; the body is markup (Html, or a string the caller vouches for). */
export function htmlResponse(body: BareBody, init?: ResponseInit): AppResponse {
  return withType(HTML_TYPE, body, init);
}

const JSON_VALUE: unique symbol = Symbol.for('warren.app.json') as never;

/** A JSON answer that is also safe data for a `<script>` slot of a template. */
export interface JsonResponse extends AppResponse {
  /** The JSON text, with `< > &` U+2028 U+2029 escaped so it cannot close a script element. */
  readonly body: string;
  readonly [JSON_VALUE]: true;
}

const JSON_ESCAPES: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };

/**
 * An application/json answer, and the one way to put data inside `<script>` in a template.
 * The text escapes `< > &` U+2028 U+2029 as \uXXXX: still the same JSON, but it can never
 * close the element it sits in.
 */
export function json(value: unknown, init?: ResponseInit): JsonResponse {
  const encoded = JSON.stringify(value);
  if (encoded === undefined) throw new TypeError(`json() takes a value JSON can encode; got ${describe(value)}`);
  const body = encoded.replace(/[<>&\u2028\u2029]/g, (ch) => JSON_ESCAPES[ch]!);
  const response = withType(JSON_TYPE, body, init) as AppResponse & { body: string };
  Object.defineProperty(response, JSON_VALUE, { value: true });
  return response as JsonResponse;
}

/** True for the result of json(). */
export function isJson(value: unknown): value is JsonResponse {
  return typeof value === 'object' && value !== null && (value as { [JSON_VALUE]?: unknown })[JSON_VALUE] === true;
}

/** A redirect (303 See Other by default: after a POST, the browser GETs `location`). */
export function redirect(location: string, status: 301 | 302 | 303 | 307 | 308 = 303): AppResponse {
  if (typeof location !== 'string' || location === '') throw new TypeError(`redirect() takes a URL or path to send the browser to; got ${describe(location)}`);
  if (![301, 302, 303, 307, 308].includes(status)) throw new TypeError(`redirect() takes 301, 302, 303, 307 or 308 as its status; got ${describe(status)}`);
  return { status, headers: { location }, body: null };
}

/** A 404 page. */
export function notFound(message = 'Nothing is served at this address.'): AppResponse {
  return error(404, message);
}

/** An error page: the status and a message, escaped into a small HTML document. */
export function error(status: number, message: string, headers?: HeadersInit): AppResponse {
  if (!Number.isInteger(status) || status < 400 || status > 599) throw new TypeError(`error() takes a status from 400 to 599; got ${describe(status)}`);
  const title = `${status}`;
  const body = trusted([`<!doctype html>\n<meta charset="utf-8">\n<title>${title}</title>\n<h1>${title}</h1>\n<p>`, escapeHtml(String(message)), '</p>\n']);
  return { status, headers: { 'content-type': HTML_TYPE, ...(headers as Record<string, string> | undefined) }, body };
}

/** What a handler returned, as an AppResponse: a bare body is a 200 text/html page. */
export function toResponse(result: HandlerResult): AppResponse {
  if (typeof result === 'string' || result instanceof Uint8Array || Array.isArray(result)) return { status: 200, headers: { 'content-type': HTML_TYPE }, body: result };
  if (typeof result === 'object' && result !== null && typeof (result as AppResponse).status === 'number') return result as AppResponse;
  throw new TypeError(
    `a handler returns { status, headers?, body? }, or a bare body (a string, bytes, an iolist array or html\`\`) for a 200 page; got ${describe(result)}` +
      (typeof result === 'object' && result !== null && 'status' in result ? ` whose status is ${describe((result as { status: unknown }).status)}` : ''),
  );
}

function withType(type: string, body: BareBody, init: ResponseInit | undefined): AppResponse {
  const status = typeof init === 'number' ? init : (init?.status ?? 200);
  const extra = typeof init === 'object' ? init.headers : undefined;
  return { status, headers: extra === undefined ? { 'content-type': type } : { 'content-type': type, ...(extra as Record<string, string>) }, body };
}


