// Accept-Encoding negotiation (RFC 9110 §12.5.3), sans I/O: parse the field's members and
// their q-values (§12.4.2: at most three decimals, 0 to 1), and pick the coding to apply.
// A member that breaks the grammar is skipped, never the whole field. Whitespace is SP and
// HTAB only; names compare case-insensitively; x-gzip is gzip (§8.4.1.3).

import { TOKEN } from '../protocol/syntax.js';

/** One member of Accept-Encoding: a coding (lowercase; `*` or `identity` too) and its weight in thousandths (0..1000). */
export interface CodingPreference {
  readonly coding: string;
  readonly q: number;
}

const isOws = (c: number): boolean => c === 0x20 || c === 0x09;

/** `text` without leading and trailing SP and HTAB (RFC 9110 §5.6.3 OWS). */
function stripOws(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isOws(text.charCodeAt(start))) start++;
  while (end > start && isOws(text.charCodeAt(end - 1))) end--;
  return text.slice(start, end);
}

/** RFC 9110 §12.4.2 qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ), in thousandths; null when it is not one. */
export function parseQValue(text: string): number | null {
  const first = text.charCodeAt(0);
  if ((first !== 0x30 && first !== 0x31) || text.length > 5) return null;
  if (text.length === 1) return first === 0x31 ? 1000 : 0;
  if (text.charCodeAt(1) !== 0x2e) return null;
  let thousandths = 0;
  for (let i = 2; i < 5; i++) {
    const digit = i < text.length ? text.charCodeAt(i) - 0x30 : 0;
    if (digit < 0 || digit > 9) return null;
    thousandths = thousandths * 10 + digit;
  }
  if (first === 0x31) return thousandths === 0 ? 1000 : null;
  return thousandths;
}

/**
 * The members of an Accept-Encoding value, in order; a member whose coding is not a token,
 * whose weight is not `q=qvalue` or with a parameter not `name=value` is left out.
 * Parameters other than q (none are defined) are ignored.
 */
export function parseAcceptEncoding(value: string): CodingPreference[] {
  const out: CodingPreference[] = [];
  for (const member of value.split(',')) {
    const parts = member.split(';');
    const coding = stripOws(parts[0]!);
    if (coding === '' || !TOKEN.test(coding)) continue;
    let q = 1000;
    let valid = true;
    for (let i = 1; i < parts.length; i++) {
      const param = stripOws(parts[i]!);
      const eq = param.indexOf('=');
      const name = eq === -1 ? param : param.slice(0, eq);
      // RFC 9110 §5.6.6: parameter-name "=" parameter-value, no whitespace around "=".
      if (eq === -1 || !TOKEN.test(name)) {
        valid = false;
        break;
      }
      if (name !== 'q' && name !== 'Q') continue;
      const parsed = parseQValue(param.slice(eq + 1));
      if (parsed === null) valid = false;
      else q = parsed;
      break;
    }
    if (valid) out.push({ coding: coding.toLowerCase(), q });
  }
  return out;
}

/**
 * The coding to apply to a response, from `available` (in the server's order of
 * preference): the one the client weighs highest, ties going to the earlier one and a
 * coding beating identity at equal weight. 'identity' when no coding beats it (no
 * Accept-Encoding at all counts as identity: a server compresses only when asked, as nginx
 * and hono do); null when the client refuses identity too (`identity;q=0` or `*;q=0`) and
 * accepts none of `available`.
 *
 * identity not named weighs what `*` weighs, else the least positive weight named (as the
 * negotiator package does): `gzip;q=0.5` still asks for gzip over identity.
 */
export function negotiateEncoding(value: string | null, available: readonly string[]): string | null {
  if (value === null) return 'identity';
  const weights = new Map<string, number>();
  let least = 1000;
  for (const { coding, q } of parseAcceptEncoding(value)) {
    const name = coding === 'x-gzip' ? 'gzip' : coding;
    // A coding named twice keeps its first weight.
    if (!weights.has(name)) weights.set(name, q);
    if (q > 0 && q < least) least = q;
  }
  const star = weights.get('*');
  let best: string | null = null;
  let bestQ = 0;
  for (const coding of available) {
    const q = weights.get(coding) ?? star ?? 0;
    if (q > bestQ) {
      best = coding;
      bestQ = q;
    }
  }
  const identity = weights.get('identity') ?? star ?? least;
  if (best !== null && bestQ >= identity) return best;
  return identity > 0 ? 'identity' : null;
}
