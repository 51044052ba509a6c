/**
 * Encryption at rest for secrets the server must read back (camera user names and passwords):
 * AES-256-GCM under one 32-byte key kept in `<dataDir>/secret.key` (mode 0600, created on first use).
 *
 * Sealed format, version 1: `[0x01][12-byte random nonce][ciphertext][16-byte GCM tag]`. The version
 * byte and an optional context string (say, the camera id) are authenticated as associated data, so
 * a changed byte, a sealed value moved to another row, or another key all fail to open.
 *
 * Losing the key file loses every sealed secret: back it up together with the database, and never
 * store it in the same backup as the database if the backups leave the machine.
 */
import { createCipheriv, createDecipheriv, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { SightlineError } from '../core/errors.ts';
import { createPrivateFile, messageOf, readPrivateFile } from './key-file.ts';

/** Name of the key file inside the data directory. */
export const SECRET_KEY_FILE_NAME = 'secret.key';

/** Length of the key, in bytes (AES-256). */
export const SECRET_KEY_BYTES = 32;

/** The format version written by {@link SecretBox.seal}. */
export const SEALED_VERSION = 1;

const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + NONCE_BYTES;

/** A source of random bytes, injected by tests; default `crypto.randomBytes`. */
export type RandomBytes = (size: number) => Buffer;

/** The key file of a data directory. */
export function secretKeyPath(dataDir: string): string {
  return path.join(dataDir, SECRET_KEY_FILE_NAME);
}

/**
 * Reads the key file of `dataDir`, creating it (and the directory) with 32 random bytes and mode
 * 0600 when missing. Throws KEY_FILE_UNSAFE when group or others can read it, KEY_FILE_INVALID when
 * it is not exactly 32 bytes or cannot be read or created.
 */
export function loadOrCreateSecretKey(dataDir: string, random: RandomBytes = randomBytes): Buffer {
  const file = secretKeyPath(dataDir);
  let key = readPrivateFile(file);
  if (key === undefined) {
    try {
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      createPrivateFile(file, random(SECRET_KEY_BYTES));
    } catch (cause) {
      // Another process created it first: use theirs.
      if ((cause as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new SightlineError('KEY_FILE_INVALID', `cannot create the key file ${file}: ${messageOf(cause)}`, { cause });
      }
    }
    key = readPrivateFile(file);
  }
  if (key?.length !== SECRET_KEY_BYTES) {
    throw new SightlineError(
      'KEY_FILE_INVALID',
      `the key file ${file} holds ${key?.length ?? 0} bytes instead of ${SECRET_KEY_BYTES}: it is damaged or not a Sightline key; restore it from a backup (sealed camera credentials cannot be read without it)`,
    );
  }
  return key;
}

/** Seals and opens secrets with one AES-256-GCM key; the key stays inside and is never printed. */
export class SecretBox {
  readonly #key: KeyObject;
  readonly #random: RandomBytes;

  /** The box of a data directory, with its key file read or created by {@link loadOrCreateSecretKey}. */
  static fromDataDir(dataDir: string, options: { readonly random?: RandomBytes } = {}): SecretBox {
    const random = options.random ?? randomBytes;
    return new SecretBox(loadOrCreateSecretKey(dataDir, random), { random });
  }

  /** A box over a 32-byte key; `random` makes the nonces (default `crypto.randomBytes`). */
  constructor(key: Uint8Array, options: { readonly random?: RandomBytes } = {}) {
    if (key.length !== SECRET_KEY_BYTES) throw new RangeError(`a secret box key has ${SECRET_KEY_BYTES} bytes, got ${key.length}`);
    this.#key = createSecretKey(key);
    this.#random = options.random ?? randomBytes;
  }

  /** Encrypts `plaintext` (UTF-8) with a fresh random nonce, bound to `context` when given (it must be given again to open). */
  seal(plaintext: string, context = ''): Buffer {
    const nonce = this.#random(NONCE_BYTES);
    if (nonce.length !== NONCE_BYTES) throw new RangeError(`the random source gave ${nonce.length} bytes instead of ${NONCE_BYTES}`);
    const header = Buffer.concat([Buffer.of(SEALED_VERSION), nonce]);
    const cipher = createCipheriv('aes-256-gcm', this.#key, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(associatedData(header, context));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([header, body, cipher.getAuthTag()]);
  }

  /**
   * Decrypts what {@link seal} made with the same key and `context`. Throws SECRET_OPEN_FAILED when
   * the value is too short, of an unknown version, altered, bound to another context or sealed with
   * another key (GCM cannot tell those last three apart).
   */
  open(sealed: Uint8Array, context = ''): string {
    const data = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
    if (data.length < HEADER_BYTES + TAG_BYTES) throw failed(`it has ${data.length} bytes, fewer than the ${HEADER_BYTES + TAG_BYTES} of an empty sealed value`);
    if (data[0] !== SEALED_VERSION) throw failed(`its format version is ${data[0]}, and this Sightline knows only version ${SEALED_VERSION}`);
    const header = data.subarray(0, HEADER_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.#key, header.subarray(1), { authTagLength: TAG_BYTES });
    decipher.setAAD(associatedData(header, context));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(data.subarray(HEADER_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch (cause) {
      throw failed('it was altered, belongs to another record, or was sealed with another key (is secret.key the one the database was written with?)', cause);
    }
    return plain.toString('utf8');
  }
}

function associatedData(header: Buffer, context: string): Buffer {
  return Buffer.concat([header, Buffer.from(context, 'utf8')]);
}

function failed(why: string, cause?: unknown): SightlineError {
  return new SightlineError('SECRET_OPEN_FAILED', `cannot decrypt a sealed secret: ${why}`, cause === undefined ? undefined : { cause });
}
