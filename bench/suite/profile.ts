// Where warren's time goes under one of the suite's workloads (default W2: sequential
// GET /example on one keep-alive connection over a Unix socket). By default it runs the
// suite's warren server in a child (bench/lib/servers.ts) under `node --cpu-prof`, drives it with the
// raw-socket client (so that only the server is warren) or the warren client, closes it
// gracefully so the profile is written, and lists the functions with the most self time,
// and the time by file. With --side client it profiles the warren client instead, in this
// process (node:inspector), against the raw limit server.
//
//   node dist/bench/suite/profile.js [--op example|json|64k|pipeline|upload] [--side server|client]
//                                    [--client raw|warren] [--seconds N] [--top N] [--keep DIR]

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveInChild } from '../lib/servers.js';
import { makeDriver, runFor, type ClientKind, type Op } from './drivers.js';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}

interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function where(url: string): string {
  if (url === '') return '';
  if (url.startsWith('file://')) return relative(ROOT, fileURLToPath(url));
  return url;
}

const OPS: readonly Op[] = ['example', 'json', '64k', 'pipeline', 'upload'];
const WORKLOAD: Record<Op, string> = {
  json: 'W1 (POST / with 108 bytes, sequential)',
  example: 'W2 (GET /example, sequential)',
  pipeline: 'W3 (GET /example pipelined x16)',
  '64k': 'W4 (GET /64k, sequential)',
  upload: 'W5 (16 MiB chunked upload)',
};

interface Args {
  readonly op: Op;
  readonly side: 'server' | 'client';
  readonly client: ClientKind;
  readonly seconds: number;
  readonly top: number;
  readonly keep: string | null;
}

const USAGE = `usage: node dist/bench/suite/profile.js [--op ${OPS.join('|')}] [--side server|client] [--client raw|warren] [--seconds N] [--top N] [--keep DIR]`;

function args(): Args {
  const argv = process.argv.slice(2);
  let op: Op = 'example';
  let side: 'server' | 'client' = 'server';
  let client: ClientKind = 'raw';
  let seconds = 5;
  let top = 25;
  let keep: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    if (argv[i] === '--op' && OPS.includes(value as Op)) op = value as Op;
    else if (argv[i] === '--side' && (value === 'server' || value === 'client')) side = value;
    else if (argv[i] === '--client' && (value === 'raw' || value === 'warren')) client = value;
    else if (argv[i] === '--seconds' && Number(value) > 0 && Number(value) <= 60) seconds = Number(value);
    else if (argv[i] === '--top' && Number(value) > 0) top = Number(value);
    else if (argv[i] === '--keep' && value !== undefined) keep = value;
    else {
      console.error(USAGE);
      process.exit(2);
    }
    i++;
  }
  return { op, side, client: side === 'client' ? 'warren' : client, seconds, top, keep };
}

/** Prints the functions with the most self time, and self time by file. */
function report(profile: Profile, top: number): void {
  const byNode = new Map<number, ProfileNode>(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  const byFile = new Map<string, number>();
  let total = 0;
  let idle = 0;
  profile.samples.forEach((id, i) => {
    // timeDeltas[i] is the time before sample i; the time after it is the next delta.
    const us = profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0;
    const frame = byNode.get(id)!.callFrame;
    if (frame.functionName === '(idle)') {
      idle += us;
      return;
    }
    total += us;
    const file = where(frame.url);
    const name = `${frame.functionName === '' ? '(anonymous)' : frame.functionName}${file === '' ? '' : ` ${file}:${frame.lineNumber + 1}`}`;
    self.set(name, (self.get(name) ?? 0) + us);
    const group = file === '' ? frame.functionName : file.startsWith('node:') ? file.replace(/^node:internal\/([^/]+).*/, 'node:internal/$1') : file;
    byFile.set(group, (byFile.get(group) ?? 0) + us);
  });
  const pct = (us: number): string => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
  console.log(`busy ${(total / 1000).toFixed(0)} ms, idle ${(idle / 1000).toFixed(0)} ms of the profile\n`);
  console.log(`top ${top} functions by self time (share of busy time):`);
  for (const [name, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(us)}  ${name}`);
  console.log('\nby file (self time):');
  for (const [name, us] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(us)}  ${name}`);
}

/** The warren server in a child under --cpu-prof, driven from here. */
async function profileServer({ op, client, seconds, top, keep }: Args): Promise<void> {
  const dir = keep ?? mkdtempSync(join(tmpdir(), 'warren-profile-'));
  const server = await serveInChild('warren', join(dir, 'warren.sock'), {}, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
  const driver = await makeDriver(client, op, server.target);
  await runFor(driver, 500, 1e7);
  const { requests, seconds: took } = await runFor(driver, seconds * 1000, 1e7);
  await driver.close();
  // Its channel closed, the child exits by itself, and --cpu-prof writes the profile then.
  await server.close();
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (file === undefined) throw new Error(`no .cpuprofile in ${dir}: the server child did not exit by itself`);
  console.log(`the warren server under ${WORKLOAD[op]}, one connection, Unix socket, ${client} client: ${Math.round(requests / took).toLocaleString('en-US')} requests/s while profiled`);
  report(JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile, top);
  if (keep === null) rmSync(dir, { recursive: true, force: true });
  else console.log(`\nprofile kept: ${join(dir, file)}`);
}

/** The warren client in this process (node:inspector), against the raw limit server in a child. */
async function profileClient({ op, seconds, top, keep }: Args): Promise<void> {
  const dir = keep ?? mkdtempSync(join(tmpdir(), 'warren-profile-'));
  const path = join(dir, 'raw.sock');
  const server = await serveInChild('raw', path);
  try {
    const driver = await makeDriver('warren', op, { path });
    await runFor(driver, 500, 1e7);
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 1000 });
    await session.post('Profiler.start');
    const { requests, seconds: took } = await runFor(driver, seconds * 1000, 1e7);
    const { profile } = (await session.post('Profiler.stop')) as { profile: Profile };
    session.disconnect();
    await driver.close();
    console.log(`the warren client under ${WORKLOAD[op]}, one connection, Unix socket, raw limit server: ${Math.round(requests / took).toLocaleString('en-US')} requests/s while profiled`);
    if (keep !== null) writeFileSync(join(dir, 'client.cpuprofile'), JSON.stringify(profile));
    report(profile, top);
  } finally {
    await server.close();
    if (keep === null) rmSync(dir, { recursive: true, force: true });
  }
}

const options = args();
if (options.side === 'server') await profileServer(options);
else await profileClient(options);
process.exit(0);
