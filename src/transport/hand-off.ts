// Handing a socket over: after a protocol switch (a 101 to an Upgrade, a 2xx to CONNECT)
// the socket stops being warren's. Its reads stop going to the protocol core, its flow
// state is reset so that the new owner's first 'data' listener (or pipe) starts it, as
// node:http leaves it; the bytes the core had already received past the head go with it.

import type { Socket } from 'node:net';

/** The listeners warren put on a socket, taken off when it is handed over. */
export interface SocketListeners {
  readonly data: (chunk: Buffer) => void;
  readonly end: () => void;
  /** Left on when the old owner still tracks the socket until it closes (a server does, for close()). */
  readonly close?: () => void;
}

/**
 * Takes warren's reading listeners off `socket` and leaves it paused in no flow mode: the
 * next 'data' listener resumes it. The 'error' listener stays, so an owner that sets none
 * sees an error end the socket rather than the process.
 */
export function handOver(socket: Socket, listeners: SocketListeners): void {
  socket.pause();
  socket.off('data', listeners.data);
  socket.off('end', listeners.end);
  if (listeners.close !== undefined) socket.off('close', listeners.close);
  // pause() set flowing to false, in which state a new 'data' listener would not start the
  // stream; null is a stream nobody has read yet (node:http does the same before 'upgrade').
  (socket as { readableFlowing: boolean | null }).readableFlowing = null;
}
