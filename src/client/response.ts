// ClientResponse: a response as the client hands it over. It has the shape an app returns
// ({ status, reason, headers, body }), so a reverse proxy returns it unchanged: `headers`
// leaves out the fields that belong to one connection only (RFC 9110 §7.6.1).

import type { Fields, HttpVersion } from '../protocol/index.js';
import type { Body, ChunkedBody } from '../transport/body.js';
import { endToEndHeaders, type HeaderMap } from '../transport/headers.js';

/**
 * A response head, and its body to read: `status`, `reason`, `headers` (by lowercase name,
 * without hop-by-hop fields) or `fields` (every line as received), and `body`. Returned by
 * an app as it is, it is proxied: its body streams through, framed anew for the next hop.
 */
export class ClientResponse {
  /** The status code, from 100 to 599. */
  readonly status: number;
  /** The reason phrase as the server sent it (possibly empty). */
  readonly reason: string;
  /** The server's HTTP version: '1.1' or '1.0'. */
  readonly version: HttpVersion;
  /** All field lines as received: raw names, in order, hop-by-hop fields included. */
  readonly fields: Fields;
  /** Null when the response has no body (HEAD, 204, 304, Content-Length: 0); a ChunkedBody when chunked. */
  readonly body: Body | ChunkedBody | null;
  #headers: HeaderMap | null = null;

  /** Made by the client as a response head arrives. */
  constructor(status: number, reason: string, version: HttpVersion, fields: Fields, body: Body | ChunkedBody | null) {
    this.status = status;
    this.reason = reason;
    this.version = version;
    this.fields = fields;
    this.body = body;
  }

  /**
   * Header values by lowercase name, repeated fields combined, set-cookie as a list; without
   * hop-by-hop fields (RFC 9110 §7.6.1): Connection and those it names, Keep-Alive,
   * Proxy-Connection, TE, Trailer, Upgrade and Transfer-Encoding (this hop's framing: the
   * body says how it was framed). `fields` keeps them all.
   */
  get headers(): HeaderMap {
    this.#headers ??= endToEndHeaders(this.fields);
    return this.#headers;
  }
}
