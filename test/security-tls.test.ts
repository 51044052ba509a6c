import assert from 'node:assert/strict';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { SightlineError, type ErrorCode } from '../src/core/errors.ts';
import { ensureCertificate, loadUserCertificate, type TlsCertificate } from '../src/security/tls.ts';

const TMP = mkdtempSync(path.join(os.tmpdir(), 'sightline-tls-'));
after(() => rmSync(TMP, { recursive: true, force: true }));
let n = 0;
const freshDir = (): string => path.join(TMP, `data-${++n}`);
const posix = process.platform !== 'win32';
const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 15, 10);
const at = (t: number) => (): number => t;

async function rejectsCode(p: Promise<unknown> | (() => unknown), code: ErrorCode, message?: RegExp): Promise<void> {
  await assert.rejects(
    async () => (typeof p === 'function' ? p() : p),
    (e: unknown) => {
      assert.ok(e instanceof SightlineError, `expected SightlineError ${code}, got ${String(e)}`);
      assert.equal(e.code, code, e.message);
      if (message !== undefined) assert.match(e.message, message);
      return true;
    },
  );
}

/** Writes a certificate's PEMs as a user's own files, the key with `mode`. */
function userFiles(c: TlsCertificate, mode = 0o600): { certFile: string; keyFile: string } {
  const dir = freshDir();
  mkdirSync(dir, { recursive: true });
  const certFile = path.join(dir, 'fullchain.pem');
  const keyFile = path.join(dir, 'privkey.pem');
  writeFileSync(certFile, c.cert);
  writeFileSync(keyFile, c.key, { mode });
  chmodSync(keyFile, mode);
  return { certFile, keyFile };
}

describe('generated TLS certificate', () => {
  test('first start generates an ECDSA P-256 certificate for localhost, loopback and the given hosts, valid a year', async () => {
    const dir = freshDir();
    const c = await ensureCertificate(dir, { hosts: ['nvr.home.arpa', '192.168.1.20', 'NVR-Box'], now: at(T0) });
    assert.equal(c.source, 'generated');
    assert.equal(c.certFile, path.join(dir, 'tls', 'cert.pem'));
    assert.equal(c.keyFile, path.join(dir, 'tls', 'key.pem'));
    assert.equal(readFileSync(c.certFile, 'utf8'), c.cert);
    assert.equal(readFileSync(c.keyFile, 'utf8'), c.key);
    if (posix) assert.equal(statSync(c.keyFile).mode & 0o777, 0o600);
    const x509 = new X509Certificate(c.cert);
    assert.equal(x509.publicKey.asymmetricKeyType, 'ec');
    assert.equal(x509.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    assert.equal(x509.ca, false);
    assert.ok(x509.checkPrivateKey(createPrivateKey(c.key)));
    assert.equal(x509.checkHost('localhost'), 'localhost');
    assert.equal(x509.checkHost('nvr.home.arpa'), 'nvr.home.arpa');
    assert.equal(x509.checkHost('nvr-box'), 'nvr-box');
    assert.equal(x509.checkIP('127.0.0.1'), '127.0.0.1');
    assert.equal(x509.checkIP('::1'), '::1');
    assert.equal(x509.checkIP('192.168.1.20'), '192.168.1.20');
    assert.equal(x509.checkHost('example.com'), undefined);
    assert.equal(Date.parse(x509.validFrom), T0 - (T0 % 1000));
    assert.equal(c.notAfter - c.notBefore, 365 * DAY);
    assert.equal(c.fingerprint256, x509.fingerprint256);
    assert.match(x509.keyUsage?.join(',') ?? '', /1\.3\.6\.1\.5\.5\.7\.3\.1/, 'extended key usage: server auth');
  });

  test('later starts reuse it; it is replaced when expired, within 30 days of expiry, or missing a host', async () => {
    const dir = freshDir();
    const first = await ensureCertificate(dir, { hosts: ['nvr.lan'], now: at(T0) });
    const cases: [string, number, readonly string[], 'reused' | 'generated'][] = [
      ['a day later', T0 + DAY, ['nvr.lan'], 'reused'],
      ['with no extra host (localhost is always there)', T0 + DAY, [], 'reused'],
      ['300 days later', T0 + 300 * DAY, ['NVR.lan'], 'reused'],
      ['a new host', T0 + 2 * DAY, ['nvr.lan', '10.0.0.5'], 'generated'],
      ['31 days before expiry (it was made on day 2)', T0 + 336 * DAY, ['nvr.lan', '10.0.0.5'], 'reused'],
      ['29 days before expiry', T0 + 338 * DAY, ['nvr.lan', '10.0.0.5'], 'generated'],
      ['a year after that, expired', T0 + 800 * DAY, ['nvr.lan', '10.0.0.5'], 'generated'],
      ['the clock went back before its start', T0, ['nvr.lan', '10.0.0.5'], 'generated'],
    ];
    let previous = first;
    for (const [name, now, hosts, source] of cases) {
      const c = await ensureCertificate(dir, { hosts, now: at(now) });
      assert.equal(c.source, source, name);
      if (source === 'reused') assert.equal(c.fingerprint256, previous.fingerprint256, name);
      else {
        assert.notEqual(c.fingerprint256, previous.fingerprint256, name);
        assert.equal(c.notBefore, now - (now % 1000), name);
        assert.ok(new X509Certificate(readFileSync(c.certFile)).checkPrivateKey(createPrivateKey(readFileSync(c.keyFile))), name);
      }
      previous = c;
    }
  });

  test('a damaged or mismatched pair of our own is replaced', async () => {
    const dir = freshDir();
    const a = await ensureCertificate(dir, { now: at(T0) });
    writeFileSync(a.certFile, 'garbage');
    const b = await ensureCertificate(dir, { now: at(T0) });
    assert.equal(b.source, 'generated');
    const other = await ensureCertificate(freshDir(), { now: at(T0) });
    writeFileSync(b.certFile, other.cert);
    const c = await ensureCertificate(dir, { now: at(T0) });
    assert.equal(c.source, 'generated');
    assert.notEqual(c.fingerprint256, other.fingerprint256);
  });

  test('our key file readable by others is refused, not silently used', { skip: !posix }, async () => {
    const dir = freshDir();
    const c = await ensureCertificate(dir, { now: at(T0) });
    chmodSync(c.keyFile, 0o644);
    await rejectsCode(ensureCertificate(dir, { now: at(T0) }), 'KEY_FILE_UNSAFE', /chmod 600/);
  });

  test('a host that is no DNS name or IP address is a config error', async () => {
    for (const bad of ['', 'two words', 'http://nvr.lan', 'nvr..lan', '-nvr.lan']) {
      await rejectsCode(ensureCertificate(freshDir(), { hosts: [bad], now: at(T0) }), 'CONFIG_INVALID', /neither an IP address nor a DNS name/);
    }
  });
});

describe("the user's own TLS certificate", () => {
  test('a valid pair is used as is', async () => {
    const own = await ensureCertificate(freshDir(), { hosts: ['cams.example.org'], now: at(T0) });
    const files = userFiles(own, 0o640);
    const c = await ensureCertificate(freshDir(), { ...files, now: at(T0 + DAY) });
    assert.equal(c.source, 'user');
    assert.equal(c.cert, own.cert);
    assert.equal(c.key, own.key);
    assert.equal(c.fingerprint256, own.fingerprint256);
  });

  test('bad files are rejected with clear errors', async (t) => {
    const own = await ensureCertificate(freshDir(), { now: at(T0) });
    const other = await ensureCertificate(freshDir(), { now: at(T0) });
    const good = userFiles(own);
    const mismatched = { certFile: good.certFile, keyFile: userFiles(other).keyFile };
    const notPem = userFiles({ ...own, cert: 'not a certificate' });
    const badKey = userFiles({ ...own, key: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n' });
    const cases: [string, () => unknown, ErrorCode, RegExp][] = [
      ['a key of another certificate', () => loadUserCertificate(mismatched.certFile, mismatched.keyFile, T0), 'TLS_CERT_INVALID', /does not belong to the certificate/],
      ['expired', () => loadUserCertificate(good.certFile, good.keyFile, T0 + 366 * DAY), 'TLS_CERT_INVALID', /expired on 2025-01-14.*renew it/],
      ['not yet valid', () => loadUserCertificate(good.certFile, good.keyFile, T0 - DAY), 'TLS_CERT_INVALID', /not valid before 2024-01-15.*clock/],
      ['a certificate file that is not PEM', () => loadUserCertificate(notPem.certFile, notPem.keyFile, T0), 'TLS_CERT_INVALID', /does not hold a PEM certificate/],
      ['a key file that is not a key', () => loadUserCertificate(badKey.certFile, badKey.keyFile, T0), 'TLS_CERT_INVALID', /does not hold an unencrypted PEM private key/],
      ['a missing certificate file', () => loadUserCertificate(path.join(TMP, 'nope.pem'), good.keyFile, T0), 'TLS_CERT_INVALID', /cannot read the TLS certificate file/],
      ['a missing key file', () => loadUserCertificate(good.certFile, path.join(TMP, 'nope.key'), T0), 'TLS_CERT_INVALID', /key file .* does not exist/],
      ['only the certificate file given', () => ensureCertificate(freshDir(), { certFile: good.certFile }), 'TLS_CERT_INVALID', /give both/],
    ];
    if (posix) {
      const open = userFiles(own, 0o604);
      cases.push(['a key readable by everyone', () => loadUserCertificate(open.certFile, open.keyFile, T0), 'KEY_FILE_UNSAFE', /other users \(mode 604\)/]);
    }
    for (const [name, run, code, message] of cases) {
      await t.test(name, async () => {
        await rejectsCode(run, code, message).catch((e: unknown) => assert.fail(`${name}: ${String(e)}`));
      });
    }
  });
});
