// Keep-awake: one busy loop per CPU at the lowest priority, so that no CPU halts between
// the two halves of a round trip. On a VM an idle vCPU halts, and waking it costs tens of
// microseconds, as long as a whole warren round trip: sequential loopback benchmarks then
// measure the hypervisor. The suite measures with and without (docs/performance.md).

import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';

/**
 * Starts one busy loop per CPU at nice 19. A nice-19 task yields to any normal one at once
 * (CFS weight 15 against 1024), so it takes ~1.5% of a busy CPU. Each loop ends after `ms`,
 * or within a few milliseconds of its parent's death (it polls with kill(parent, 0)); stop
 * them sooner with stopChild (servers.ts).
 */
export function keepAwake(ms: number): ChildProcess[] {
  const code =
    `const parent = ${process.pid}, end = Date.now() + ${ms};` +
    'const alive = () => { try { process.kill(parent, 0); return true; } catch { return false; } };' +
    'for (;;) { for (let i = 0; i < 1e6; i++); if (Date.now() > end || !alive()) process.exit(0); }';
  return os.cpus().map(() => {
    const child = spawn(process.execPath, ['-e', code], { stdio: 'ignore' });
    child.on('error', () => {});
    try {
      os.setPriority(child.pid!, 19);
    } catch {
      child.kill();
      throw new Error('cannot lower the priority of the keep-awake loops; run with --no-keep-awake');
    }
    return child;
  });
}
