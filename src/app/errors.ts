// HttpError: a handler's way to answer with an error status by throwing (a form over its
// limit, a bad upload). The router and serve() turn it into error(status, message); any
// other throw is a 500. Its `code` is stable for programs, its message is for people.

/** An error a handler throws to answer `status` (4xx or 5xx) with `message` as the page. */
export class HttpError extends Error {
  /** A stable name for the failure, such as 'form-too-large'. */
  readonly code: string;
  /** The status to answer. */
  readonly status: number;

  constructor(status: number, code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    if (!Number.isInteger(status) || status < 400 || status > 599) throw new TypeError(`an HttpError has a status from 400 to 599; got ${String(status)}`);
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
  }
}
