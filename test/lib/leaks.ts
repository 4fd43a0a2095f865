// Leak checks for the load and fault suites: what process.getActiveResourcesInfo() counts
// (sockets, servers, timers) before a test and after it, and a bounded wait for the count
// to come back, since a closed socket leaves the list a tick or two after close().

/** Resources that can leak from a test: handles and timers, not the runner's own promises. */
const KINDS = new Set(['TCPSocketWrap', 'TCPServerWrap', 'PipeWrap', 'PipeServerWrap', 'Timeout', 'TLSWrap', 'Immediate']);

/** The counted resources active now, by kind. */
export function resources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) if (KINDS.has(kind)) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return counts;
}

/**
 * Waits (at most `ms`) until no kind has more resources than in `before`; throws naming the
 * kinds still over, so a leak fails the test with what leaked.
 */
export async function noLeaks(before: Map<string, number>, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const over: string[] = [];
    for (const [kind, count] of resources()) if (count > (before.get(kind) ?? 0)) over.push(`${kind}: ${before.get(kind) ?? 0} -> ${count}`);
    if (over.length === 0) return;
    if (Date.now() > until) throw new Error(`resources left after the test: ${over.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Fails a test that sees an unhandled rejection or an uncaught exception while `body` runs. */
export async function noStrays<T>(body: () => Promise<T>): Promise<T> {
  const strays: unknown[] = [];
  const onStray = (error: unknown): void => void strays.push(error);
  process.on('unhandledRejection', onStray);
  process.on('uncaughtException', onStray);
  try {
    const result = await body();
    // A stray rejection is reported a turn or so after it happens.
    await new Promise((resolve) => setTimeout(resolve, 20));
    if (strays.length > 0) throw new Error(`unhandled during the test: ${strays.map(String).join('; ')}`);
    return result;
  } finally {
    process.off('unhandledRejection', onStray);
    process.off('uncaughtException', onStray);
  }
}

/** Resolves after `ms`, or rejects with `what` if `promise` has not settled by then. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
