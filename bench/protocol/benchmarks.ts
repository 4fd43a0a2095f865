// The protocol benchmarks: each is its inputs, its checks and the cases timed on them
// (warren's first case is the one the headline ratio uses; llhttp's reused parser is the
// other side). They are built only when they run, each in a child process of its own.

import { Connection } from '../../src/protocol/index.js';
import { LlhttpRequestParser } from '../lib/llhttp.js';
import type { Case } from '../lib/measure.js';
import { check, checkLlhttpChunked, checkLlhttpHead, checkWarrenChunked, checkWarrenHead } from './checks.js';
import { BODY_BYTES, CHROME_FIELDS, CHROME_HEAD, CHUNKED_FIELDS, CHUNKED_MESSAGE, CHUNKED_SEGMENTS, CHUNKS, TINY_FIELDS, TINY_HEAD } from './inputs.js';
import { llhttpMessage, llhttpSegments, warrenCycle, warrenFresh, warrenFreshSegments } from './parsers.js';

// ---------------------------------------------------------------------------------------
// The benchmarks

export interface Benchmark {
  readonly name: string;
  readonly description: string;
  /** Body bytes per message, for MB/s; 0 for heads, reported in requests/s. */
  readonly bodyBytes: number;
  readonly check: () => void;
  /** warren's cases; the first is the one the headline ratio uses. */
  readonly warren: readonly Case[];
  readonly llhttp: Case;
}

export function headBenchmark(name: string, description: string, bytes: Buffer, target: string, fields: number, host: string): Benchmark {
  const reused = new Connection('server');
  const parser = new LlhttpRequestParser();
  return {
    name,
    description: `${description} (${bytes.length} B, ${fields} field line${fields === 1 ? '' : 's'})`,
    bodyBytes: 0,
    check: () => {
      check(`warren parses ${name}`, () => checkWarrenHead(bytes, target, fields, host));
      check(`llhttp parses ${name}`, () => checkLlhttpHead(bytes, target, fields));
    },
    warren: [
      {
        label: 'warren fresh Connection',
        checksumPerOp: fields + 1,
        run: (n) => {
          let sum = 0;
          for (let i = 0; i < n; i++) sum += warrenFresh(bytes);
          return sum;
        },
      },
      {
        label: 'warren keep-alive + 204',
        checksumPerOp: fields + 1,
        run: (n) => {
          let sum = 0;
          for (let i = 0; i < n; i++) sum += warrenCycle(reused, bytes);
          return sum;
        },
      },
    ],
    llhttp: {
      label: 'llhttp reused parser',
      checksumPerOp: fields + 1,
      run: (n) => {
        let sum = 0;
        for (let i = 0; i < n; i++) sum += llhttpMessage(parser, bytes);
        return sum;
      },
    },
  };
}

export function chunkedBenchmark(name: string, description: string, segments: readonly Buffer[]): Benchmark {
  const parser = new LlhttpRequestParser();
  const whole = segments.length === 1 ? segments[0]! : null;
  return {
    name,
    description,
    bodyBytes: BODY_BYTES,
    check: () => {
      check(`warren parses ${name}`, () => checkWarrenChunked(segments));
      check(`llhttp parses ${name}`, () => checkLlhttpChunked(segments));
    },
    warren: [
      {
        label: 'warren fresh Connection',
        // warren also hands out each chunk's two extensions; llhttp checks them and drops them.
        checksumPerOp: CHUNKED_FIELDS + BODY_BYTES + 2 * CHUNKS + 1,
        run:
          whole !== null
            ? (n) => {
                let sum = 0;
                for (let i = 0; i < n; i++) sum += warrenFresh(whole);
                return sum;
              }
            : (n) => {
                let sum = 0;
                for (let i = 0; i < n; i++) sum += warrenFreshSegments(segments);
                return sum;
              },
      },
    ],
    llhttp: {
      label: 'llhttp reused parser',
      checksumPerOp: CHUNKED_FIELDS + BODY_BYTES + 1,
      run: (n) => {
        let sum = 0;
        for (let i = 0; i < n; i++) sum += llhttpSegments(parser, segments);
        return sum;
      },
    },
  };
}

/** The benchmarks, in the order they run; each is built only when it runs. */
export const BENCHMARKS: ReadonlyMap<string, () => Benchmark> = new Map([
  ['chrome-head', () => headBenchmark('chrome-head', 'Chrome GET navigation head', CHROME_HEAD, '/search?q=warren', CHROME_FIELDS, 'www.example.com')],
  ['tiny-get', () => headBenchmark('tiny-get', 'GET /api/v1/item/42 with Host only', TINY_HEAD, '/api/v1/item/42', TINY_FIELDS, 'localhost')],
  [
    'chunked-64k',
    () =>
      chunkedBenchmark(
        'chunked-64k',
        `64 KiB chunked request body, ${CHUNKS} chunks of 1 KiB with ;n=<i>;sig="abc", in one read (${CHUNKED_MESSAGE.length} B)`,
        [CHUNKED_MESSAGE],
      ),
  ],
  [
    'chunked-64k-reads',
    () => chunkedBenchmark('chunked-64k-reads', `the same message in ${CHUNKED_SEGMENTS.length} reads of 16 KiB, as a socket hands it over`, CHUNKED_SEGMENTS),
  ],
]);
