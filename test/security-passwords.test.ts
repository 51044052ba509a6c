import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { COMMON_PASSWORDS } from '../src/security/common-passwords.ts';
import { checkPassword, hashPassword, needsRehash, OWASP_ARGON2_PARAMS, verifyPassword, type Argon2Params } from '../src/security/passwords.ts';

const CHEAP: Argon2Params = { memoryCost: 64, timeCost: 1, parallelism: 1 };

describe('password hashing', () => {
  test('the production parameters meet OWASP: argon2id, >= 19 MiB, >= 2 passes, 1 lane', async () => {
    assert.ok(OWASP_ARGON2_PARAMS.memoryCost >= 19 * 1024);
    assert.ok(OWASP_ARGON2_PARAMS.timeCost >= 2);
    assert.equal(OWASP_ARGON2_PARAMS.parallelism, 1);
    const hash = await hashPassword('correct horse battery staple');
    assert.match(hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    assert.equal(await verifyPassword(hash, 'correct horse battery staple'), true);
    assert.equal(await verifyPassword(hash, 'correct horse battery stapl'), false);
    assert.equal(needsRehash(hash), false);
  });

  test('each hash has its own salt', async () => {
    const a = await hashPassword('same password here', CHEAP);
    const b = await hashPassword('same password here', CHEAP);
    assert.notEqual(a, b);
    assert.equal(await verifyPassword(a, 'same password here'), true);
    assert.equal(await verifyPassword(b, 'same password here'), true);
  });

  const verifyCases: [string, string, string, boolean][] = [
    ['the right password', 'Tr0ub4dor&3-long', 'Tr0ub4dor&3-long', true],
    ['a wrong password', 'Tr0ub4dor&3-long', 'Tr0ub4dor&3-lonG', false],
    ['an empty password', 'Tr0ub4dor&3-long', '', false],
    ['unicode, as typed', 'pässwörd-ünïcode', 'pässwörd-ünïcode', true],
  ];
  for (const [name, stored, given, expected] of verifyCases) {
    test(`verify: ${name}`, async () => {
      assert.equal(await verifyPassword(await hashPassword(stored, CHEAP), given), expected);
    });
  }

  test('a malformed or foreign hash verifies as false, never throws', async () => {
    for (const bad of ['', 'plain', '$argon2id$garbage', '$2b$10$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234', '$argon2id$v=19$m=64,t=1,p=1$AAAA$BBBB']) {
      assert.equal(await verifyPassword(bad, 'anything at all'), false, bad);
    }
  });

  test('needsRehash: weaker or foreign hashes are flagged, equal or stronger are not', async () => {
    const cheap = await hashPassword('some password', CHEAP);
    assert.equal(needsRehash(cheap, CHEAP), false);
    assert.equal(needsRehash(cheap, { ...CHEAP, memoryCost: 128 }), true);
    assert.equal(needsRehash(cheap, { ...CHEAP, timeCost: 2 }), true);
    assert.equal(needsRehash(cheap, { ...CHEAP, parallelism: 2 }), true);
    assert.equal(needsRehash(cheap, { ...CHEAP, memoryCost: 32 }), false);
    assert.equal(needsRehash(cheap), true);
    assert.equal(needsRehash('not a hash'), true);
    const argon2i = '$argon2i$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$7qD5n2Y3M3pG8bQ0i2cVb7aUqSmWcHdk6cFvYHg9z1k';
    assert.equal(needsRehash(argon2i), true);
  });
});

describe('password policy', () => {
  const cases: [string, string, string | undefined, RegExp[]][] = [
    ['long and unusual', 'blue-kettle-on-the-roof', 'alice', []],
    ['exactly 12 characters', 'x7#kQ9!mLp2z', 'alice', []],
    ['exactly 256 characters', 'ab1!'.repeat(64), 'alice', []],
    ['11 characters', 'x7#kQ9!mLp2', 'alice', [/too short.*at least 12.*has 11/]],
    ['257 characters', 'ab1!'.repeat(64) + 'z', 'alice', [/too long.*at most 256.*has 257/]],
    ['empty', '', 'alice', [/too short/]],
    ['12 code points of astral characters count as 12', '😀'.repeat(11) + 'a', 'alice', []],
    ['the user name itself', 'administrator', 'administrator', [/may not be the user name/, /most common/]],
    ['the user name, other case', 'Camera-Operator', 'camera-operator', [/may not be the user name/]],
    ['containing the user name', 'my-name-is-alice-ok', 'Alice', [/may not contain the user name/]],
    ['a common password', 'password1234', undefined, [/most common/]],
    ['a common password in capitals', 'PASSWORD1234', undefined, [/most common/]],
    ['a short common password: two problems', 'qwerty', undefined, [/too short/, /most common/]],
    ['one character repeated', 'zzzzzzzzzzzzzz', undefined, [/one character repeated/]],
    ['no user given: only the other rules', 'alice-in-wonderland', undefined, []],
  ];
  for (const [name, password, user, expected] of cases) {
    test(name, () => {
      const result = checkPassword(password, user === undefined ? {} : { user });
      if (expected.length === 0) {
        assert.deepEqual(result, { ok: true });
        return;
      }
      assert.equal(result.ok, false);
      if (result.ok) return;
      assert.equal(result.problems.length, expected.length, result.problems.join(' | '));
      expected.forEach((re, i) => assert.match(result.problems[i]!, re));
      for (const p of result.problems) assert.match(p, /^The .*\.$/, 'each problem is a sentence');
    });
  }

  test('the built-in list holds 100 lower-case entries', () => {
    assert.equal(COMMON_PASSWORDS.size, 100);
    for (const p of COMMON_PASSWORDS) assert.equal(p, p.toLowerCase());
  });
});
