import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { inspect } from 'node:util';
import { SightlineError, type ErrorCode } from '../src/core/errors.ts';
import { loadOrCreateSecretKey, SEALED_VERSION, SecretBox, secretKeyPath } from '../src/security/secret-box.ts';

const TMP = mkdtempSync(path.join(os.tmpdir(), 'sightline-secret-'));
after(() => rmSync(TMP, { recursive: true, force: true }));
let n = 0;
const freshDir = (): string => path.join(TMP, `data-${++n}`);
const posix = process.platform !== 'win32';

function throwsCode(fn: () => unknown, code: ErrorCode, message?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof SightlineError, `expected SightlineError ${code}, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (message !== undefined) assert.match(e.message, message);
    return true;
  });
}

const KEY_A = Buffer.alloc(32, 0xa1);
const KEY_B = Buffer.alloc(32, 0xb2);

describe('secret box', () => {
  const roundTrips: [string, string, string | undefined][] = [
    ['a camera password', 'hunter2-camera', undefined],
    ['an empty string', '', undefined],
    ['unicode', 'пароль-密码-🔑', undefined],
    ['a long value', 'x'.repeat(100_000), undefined],
    ['bound to a context', 'admin:secret', 'camera-1'],
  ];
  for (const [name, plaintext, context] of roundTrips) {
    test(`round trip: ${name}`, () => {
      const box = new SecretBox(KEY_A);
      const sealed = box.seal(plaintext, context);
      assert.equal(sealed[0], SEALED_VERSION);
      assert.equal(sealed.length, 1 + 12 + Buffer.byteLength(plaintext) + 16);
      if (plaintext.length > 0) assert.equal(sealed.includes(Buffer.from(plaintext)), false, 'the plaintext does not show');
      assert.equal(box.open(sealed, context), plaintext);
    });
  }

  test('every seal takes a fresh random nonce from the injected source', () => {
    const sizes: number[] = [];
    let counter = 0;
    const box = new SecretBox(KEY_A, {
      random: (size) => {
        sizes.push(size);
        return Buffer.alloc(size, ++counter);
      },
    });
    const a = box.seal('same');
    const b = box.seal('same');
    assert.deepEqual(sizes, [12, 12]);
    assert.notDeepEqual(a, b);
    assert.deepEqual(a.subarray(1, 13), Buffer.alloc(12, 1));
    assert.equal(new SecretBox(KEY_A).open(b), 'same');
    const real = new SecretBox(KEY_A);
    assert.notDeepEqual(real.seal('same').subarray(1, 13), real.seal('same').subarray(1, 13));
  });

  test('tampering with any byte is detected', () => {
    const box = new SecretBox(KEY_A);
    const sealed = box.seal('admin:secret');
    for (let i = 1; i < sealed.length; i++) {
      const bad = Buffer.from(sealed);
      bad[i]! ^= 0x01;
      throwsCode(() => box.open(bad), 'SECRET_OPEN_FAILED', /altered/);
    }
  });

  const failures: [string, (sealed: Buffer) => Buffer, RegExp, (SecretBox | undefined)?, string?][] = [
    ['another key', (s) => s, /another key/, new SecretBox(KEY_B)],
    ['another context', (s) => s, /another record/, undefined, 'camera-2'],
    ['an unknown version', (s) => Buffer.concat([Buffer.of(2), s.subarray(1)]), /version is 2.*only version 1/],
    ['truncated', (s) => s.subarray(0, 20), /fewer than the 29/],
    ['a cut tag', (s) => s.subarray(0, s.length - 1), /altered/],
    ['empty', () => Buffer.alloc(0), /has 0 bytes/],
  ];
  for (const [name, change, message, other, context] of failures) {
    test(`open fails: ${name}`, () => {
      const sealed = new SecretBox(KEY_A).seal('admin:secret', 'camera-1');
      throwsCode(() => (other ?? new SecretBox(KEY_A)).open(change(sealed), context ?? 'camera-1'), 'SECRET_OPEN_FAILED', message);
    });
  }

  test('a key of the wrong length is a bug', () => {
    assert.throws(() => new SecretBox(Buffer.alloc(16)), RangeError);
  });

  test('the key never shows when the box is printed', () => {
    const text = inspect(new SecretBox(KEY_A), { depth: 5, showHidden: true }) + JSON.stringify(new SecretBox(KEY_A));
    assert.equal(text.includes('a1a1'), false);
    assert.equal(text.includes(KEY_A.toString('base64')), false);
  });
});

describe('secret key file', () => {
  test('created on first use: 32 random bytes, mode 0600, then reused', () => {
    const dir = freshDir();
    const first = SecretBox.fromDataDir(dir);
    const file = secretKeyPath(dir);
    assert.equal(readFileSync(file).length, 32);
    if (posix) assert.equal(statSync(file).mode & 0o777, 0o600);
    const sealed = first.seal('rtsp password');
    assert.equal(SecretBox.fromDataDir(dir).open(sealed), 'rtsp password', 'a second start reads the same key');
  });

  test('the injected random source makes the key', () => {
    const dir = freshDir();
    loadOrCreateSecretKey(dir, (size) => Buffer.alloc(size, 7));
    assert.deepEqual(readFileSync(secretKeyPath(dir)), Buffer.alloc(32, 7));
    assert.deepEqual(loadOrCreateSecretKey(dir, () => assert.fail('an existing key is not replaced')), Buffer.alloc(32, 7));
  });

  test('a box from another data directory cannot open', () => {
    const sealed = SecretBox.fromDataDir(freshDir()).seal('x');
    throwsCode(() => SecretBox.fromDataDir(freshDir()).open(sealed), 'SECRET_OPEN_FAILED');
  });

  const unsafeModes: [number, RegExp][] = [
    [0o644, /group or other users \(mode 644\).*chmod 600/],
    [0o640, /mode 640/],
    [0o604, /mode 604/],
    [0o660, /mode 660/],
    [0o610, /mode 610/],
  ];
  for (const [mode, message] of unsafeModes) {
    test(`a key file with mode ${mode.toString(8)} is refused`, { skip: !posix }, () => {
      const dir = freshDir();
      loadOrCreateSecretKey(dir);
      chmodSync(secretKeyPath(dir), mode);
      throwsCode(() => SecretBox.fromDataDir(dir), 'KEY_FILE_UNSAFE', message);
    });
  }

  test('mode 0400 is accepted', { skip: !posix }, () => {
    const dir = freshDir();
    loadOrCreateSecretKey(dir);
    chmodSync(secretKeyPath(dir), 0o400);
    assert.equal(loadOrCreateSecretKey(dir).length, 32);
  });

  test('a key file of the wrong size is refused, never replaced', () => {
    const dir = freshDir();
    mkdirSync(dir, { recursive: true });
    writeFileSync(secretKeyPath(dir), Buffer.alloc(31), { mode: 0o600 });
    throwsCode(() => SecretBox.fromDataDir(dir), 'KEY_FILE_INVALID', /holds 31 bytes instead of 32.*restore it/);
    assert.equal(readFileSync(secretKeyPath(dir)).length, 31);
  });

  test('a directory in place of the key file is refused', () => {
    const dir = freshDir();
    mkdirSync(secretKeyPath(dir), { recursive: true });
    throwsCode(() => SecretBox.fromDataDir(dir), 'KEY_FILE_INVALID');
  });

  test('a symlink to a private key file is followed and checked', { skip: !posix }, () => {
    const dir = freshDir();
    const real = path.join(TMP, `real-${n}.key`);
    writeFileSync(real, Buffer.alloc(32, 3), { mode: 0o644 });
    mkdirSync(dir, { recursive: true });
    symlinkSync(real, secretKeyPath(dir));
    throwsCode(() => SecretBox.fromDataDir(dir), 'KEY_FILE_UNSAFE');
    chmodSync(real, 0o600);
    assert.deepEqual(loadOrCreateSecretKey(dir), Buffer.alloc(32, 3));
  });

  test('the data directory is created when missing', () => {
    const dir = path.join(freshDir(), 'nested', 'data');
    SecretBox.fromDataDir(dir);
    assert.ok(existsSync(secretKeyPath(dir)));
  });
});
