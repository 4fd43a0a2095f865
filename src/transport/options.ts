// Checking option objects: unknown keys are refused by name (a typo must not pass for a
// default), and numeric options must be non-negative integers.

/**
 * Returns `given`'s numeric options over `defaults`, after refusing any key outside
 * `defaults` and `others`. `what` names the options in messages ("Server option").
 */
export function resolveNumbers(given: unknown, defaults: Readonly<Record<string, number>>, others: readonly string[], what: string): Record<string, unknown> {
  if (given !== undefined && (given === null || typeof given !== 'object')) throw new TypeError(`${what}s are an object, such as { ${Object.keys(defaults)[0]}: 100 }`);
  const options = (given ?? {}) as Record<string, unknown>;
  const known = new Set([...Object.keys(defaults), ...others]);
  for (const key of Object.keys(options)) {
    if (!known.has(key)) throw new TypeError(`unknown ${what} ${JSON.stringify(key)}; the options are ${[...known].join(', ')}`);
  }
  const out: Record<string, unknown> = { ...options };
  for (const [key, fallback] of Object.entries(defaults)) {
    const value = options[key] ?? fallback;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw new TypeError(`${what} ${key} must be a non-negative integer${key.endsWith('Timeout') ? ' of milliseconds' : ''}, got ${String(value)}`);
    }
    out[key] = value;
  }
  return out;
}
