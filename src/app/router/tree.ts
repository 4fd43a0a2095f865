// The segment trie the router matches with: per node a Map of literal children, one param
// child, and the routes that end there, take the rest, or mount an app. A lookup tries
// literal, then param, then rest, then mount; since overlapping routes were refused when
// added, the first route found for a method is the most specific one. Each node is reached
// by one path from the root, so a lookup visits each at most once: no backtracking blow-up,
// no regular expression. Pure.

import type { RoutePattern } from './pattern.js';

/** A registered route: its pattern, method (null for a mount: every method) and target. */
export interface Route<T> {
  readonly pattern: RoutePattern;
  readonly method: string | null;
  readonly target: T;
  /** Where it was registered (a stack line), for conflict messages. */
  readonly where: string;
}

/** Routes by method, for one place in the tree. */
type Endpoint<T> = Map<string, Route<T>>;

class Node<T> {
  literals: Map<string, Node<T>> | null = null;
  param: Node<T> | null = null;
  end: Endpoint<T> | null = null;
  rest: Endpoint<T> | null = null;
  mount: Route<T> | null = null;
}

/** A lookup's result: the route, the raw segments its params took, and where its rest or mount starts. */
export interface Found<T> {
  readonly route: Route<T>;
  /** The request segments at the pattern's params, in order, as received (not decoded). */
  readonly captured: readonly string[];
  /** The index of the first segment the rest or mount took (the path's length when none). */
  readonly restStart: number;
}

const NONE: readonly string[] = Object.freeze([]);

export class Tree<T> {
  readonly #root = new Node<T>();
  /** Routes of literal segments only, by path ('/about'), then method: one Map lookup, no walk. */
  readonly #static = new Map<string, Map<string, Found<T>>>();
  /** Every route, in order of registration (for conflict checks and Allow). */
  readonly routes: Route<T>[] = [];

  /** Adds a route; the caller has checked it conflicts with none. */
  add(route: Route<T>): void {
    let node = this.#root;
    for (const segment of route.pattern.segments) {
      if (segment.kind === 'param') {
        node = node.param ??= new Node<T>();
      } else {
        const literals = (node.literals ??= new Map());
        let child = literals.get(segment.text);
        if (child === undefined) literals.set(segment.text, (child = new Node<T>()));
        node = child;
      }
    }
    const tail = route.pattern.tail.kind;
    if (tail === 'none' && route.pattern.names.length === 0) {
      const key = `/${route.pattern.segments.map((segment) => (segment as { text: string }).text).join('/')}`;
      let byMethod = this.#static.get(key);
      if (byMethod === undefined) this.#static.set(key, (byMethod = new Map()));
      byMethod.set(route.method!, Object.freeze({ route, captured: NONE, restStart: route.pattern.segments.length }));
    }
    if (tail === 'mount') node.mount = route;
    else (tail === 'rest' ? (node.rest ??= new Map()) : (node.end ??= new Map())).set(route.method!, route);
    this.routes.push(route);
  }

  /**
   * The route of literal segments only for `method` and `path` (a path string, '/about'),
   * or undefined. Such a route is the most specific one for its path: when it is found,
   * find() would find it too.
   */
  findStatic(method: string, path: string): Found<T> | undefined {
    return this.#static.get(path)?.get(method);
  }

  /** The most specific route for `method` that matches `path`, or null. */
  find(method: string, path: readonly string[]): Found<T> | null {
    // One array per lookup: the result keeps it, so no copy is made.
    return search(this.#root, path, 0, method, []);
  }

  /** The methods of every route that matches `path` (a mount counts as every method: it gives null). */
  methods(path: readonly string[]): Set<string> | null {
    const out = new Set<string>();
    return collect(this.#root, path, 0, out) ? null : out;
  }
}

function search<T>(node: Node<T>, path: readonly string[], i: number, method: string, captured: string[]): Found<T> | null {
  if (i === path.length) {
    const route = node.end?.get(method);
    if (route !== undefined) return { route, captured, restStart: i };
  } else {
    const segment = path[i]!;
    const child = node.literals?.get(segment);
    if (child !== undefined) {
      const found = search(child, path, i + 1, method, captured);
      if (found !== null) return found;
    }
    // A param never takes an empty segment: '/tasks/' is not '/tasks/:id'.
    if (node.param !== null && segment !== '') {
      captured.push(segment);
      const found = search(node.param, path, i + 1, method, captured);
      if (found !== null) return found;
      captured.pop();
    }
    if (node.rest !== null && segment !== '') {
      const route = node.rest.get(method);
      if (route !== undefined) return { route, captured, restStart: i };
    }
  }
  if (node.mount !== null) return { route: node.mount, captured, restStart: i };
  return null;
}

/** Adds the methods of the routes matching `path` below `node` to `out`; true when a mount matches. */
function collect<T>(node: Node<T>, path: readonly string[], i: number, out: Set<string>): boolean {
  if (node.mount !== null) return true;
  if (i === path.length) {
    if (node.end !== null) for (const method of node.end.keys()) out.add(method);
    return false;
  }
  const segment = path[i]!;
  const child = node.literals?.get(segment);
  if (child !== undefined && collect(child, path, i + 1, out)) return true;
  if (segment === '') return false;
  if (node.param !== null && collect(node.param, path, i + 1, out)) return true;
  if (node.rest !== null) for (const method of node.rest.keys()) out.add(method);
  return false;
}
