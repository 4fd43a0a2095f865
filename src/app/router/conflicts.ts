// Which registered routes a new one could conflict with, without comparing it to all of
// them (Go ServeMux's routingIndex): a route whose literal at position i differs from the
// new one's literal there shares no path with it. So the candidates at such a position are
// the routes with the same literal there, those with a param there, and those with a rest
// or mount tail; the index answers with the position that has the fewest. Pure.

import type { RoutePattern } from './pattern.js';

/** The routes that may share a path with a pattern, over the routes added so far. */
export class ConflictIndex<R extends { readonly pattern: RoutePattern }> {
  /** Routes by position and the literal at it. */
  readonly #literals = new Map<string, R[]>();
  /** Routes by position of a param. */
  readonly #params: R[][] = [];
  /** Routes with a rest or a mount: they reach past their fixed segments. */
  readonly #tails: R[] = [];
  readonly #all: R[] = [];

  add(route: R): void {
    const { segments, tail } = route.pattern;
    segments.forEach((segment, i) => {
      if (segment.kind === 'param') (this.#params[i] ??= []).push(route);
      else {
        const key = `${i}/${segment.text}`;
        const list = this.#literals.get(key);
        if (list === undefined) this.#literals.set(key, [route]);
        else list.push(route);
      }
    });
    if (tail.kind !== 'none') this.#tails.push(route);
    this.#all.push(route);
  }

  /** Every route that is not certainly disjoint from `pattern` (some may still be). */
  candidates(pattern: RoutePattern): readonly R[] {
    let best: R[][] | null = null;
    let size = Infinity;
    pattern.segments.forEach((segment, i) => {
      if (segment.kind !== 'literal') return;
      const lists = [this.#literals.get(`${i}/${segment.text}`) ?? [], this.#params[i] ?? [], this.#tails];
      const n = lists[0]!.length + lists[1]!.length + lists[2]!.length;
      if (n < size) {
        best = lists;
        size = n;
      }
    });
    if (best === null) return this.#all;
    // A route can be in two lists (a param here and a rest later): the set keeps one of each.
    return [...new Set((best as R[][]).flat())];
  }
}
