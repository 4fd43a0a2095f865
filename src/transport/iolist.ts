// An iolist body (nested arrays of strings and bytes, any depth, as Erlang's): measured
// from its pieces for Content-Length, never joined into one string. Small pieces are
// copied together into runs of up to JOIN_BYTES; byte pieces of COPY_BYTES or more go to
// the socket as they are. A piece that is neither is refused with where it sits.

import type { IoList } from './body.js';
import { WarrenError } from './errors.js';
import type { BodyPlan } from './outgoing.js';

/** Chunks up to this many bytes in all are copied into one write (a copy is cheaper than a syscall). */
export const JOIN_BYTES = 8192;

/**
 * A piece of an iolist under this many bytes is copied into a run with its neighbours; a
 * larger one goes to the socket as it is (a copy of a kilobyte costs less than one more
 * buffer for writev to track; Erlang's writev likewise copies small binaries and passes
 * large ones by reference).
 */
const COPY_BYTES = 1024;

/** Adjacent strings are encoded together once they reach this many UTF-16 units (half of JOIN_BYTES: a run still fits one write). */
const TEXT_RUN = JOIN_BYTES / 2;

/** How many levels of nested lists an iolist may have before it is refused as a likely cycle. */
const MAX_IOLIST_DEPTH = 10_000;

/**
 * The plan for an iolist: its leaves measured (strings as UTF-8) and then copied into runs
 * of up to JOIN_BYTES; a list of JOIN_BYTES or less becomes one buffer, sent with the head.
 */
export function ioListPlan(list: IoList): Extract<BodyPlan, { kind: 'bytes' | 'pieces' }> {
  const leaves: (string | Uint8Array)[] = [];
  const sizes: number[] = [];
  let total = 0;
  // Adjacent strings are gathered (V8 concatenates without copying) and measured and
  // encoded a run at a time: a native call per piece would cost more than the copy saved.
  let text = '';
  const endText = (): void => {
    const size = Buffer.byteLength(text, 'utf8');
    leaves.push(text);
    sizes.push(size);
    total += size;
    text = '';
  };
  // Walked with an explicit stack, not recursion: depth is the program's to choose.
  const lists: IoList[] = [list];
  const at: number[] = [0];
  while (lists.length > 0) {
    const top = lists.length - 1;
    const current = lists[top]!;
    const i = at[top]!;
    if (i === current.length) {
      lists.pop();
      at.pop();
      continue;
    }
    at[top] = i + 1;
    const piece = current[i];
    if (typeof piece === 'string') {
      text += piece;
      if (text.length >= TEXT_RUN) endText();
    } else if (piece instanceof Uint8Array) {
      if (piece.length === 0) continue;
      if (text !== '') endText();
      leaves.push(piece);
      sizes.push(piece.length);
      total += piece.length;
    } else if (Array.isArray(piece)) {
      if (lists.length >= MAX_IOLIST_DEPTH || lists.includes(piece)) {
        throw new WarrenError('misuse', `the iolist body's list at ${where(at)} ${lists.includes(piece) ? 'contains itself' : `is nested more than ${MAX_IOLIST_DEPTH} deep`}: an iolist is a tree of strings and Uint8Arrays`);
      }
      lists.push(piece as IoList);
      at.push(0);
    } else {
      throw new WarrenError('misuse', `the iolist body's piece at ${where(at)} is ${describePiece(piece)}: an iolist holds strings, Uint8Arrays and arrays of them; convert it with String() first`);
    }
  }
  if (text !== '') endText();
  if (total <= JOIN_BYTES) {
    const data = Buffer.allocUnsafe(total);
    let offset = 0;
    for (let k = 0; k < leaves.length; k++) {
      const leaf = leaves[k]!;
      if (typeof leaf === 'string') data.write(leaf, offset, 'utf8');
      else data.set(leaf, offset);
      offset += sizes[k]!;
    }
    return { kind: 'bytes', data };
  }
  const out: Uint8Array[] = [];
  let run: Buffer | null = null;
  let used = 0;
  let left = total;
  for (let k = 0; k < leaves.length; k++) {
    const leaf = leaves[k]!;
    const size = sizes[k]!;
    if (leaf instanceof Uint8Array ? size >= COPY_BYTES : size > JOIN_BYTES) {
      if (run !== null && used > 0) out.push(run.subarray(0, used));
      run = null;
      out.push(typeof leaf === 'string' ? Buffer.from(leaf, 'utf8') : leaf);
    } else {
      if (run === null || used + size > run.length) {
        if (run !== null && used > 0) out.push(run.subarray(0, used));
        run = Buffer.allocUnsafe(Math.min(JOIN_BYTES, left));
        used = 0;
      }
      if (typeof leaf === 'string') run.write(leaf, used, 'utf8');
      else run.set(leaf, used);
      used += size;
    }
    left -= size;
  }
  if (run !== null && used > 0) out.push(run.subarray(0, used));
  return { kind: 'pieces', data: out, length: total };
}

function describePiece(piece: unknown): string {
  if (piece === null || piece === undefined) return String(piece);
  if (typeof piece === 'object') {
    const name = (piece as object).constructor?.name;
    return name && name !== 'Object' ? `a ${name}` : 'a plain object';
  }
  return `the ${typeof piece} ${String(piece).slice(0, 40)}`;
}

/** The index path of the piece last taken, such as [2][0]. */
function where(at: readonly number[]): string {
  return at.map((next) => `[${next - 1}]`).join('');
}

