// Fields: the field lines of a head or trailer section, in wire order (RFC 9110 §5).
// Names are matched case-insensitively through their lowercased form; the raw name as
// the peer spelled it and the order of lines are kept, so a proxy can pass them on
// unchanged. Values are stored without leading or trailing whitespace (RFC 9110 §5.5).

/** One field line: `[name, value]`. */
export type FieldLine = readonly [name: string, value: string];

/** What `send()` takes where a head or trailer section goes. */
export type FieldsInit = Fields | readonly FieldLine[];

/** The field lines of a head or trailer section, in wire order with their names as received; looked up by name case-insensitively. */
export class Fields implements Iterable<FieldLine> {
  /**
   * Three strings a line: its lowercased name, its name as received or given, its value.
   * One array, so a parsed head allocates and grows one array, not three.
   */
  #lines: string[];

  constructor(lines?: Iterable<FieldLine>) {
    this.#lines = [];
    if (lines !== undefined) for (const [name, value] of lines) this.append(name, value);
  }

  /** @internal The parser's constructor: `lines` (three strings a line, as #lines) is taken, not copied. */
  static adopt(lines: string[]): Fields {
    const fields = new Fields();
    fields.#lines = lines;
    return fields;
  }

  static from(init: FieldsInit): Fields {
    return init instanceof Fields ? init : new Fields(init);
  }

  /** Adds a line at the end. The serializer validates names and values when they are sent. */
  append(name: string, value: string): void {
    this.#lines.push(name.toLowerCase(), name, value);
  }

  get size(): number {
    return this.#lines.length / 3;
  }

  /** The value of `name`, repeated lines combined with ", " (RFC 9110 §5.3); null when absent. */
  get(name: string): string | null {
    const key = name.toLowerCase();
    const lines = this.#lines;
    let out: string | null = null;
    for (let i = 0; i < lines.length; i += 3) {
      if (lines[i] === key) out = out === null ? lines[i + 2]! : `${out}, ${lines[i + 2]!}`;
    }
    return out;
  }

  /** Every value of `name`, one per line (set-cookie cannot be combined: RFC 9110 §5.3). */
  getAll(name: string): string[] {
    const key = name.toLowerCase();
    const lines = this.#lines;
    const out: string[] = [];
    for (let i = 0; i < lines.length; i += 3) if (lines[i] === key) out.push(lines[i + 2]!);
    return out;
  }

  has(name: string): boolean {
    const key = name.toLowerCase();
    const lines = this.#lines;
    for (let i = 0; i < lines.length; i += 3) if (lines[i] === key) return true;
    return false;
  }

  /** The lowercased name of line `i`. */
  nameAt(i: number): string {
    return this.#lines[3 * i]!;
  }

  /** The name of line `i` as it was received or given. */
  rawNameAt(i: number): string {
    return this.#lines[3 * i + 1]!;
  }

  valueAt(i: number): string {
    return this.#lines[3 * i + 2]!;
  }

  /** The lines with their names as received, in order: what a proxy forwards. */
  raw(): FieldLine[] {
    const lines = this.#lines;
    const out: FieldLine[] = [];
    for (let i = 0; i < lines.length; i += 3) out.push([lines[i + 1]!, lines[i + 2]!]);
    return out;
  }

  /** Lines with lowercased names, in order. */
  *[Symbol.iterator](): Iterator<FieldLine> {
    const lines = this.#lines;
    for (let i = 0; i < lines.length; i += 3) yield [lines[i]!, lines[i + 2]!];
  }
}
