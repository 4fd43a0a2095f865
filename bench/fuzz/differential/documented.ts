// The disagreements with llhttp that are on purpose, each argued in docs/deviations.md
// (section "The differential against llhttp") under the same key. A key the differential
// finds that is not here fails `npm run differential` and its test; a key here that the
// test's batch no longer finds is fine (the grammar may not reach it with that seed).

/** `warren <kind>:<code>` (warren refuses, llhttp accepts) or `llhttp <kind>:<HPE code>`, with the RFC line. */
export const DOCUMENTED_CLASSES: ReadonlyMap<string, string> = new Map([
  ['warren request:missing-host', 'RFC 9112 §3.2'],
  ['warren request:duplicate-host', 'RFC 9112 §3.2'],
  ['warren request:invalid-host', 'RFC 9112 §3.2'],
  ['warren request:invalid-target', 'RFC 9112 §3'],
  ['warren request:unsupported-version', 'RFC 9110 §15.6.6'],
  ['warren response:unsupported-version', 'RFC 9110 §15.6.6'],
  ['warren request:invalid-version', 'RFC 9112 §2.3'],
  ['warren response:invalid-version', 'RFC 9112 §2.3'],
  ['warren request:unsupported-transfer-coding', 'RFC 9112 §6.1'],
  ['warren response:unsupported-transfer-coding', 'RFC 9112 §6.1'],
  ['warren request:invalid-transfer-encoding', 'RFC 9112 §6.1, §7'],
  ['warren response:invalid-transfer-encoding', 'RFC 9112 §6.1, §7'],
  ['warren response:chunked-not-final', 'RFC 9112 §6.3'],
  ['warren request:transfer-encoding-in-http10', 'RFC 9112 §6.1'],
  ['warren response:transfer-encoding-in-http10', 'RFC 9112 §6.1'],
  ['warren request:chunk-size-overflow', 'RFC 9112 §7.1'],
  ['warren response:chunk-size-overflow', 'RFC 9112 §7.1'],
  ['warren request:invalid-chunk-size', 'RFC 9112 §7.1'],
  ['warren response:invalid-chunk-size', 'RFC 9112 §7.1'],
  ['warren request:invalid-chunk-extension', 'RFC 9112 §7.1.1'],
  ['warren response:invalid-chunk-extension', 'RFC 9112 §7.1.1'],
  ['warren request:bare-lf', 'RFC 9112 §2.2'],
  ['warren response:incomplete-message', 'RFC 9112 §2.2, §8'],
  ['llhttp request:HPE_INVALID_CONTENT_LENGTH', 'RFC 9110 §8.6'],
  ['llhttp response:HPE_INVALID_CONTENT_LENGTH', 'RFC 9110 §8.6'],
  ['llhttp request:HPE_UNEXPECTED_CONTENT_LENGTH', 'RFC 9110 §8.6'],
  ['llhttp response:HPE_UNEXPECTED_CONTENT_LENGTH', 'RFC 9110 §8.6'],
  ['llhttp request:HPE_INVALID_CHUNK_SIZE', 'RFC 9112 §7.1.1'],
  ['llhttp response:HPE_INVALID_CHUNK_SIZE', 'RFC 9112 §7.1.1'],
  ['llhttp request:HPE_INVALID_METHOD', 'RFC 9110 §9.1'],
  ['llhttp request:HPE_INVALID_TRANSFER_ENCODING', 'RFC 9110 §5.6.1'],
]);

export const DOCUMENTED: ReadonlySet<string> = new Set(DOCUMENTED_CLASSES.keys());
