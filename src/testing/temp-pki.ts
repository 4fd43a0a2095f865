// TempPKI: a throw-away CA for tests of TLS servers and clients. It lives in memory and in a
// temp directory (every file it hands out is also on disk, for code that takes paths), and
// cleanup() removes the directory. Certificates come from pki/pki.ts (RFC 5280), with
// EC P-256 keys so that making many of them stays fast.

import { mkdtempSync, rmSync } from 'node:fs';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCA, writePem, type CertificateAuthority, type IssueOptions, type KeyType } from '../pki/pki.js';

/** One certificate with its key and the CA that verifies it, as PEM text and as files. */
export interface TempCredentials {
  readonly certPem: string;
  readonly keyPem: string;
  readonly certPath: string;
  readonly keyPath: string;
  /** The CA certificate to trust: `ca` for tls.connect() on the client side, or for requestCert servers. */
  readonly caPem: string;
  readonly caPath: string;
}

/** The names a server certificate covers: DNS names and IP addresses. */
export interface TempServerNames {
  readonly dnsNames?: readonly string[];
  readonly ipAddresses?: readonly string[];
}

/** A TempPKI's CA name and key type. */
export interface TempPKIOptions {
  /** The CA's common name; default 'warren test CA'. */
  readonly name?: string;
  readonly keyType?: KeyType;
}

const LOOPBACK = ['127.0.0.1', '::1'];

/** A throw-away CA for tests, in memory and in a temp directory; it issues server and client credentials, and cleanup() removes its files. */
export class TempPKI implements TempCredentials {
  /** The temp directory holding this CA's files (and those of its otherCA()s). */
  readonly dir: string;
  readonly ca: CertificateAuthority;
  /** A CA's own credentials: its certificate and key, and itself as the CA. */
  readonly certPem: string;
  readonly keyPem: string;
  readonly certPath: string;
  readonly keyPath: string;
  readonly caPem: string;
  readonly caPath: string;
  readonly #owner: boolean;
  #count = 0;
  #others = 0;

  private constructor(dir: string, owner: boolean, options: TempPKIOptions) {
    this.dir = dir;
    this.#owner = owner;
    this.ca = createCA(options.name ?? 'warren test CA', options.keyType === undefined ? {} : { keyType: options.keyType });
    const { certPath, keyPath } = writePem(dir, 'ca', this.ca);
    this.certPem = this.caPem = this.ca.certPem;
    this.keyPem = this.ca.keyPem;
    this.certPath = this.caPath = certPath;
    this.keyPath = keyPath;
  }

  static create(options: TempPKIOptions = {}): TempPKI {
    return new TempPKI(mkdtempSync(join(tmpdir(), 'warren-pki-')), true, options);
  }

  /**
   * A server certificate. With no names given it holds `name` (if a hostname) plus 127.0.0.1
   * and ::1, since test servers listen on loopback and are reached by address as often as by name.
   */
  server(name = 'localhost', names: TempServerNames = {}): TempCredentials {
    return this.#issue(name, { role: 'server', ...this.#names(name, names) });
  }

  client(name = 'client'): TempCredentials {
    return this.#issue(name, { role: 'client' });
  }

  /** A certificate for a peer that both serves and connects (serverAuth and clientAuth). */
  peer(name = 'localhost', names: TempServerNames = {}): TempCredentials {
    return this.#issue(name, { role: 'both', ...this.#names(name, names) });
  }

  /** A certificate that expired yesterday (valid from two days ago), for tests of rejection. */
  expired(name = 'localhost', role: IssueOptions['role'] = 'server'): TempCredentials {
    const now = Date.now();
    const names = role === 'client' ? {} : this.#names(name, {});
    return this.#issue(name, {
      role,
      ...names,
      notBefore: new Date(now - 2 * 86_400_000),
      notAfter: new Date(now - 86_400_000),
    });
  }

  /**
   * An unrelated CA (same kind of key, in a subdirectory here, removed by this cleanup()): its
   * certificates must be refused by peers that trust only this one.
   */
  otherCA(name = 'warren other test CA'): TempPKI {
    const dir = mkdtempSync(join(this.dir, `other-${++this.#others}-`));
    return new TempPKI(dir, false, { name });
  }

  /** Remove the temp directory and every file in it; an otherCA() leaves cleanup to its parent. */
  cleanup(): void {
    if (this.#owner) rmSync(this.dir, { recursive: true, force: true });
  }

  #names(name: string, names: TempServerNames): TempServerNames {
    if (names.dnsNames !== undefined || names.ipAddresses !== undefined) return names;
    if (isIP(name) !== 0) return { dnsNames: [], ipAddresses: [...new Set([name, ...LOOPBACK])] };
    return { dnsNames: [name], ipAddresses: LOOPBACK };
  }

  #issue(name: string, options: IssueOptions): TempCredentials {
    const issued = this.ca.issue(name, options);
    // A counter in the file name, because a test may issue the same name twice with different options.
    const file = `${++this.#count}-${name.replace(/[^A-Za-z0-9.-]/g, '_')}`;
    const { certPath, keyPath } = writePem(this.dir, file, issued);
    return Object.freeze({ certPem: issued.certPem, keyPem: issued.keyPem, certPath, keyPath, caPem: this.caPem, caPath: this.caPath });
  }
}
