// Starting the system's browser on a URL, for serve({ open: true }): xdg-open on Linux and
// the BSDs, open on macOS, start (through cmd) on Windows. The child is detached and not
// waited for; a failure to start it is reported, never thrown: the server serves anyway.

import { spawn } from 'node:child_process';

/** The program and arguments that open `url` in the default browser on `platform`. */
export function browserCommand(url: string, platform: NodeJS.Platform = process.platform): { command: string; args: string[] } {
  if (platform === 'darwin') return { command: 'open', args: [url] };
  // start's first quoted argument is the window title; cmd would read & in the URL as a command separator, so it is escaped.
  if (platform === 'win32') return { command: 'cmd', args: ['/c', 'start', '""', url.replace(/[&^|<>]/g, '^$&')] };
  return { command: 'xdg-open', args: [url] };
}

/** Starts the browser on `url` (with `how`, browserCommand()'s by default); `report` gets the error when it cannot be started. */
export function openBrowser(url: string, report: (error: unknown) => void, how: { command: string; args: string[] } = browserCommand(url)): void {
  const { command, args } = how;
  try {
    const child = spawn(command, args, { detached: true, stdio: 'ignore', windowsHide: true });
    child.on('error', (error) => report(new Error(`warren/app: could not start the browser with ${command} (${error.message}); open ${url} yourself`, { cause: error })));
    child.unref();
  } catch (error) {
    report(error);
  }
}
