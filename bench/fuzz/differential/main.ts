// npm run differential -- [--count N] [--seed S] [--show K]
// Generates N cases (seeded), runs each through warren's core and Node's llhttp, and prints
// the counts by class and, for every stricter key, whether docs/deviations.md documents it.
// Exit 1 on any different-framing case or an undocumented stricter key.

import { fileURLToPath } from 'node:url';
import { compare } from './compare.js';
import { DOCUMENTED } from './documented.js';
import { generator, type Case } from './generate.js';

/** Counts of one batch: by class, and by key within the stricter classes. */
export interface Tally {
  readonly count: number;
  readonly classes: Record<string, number>;
  readonly keys: Map<string, { count: number; example: Case }>;
  readonly framing: { key: string; example: Case }[];
  readonly undocumented: string[];
}

export function run(count: number, seed: number): Tally {
  const next = generator(seed);
  const classes: Record<string, number> = { agree: 0, 'warren-stricter': 0, 'llhttp-stricter': 0, 'different-framing': 0, 'llhttp-misframing': 0 };
  const keys = new Map<string, { count: number; example: Case }>();
  const framing: { key: string; example: Case }[] = [];
  for (let i = 0; i < count; i++) {
    const c = next();
    const v = compare(c);
    classes[v.class]!++;
    if (v.class === 'llhttp-misframing') continue;
    if (v.class === 'different-framing') framing.push({ key: v.key, example: c });
    else if (v.class !== 'agree') {
      const key = `${v.class === 'warren-stricter' ? 'warren' : 'llhttp'} ${v.key}`;
      const k = keys.get(key);
      if (k === undefined) keys.set(key, { count: 1, example: c });
      else k.count++;
    }
  }
  const undocumented = [...keys.keys()].filter((k) => !DOCUMENTED.has(k));
  return { count, classes, keys, framing, undocumented };
}

/** JSON, with every byte past 0x7e written as \\u00XX (0xA0 reads as a space otherwise). */
function escape(text: string): string {
  return JSON.stringify(text).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function main(): void {
  const argv = process.argv.slice(2);
  let count = 20_000;
  let seed = 17;
  let show = 3;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--count') count = Number(argv[++i]);
    else if (argv[i] === '--seed') seed = Number(argv[++i]);
    else if (argv[i] === '--show') show = Number(argv[++i]);
    else throw new Error(`unknown argument ${JSON.stringify(argv[i])}: use --count N, --seed S, --show K`);
  }
  const t = run(count, seed);
  console.log(`differential: ${count} cases, seed ${seed}, node ${process.version}`);
  for (const [name, n] of Object.entries(t.classes)) console.log(`  ${name.padEnd(18)} ${n}`);
  for (const [key, { count: n, example }] of [...t.keys].sort((a, b) => b[1].count - a[1].count)) {
    console.log(`  ${DOCUMENTED.has(key) ? '    ' : 'NEW '}${key.padEnd(58)} ${String(n).padStart(6)}  e.g. ${escape(example.text)}`);
  }
  for (const f of t.framing.slice(0, show)) console.log(`  FRAMING ${f.key}: ${escape(f.example.text)} (${f.example.mutations.join(', ')})`);
  if (t.framing.length > 0 || t.undocumented.length > 0) process.exitCode = 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
