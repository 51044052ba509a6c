/**
 * The server's TLS certificate: the user's own certificate and key, checked before use, or a
 * self-signed ECDSA P-256 certificate for localhost, 127.0.0.1, ::1 and the configured host names,
 * generated at first start into `<dataDir>/tls/` and renewed when it is expired, about to expire
 * (30 days), not yet valid, damaged, or missing one of the names.
 */
import { createPrivateKey, randomBytes, X509Certificate, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { generate } from 'selfsigned';
import { SightlineError } from '../core/errors.ts';
import { createPrivateFile, messageOf, readPrivateFile } from './key-file.ts';

/** Folder of the generated certificate inside the data directory. */
export const TLS_DIR_NAME = 'tls';

/** How long a generated certificate is valid, in days. */
export const CERT_VALIDITY_DAYS = 365;

/** A generated certificate is replaced when it expires within this many days. */
export const CERT_RENEW_DAYS = 30;

/** The names every generated certificate holds, besides the configured hosts. */
export const DEFAULT_CERT_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '::1'];

const DAY_MS = 86_400_000;

/** A certificate and key ready for `https.createServer`, and where they came from. */
export interface TlsCertificate {
  /** PEM certificate (the whole chain, for a user's file). */
  readonly cert: string;
  /** PEM private key. */
  readonly key: string;
  /** `generated` now, `reused` from an earlier start, or the `user`'s own files. */
  readonly source: 'generated' | 'reused' | 'user';
  readonly certFile: string;
  readonly keyFile: string;
  /** Start of validity, epoch ms. */
  readonly notBefore: number;
  /** End of validity, epoch ms. */
  readonly notAfter: number;
  /** SHA-256 fingerprint (colon-separated hex), for the user to compare in the browser. */
  readonly fingerprint256: string;
}

/** Where the certificate comes from and what it must cover. */
export interface EnsureCertificateOptions {
  /** Extra DNS names or IP addresses the generated certificate covers (the machine's name, its LAN address). */
  readonly hosts?: readonly string[];
  /** The user's own PEM certificate (chain) file; given with `keyFile`, nothing is generated. */
  readonly certFile?: string;
  /** The user's own PEM private key file, unencrypted, not readable by other users. */
  readonly keyFile?: string;
  /** The clock, epoch ms. Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * The certificate the server should use: the user's own (validated by {@link loadUserCertificate})
 * when `certFile` and `keyFile` are given, otherwise the generated one of `dataDir`, made or renewed
 * as needed. Throws TLS_CERT_INVALID, KEY_FILE_UNSAFE, TLS_FAILED, or CONFIG_INVALID for a
 * host that is not a DNS name or IP address.
 */
export async function ensureCertificate(dataDir: string, options: EnsureCertificateOptions = {}): Promise<TlsCertificate> {
  const now = options.now ?? Date.now;
  if (options.certFile !== undefined || options.keyFile !== undefined) {
    if (options.certFile === undefined || options.keyFile === undefined) {
      throw new SightlineError('TLS_CERT_INVALID', 'give both the certificate file and the key file of your own TLS certificate, or neither to use a generated one');
    }
    return loadUserCertificate(options.certFile, options.keyFile, now());
  }
  const hosts = checkHosts(options.hosts ?? []);
  const dir = path.join(dataDir, TLS_DIR_NAME);
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  const existing = readGenerated(certFile, keyFile);
  if (existing !== undefined && isUsable(existing.x509, hosts, now())) return describe(existing.cert, existing.key, existing.x509, 'reused', certFile, keyFile);
  const fresh = await generateCertificate(hosts, now());
  writeGenerated(dir, certFile, keyFile, fresh);
  return describe(fresh.cert, fresh.key, new X509Certificate(fresh.cert), 'generated', certFile, keyFile);
}

/**
 * Reads and checks the user's own certificate and key: both PEM, the key unencrypted and not
 * readable by other users (group access is allowed, as with the ssl-cert group), the key matching
 * the certificate, and `now` within its validity. Throws TLS_CERT_INVALID or KEY_FILE_UNSAFE.
 */
export function loadUserCertificate(certFile: string, keyFile: string, now: number): TlsCertificate {
  let cert: string;
  try {
    cert = readFileSync(certFile, 'utf8');
  } catch (cause) {
    throw invalid(`cannot read the TLS certificate file ${certFile}: ${messageOf(cause)}`, cause);
  }
  let keyBytes: Buffer | undefined;
  try {
    keyBytes = readPrivateFile(keyFile, 'no-others');
  } catch (cause) {
    if (cause instanceof SightlineError && cause.code === 'KEY_FILE_UNSAFE') throw cause;
    throw invalid(`cannot read the TLS key file ${keyFile}: ${messageOf(cause)}`, cause);
  }
  if (keyBytes === undefined) throw invalid(`the TLS key file ${keyFile} does not exist`);
  const key = keyBytes.toString('utf8');
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch (cause) {
    throw invalid(`the TLS certificate file ${certFile} does not hold a PEM certificate: ${messageOf(cause)}`, cause);
  }
  let keyObject: KeyObject;
  try {
    keyObject = createPrivateKey(key);
  } catch (cause) {
    throw invalid(`the TLS key file ${keyFile} does not hold an unencrypted PEM private key: ${messageOf(cause)}`, cause);
  }
  if (!x509.checkPrivateKey(keyObject)) throw invalid(`the TLS key in ${keyFile} does not belong to the certificate in ${certFile}`);
  const { notBefore, notAfter } = validity(x509);
  if (now >= notAfter) throw invalid(`the TLS certificate ${certFile} expired on ${new Date(notAfter).toISOString()}: renew it`);
  if (now < notBefore) throw invalid(`the TLS certificate ${certFile} is not valid before ${new Date(notBefore).toISOString()}: check the clock`);
  return describe(cert, key, x509, 'user', certFile, keyFile);
}

function checkHosts(hosts: readonly string[]): string[] {
  const all = [...DEFAULT_CERT_HOSTS];
  for (const host of hosts) {
    const h = host.trim().toLowerCase();
    if (h === '' || (isIP(h) === 0 && !/^(\*\.)?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/.test(h))) {
      throw new SightlineError('CONFIG_INVALID', `TLS host "${host}" is neither an IP address nor a DNS name, so a certificate cannot name it`);
    }
    if (!all.includes(h)) all.push(h);
  }
  return all;
}

function readGenerated(certFile: string, keyFile: string): { cert: string; key: string; x509: X509Certificate } | undefined {
  // An unsafe mode on our own key file throws: it may have been read already, so say so rather than quietly replace it.
  const keyBytes = readPrivateFile(keyFile);
  if (keyBytes === undefined) return undefined;
  try {
    const cert = readFileSync(certFile, 'utf8');
    const key = keyBytes.toString('utf8');
    const x509 = new X509Certificate(cert);
    if (!x509.checkPrivateKey(createPrivateKey(key))) return undefined;
    return { cert, key, x509 };
  } catch {
    // Missing or damaged (a crash between the two renames): make a new one.
    return undefined;
  }
}

function isUsable(x509: X509Certificate, hosts: readonly string[], now: number): boolean {
  const { notBefore, notAfter } = validity(x509);
  if (now < notBefore || now >= notAfter - CERT_RENEW_DAYS * DAY_MS) return false;
  return hosts.every((h) => (isIP(h) === 0 ? x509.checkHost(h, { wildcards: false }) === h : x509.checkIP(h) !== undefined));
}

async function generateCertificate(hosts: readonly string[], now: number): Promise<{ cert: string; key: string }> {
  try {
    const pems = await generate([{ name: 'commonName', value: 'Sightline self-signed' }], {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      notBeforeDate: new Date(now),
      notAfterDate: new Date(now + CERT_VALIDITY_DAYS * DAY_MS),
      extensions: [
        { name: 'basicConstraints', cA: false, critical: true },
        { name: 'keyUsage', digitalSignature: true, critical: true },
        { name: 'extKeyUsage', serverAuth: true },
        { name: 'subjectAltName', altNames: hosts.map((h) => (isIP(h) === 0 ? { type: 2, value: h } : { type: 7, ip: h })) },
      ],
    });
    return { cert: pems.cert, key: pems.private };
  } catch (cause) {
    throw new SightlineError('TLS_FAILED', `cannot generate a self-signed TLS certificate: ${messageOf(cause)}`, { cause });
  }
}

function writeGenerated(dir: string, certFile: string, keyFile: string, pems: { cert: string; key: string }): void {
  const suffix = `.tmp-${randomBytes(6).toString('hex')}`;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // Key first: a crash between the renames leaves a pair that does not match, which the next start replaces.
    createPrivateFile(keyFile + suffix, pems.key);
    renameSync(keyFile + suffix, keyFile);
    writeFileSync(certFile + suffix, pems.cert, { mode: 0o644 });
    renameSync(certFile + suffix, certFile);
  } catch (cause) {
    rmSync(keyFile + suffix, { force: true });
    rmSync(certFile + suffix, { force: true });
    throw new SightlineError('TLS_FAILED', `cannot write the TLS certificate to ${dir}: ${messageOf(cause)}`, { cause });
  }
}

function validity(x509: X509Certificate): { notBefore: number; notAfter: number } {
  return { notBefore: Date.parse(x509.validFrom), notAfter: Date.parse(x509.validTo) };
}

function describe(cert: string, key: string, x509: X509Certificate, source: TlsCertificate['source'], certFile: string, keyFile: string): TlsCertificate {
  return { cert, key, source, certFile, keyFile, ...validity(x509), fingerprint256: x509.fingerprint256 };
}

function invalid(message: string, cause?: unknown): SightlineError {
  return new SightlineError('TLS_CERT_INVALID', message, cause === undefined ? undefined : { cause });
}
