// For template tests: an Html (an iolist) as one string, and what a real HTML parser
// (parse5, as browsers do) builds from it: its elements with their attributes, its texts.

import { parse, parseFragment } from 'parse5';

type Piece = string | Uint8Array | readonly Piece[];

/** The iolist as one string (tests only: warren itself never joins a page). */
export function flat(body: Piece): string {
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return new TextDecoder().decode(body);
  let out = '';
  for (const piece of body) out += flat(piece);
  return out;
}

/** An element as parsed: its name and attributes. */
export interface Element {
  readonly tag: string;
  readonly attrs: Readonly<Record<string, string>>;
}

interface Node {
  nodeName: string;
  tagName?: string;
  value?: string;
  data?: string;
  attrs?: { name: string; value: string }[];
  childNodes?: Node[];
  content?: Node;
}

/** Elements and texts of `markup` parsed as a document (or, with `fragment`, as body content). */
export function tree(markup: string, fragment = true): { elements: Element[]; texts: string[]; comments: string[] } {
  const root = (fragment ? parseFragment(markup) : parse(markup)) as unknown as Node;
  const elements: Element[] = [];
  const texts: string[] = [];
  const comments: string[] = [];
  const walk = (node: Node): void => {
    if (node.nodeName === '#text') texts.push(node.value ?? '');
    else if (node.nodeName === '#comment') comments.push(node.data ?? '');
    else if (node.tagName !== undefined) elements.push({ tag: node.tagName, attrs: Object.fromEntries((node.attrs ?? []).map((a) => [a.name, a.value])) });
    for (const child of node.childNodes ?? []) walk(child);
    if (node.content !== undefined) walk(node.content);
  };
  walk(root);
  return { elements, texts, comments };
}
