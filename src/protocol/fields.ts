// Fields: the field lines of a head or trailer section, in wire order (RFC 9110 §5).
// Names are matched case-insensitively through their lowercased form; the raw name as
// the peer spelled it and the order of lines are kept, so a proxy can pass them on
// unchanged. Values are stored without leading or trailing whitespace (RFC 9110 §5.5).

/** One field line: `[name, value]`. */
export type FieldLine = readonly [name: string, value: string];

/** What `send()` takes where a head or trailer section goes. */
export type FieldsInit = Fields | readonly FieldLine[];

export class Fields implements Iterable<FieldLine> {
  /** Lowercased names, one per line. */
  #names: string[];
  /** Raw names as received or given, one per line. */
  #rawNames: string[];
  #values: string[];

  constructor(lines: Iterable<FieldLine> = []) {
    this.#names = [];
    this.#rawNames = [];
    this.#values = [];
    for (const [name, value] of lines) this.append(name, value);
  }

  /** @internal The parser's constructor: the arrays are taken, not copied. */
  static adopt(names: string[], rawNames: string[], values: string[]): Fields {
    const fields = new Fields();
    fields.#names = names;
    fields.#rawNames = rawNames;
    fields.#values = values;
    return fields;
  }

  static from(init: FieldsInit): Fields {
    return init instanceof Fields ? init : new Fields(init);
  }

  /** Adds a line at the end. The serializer validates names and values when they are sent. */
  append(name: string, value: string): void {
    this.#names.push(name.toLowerCase());
    this.#rawNames.push(name);
    this.#values.push(value);
  }

  get size(): number {
    return this.#names.length;
  }

  /** The value of `name`, repeated lines combined with ", " (RFC 9110 §5.3); null when absent. */
  get(name: string): string | null {
    const key = name.toLowerCase();
    let out: string | null = null;
    for (let i = 0; i < this.#names.length; i++) {
      if (this.#names[i] === key) out = out === null ? this.#values[i]! : `${out}, ${this.#values[i]!}`;
    }
    return out;
  }

  /** Every value of `name`, one per line (set-cookie cannot be combined: RFC 9110 §5.3). */
  getAll(name: string): string[] {
    const key = name.toLowerCase();
    const out: string[] = [];
    for (let i = 0; i < this.#names.length; i++) if (this.#names[i] === key) out.push(this.#values[i]!);
    return out;
  }

  has(name: string): boolean {
    return this.#names.includes(name.toLowerCase());
  }

  /** The lowercased name of line `i`. */
  nameAt(i: number): string {
    return this.#names[i]!;
  }

  /** The name of line `i` as it was received or given. */
  rawNameAt(i: number): string {
    return this.#rawNames[i]!;
  }

  valueAt(i: number): string {
    return this.#values[i]!;
  }

  /** The lines with their names as received, in order: what a proxy forwards. */
  raw(): FieldLine[] {
    return this.#rawNames.map((name, i) => [name, this.#values[i]!] as const);
  }

  /** Lines with lowercased names, in order. */
  *[Symbol.iterator](): Iterator<FieldLine> {
    for (let i = 0; i < this.#names.length; i++) yield [this.#names[i]!, this.#values[i]!];
  }
}
