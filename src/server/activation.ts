// systemd socket activation (sd_listen_fds(3)): systemd binds the sockets of a .socket unit,
// starts the service with them as fds 3, 4... and says so in LISTEN_FDS, LISTEN_PID (the
// process they are meant for: a child that inherits the variables must not take them) and
// LISTEN_FDNAMES. socketActivation() reads them into `{ fd, name }` for new Server();
// it never touches the fds, and fails with a sentence when the variables are missing or wrong.

import { WarrenError } from '../transport/errors.js';
import type { InheritedSocket } from '../transport/listen-address.js';

/** The first passed descriptor, after stdin, stdout and stderr (systemd's SD_LISTEN_FDS_START). */
export const SD_LISTEN_FDS_START = 3;

/**
 * Sockets passed past this many are refused as a garbled LISTEN_FDS (systemd's own bound on
 * a unit's sockets is the service's fd limit; Sockets= lists are short in practice).
 */
export const MAX_LISTEN_FDS = 1024;

/** Where socketActivation() reads from; the process's own by default. */
export interface SocketActivationOptions {
  /** The environment to read LISTEN_FDS, LISTEN_PID and LISTEN_FDNAMES from. Default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The pid LISTEN_PID must name. Default process.pid. */
  readonly pid?: number;
  /** Delete the three variables from `env` once read, as sd_listen_fds(1) does, so that child processes do not see them. Default false. */
  readonly unsetEnvironment?: boolean;
}

/**
 * The sockets systemd passed this process, in order: `[{ fd: 3, name }, ...]`, each ready
 * for `new Server(socket, app)`. Throws a WarrenError (code 'socket-activation') when
 * LISTEN_FDS is absent (the process was not socket-activated), when LISTEN_PID names
 * another process, or when a variable is not what systemd writes.
 */
export function socketActivation(options: SocketActivationOptions = {}): InheritedSocket[] {
  const env = options.env ?? process.env;
  const pid = options.pid ?? process.pid;
  const fdsText = env['LISTEN_FDS'];
  const pidText = env['LISTEN_PID'];
  if (fdsText === undefined) {
    throw new WarrenError('socket-activation', 'LISTEN_FDS is not set: this process was not started by systemd socket activation (a .socket unit with a matching .service); start it through the socket unit, or give the server an address to listen on');
  }
  if (pidText === undefined) throw new WarrenError('socket-activation', `LISTEN_FDS is ${JSON.stringify(fdsText)} but LISTEN_PID is not set: systemd sets both; set LISTEN_PID to the pid of the process meant to take the sockets`);
  if (!/^[1-9][0-9]*$/.test(pidText)) throw new WarrenError('socket-activation', `LISTEN_PID must be a process id; got ${JSON.stringify(pidText)}`);
  if (Number(pidText) !== pid) {
    throw new WarrenError('socket-activation', `LISTEN_PID is ${pidText} but this process is ${pid}: the sockets were passed to another process (a parent that left the variables set), so they are not this one's to take`);
  }
  if (!/^[0-9]+$/.test(fdsText) || Number(fdsText) > MAX_LISTEN_FDS) {
    throw new WarrenError('socket-activation', `LISTEN_FDS must be a count of sockets from 1 to ${MAX_LISTEN_FDS}; got ${JSON.stringify(fdsText)}`);
  }
  const count = Number(fdsText);
  if (count === 0) throw new WarrenError('socket-activation', 'LISTEN_FDS is 0: systemd passed no socket; check the ListenStream= lines of the .socket unit');
  const namesText = env['LISTEN_FDNAMES'];
  const names = namesText === undefined ? [] : namesText.split(':');
  if (namesText !== undefined && names.length !== count) {
    throw new WarrenError('socket-activation', `LISTEN_FDNAMES names ${names.length} socket(s) but LISTEN_FDS is ${count}: systemd gives one name per socket`);
  }
  if (options.unsetEnvironment === true) {
    const writable = env as Record<string, string | undefined>;
    delete writable['LISTEN_FDS'];
    delete writable['LISTEN_PID'];
    delete writable['LISTEN_FDNAMES'];
  }
  return Array.from({ length: count }, (_, i) => Object.freeze(names[i] === undefined ? { fd: SD_LISTEN_FDS_START + i } : { fd: SD_LISTEN_FDS_START + i, name: names[i]! }));
}
