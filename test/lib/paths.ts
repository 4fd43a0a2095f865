// Paths to files in the source tree, from compiled tests under dist/.
import { fileURLToPath } from 'node:url';

/** The repository root: compiled tests live in dist/<dir>/, two levels below it. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export function fromRoot(path: string): string {
  return ROOT + path;
}
