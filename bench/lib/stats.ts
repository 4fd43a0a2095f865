// The statistics and the text tables the benchmarks report with, kept in one place so that
// the protocol bench, the suite and the TLS bench agree on what a median is and on when a
// spread is noisy, and so that their median/min/max tables line up the same way.

/** The median of a set of runs and their extremes. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** With an even count, the mean of the two middle values, so that two runs do not report the faster one. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function spread(values: readonly number[]): Spread {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/** Runs that spread by more than a quarter of the median: something else wanted the CPU. */
export function isNoisy(s: Spread): boolean {
  return (s.max - s.min) / s.median > 0.25;
}

/** MB/s keeps a decimal, as a 64 KiB body runs at a few hundred; counts of requests do not need one. */
export function formatRate(value: number, unit: string): string {
  return unit === 'MB/s'
    ? value.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })
    : Math.round(value).toLocaleString('en-US');
}

const LABEL_WIDTH = 26;
const CELL_WIDTH = 12;

/** The header of a median/min/max table; `first` names what each row is. */
export function tableHeader(first: string): string {
  return `  ${first.padEnd(LABEL_WIDTH)}${'median'.padStart(CELL_WIDTH)}${'min'.padStart(CELL_WIDTH)}${'max'.padStart(CELL_WIDTH)}  unit`;
}

/** A row under tableHeader(); `suffix` follows the unit (notes such as "  noisy"). */
export function tableRow(label: string, s: Spread, unit: string, suffix = ''): string {
  const cells = [s.median, s.min, s.max].map((x) => formatRate(x, unit).padStart(CELL_WIDTH)).join('');
  return `  ${label.padEnd(LABEL_WIDTH)}${cells}  ${unit}${suffix}`;
}
