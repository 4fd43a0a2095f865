// The URL a fetch handler's Request carries, from what HTTP/1.1 sends: the request-target
// and Host (RFC 9112 §3.2, §3.3). An origin-form target goes after the origin Host names;
// an absolute-form one is the URL itself and Host is ignored (§3.2.2). The result is what
// `new Request(url).url` would show (WHATWG URL serialization), so a lazy and a real
// Request agree; a Host that would change the origin (`a@b`, `a/b`) gives null, answered 400.

/** A target whose serialization is itself: no dot segment, no percent sign, no backslash (node-server's check). */
const PLAIN_TARGET = /^\/[!#$&-;=?-[\]_a-z~]*$/;
const DOT_SEGMENT = /\/\.\.?(?:[/?#]|$)/;

/**
 * The origin (`https://example.com:8443`) for a Host value, or null when it is not one
 * host[:port]: userinfo, a path or a query in Host would move the request elsewhere.
 */
export function originOf(scheme: 'http' | 'https', host: string): string | null {
  let url: URL;
  try {
    url = new URL(`${scheme}://${host}`);
  } catch {
    return null;
  }
  if (url.username !== '' || url.password !== '' || url.pathname !== '/' || url.search !== '' || url.hash !== '' || host.endsWith('?') || host.endsWith('#')) return null;
  return url.origin;
}

/** The origin of a Unix socket without Host, as serve() prints it: `http+unix://<encoded path>`. */
export function unixOrigin(scheme: 'http' | 'https', path: string): string {
  return `${scheme}+unix://${encodeURIComponent(path)}`;
}

/**
 * The request URL: `origin` + an origin-form target, or an absolute-form target alone
 * (http or https only). Null for the asterisk and authority forms, which no URL holds.
 */
export function requestUrl(origin: string, target: string): string | null {
  if (target.charCodeAt(0) === 0x2f) {
    const url = origin + target;
    if (PLAIN_TARGET.test(target) && !DOT_SEGMENT.test(target)) return url;
    try {
      return new URL(url).href;
    } catch {
      return null;
    }
  }
  const lower = target.slice(0, 8).toLowerCase();
  if (!lower.startsWith('http://') && !lower.startsWith('https://')) return null;
  try {
    return new URL(target).href;
  } catch {
    return null;
  }
}
