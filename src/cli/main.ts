#!/usr/bin/env node
// warren: the command-line tool. One subcommand per case of the switch in main():
// `warren echo ADDRESS` serves the echo app (see echo.ts) until SIGINT or SIGTERM;
// `warren request ADDRESS METHOD TARGET ...` sends one request and shows the response
// (see request.ts). Exit codes: 0 done (for request: any response, 404 and 500 too),
// 1 failed (such as an address in use, or no response), 2 bad usage.

import { Server } from '../server/server.js';
import { parseCliAddress, type Address } from '../transport/address.js';
import { echoApp } from './echo.js';
import { REQUEST_USAGE, request } from './request.js';

const USAGE = `usage: warren echo ADDRESS
       warren request ADDRESS METHOD TARGET [-H 'Name: value']... [--data TEXT | --data-file FILE] [--chunked]
       warren --help

commands:
  echo ADDRESS   serve an app that answers every request with JSON describing what
                 the server parsed: method, target, version, the header lines as
                 received, the body (base64) and, for a chunked body, its chunks with
                 their extensions and its trailers. Prints 'listening ' and the bound
                 address as JSON on its first line, then serves until SIGINT/SIGTERM.
${REQUEST_USAGE}
ADDRESS is one of:
  /path/to/app.sock        a Unix socket
  @name                    a Linux abstract socket
  127.0.0.1:8080           an IPv4 address or DNS name and a port (0 picks a free port)
  [::1]:8080               an IPv6 address and a port
  [fe80::1%eth0]:8080      a link-local IPv6 address with its zone
`;

class UsageError extends Error {}

async function main(args: readonly string[]): Promise<number> {
  const [command, ...rest] = args;
  switch (command) {
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(USAGE);
      return 0;
    case 'echo':
      return echo(rest);
    case 'request': {
      const code = await request(rest, (message) => new UsageError(message));
      if (code !== 'help') return code;
      process.stdout.write(USAGE);
      return 0;
    }
    case undefined:
      throw new UsageError('a command is missing');
    default:
      throw new UsageError(`unknown command '${command}'`);
  }
}

async function echo(args: readonly string[]): Promise<number> {
  if (args.includes('-h') || args.includes('--help')) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (args.length !== 1) throw new UsageError(args.length === 0 ? 'warren echo takes an ADDRESS' : `warren echo takes one ADDRESS, got ${args.length} arguments`);
  let address: Address;
  try {
    address = parseCliAddress(args[0]!);
  } catch (error) {
    process.stderr.write(`warren: ${(error as Error).message}\n`);
    return 2;
  }
  const server = new Server(address, echoApp);
  try {
    await server.listen();
  } catch (error) {
    process.stderr.write(`warren: cannot listen on ${args[0]}: ${(error as Error).message}\n`);
    return 1;
  }
  // Listen for the signals before telling anyone where we are: a supervisor may send one at once.
  const signalled = untilSignal();
  process.stdout.write(`listening ${JSON.stringify(server.address)}\n`);
  await signalled;
  await server.close();
  return 0;
}

/** Resolves on the first SIGINT or SIGTERM; a second one exits at once. */
function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const first = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', first);
      process.off('SIGTERM', first);
      process.once('SIGINT', again);
      process.once('SIGTERM', again);
      process.stderr.write(`warren: ${signal}: closing (finishing the requests in flight; again to stop at once)\n`);
      resolve();
    };
    const again = (): void => process.exit(1);
    process.on('SIGINT', first);
    process.on('SIGTERM', first);
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`warren: ${error.message}\n${USAGE}`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`warren: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    }
  },
);
