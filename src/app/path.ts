// Percent-decoding of path segments, in one place: the router's params and static files'
// names are decoded here and nowhere else, so a guard and the code it guards can never
// read one path two ways (the common cause of static-file traversal advisories).

/**
 * One path segment, percent-decoded once (RFC 3986 §2.1), as UTF-8. Null when the
 * segment is not well encoded: a `%` not followed by two hex digits, or bytes that are
 * not UTF-8. The result may contain any character, `/` and NUL included: a caller that
 * maps segments to names (files) must refuse what it cannot name.
 */
export function decodeSegment(segment: string): string | null {
  if (segment.indexOf('%') === -1) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}
