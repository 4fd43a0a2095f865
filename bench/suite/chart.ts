// Draws the suite's results as an SVG: grouped horizontal bars, one group per workload,
// one bar per pair (the median), with a whisker from the min to the max. Each group has
// its own scale (units differ: round trips/s, requests/s, MB/s), so compare bars within a
// group. Plain SVG built from strings, no dependencies.
//
//   npm run bench:chart -- results.json docs/performance.svg
//   node dist/bench/suite/chart.js results.json docs/performance.svg

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
// A type-only import, erased from the output: reading a report must not run the suite.
import type { WorkloadResult } from './results.js';

interface Report {
  readonly bench: string;
  readonly mode: string;
  readonly date: string;
  readonly machine: { readonly cpu: string; readonly cores: number; readonly node: string };
  readonly workloads: readonly WorkloadResult[];
}

/** Short titles for the group headers. */
const SHORT: Record<string, string> = {
  W1: 'W1 POST 108-byte JSON, sequential',
  W2: 'W2 GET /example, sequential',
  W3: 'W3 GET /example, pipelined x16',
  W4: 'W4 GET 64 KiB, sequential',
  W5: 'W5 16 MiB chunked upload',
  W6: 'W6 GET /example, concurrent',
};

/** Colours by pair: warren blues, node:http greens, fastify oranges, undici purples, the raw limit greys. */
const COLOURS: Record<string, string> = {
  'warren -> warren': '#2563eb',
  'warren -> node:http': '#60a5fa',
  'node:http -> node:http': '#16a34a',
  'undici -> node:http': '#7c3aed',
  'undici -> warren': '#a78bfa',
  'raw -> raw (limit)': '#4b5563',
  'raw -> warren': '#93c5fd',
  'raw -> node:http': '#86efac',
  'undici -> fastify': '#ea580c',
  'raw -> fastify': '#fdba74',
};
const BY_SERVER: Record<string, string> = { warren: '#2563eb', 'node:http': '#16a34a', fastify: '#ea580c', raw: '#4b5563' };

const WIDTH = 820;
const LABEL = 180;
const BARS = 500;
const BAR = 13;
const STEP = 16;
const HEADER = 22;
const GAP = 10;

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function format(value: number, unit: string): string {
  if (unit === 'MB/s') return value.toLocaleString('en-US', { maximumFractionDigits: 0 });
  return value >= 10_000 ? `${(value / 1000).toFixed(value >= 100_000 ? 0 : 1)}k` : Math.round(value).toLocaleString('en-US');
}

/** A 'nice' axis maximum at or above `value`: 1, 2 or 5 times a power of ten. */
function niceMax(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

export function chart(report: Report): string {
  const out: string[] = [];
  let y = 56;
  for (const w of report.workloads) {
    if (w.results.length === 0) continue;
    const top = niceMax(Math.max(...w.results.map((r) => r.max)));
    const scale = (v: number): number => (v / top) * BARS;
    // Reports from before the two conditions have none: they ran with the keep-awake loops.
    const title = `${SHORT[w.id] ?? w.id} [${w.variant}${w.condition === undefined ? '' : `, ${w.condition}`}], ${w.unit}`;
    out.push(`<g transform="translate(0 ${y})">`);
    out.push(`<text class="h" x="8" y="14">${escape(title)}</text><text class="s l" x="${LABEL + BARS}" y="14">scale 0-${format(top, w.unit)}</text>`);
    let whiskers = '';
    w.results.forEach((r, i) => {
      const by = HEADER + i * STEP;
      const colour = COLOURS[r.pair] ?? BY_SERVER[r.server] ?? '#6b7280';
      const width = Math.max(1, scale(r.median));
      out.push(
        `<text class="l" x="${LABEL - 6}" y="${by + 10}">${escape(r.pair.replace(' -> ', ' \u2192 '))}${r.note === undefined ? '' : '*'}</text>` +
          `<rect x="${LABEL}" y="${by}" width="${Math.round(width)}" height="${BAR}" fill="${colour}"/>` +
          `<text x="${Math.round(LABEL + Math.max(width, scale(r.max)) + 6)}" y="${by + 10}">${format(r.median, w.unit)}</text>`,
      );
      const mid = by + Math.floor(BAR / 2);
      whiskers += `M${Math.round(LABEL + scale(r.min))} ${mid}H${Math.round(LABEL + scale(r.max))}`;
    });
    out.push(`<path class="w" d="${whiskers}"/>`);
    out.push('</g>');
    y += HEADER + w.results.length * STEP + GAP;
  }
  const height = y + 20;
  const m = report.machine;
  const subtitle = `${m.cpu}, ${m.cores} cores, node ${m.node}; ${report.mode} run of ${report.date.slice(0, 10)}; bar: median, line: min-max; each group on its own scale; * uploads without chunk extensions`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="11">`,
    '<style>.h{font-weight:bold;font-size:12px}.s{fill:#6b7280;font-size:10px}.w{stroke:#111827;stroke-width:1;fill:none}.l{text-anchor:end}</style>',
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    '<text class="h" x="8" y="20" font-size="14">warren against node:http, undici and the raw net limit (higher is better)</text>',
    `<text class="s" x="8" y="38">${escape(subtitle)}</text>`,
    ...out,
    '</svg>',
    '',
  ].join('\n');
}

function main(): void {
  const [input, output, ...rest] = process.argv.slice(2);
  if (input === undefined || output === undefined || rest.length > 0) {
    console.error('usage: node dist/bench/suite/chart.js RESULTS.json OUT.svg   (RESULTS.json from npm run bench -- --json RESULTS.json)');
    process.exit(2);
  }
  const report = JSON.parse(readFileSync(input, 'utf8')) as Report;
  if (report.bench !== 'suite' || !Array.isArray(report.workloads)) {
    console.error(`${input} is not a report of the bench suite (npm run bench -- --json FILE)`);
    process.exit(2);
  }
  const svg = chart(report);
  mkdirSync(dirname(output), { recursive: true });
  writeFileSync(output, svg);
  console.log(`${output}: ${report.workloads.length} workloads, ${(svg.length / 1024).toFixed(1)} KiB`);
}

// Run as a script (not when imported).
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
