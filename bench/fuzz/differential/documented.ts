// The disagreements with llhttp that are on purpose, each argued in docs/deviations.md
// (section "The differential against llhttp") under the same key. A key the differential
// finds that is not here fails `npm run differential` and its test.

/** `warren <kind>:<code>` (warren refuses, llhttp accepts) or `llhttp <kind>:<HPE code>`. */
export const DOCUMENTED: ReadonlySet<string> = new Set<string>([]);
