// An in-process PKI for devices: a CA, and server and client certificates it issues, built
// as X.509 v3 (RFC 5280) with der.ts and signed with node:crypto, so no openssl command is
// needed. Keys are ECDSA P-256 by default (RSA 2048 on request). Invariants: serials are
// random, positive and 128-bit; every certificate carries SKI/AKI so chains build by key;
// private keys are written readable by their owner only (0o600), before their contents land.

import {
  X509Certificate,
  createHash,
  createPrivateKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  type KeyObject,
} from 'node:crypto';
import { closeSync, constants, existsSync, fchmodSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import * as der from './der.js';

/** The key algorithms the PKI issues: ECDSA P-256 (the default: fast to make) or RSA 2048 (for peers that need RSA). */
export type KeyType = 'ec-p256' | 'rsa-2048';

export interface KeyPair {
  /** PKCS#8 PEM, unencrypted: what tls.createSecureContext({ key }) takes. */
  readonly privateKeyPem: string;
  readonly publicKey: KeyObject;
  readonly privateKey: KeyObject;
}

/** A certificate and its new private key, as PEM, with the fingerprint and serial a peer reports. */
export interface IssuedCertificate {
  readonly certPem: string;
  /** PKCS#8 PEM, unencrypted. */
  readonly keyPem: string;
  /** SHA-256 of the DER certificate as colon-separated upper-case hex, as X509Certificate.fingerprint256. */
  readonly fingerprint256: string;
  /** The serial number as upper-case hex, as X509Certificate.serialNumber. */
  readonly serial: string;
}

/** What a leaf certificate is for (server, client or both), its names and its validity. */
export interface IssueOptions {
  /** Which extended key usage: serverAuth, clientAuth, or both (for peers that do both). */
  readonly role: 'server' | 'client' | 'both';
  /**
   * DNS names for the subjectAltName; '*.example.com' wildcards allowed. When neither dnsNames
   * nor ipAddresses is given, the certificate's name is used if it is a hostname or an IP.
   */
  readonly dnsNames?: readonly string[];
  /** IPv4 and IPv6 addresses for the subjectAltName, in text form without brackets or zones. */
  readonly ipAddresses?: readonly string[];
  /** Lifetime from notBefore (default: now); default 365. Not together with notAfter. */
  readonly validDays?: number;
  /** Default: five minutes ago, so a peer whose clock is a little behind still accepts it. */
  readonly notBefore?: Date;
  /** Exact expiry, for tests of expired certificates. Not together with validDays. */
  readonly notAfter?: Date;
  readonly keyType?: KeyType;
}

/** A new CA's validity and key type. */
export interface CAOptions {
  /** Default 3650 (ten years). */
  readonly validDays?: number;
  readonly keyType?: KeyType;
}

/** A CA: its own certificate and key, and issue() for leaf certificates it signs. */
export interface CertificateAuthority extends IssuedCertificate {
  /** Issue a leaf certificate with a new key pair; `name` is its subject CN. */
  issue(name: string, options: IssueOptions): IssuedCertificate;
}

export interface PemPaths {
  readonly certPath: string;
  readonly keyPath: string;
}

const DAY_MS = 86_400_000;
// Devices on a LAN rarely agree on the time to the second; a certificate made on one and
// checked at once on another should not fail as "not yet valid".
const BACKDATE_MS = 5 * 60_000;
// RFC 5280 Appendix A: ub-common-name INTEGER ::= 64.
const MAX_COMMON_NAME = 64;

const OID = {
  commonName: '2.5.4.3',
  ecPublicKey: '1.2.840.10045.2.1',
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
  ecdsaWithSHA384: '1.2.840.10045.4.3.3',
  ecdsaWithSHA512: '1.2.840.10045.4.3.4',
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
  ed25519: '1.3.101.112',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
} as const;

// KeyUsage bit numbers (RFC 5280 §4.2.1.3).
const KU_DIGITAL_SIGNATURE = 0;
const KU_KEY_ENCIPHERMENT = 2;
const KU_KEY_CERT_SIGN = 5;
const KU_CRL_SIGN = 6;

// --- Keys ----------------------------------------------------------------------------------

export function generateKeyPair(keyType: KeyType = 'ec-p256'): KeyPair {
  let pair: { publicKey: KeyObject; privateKey: KeyObject };
  if (keyType === 'ec-p256') pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  else if (keyType === 'rsa-2048') pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  else throw new TypeError(`keyType is 'ec-p256' or 'rsa-2048'; got ${JSON.stringify(keyType)}.`);
  return Object.freeze({
    privateKeyPem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    publicKey: pair.publicKey,
    privateKey: pair.privateKey,
  });
}

interface Signer {
  /** The AlgorithmIdentifier, used both inside the TBS and beside the signature. */
  readonly algorithm: Buffer;
  /** The digest for crypto.sign; null for Ed25519, which hashes for itself. */
  readonly digest: string | null;
}

// The CA's key decides the signature algorithm. createCA makes only P-256 and RSA keys, but
// loadCA may be handed a CA made elsewhere, so the other common CA key types work too.
function signerFor(key: KeyObject): Signer {
  const type = key.asymmetricKeyType;
  if (type === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    // RFC 5758 §3.2: the ECDSA AlgorithmIdentifiers have no parameters at all, not NULL.
    if (curve === 'prime256v1') return { algorithm: der.sequence(der.oid(OID.ecdsaWithSHA256)), digest: 'sha256' };
    if (curve === 'secp384r1') return { algorithm: der.sequence(der.oid(OID.ecdsaWithSHA384)), digest: 'sha384' };
    if (curve === 'secp521r1') return { algorithm: der.sequence(der.oid(OID.ecdsaWithSHA512)), digest: 'sha512' };
    throw new TypeError(`The CA key is on curve ${curve ?? 'unknown'}; warren signs with P-256, P-384 or P-521 EC keys only.`);
  }
  // RFC 4055 §5: the RSA PKCS#1 v1.5 AlgorithmIdentifiers carry an explicit NULL.
  if (type === 'rsa') return { algorithm: der.sequence(der.oid(OID.sha256WithRSAEncryption), der.nullValue()), digest: 'sha256' };
  if (type === 'ed25519') return { algorithm: der.sequence(der.oid(OID.ed25519)), digest: null };
  throw new TypeError(`The CA key is of type ${type ?? 'unknown'}; warren signs with EC, RSA or Ed25519 CA keys only.`);
}

// --- Certificate pieces --------------------------------------------------------------------

function checkCommonName(name: string, what: string): void {
  if (typeof name !== 'string' || name.length === 0) throw new TypeError(`The ${what} name must be a non-empty string.`);
  if ([...name].length > MAX_COMMON_NAME) {
    throw new RangeError(
      `The ${what} name '${name}' is over ${MAX_COMMON_NAME} characters, the X.509 limit for a common name; ` +
        'use a short name and put long DNS names in dnsNames.',
    );
  }
  if (/[\x00-\x1f\x7f]/.test(name)) throw new TypeError(`The ${what} name ${JSON.stringify(name)} contains control characters.`);
}

/** A Name with one RDN: CN as a UTF8String (RFC 5280 §4.1.2.4 prefers UTF8String). */
function commonNameDer(name: string): Buffer {
  return der.sequence(der.set(der.sequence(der.oid(OID.commonName), der.utf8String(name))));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  // critical is BOOLEAN DEFAULT FALSE, and DER leaves out a value equal to its default.
  return der.sequence(der.oid(id), ...(critical ? [der.boolean(true)] : []), der.octetString(value));
}

/** SHA-1 of the subjectPublicKey BIT STRING's contents: RFC 5280 §4.2.1.2 method (1). */
function keyIdentifier(spki: Uint8Array): Buffer {
  const [, bits] = der.children(der.decode(spki));
  if (bits === undefined || bits.tagNumber !== 3) throw new TypeError('This SubjectPublicKeyInfo has no subjectPublicKey BIT STRING.');
  return createHash('sha1').update(bits.contents.subarray(1)).digest();
}

function randomSerial(): Buffer {
  // 128 random bits, read as unsigned: der.integer pads with 0x00 when the top bit is set, so
  // the value is always positive, and it stays within RFC 5280's 20-octet limit.
  for (;;) {
    const bytes = randomBytes(16);
    if (bytes.some((b) => b !== 0)) return bytes;
  }
}

function toPem(label: string, body: Uint8Array): string {
  const b64 = Buffer.from(body).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

interface CertSpec {
  readonly issuer: Buffer;
  readonly subject: Buffer;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly spki: Buffer;
  readonly extensions: readonly Buffer[];
  readonly signer: Signer;
  readonly signingKey: KeyObject;
}

function buildCertificate(spec: CertSpec): { pem: string; x509: X509Certificate } {
  const tbs = der.sequence(
    der.explicit(0, der.integer(2)), // version v3
    der.integer(randomSerial()),
    spec.signer.algorithm,
    spec.issuer,
    der.sequence(der.time(spec.notBefore), der.time(spec.notAfter)),
    spec.subject,
    spec.spki,
    der.explicit(3, der.sequence(...spec.extensions)),
  );
  // node's ECDSA signatures are DER Ecdsa-Sig-Value, as RFC 5758 §3.2 wants in the BIT STRING.
  const signature = sign(spec.signer.digest, tbs, spec.signingKey);
  const pem = toPem('CERTIFICATE', der.sequence(tbs, spec.signer.algorithm, der.bitString(signature)));
  return { pem, x509: new X509Certificate(pem) };
}

function seconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

function checkDate(value: unknown, what: string): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new TypeError(`${what} must be a valid Date.`);
  return value;
}

function checkDays(days: unknown, what: string): number {
  if (typeof days !== 'number' || !Number.isFinite(days) || days <= 0) {
    throw new RangeError(`${what} must be a positive number of days; got ${String(days)}.`);
  }
  return days;
}

function validity(options: { validDays?: number; notBefore?: Date; notAfter?: Date }, defaultDays: number): [Date, Date] {
  if (options.validDays !== undefined && options.notAfter !== undefined) {
    throw new TypeError('Give either validDays or notAfter, not both: they both set when the certificate expires.');
  }
  const notBefore = options.notBefore !== undefined ? checkDate(options.notBefore, 'notBefore') : new Date(Date.now() - BACKDATE_MS);
  const notAfter =
    options.notAfter !== undefined
      ? checkDate(options.notAfter, 'notAfter')
      : new Date(notBefore.getTime() + checkDays(options.validDays ?? defaultDays, 'validDays') * DAY_MS);
  if (notAfter.getTime() <= notBefore.getTime()) {
    throw new RangeError(`notAfter (${notAfter.toISOString()}) must be later than notBefore (${notBefore.toISOString()}).`);
  }
  return [seconds(notBefore), seconds(notAfter)];
}

// --- Subject alternative names -------------------------------------------------------------

const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** A hostname in RFC 1123 form; with `wildcard`, the leftmost label may be '*'. */
function isHostname(name: string, wildcard: boolean): boolean {
  if (name.length === 0 || name.length > 253 || isIP(name) !== 0) return false;
  const labels = name.split('.');
  if (wildcard && labels[0] === '*' && labels.length > 1) labels.shift();
  return labels.every((label) => LABEL.test(label));
}

function ipv4Bytes(text: string): number[] {
  return text.split('.').map(Number);
}

/**
 * The 4 or 16 bytes of an IP address in text form, as the iPAddress SAN holds them (RFC 5280
 * §4.2.1.6). IPv6 may use '::' and a trailing dotted IPv4 part (RFC 4291 §2.2).
 */
export function ipAddressBytes(text: string): Buffer {
  const family = isIP(text);
  if (family === 4) return Buffer.from(ipv4Bytes(text));
  if (family === 0) {
    const hint = text.startsWith('[') ? ' Write IPv6 addresses without brackets, such as ::1.' : ' Put DNS names in dnsNames.';
    throw new TypeError(`'${text}' is not an IP address.${hint}`);
  }
  if (text.includes('%')) {
    throw new TypeError(`'${text}' has a zone (%...); a zone is local to one host and cannot go in a certificate, so leave it out.`);
  }
  const halves = text.split('::');
  const groups = (part: string): number[] => {
    if (part === '') return [];
    const out: number[] = [];
    for (const piece of part.split(':')) {
      if (piece.includes('.')) {
        const [a, b, c, d] = ipv4Bytes(piece) as [number, number, number, number];
        out.push((a << 8) | b, (c << 8) | d);
      } else {
        out.push(parseInt(piece, 16));
      }
    }
    return out;
  };
  // isIP() has checked the syntax, so at most one '::' and well-formed groups remain.
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  const zeros = 8 - head.length - tail.length;
  const all = [...head, ...new Array<number>(zeros).fill(0), ...tail];
  const out = Buffer.alloc(16);
  all.forEach((group, i) => out.writeUInt16BE(group, i * 2));
  return out;
}

function subjectAltNames(name: string, options: IssueOptions): Buffer[] {
  const names: Buffer[] = [];
  const seen = new Set<string>();
  const add = (entry: Buffer): void => {
    const key = entry.toString('hex');
    if (!seen.has(key)) names.push(entry);
    seen.add(key);
  };
  const dnsName = (host: string): Buffer => der.implicit(2, der.ia5String(host));
  const ipAddress = (ip: string): Buffer => der.implicit(7, der.octetString(ipAddressBytes(ip)));

  if (options.dnsNames === undefined && options.ipAddresses === undefined) {
    if (isIP(name) !== 0 && !name.includes('%')) add(ipAddress(name));
    else if (isHostname(name, false)) add(dnsName(name));
    return names;
  }
  for (const host of options.dnsNames ?? []) {
    if (typeof host === 'string' && isIP(host) !== 0) {
      throw new TypeError(`'${host}' is an IP address: put it in ipAddresses, since TLS clients match an IP only against iPAddress names.`);
    }
    if (typeof host !== 'string' || !isHostname(host, true)) {
      throw new TypeError(
        `${JSON.stringify(host)} is not a DNS name: use letters, digits and hyphens in dot-separated labels ` +
          "(an optional leading '*.' for a wildcard), and the xn-- form for international names.",
      );
    }
    add(dnsName(host));
  }
  for (const ip of options.ipAddresses ?? []) {
    if (typeof ip !== 'string') throw new TypeError(`ipAddresses holds strings such as '127.0.0.1' or '::1'; got ${String(ip)}.`);
    add(ipAddress(ip));
  }
  return names;
}

// --- Reading a CA certificate back (loadCA) ------------------------------------------------

interface ParsedCA {
  readonly subject: Buffer;
  readonly keyId: Buffer | null;
  readonly notAfter: Date;
}

function decodeTime(element: der.DerElement): Date {
  const text = element.contents.toString('latin1');
  const match = /^(\d{2}|\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (match === null) throw new TypeError(`The certificate's validity time '${text}' is not in the form RFC 5280 requires.`);
  let year = Number(match[1]);
  if (match[1]!.length === 2) year += year < 50 ? 2000 : 1900; // RFC 5280 §4.1.2.5.1
  const [, , mo, d, h, mi, s] = match.map(Number) as number[];
  return new Date(Date.UTC(year, mo! - 1, d!, h!, mi!, s!));
}

function parseCA(raw: Buffer): ParsedCA {
  const [tbs] = der.children(der.decode(raw));
  if (tbs === undefined) throw new TypeError('This certificate has no tbsCertificate.');
  const fields = der.children(tbs);
  // version is [0] EXPLICIT and optional (absent means v1).
  const rest = fields[0]?.tagClass === 0x80 && fields[0].tagNumber === 0 ? fields.slice(1) : fields;
  const [, , , validityField, subject] = rest; // serial, signature, issuer, validity, subject
  if (validityField === undefined || subject === undefined) throw new TypeError('This certificate is missing its validity or subject.');
  const [, notAfter] = der.children(validityField);
  let keyId: Buffer | null = null;
  const extensions = rest.find((f) => f.tagClass === 0x80 && f.tagNumber === 3);
  if (extensions !== undefined) {
    for (const ext of der.children(der.children(extensions)[0]!)) {
      const parts = der.children(ext);
      if (der.decodeOid(parts[0]!) === OID.subjectKeyIdentifier) {
        // extnValue is an OCTET STRING holding the DER of KeyIdentifier, itself an OCTET STRING.
        keyId = der.decode(parts[parts.length - 1]!.contents).contents;
      }
    }
  }
  return { subject: subject.raw, keyId, notAfter: decodeTime(notAfter!) };
}

// --- The CA --------------------------------------------------------------------------------

class Authority implements CertificateAuthority {
  readonly certPem: string;
  readonly keyPem: string;
  readonly fingerprint256: string;
  readonly serial: string;
  readonly #privateKey: KeyObject;
  readonly #signer: Signer;
  readonly #subject: Buffer;
  readonly #keyId: Buffer;
  readonly #notAfter: Date;

  constructor(x509: X509Certificate, certPem: string, keyPem: string, privateKey: KeyObject, parsed: ParsedCA) {
    this.certPem = certPem;
    this.keyPem = keyPem;
    this.fingerprint256 = x509.fingerprint256;
    this.serial = x509.serialNumber;
    this.#privateKey = privateKey;
    this.#signer = signerFor(privateKey);
    this.#subject = parsed.subject;
    // A CA from elsewhere may lack an SKI; then its key identifier is what we would have made.
    this.#keyId = parsed.keyId ?? keyIdentifier(x509.publicKey.export({ type: 'spki', format: 'der' }));
    this.#notAfter = parsed.notAfter;
  }

  issue(name: string, options: IssueOptions): IssuedCertificate {
    checkCommonName(name, 'certificate');
    if (options === null || typeof options !== 'object') {
      throw new TypeError("issue() needs options with at least a role: { role: 'server' }, 'client' or 'both'.");
    }
    const { role } = options;
    if (role !== 'server' && role !== 'client' && role !== 'both') {
      throw new TypeError(`role is 'server', 'client' or 'both'; got ${JSON.stringify(role)}.`);
    }
    if (Date.now() > this.#notAfter.getTime()) {
      throw new RangeError(
        `This CA expired on ${this.#notAfter.toISOString()}, so nothing it issues would verify; create a new CA.`,
      );
    }
    const [notBefore, notAfter] = validity(options, 365);
    const sans = subjectAltNames(name, options);
    if (sans.length === 0 && role !== 'client') {
      throw new TypeError(
        `A ${role} certificate needs a name clients can check: '${name}' is not a hostname or an IP address, ` +
          'so give dnsNames or ipAddresses.',
      );
    }
    const keys = generateKeyPair(options.keyType ?? 'ec-p256');
    const spki = keys.publicKey.export({ type: 'spki', format: 'der' });
    // RSA key exchange (TLS 1.2 without forward secrecy) encrypts to the key; ECDSA keys only sign.
    const usage = keys.publicKey.asymmetricKeyType === 'rsa' ? [KU_DIGITAL_SIGNATURE, KU_KEY_ENCIPHERMENT] : [KU_DIGITAL_SIGNATURE];
    const purposes = role === 'server' ? [OID.serverAuth] : role === 'client' ? [OID.clientAuth] : [OID.serverAuth, OID.clientAuth];
    const extensions = [
      extension(OID.basicConstraints, true, der.sequence()), // cA DEFAULT FALSE, so empty
      extension(OID.keyUsage, true, der.namedBits(usage)),
      extension(OID.extKeyUsage, false, der.sequence(...purposes.map((p) => der.oid(p)))),
      ...(sans.length > 0 ? [extension(OID.subjectAltName, false, der.sequence(...sans))] : []),
      extension(OID.subjectKeyIdentifier, false, der.octetString(keyIdentifier(spki))),
      extension(OID.authorityKeyIdentifier, false, der.sequence(der.implicit(0, der.octetString(this.#keyId)))),
    ];
    const { pem, x509 } = buildCertificate({
      issuer: this.#subject,
      subject: commonNameDer(name),
      notBefore,
      notAfter,
      spki,
      extensions,
      signer: this.#signer,
      signingKey: this.#privateKey,
    });
    return Object.freeze({ certPem: pem, keyPem: keys.privateKeyPem, fingerprint256: x509.fingerprint256, serial: x509.serialNumber });
  }
}

/** A new self-signed CA: CA:TRUE with pathLen 0 (it issues leaves, not other CAs). */
export function createCA(name: string, options: CAOptions = {}): CertificateAuthority {
  checkCommonName(name, 'CA');
  const [notBefore, notAfter] = validity({ validDays: options.validDays ?? 3650 }, 3650);
  const keys = generateKeyPair(options.keyType ?? 'ec-p256');
  const spki = keys.publicKey.export({ type: 'spki', format: 'der' });
  const keyId = keyIdentifier(spki);
  const subject = commonNameDer(name);
  const extensions = [
    extension(OID.basicConstraints, true, der.sequence(der.boolean(true), der.integer(0))),
    extension(OID.keyUsage, true, der.namedBits([KU_KEY_CERT_SIGN, KU_CRL_SIGN])),
    extension(OID.subjectKeyIdentifier, false, der.octetString(keyId)),
    // Optional in a self-signed certificate (RFC 5280 §4.2.1.1), but OpenSSL adds it too.
    extension(OID.authorityKeyIdentifier, false, der.sequence(der.implicit(0, der.octetString(keyId)))),
  ];
  const { pem, x509 } = buildCertificate({
    issuer: subject,
    subject,
    notBefore,
    notAfter,
    spki,
    extensions,
    signer: signerFor(keys.privateKey),
    signingKey: keys.privateKey,
  });
  return new Authority(x509, pem, keys.privateKeyPem, keys.privateKey, { subject, keyId, notAfter });
}

/** A CA from its certificate and (unencrypted) private key PEM, to issue more certificates. */
export function loadCA(certPem: string, keyPem: string): CertificateAuthority {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(certPem);
  } catch (cause) {
    throw new TypeError('The CA certificate is not a PEM certificate; pass the contents of ca.crt, not its path.', { cause });
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(keyPem);
  } catch (cause) {
    throw new TypeError(
      'The CA key is not an unencrypted PEM private key; pass the contents of ca.key, not its path (encrypted keys are not supported).',
      { cause },
    );
  }
  if (!x509.ca) {
    throw new TypeError(`'${x509.subject}' is not a CA certificate (basicConstraints has no CA:TRUE); pass the CA's certificate, not a leaf.`);
  }
  if (!x509.checkPrivateKey(privateKey)) {
    throw new TypeError(`The private key does not belong to the CA certificate '${x509.subject}'; the two files come from different CAs.`);
  }
  return new Authority(x509, certPem, keyPem, privateKey, parseCA(Buffer.from(x509.raw)));
}

// --- Files ---------------------------------------------------------------------------------

function checkFileName(name: string): void {
  if (typeof name !== 'string' || name === '' || /[/\\\0]/.test(name) || name.startsWith('.')) {
    throw new TypeError(
      `${JSON.stringify(name)} cannot name a certificate file: use a plain name without slashes or a leading dot, such as 'device7'.`,
    );
  }
}

// O_NOFOLLOW: a symlink planted where the key goes must not redirect it somewhere readable.
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;

function writeText(path: string, text: string, mode: number, exclusive: boolean): void {
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | NOFOLLOW | (exclusive ? constants.O_EXCL : 0);
  const fd = openSync(path, flags, mode);
  try {
    // The mode given to open() applies only to a new file and the umask narrows it; fchmod
    // before writing, so an old file that was wider open never holds the new contents.
    fchmodSync(fd, mode);
    writeFileSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

function writePair(dir: string, name: string, issued: IssuedCertificate, exclusive: boolean): PemPaths {
  checkFileName(name);
  // The directory holds private keys, so one we create is for its owner alone.
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const certPath = join(dir, `${name}.crt`);
  const keyPath = join(dir, `${name}.key`);
  writeText(keyPath, issued.keyPem, 0o600, exclusive);
  writeText(certPath, issued.certPem, 0o644, exclusive);
  return { certPath, keyPath };
}

/** Write `${name}.crt` (0o644) and `${name}.key` (0o600) in dir, replacing old ones; creates dir (0o700). */
export function writePem(dir: string, name: string, issued: IssuedCertificate): PemPaths {
  return writePair(dir, name, issued, false);
}

export interface InitPkiOptions extends CAOptions {
  /** The CA's common name; default 'warren CA'. */
  readonly name?: string;
}

/** Create a CA in dir as ca.crt and ca.key; refuses if either exists. */
export function initPkiDir(dir: string, options: InitPkiOptions = {}): PemPaths & { readonly ca: CertificateAuthority } {
  const existing = ['ca.crt', 'ca.key'].map((f) => join(dir, f)).filter((path) => existsSync(path));
  if (existing.length > 0) {
    throw new Error(
      `${dir} already holds a CA (${existing.join(', ')}); warren will not replace it, since every certificate it issued ` +
        'would stop verifying. Issue from it with issueFromDir, or remove the files yourself to start over.',
    );
  }
  const ca = createCA(options.name ?? 'warren CA', options);
  // Exclusive create, so a CA written between the check above and here is not overwritten either.
  const paths = writePair(dir, 'ca', ca, true);
  return { ...paths, ca };
}

/** Load the CA from dir's ca.crt and ca.key, issue `name`, and write name.crt and name.key beside them. */
export function issueFromDir(dir: string, name: string, options: IssueOptions): IssuedCertificate & PemPaths {
  checkFileName(name);
  if (name === 'ca') throw new TypeError("'ca' is the CA's own file name in a PKI directory; choose another name for the certificate.");
  let certPem: string;
  let keyPem: string;
  try {
    certPem = readFileSync(join(dir, 'ca.crt'), 'utf8');
    keyPem = readFileSync(join(dir, 'ca.key'), 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`${dir} holds no CA (ca.crt and ca.key); create one first with initPkiDir (warren pki init).`, { cause });
    }
    throw cause;
  }
  const issued = loadCA(certPem, keyPem).issue(name, options);
  return { ...issued, ...writePem(dir, name, issued) };
}
