/**
 * The event-search cursors callers see: the store's cursor (the time and id of the last event of a
 * page) encrypted with AES-256-GCM under a key derived from the server's session secret, with a hash
 * of the query and the caller (its name and the cameras it may see) as associated data. So a cursor
 * tells nothing about the events behind it, and one used with another filter, by another caller or
 * after the caller's cameras changed is refused (CURSOR_INVALID) instead of leaking a position.
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { SightlineError } from '../core/errors.ts';

const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** What a cursor is bound to: the filter of the query (without cursor and page size) and the caller. */
export interface CursorBinding {
  readonly filter: Readonly<Record<string, string | number | undefined>>;
  readonly caller: string;
  /** The cameras the caller may see, or null for all. */
  readonly cameras: readonly string[] | null;
}

/** The associated data of a binding: SHA-256 of its canonical JSON. */
function bindingHash(b: CursorBinding): Buffer {
  const filter = Object.keys(b.filter)
    .filter((k) => b.filter[k] !== undefined)
    .sort()
    .map((k) => [k, b.filter[k]]);
  return createHash('sha256').update(JSON.stringify([filter, b.caller, b.cameras === null ? null : [...b.cameras].sort()]), 'utf8').digest();
}

function refused(): SightlineError {
  return new SightlineError('CURSOR_INVALID', 'the cursor was made for another query or caller, or is damaged: start again without a cursor');
}

/** Seals and opens event cursors with a key derived from the session secret. */
export class CursorSeal {
  readonly #key: Buffer;

  /** A seal keyed by HKDF-SHA256 of `secret` (at least 32 bytes). */
  constructor(secret: Uint8Array) {
    this.#key = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'sightline event cursor v1', 32));
  }

  /** The opaque cursor of a store cursor, bound to `binding`. */
  seal(storeCursor: string, binding: CursorBinding): string {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, nonce);
    cipher.setAAD(bindingHash(binding));
    const body = Buffer.concat([cipher.update(storeCursor, 'utf8'), cipher.final()]);
    return Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64url');
  }

  /** The store cursor inside `cursor`; CURSOR_INVALID when it is damaged, foreign or bound to another query or caller. */
  open(cursor: string, binding: CursorBinding): string {
    const raw = Buffer.from(cursor, 'base64url');
    if (raw.length <= NONCE_BYTES + TAG_BYTES || raw.toString('base64url') !== cursor) throw refused();
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, raw.subarray(0, NONCE_BYTES));
      decipher.setAAD(bindingHash(binding));
      decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
      return Buffer.concat([decipher.update(raw.subarray(NONCE_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw refused();
    }
  }
}
