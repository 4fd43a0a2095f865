// One case through both parsers and its class: agree (both accept the same framing, or both
// reject), warren-stricter (warren rejects, llhttp accepts: keyed by warren's code),
// llhttp-stricter (keyed by llhttp's HPE code), different-framing (both accept, but the
// messages or their body bytes differ: always a bug, unless it is llhttp's misreading of
// forms the RFC allows (OWS runs around a value, an empty member in Transfer-Encoding): a case
// that agrees once written in the plain form is 'llhttp-misframing', counted on its own).
// Both parsers see the whole stream and then the peer's close (EOF), so a message cut short
// is an error for both.

import { drive, latin1 } from '../drive.js';
import type { Case } from './generate.js';
import { llhttp } from './llhttp.js';

export type Verdict =
  | { readonly class: 'agree' }
  | { readonly class: 'warren-stricter'; readonly key: string }
  | { readonly class: 'llhttp-stricter'; readonly key: string }
  | { readonly class: 'different-framing'; readonly key: string }
  | { readonly class: 'llhttp-misframing'; readonly key: string };

/** The same field lines with the OWS around each value written as RFC 9110 §5.5 recommends: one SP before, none after. */
function canonicalOws(text: string): string {
  const end = text.indexOf('\r\n\r\n');
  if (end === -1) return text;
  const head = text
    .slice(0, end)
    .replace(/:[ \t]+/g, ': ')
    .replace(/[ \t]+\r\n/g, '\r\n')
    .replace(/[ \t]+$/, '')
    // RFC 9110 §5.6.1: empty list members are ignored; written without them, for Transfer-Encoding.
    .replace(/^(transfer-encoding: )(.*)$/gim, (_line, name: string, value: string) => name + value.split(',').map((m) => m.replace(/^[ \t]+|[ \t]+$/g, '')).filter((m) => m !== '').join(', '));
  return head + text.slice(end);
}

function same(a: readonly Uint8Array[], b: readonly Uint8Array[]): boolean {
  return a.length === b.length && a.every((x, i) => Buffer.compare(Buffer.from(x), Buffer.from(b[i]!)) === 0);
}

export function compare(c: Case): Verdict {
  const bytes = latin1(c.text);
  const eof = true;
  const w = drive(c.kind === 'request' ? 'server' : 'client', [bytes], eof);
  const l = llhttp(c.kind, bytes, eof);
  if (w.error !== null && l.error !== null) return { class: 'agree' };
  if (w.error !== null) return { class: 'warren-stricter', key: `${c.kind}:${w.error}` };
  if (l.error !== null) {
    const again = llhttp(c.kind, latin1(canonicalOws(c.text)), eof);
    if (again.error === null && again.messages === w.messages && same(again.bodies, w.bodies)) return { class: 'llhttp-misframing', key: `${c.kind}:plain-form` };
    return { class: 'llhttp-stricter', key: `${c.kind}:${l.error}` };
  }
  if (w.messages !== l.messages || !same(w.bodies, l.bodies)) {
    const again = llhttp(c.kind, latin1(canonicalOws(c.text)), eof);
    if (again.error === null && again.messages === w.messages && same(again.bodies, w.bodies)) return { class: 'llhttp-misframing', key: `${c.kind}:plain-form` };
    return { class: 'different-framing', key: `${c.kind}: warren ${w.messages} message(s) ${w.bodies.map((b) => b.length).join('/')}, llhttp ${l.messages} ${l.bodies.map((b) => b.length).join('/')}` };
  }
  return { class: 'agree' };
}
