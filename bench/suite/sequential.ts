// The one-connection workloads (W1-W5): per pair a connection, a checked first exchange
// and a warm-up, then the timed runs, pairs interleaved run by run in alternating order so
// that drift is shared. Each run also tallies the CPU time both ends spent.

import { readFileSync } from 'node:fs';
import type { RunningServer } from '../lib/servers.js';
import { withTimeout } from '../lib/timeout.js';
import { makeDriver, runFor, type Driver } from './drivers.js';
import { UPLOAD_BYTES } from './payloads.js';
import { MAX_REQUESTS, type Plan, type Workload } from './plan.js';
import { summarize, type Condition, type CpuTally, type WorkloadResult } from './results.js';

/** A process's user + system CPU time so far, in µs (/proc/PID/stat counts clock ticks of 10 ms). */
function processCpuUs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const after = fields.slice(fields.lastIndexOf(')') + 2).split(' ');
  return (Number(after[11]) + Number(after[12])) * 10_000;
}

/** Runs `workload` against `servers` (keyed `<kind> <transport>`). */
export async function measure(workload: Workload, servers: ReadonlyMap<string, RunningServer>, plan: Plan, condition: Condition): Promise<WorkloadResult> {
  const drivers: Driver[] = [];
  try {
    for (const pair of workload.pairs) {
      const server = servers.get(`${pair.server} ${workload.transport}`)!;
      const driver = await withTimeout(makeDriver(pair.client, workload.op, server.target), 10_000, `connecting ${pair.name}`);
      drivers.push(driver);
      // The check: one operation, whose answer the driver verifies; then the warm-up.
      await withTimeout(driver.step(), 30_000, `the first ${workload.op} of ${pair.name}`);
      await withTimeout(runFor(driver, plan.warmupMs, MAX_REQUESTS[workload.op]), plan.warmupMs + 30_000, `the warm-up of ${pair.name}`);
    }
    const runs: number[][] = workload.pairs.map(() => []);
    const cpu: CpuTally[] = workload.pairs.map(() => ({ clientUs: 0, serverUs: 0, requests: 0 }));
    const forward = workload.pairs.map((_, i) => i);
    const backward = [...forward].reverse();
    for (let run = 0; run < plan.runs; run++) {
      for (const i of run % 2 === 0 ? forward : backward) {
        const pair = workload.pairs[i]!;
        const serverPid = servers.get(`${pair.server} ${workload.transport}`)!.pid;
        const serverBefore = processCpuUs(serverPid);
        const clientBefore = process.cpuUsage();
        const { requests, seconds } = await withTimeout(runFor(drivers[i]!, plan.runMs, MAX_REQUESTS[workload.op]), plan.runMs + 30_000, `a run of ${pair.name}`);
        const client = process.cpuUsage(clientBefore);
        cpu[i]!.clientUs += client.user + client.system;
        cpu[i]!.serverUs += processCpuUs(serverPid) - serverBefore;
        cpu[i]!.requests += requests;
        runs[i]!.push(workload.unit === 'MB/s' ? (requests * UPLOAD_BYTES) / seconds / 1e6 : requests / seconds);
      }
    }
    return {
      id: workload.id,
      variant: workload.variant,
      condition,
      title: workload.title,
      unit: workload.unit,
      results: workload.pairs.map((pair, i) => summarize(pair, runs[i]!, cpu[i])),
    };
  } finally {
    for (const driver of drivers) await driver.close().catch(() => {});
  }
}
