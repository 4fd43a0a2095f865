// TLS policy, not knobs: TLS 1.3, or TLS 1.2 with ECDHE key exchange and AEAD ciphers
// only; no renegotiation, no compression. A server either verifies client certificates
// against a CA or says in so many words that it takes unauthenticated clients; a client
// always verifies the server, by hostname unless told to trust the CA alone.

import type { PeerCertificate, TLSSocket } from 'node:tls';

type Pem = string | Uint8Array;

/** A TLS server's identity and its client policy: verify client certificates against `ca`, or say allowUnauthenticatedClients. */
export interface ServerTlsOptions {
  readonly cert: Pem;
  readonly key: Pem;
  /** The CA that signs client certificates: every client must present one it signed. */
  readonly ca?: Pem | readonly Pem[];
  /** Take clients without a certificate (the peer's identity is then unknown). */
  readonly allowUnauthenticatedClients?: boolean;
  /** 'TLSv1.3' to refuse TLS 1.2 too. Default 'TLSv1.2'. */
  readonly minVersion?: 'TLSv1.2' | 'TLSv1.3';
}

/** How a TLS client verifies the server (always; by hostname unless verifyHostname is false), and its own certificate if the server asks. */
export interface ClientTlsOptions {
  /** The CA that signs the server's certificate; the system store when absent. */
  readonly ca?: Pem | readonly Pem[];
  /** A client certificate and key, for servers that require one. */
  readonly cert?: Pem;
  readonly key?: Pem;
  /** The name to check the certificate against (and send as SNI); default: the address's host. */
  readonly servername?: string;
  /** False trusts any certificate the CA signed, whatever its names: devices addressed by IP. Default true. */
  readonly verifyHostname?: boolean;
  readonly minVersion?: 'TLSv1.2' | 'TLSv1.3';
}

/** TLS 1.3's suites, then TLS 1.2's ECDHE + AEAD suites (Mozilla's "intermediate" list). */
export const CIPHERS = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

/**
 * node:tls and node:crypto, loaded on first use: OpenSSL's set-up costs a process ~4 MiB
 * of RSS, which a server or client without TLS should not pay.
 */
export function tlsModule(): typeof import('node:tls') {
  return process.getBuiltinModule('node:tls');
}

function secureOptions(): number {
  const { constants } = process.getBuiltinModule('node:crypto');
  return constants.SSL_OP_NO_RENEGOTIATION | constants.SSL_OP_NO_COMPRESSION;
}

/** What the server knows of a TLS peer, for an app to authorize by identity. */
export interface TlsIdentity {
  /** The client presented a certificate the CA signed (always true when the server requires one). */
  readonly authorized: boolean;
  readonly protocol: string | null;
  readonly cipher: string;
  /** Null when the client presented no certificate. */
  readonly certificate: {
    readonly subject: Readonly<Record<string, string>>;
    readonly issuer: Readonly<Record<string, string>>;
    readonly serial: string;
    readonly validFrom: string;
    readonly validTo: string;
    readonly fingerprint256: string;
  } | null;
}

export function checkServerTls(tls: unknown): ServerTlsOptions {
  if (tls === null || typeof tls !== 'object') throw new TypeError('the tls option is { cert, key, ca } or { cert, key, allowUnauthenticatedClients: true }');
  const t = tls as ServerTlsOptions;
  if (!isPem(t.cert) || !isPem(t.key)) throw new TypeError('tls.cert and tls.key are PEM text (a string or bytes): the server certificate and its private key');
  const hasCa = t.ca !== undefined;
  if (hasCa === (t.allowUnauthenticatedClients === true)) {
    throw new TypeError(
      hasCa
        ? 'tls has both ca and allowUnauthenticatedClients: either require client certificates signed by ca, or take any client, not both'
        : 'tls needs ca (client certificates are required and checked against it) or allowUnauthenticatedClients: true; client authentication is never silently optional',
    );
  }
  checkMinVersion(t.minVersion);
  return t;
}

export function checkClientTls(tls: unknown): ClientTlsOptions {
  if (tls === null || typeof tls !== 'object') throw new TypeError('the tls option is an object such as { ca } or { ca, cert, key }');
  const t = tls as ClientTlsOptions;
  if ((t.cert === undefined) !== (t.key === undefined)) throw new TypeError('tls.cert and tls.key go together: give both for a client certificate, or neither');
  checkMinVersion(t.minVersion);
  return t;
}

/** node:tls server options for a checked policy. */
export function serverContextOptions(t: ServerTlsOptions): Record<string, unknown> {
  return {
    cert: t.cert,
    key: t.key,
    ca: t.ca,
    requestCert: true,
    rejectUnauthorized: t.allowUnauthenticatedClients !== true,
    minVersion: t.minVersion ?? 'TLSv1.2',
    ciphers: CIPHERS,
    honorCipherOrder: true,
    secureOptions: secureOptions(),
  };
}

/** node:tls connect options; `host` is the address's host (null over a Unix socket). */
export function clientContextOptions(t: ClientTlsOptions, host: string | null): Record<string, unknown> {
  const name = t.servername ?? host;
  const verify = t.verifyHostname !== false;
  if (verify && name === null) {
    throw new TypeError('over a Unix socket there is no host name to check the certificate against: give tls.servername, or tls.verifyHostname: false to trust the CA alone');
  }
  return {
    ca: t.ca,
    cert: t.cert,
    key: t.key,
    // SNI carries names, never IP addresses (RFC 6066 §3).
    servername: name !== null && !isIpLiteral(name) ? name : undefined,
    rejectUnauthorized: true,
    ...(verify ? {} : { checkServerIdentity: () => undefined }),
    ...(verify && name !== null && isIpLiteral(name) ? { host: name } : {}),
    minVersion: t.minVersion ?? 'TLSv1.2',
    ciphers: CIPHERS,
    secureOptions: secureOptions(),
  };
}

export function identityOf(socket: TLSSocket): TlsIdentity {
  const cert: PeerCertificate | null = socket.getPeerCertificate(false) as PeerCertificate | null;
  const present = cert !== null && typeof cert === 'object' && Object.keys(cert).length > 0;
  return Object.freeze({
    authorized: socket.authorized,
    protocol: socket.getProtocol(),
    cipher: socket.getCipher().name,
    certificate: present
      ? Object.freeze({
          subject: Object.freeze({ ...(cert.subject as unknown as Record<string, string>) }),
          issuer: Object.freeze({ ...(cert.issuer as unknown as Record<string, string>) }),
          serial: cert.serialNumber,
          validFrom: cert.valid_from,
          validTo: cert.valid_to,
          fingerprint256: cert.fingerprint256,
        })
      : null,
  });
}

function isPem(value: unknown): boolean {
  return typeof value === 'string' || value instanceof Uint8Array;
}

function isIpLiteral(name: string): boolean {
  return /^[0-9.]+$/.test(name) || name.includes(':');
}

function checkMinVersion(version: unknown): void {
  if (version !== undefined && version !== 'TLSv1.2' && version !== 'TLSv1.3') {
    throw new TypeError(`tls.minVersion is 'TLSv1.2' or 'TLSv1.3', got ${String(version)}: older versions are not offered`);
  }
}
