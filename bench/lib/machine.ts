// The machine a benchmark ran on, as its table prints it and its JSON report records it:
// ratios are only comparable within one machine, so every report names its own.

import os from 'node:os';

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly node: string;
  readonly platform: string;
  readonly kernel: string;
  readonly memoryMiB: number;
}

export function thisMachine(): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    kernel: os.release(),
    memoryMiB: Math.round(os.totalmem() / 2 ** 20),
  };
}

/** The `machine:` line of a benchmark's output. */
export function machineLine(m: Machine): string {
  return `machine: ${m.cpu}, ${m.cores} cores, node ${m.node}, ${m.platform}, kernel ${m.kernel}, ${m.memoryMiB} MiB`;
}
