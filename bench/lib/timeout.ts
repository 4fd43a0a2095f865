// Every wait in a benchmark or a test is bounded: a run that stops answering fails with
// what it was waiting for, instead of hanging. (The tests use it too.)

/** `promise`, or a rejection naming `what` (a function: named when the time is up) after `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string | (() => string)): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${typeof what === 'function' ? what() : what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
