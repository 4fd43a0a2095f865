#!/usr/bin/env node
// warren: the command-line tool. One subcommand per case of the switch in main():
// `warren echo ADDRESS` serves the echo app (see echo.ts) until SIGINT or SIGTERM, over
// TLS with --cert and --key; `warren request ADDRESS METHOD TARGET ...` sends one request
// and shows the response (see request.ts); `warren pki init|issue` makes a CA and the
// certificates it signs (see pki.ts). Exit codes: 0 done (for request: any response, 404
// and 500 too), 1 failed (such as an address in use, or no response), 2 bad usage.

import { readFileSync } from 'node:fs';
import { Server } from '../server/server.js';
import { parseCliAddress, type Address } from '../transport/address.js';
import type { ServerTlsOptions } from '../transport/tls.js';
import { echoApp } from './echo.js';
import { PKI_USAGE, pki } from './pki.js';
import { REQUEST_USAGE, request } from './request.js';

const USAGE = `usage: warren echo ADDRESS
       warren request ADDRESS METHOD TARGET [-H 'Name: value']... [--data TEXT | --data-file FILE] [--chunked]
                      [--ca FILE] [--cert FILE --key FILE] [--servername NAME] [--no-verify-hostname]
       warren echo ADDRESS --cert FILE --key FILE (--ca FILE | --allow-unauthenticated)
       warren pki init DIR [--name NAME] [--days N]
       warren pki issue DIR NAME --client|--server|--both [--dns NAME]... [--ip ADDR]... [--days N]
       warren --help

commands:
  echo ADDRESS [--cert FILE --key FILE (--ca FILE | --allow-unauthenticated)]
                 serve an app that answers every request with JSON describing what
                 the server parsed: method, target, version, the header lines as
                 received, the body (base64) and, for a chunked body, its chunks with
                 their extensions and its trailers. Prints 'listening ' and the bound
                 address as JSON on its first line, then serves until SIGINT/SIGTERM.
      --cert FILE, --key FILE     serve TLS (1.2 or 1.3) with this certificate and key
                                  (PEM); the JSON then also has "tls": {"authorized",
                                  "protocol", "cipher", "peer": {"subject",
                                  "fingerprint256"} or null}
      --ca FILE                   require a client certificate signed by this CA (PEM)
      --allow-unauthenticated     or take clients without one: say which, always
${REQUEST_USAGE}${PKI_USAGE}
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
    case 'pki': {
      const code = pki(rest, (message) => new UsageError(message));
      if (code !== 'help') return code;
      process.stdout.write(USAGE);
      return 0;
    }
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
  const positional: string[] = [];
  const files = new Map<'--cert' | '--key' | '--ca', string>();
  let allowUnauthenticated = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--cert' || arg === '--key' || arg === '--ca') {
      const value = args[++i];
      if (value === undefined) throw new UsageError(`${arg} takes a FILE`);
      if (files.has(arg)) throw new UsageError(`give ${arg} once`);
      files.set(arg, value);
    } else if (arg === '--allow-unauthenticated') {
      allowUnauthenticated = true;
    } else if (arg.startsWith('-') && arg !== '-') {
      throw new UsageError(`unknown option '${arg}' for warren echo`);
    } else {
      positional.push(arg);
    }
  }
  if (positional.length !== 1) {
    throw new UsageError(positional.length === 0 ? 'warren echo takes an ADDRESS' : `warren echo takes one ADDRESS, got ${positional.length} arguments`);
  }
  const tlsAsked = files.has('--cert') || files.has('--key');
  if (tlsAsked && !(files.has('--cert') && files.has('--key'))) {
    throw new UsageError('--cert and --key go together: the server certificate and its private key');
  }
  if (!tlsAsked && (files.has('--ca') || allowUnauthenticated)) {
    throw new UsageError(`${files.has('--ca') ? '--ca' : '--allow-unauthenticated'} is for TLS: give --cert and --key too`);
  }
  let address: Address;
  try {
    address = parseCliAddress(positional[0]!);
  } catch (error) {
    process.stderr.write(`warren: ${(error as Error).message}\n`);
    return 2;
  }
  let tls: ServerTlsOptions | undefined;
  if (tlsAsked) {
    const pem: Partial<Record<'--cert' | '--key' | '--ca', string>> = {};
    for (const [flag, file] of files) {
      try {
        pem[flag] = readFileSync(file, 'utf8');
      } catch (error) {
        process.stderr.write(`warren: cannot read ${file} (${flag}): ${(error as Error).message}\n`);
        return 1;
      }
    }
    // Neither --ca nor --allow-unauthenticated, or both: the Server says why not.
    tls = {
      cert: pem['--cert']!,
      key: pem['--key']!,
      ...(pem['--ca'] === undefined ? {} : { ca: pem['--ca'] }),
      ...(allowUnauthenticated ? { allowUnauthenticatedClients: true } : {}),
    };
  }
  let server: Server;
  try {
    server = new Server(address, echoApp, tls === undefined ? undefined : { tls });
  } catch (error) {
    if (error instanceof TypeError) {
      const hint = tls === undefined ? '' : 'warren echo: --ca FILE requires client certificates signed by that CA; --allow-unauthenticated takes any client; give one of the two\n';
      process.stderr.write(`warren: ${error.message}\n${hint}`);
      return 2;
    }
    // OpenSSL's word for PEM it cannot use, a key that is not the certificate's...
    process.stderr.write(`warren: cannot serve TLS with ${files.get('--cert')} and ${files.get('--key')}: ${(error as Error).message}\n`);
    return 1;
  }
  try {
    await server.listen();
  } catch (error) {
    process.stderr.write(`warren: cannot listen on ${positional[0]}: ${(error as Error).message}\n`);
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
