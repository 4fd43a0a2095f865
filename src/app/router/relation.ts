// How two patterns relate, as sets of paths (Go 1.22 ServeMux's algebra): one is more
// specific when every path it matches the other matches too. "The most specific route wins"
// and "ambiguous routes are refused" are then one definition: two routes for one method
// conflict when they are equivalent or overlap (each matches a path the other does not,
// and some path matches both). Pure.

import type { RoutePattern, Segment, Tail } from './pattern.js';

/** How the set of paths of `a` relates to that of `b`. */
export type Relation = 'equivalent' | 'more-specific' | 'more-general' | 'disjoint' | 'overlaps';

function invert(r: Relation): Relation {
  return r === 'more-specific' ? 'more-general' : r === 'more-general' ? 'more-specific' : r;
}

/** The relation of two products of sets, from the relations of their factors. */
function combine(r1: Relation, r2: Relation): Relation {
  if (r1 === 'disjoint' || r2 === 'disjoint') return 'disjoint';
  if (r1 === 'equivalent') return r2;
  if (r2 === 'equivalent' || r1 === r2) return r1;
  return 'overlaps';
}

function compareSegment(a: Segment, b: Segment): Relation {
  if (a.kind === 'literal' && b.kind === 'literal') return a.text === b.text ? 'equivalent' : 'disjoint';
  if (a.kind === 'param' && b.kind === 'param') return 'equivalent';
  // A param matches any segment but the empty one (a trailing slash).
  const literal = a.kind === 'literal' ? a.text : (b as { text: string }).text;
  if (literal === '') return 'disjoint';
  return a.kind === 'literal' ? 'more-specific' : 'more-general';
}

/** Paths after the fixed segments: none: exactly zero more; rest: one or more, the first not empty; mount: any. */
const TAIL_RANK = { none: 0, rest: 1, mount: 2 } as const;

function compareTails(a: Tail, b: Tail): Relation {
  if (a.kind === b.kind) return 'equivalent';
  // none and rest share no path; each is inside mount.
  if (a.kind !== 'mount' && b.kind !== 'mount') return 'disjoint';
  return TAIL_RANK[a.kind] < TAIL_RANK[b.kind] ? 'more-specific' : 'more-general';
}

/** `a`'s tail where `b` still has `extra` fixed segments (at least one) before its own tail. */
function tailAgainstSegments(a: Tail, extra: readonly Segment[]): Relation {
  if (a.kind === 'none') return 'disjoint';
  if (a.kind === 'rest' && extra[0]!.kind === 'literal' && (extra[0] as { text: string }).text === '') return 'disjoint';
  return 'more-general';
}

/** How the paths `a` matches relate to those `b` matches. */
export function compare(a: RoutePattern, b: RoutePattern): Relation {
  const n = Math.min(a.segments.length, b.segments.length);
  let r: Relation = 'equivalent';
  for (let i = 0; i < n; i++) {
    r = combine(r, compareSegment(a.segments[i]!, b.segments[i]!));
    if (r === 'disjoint') return r;
  }
  if (a.segments.length === b.segments.length) return combine(r, compareTails(a.tail, b.tail));
  if (a.segments.length < b.segments.length) return combine(r, tailAgainstSegments(a.tail, b.segments.slice(n)));
  return combine(r, invert(tailAgainstSegments(b.tail, a.segments.slice(n))));
}

/** A path both patterns match (they are not disjoint): each segment from the more specific side. */
export function commonPath(a: RoutePattern, b: RoutePattern): string {
  const parts: string[] = [];
  const n = Math.max(a.segments.length, b.segments.length);
  for (let i = 0; i < n; i++) {
    const x = a.segments[i];
    const y = b.segments[i];
    const literal = x?.kind === 'literal' ? x : y?.kind === 'literal' ? y : null;
    parts.push(literal === null ? 'x' : literal.text);
  }
  // A rest needs one more segment unless the other side's fixed segments already gave it one.
  const restA = a.tail.kind === 'rest' && a.segments.length >= b.segments.length;
  const restB = b.tail.kind === 'rest' && b.segments.length >= a.segments.length;
  if (restA || restB) parts.push('x');
  return `/${parts.join('/')}`;
}
