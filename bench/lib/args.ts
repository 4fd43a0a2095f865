// The benchmarks' command line: --quick, --json FILE, --help, and the whole numbers a bench
// names (--runs N); anything else prints the usage and exits 2, so a typo is not a full run.

/** What a bench was asked for. */
export interface BenchArgs {
  /** A few short rounds, for smoke tests. */
  readonly quick: boolean;
  /** Where to write the results as JSON, or null. */
  readonly json: string | null;
  /** The named numbers given (`runs` for --runs), positive whole numbers. */
  readonly numbers: Readonly<Record<string, number>>;
}

/** Reads `argv` for the bench called `name` (its `usage` text is printed on --help and on a mistake). */
export function benchArgs(name: string, usage: string, argv: readonly string[], numbers: readonly string[] = []): BenchArgs {
  const fail = (code: number, message?: string): never => {
    if (message !== undefined) console.error(`bench/${name}: ${message}`);
    (code === 0 ? console.log : console.error)(usage);
    process.exit(code);
  };
  let quick = false;
  let json: string | null = null;
  const given: Record<string, number> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const number = arg.startsWith('--') ? arg.slice(2) : '';
    if (arg === '--quick') quick = true;
    else if (arg === '--json') {
      const next = argv[++i];
      if (next === undefined || next.startsWith('--')) fail(2, '--json needs a file');
      json = next!;
    } else if (numbers.includes(number)) {
      const value = Number(argv[++i]);
      if (!Number.isSafeInteger(value) || value < 1) fail(2, `${arg} needs a positive whole number`);
      given[number] = value;
    } else if (arg === '--help' || arg === '-h') fail(0);
    else fail(2, `unknown argument: ${arg}`);
  }
  return { quick, json, numbers: given };
}
