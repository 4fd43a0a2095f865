// What a fuzz target is: a name, its invariants in words (h11 style, printed by --list and
// copied into docs/security.md), an input generator, and a check that throws when an
// invariant fails. The runner counts executions; fast-check shrinks a failing input.

import type fc from 'fast-check';

/** One fuzz target. `check` throws (any error) when an invariant does not hold. */
export interface Target<T = unknown> {
  readonly name: string;
  readonly invariants: readonly string[];
  readonly input: fc.Arbitrary<T>;
  check(input: T): void;
}

/** Builds a target; keeps the input type between the generator and the check. */
export function target<T>(t: Target<T>): Target<unknown> {
  return t as unknown as Target<unknown>;
}

/** Runs `f`; a throw that is not an instance of one of `allowed` (or has no string `code`) is a failure. */
export function onlyCoded(f: () => void, allowed: readonly (abstract new (...args: never[]) => Error)[]): Error | null {
  try {
    f();
    return null;
  } catch (error) {
    if (allowed.some((E) => error instanceof E) && typeof (error as { code?: unknown }).code === 'string') return error as Error;
    throw error;
  }
}
