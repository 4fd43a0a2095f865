// FormValues and FormFiles: kali's Bag, a multi-map kept in the order the form was sent.
// Blank values are kept (an empty text box is a field with value ''). Names are plain
// strings: `a[b][c]` means nothing more than its characters, so no nesting, no prototype
// keys and no deep-object DoS (CVE-2026-5079) can come of it. An empty name is refused
// (CVE-2025-48997) by the parsers, and by the constructor as a misuse.

/** A multi-map from names to values, in order; frozen once built. */
class MultiMap<T> implements Iterable<readonly [string, T]> {
  readonly #entries: readonly (readonly [string, T])[];
  readonly #byName = new Map<string, T[]>();

  constructor(entries: Iterable<readonly [string, T]> = []) {
    const list: (readonly [string, T])[] = [];
    for (const entry of entries) {
      const [name, value] = entry;
      if (typeof name !== 'string' || name === '') throw new TypeError(`a form name is a non-empty string, got ${typeof name} ${JSON.stringify(name)}`);
      list.push(Object.freeze([name, value] as const));
      const values = this.#byName.get(name);
      if (values === undefined) this.#byName.set(name, [value]);
      else values.push(value);
    }
    this.#entries = Object.freeze(list);
    Object.freeze(this);
  }

  /** The first value sent under `name`, or null when there is none. */
  get(name: string): T | null {
    const values = this.#byName.get(name);
    return values === undefined ? null : values[0]!;
  }

  /** Every value sent under `name`, in order; empty when there is none. */
  getAll(name: string): readonly T[] {
    return this.#byName.get(name)?.slice() ?? [];
  }

  /** True when at least one value was sent under `name`. */
  has(name: string): boolean {
    return this.#byName.has(name);
  }

  /** The distinct names, in the order each first appeared. */
  names(): string[] {
    return [...this.#byName.keys()];
  }

  /** The number of values (not of distinct names). */
  get size(): number {
    return this.#entries.length;
  }

  /** Every [name, value] pair, in the order sent. */
  [Symbol.iterator](): Iterator<readonly [string, T]> {
    return this.#entries[Symbol.iterator]();
  }
}

/** The fields of a form or query string: name -> text values, in order (kali's Bag). */
export class FormValues extends MultiMap<string> {}

/** A file a form carried, as form() left it. */
export interface UploadedFile {
  /** The field name it was sent under. */
  readonly name: string;
  /** The name the browser gave, reduced to its last path segment; never use it as a path without checking. */
  readonly filename: string;
  /** The part's Content-Type as sent (application/octet-stream when absent). */
  readonly contentType: string;
  /** Its length in bytes. */
  readonly size: number;
  /** The temp file holding it (mode 0o600, removed by cleanup()); null when an onFile sink took it. */
  readonly path: string | null;
}

/** The files of a form: name -> uploaded files, in order. */
export class FormFiles extends MultiMap<UploadedFile> {}
