// `warren pki init DIR` and `warren pki issue DIR NAME --client|--server|--both`: a CA in a
// directory, and certificates it issues written beside it (see pki/pki.ts).
//
// Output (stdout), one `label  value` line each, for a script to read:
//   certificate  DIR/NAME.crt
//   key          DIR/NAME.key   (mode 0600)
//   sha256       AB:CD:...      (the certificate's SHA-256 fingerprint, as
//                               X509Certificate.fingerprint256 and Session.tls give it)
// Exit status: 0 done, 1 refused or failed (a CA already in DIR, no CA in DIR, a name the
// certificate cannot hold...) with `warren: sentence` on stderr, 2 bad usage.

import { resolve } from 'node:path';
import { initPkiDir, issueFromDir, type PemPaths } from '../pki/pki.js';

export const PKI_USAGE = `  pki init DIR [--name NAME] [--days N]
                 create a CA in DIR (made 0700 if new): DIR/ca.crt and DIR/ca.key
                 (0600). Refuses if DIR already holds one. --name is its common name
                 (default 'warren CA'), --days its lifetime (default 3650).
  pki issue DIR NAME --client|--server|--both [--dns NAME]... [--ip ADDR]... [--days N]
                 issue a certificate for NAME (its common name) from the CA in DIR and
                 write DIR/NAME.crt and DIR/NAME.key (0600), replacing old ones.
                 --client: for TLS clients; --server: for TLS servers; --both: a peer
                 that does both. --dns and --ip name it for clients to check (repeatable;
                 default: NAME, if it is a host name or an IP address). --days: its
                 lifetime (default 365).
                 Both print the file paths and the certificate's SHA-256 fingerprint:
                 'certificate PATH', 'key PATH', 'sha256 AB:CD:...'.
`;

/** Runs `warren pki` with the arguments after `pki`; `usage` makes the error for bad usage. */
export function pki(args: readonly string[], usage: (message: string) => Error): number | 'help' {
  if (args.includes('-h') || args.includes('--help')) return 'help';
  const [sub, ...rest] = args;
  switch (sub) {
    case 'init':
      return init(rest, usage);
    case 'issue':
      return issue(rest, usage);
    case undefined:
      throw usage("warren pki takes 'init' or 'issue'");
    default:
      throw usage(`unknown pki command '${sub}': it is 'init' or 'issue'`);
  }
}

interface Options {
  readonly positional: string[];
  readonly values: Map<string, string[]>;
  readonly flags: Set<string>;
}

/** Splits args into positionals, `--name value` options (repeatable ones listed) and bare flags. */
function parse(args: readonly string[], command: string, valued: readonly string[], flags: readonly string[], usage: (message: string) => Error): Options {
  const out: Options = { positional: [], values: new Map(), flags: new Set() };
  let options = true;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!options || !arg.startsWith('-') || arg === '-') {
      out.positional.push(arg);
    } else if (arg === '--') {
      options = false;
    } else if (valued.includes(arg)) {
      const value = args[++i];
      if (value === undefined) throw usage(`${arg} takes a value`);
      out.values.set(arg, [...(out.values.get(arg) ?? []), value]);
    } else if (flags.includes(arg)) {
      out.flags.add(arg);
    } else {
      throw usage(`unknown option '${arg}' for warren ${command}`);
    }
  }
  return out;
}

function once(options: Options, name: string, usage: (message: string) => Error): string | undefined {
  const values = options.values.get(name);
  if (values !== undefined && values.length > 1) throw usage(`give ${name} once`);
  return values?.[0];
}

function days(options: Options, usage: (message: string) => Error): number | undefined {
  const text = once(options, '--days', usage);
  if (text === undefined) return undefined;
  if (!/^[1-9][0-9]{0,5}$/.test(text)) throw usage(`--days is a whole number of days from 1, got '${text}'`);
  return Number(text);
}

function init(args: readonly string[], usage: (message: string) => Error): number {
  const options = parse(args, 'pki init', ['--name', '--days'], [], usage);
  if (options.positional.length !== 1) throw usage(`warren pki init takes one DIR, got ${options.positional.length} arguments`);
  const dir = resolve(options.positional[0]!);
  const name = once(options, '--name', usage);
  const validDays = days(options, usage);
  let created: PemPaths & { ca: { fingerprint256: string } };
  try {
    created = initPkiDir(dir, { ...(name === undefined ? {} : { name }), ...(validDays === undefined ? {} : { validDays }) });
  } catch (error) {
    process.stderr.write(`warren: ${(error as Error).message}\n`);
    return 1;
  }
  report(created, created.ca.fingerprint256);
  return 0;
}

function issue(args: readonly string[], usage: (message: string) => Error): number {
  const roles = { '--client': 'client', '--server': 'server', '--both': 'both' } as const;
  const options = parse(args, 'pki issue', ['--dns', '--ip', '--days'], Object.keys(roles), usage);
  if (options.positional.length !== 2) throw usage(`warren pki issue takes DIR NAME, got ${options.positional.length} argument${options.positional.length === 1 ? '' : 's'}`);
  const [dirText, name] = options.positional as [string, string];
  const given = Object.entries(roles).filter(([flag]) => options.flags.has(flag));
  if (given.length !== 1) {
    throw usage(given.length === 0 ? 'warren pki issue needs --client, --server or --both' : `give one of --client, --server and --both, got ${given.map(([flag]) => flag).join(' and ')}`);
  }
  const role = given[0]![1];
  const dnsNames = options.values.get('--dns');
  const ipAddresses = options.values.get('--ip');
  const validDays = days(options, usage);
  let issued: PemPaths & { fingerprint256: string };
  try {
    issued = issueFromDir(resolve(dirText), name, {
      role,
      // Either list given means exactly the names given; neither means the name itself.
      ...(dnsNames === undefined && ipAddresses === undefined ? {} : { dnsNames: dnsNames ?? [], ipAddresses: ipAddresses ?? [] }),
      ...(validDays === undefined ? {} : { validDays }),
    });
  } catch (error) {
    process.stderr.write(`warren: ${(error as Error).message}\n`);
    return 1;
  }
  report(issued, issued.fingerprint256);
  return 0;
}

function report(paths: PemPaths, fingerprint256: string): void {
  process.stdout.write(`certificate ${paths.certPath}\nkey         ${paths.keyPath}\nsha256      ${fingerprint256}\n`);
}
