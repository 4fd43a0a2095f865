// Header maps: a message's field lines as a record by lowercase name, the shape apps and
// programs read. Repeated fields are combined (RFC 9110 §5.3) but set-cookie, which cannot
// be, stays a list; hop-by-hop fields (RFC 9110 §7.6.1) are left out, so a map received
// on one connection can be sent on another, as a proxy does.

import type { Fields } from '../protocol/index.js';
import { listMembers } from '../protocol/syntax.js';

/** Header values by lowercase name; repeated fields combined (RFC 9110 §5.3), set-cookie kept as a list. */
export type HeaderMap = Record<string, string> & { 'set-cookie'?: string[] };

/** Field values by lowercase name, combined per RFC 9110 §5.3 but set-cookie (a list); `skip` names to leave out. */
export function headerMap(fields: Fields, skip?: ReadonlySet<string>): HeaderMap {
  const map: Record<string, string | string[]> = Object.create(null);
  for (const [name, value] of fields) {
    if (skip?.has(name)) continue;
    if (name === 'set-cookie') ((map[name] ??= []) as string[]).push(value);
    else map[name] = map[name] === undefined ? value : `${map[name] as string}, ${value}`;
  }
  return map as HeaderMap;
}

/**
 * Fields about one hop's connection, which a proxy must not forward (RFC 9110 §7.6.1).
 * Transfer-Encoding is among them: it frames the message on this connection (RFC 9112 §6.1),
 * and the next hop frames it anew. Content-Length stays: it is also the representation's
 * length, which a HEAD or 304 response tells without a body (RFC 9110 §8.6).
 */
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'te', 'transfer-encoding', 'upgrade', 'trailer'];

/** The header map of a message without its hop-by-hop fields, those named by Connection included. */
export function endToEndHeaders(fields: Fields): HeaderMap {
  const hop = new Set(HOP_BY_HOP);
  for (const value of fields.getAll('connection')) for (const option of listMembers(value)) hop.add(option);
  return headerMap(fields, hop);
}
