// ClientResponse: a response as the client hands it over. It has the shape an app returns
// ({ status, reason, headers, body }), so a reverse proxy returns it unchanged: `headers`
// leaves out the fields that belong to one connection only (RFC 9110 §7.6.1).

import type { Fields, HttpVersion } from '../protocol/index.js';
import type { Body, ChunkedBody } from '../transport/body.js';
import { endToEndHeaders, type HeaderMap } from '../transport/headers.js';

export class ClientResponse {
  readonly status: number;
  readonly reason: string;
  readonly version: HttpVersion;
  /** All field lines as received: raw names, in order, hop-by-hop fields included. */
  readonly fields: Fields;
  /** Null when the response has no body (HEAD, 204, 304, Content-Length: 0). */
  readonly body: Body | ChunkedBody | null;
  #headers: HeaderMap | null = null;

  constructor(status: number, reason: string, version: HttpVersion, fields: Fields, body: Body | ChunkedBody | null) {
    this.status = status;
    this.reason = reason;
    this.version = version;
    this.fields = fields;
    this.body = body;
  }

  /** Header values by lowercase name, repeated fields combined, set-cookie as a list; without hop-by-hop fields. */
  get headers(): HeaderMap {
    this.#headers ??= endToEndHeaders(this.fields);
    return this.#headers;
  }
}
