/**
 * The append-only, hash-chained audit log: every login, view, export and change, each entry sealed
 * by a SHA-256 over its fields and the previous entry's hash, with the newest (seq, hash) kept in
 * `audit_head` in the same transaction. Triggers refuse UPDATE and DELETE, so changing the record
 * takes deliberate tampering, which `verifyAuditLog` then finds: an edited entry (its hash no longer
 * matches), a removed one (a gap in seq or a broken prev link) and a cut tail (the head disagrees).
 *
 * Keyed chain: a log opened with a key (the server derives one from its secret key file with
 * {@link auditKeyFromSecret}) seals every new entry with HMAC-SHA256 instead of a plain SHA-256, and
 * seals the head (seq, hash, first keyed seq) with the same key. Entries written before the key was
 * first used keep their plain hashes (`audit_head.keyed_from` marks where keying starts), so old
 * logs still verify. Without the key, nobody can rewrite, insert or remove an entry from `keyed_from`
 * on, nor move the head, and have `verifyAuditLog` with the key accept it.
 *
 * Retention: entries older than the audit limit are deleted from the start of the chain. The last
 * deleted entry's seq, hash and time stay in a checkpoint, sealed with the key like the head, and
 * verification starts from it: the oldest kept entry must link to the checkpoint's hash. Deleting
 * more entries from the start takes moving the checkpoint, whose seal then fails without the key. Someone who holds the key
 * file, or who restores an older copy of the whole database, can: compare the head with one kept
 * elsewhere (the server logs it at every start) to catch a rolled-back tail.
 */
import { createHash, createHmac, hkdfSync } from 'node:crypto';
import { canonicalJson, type JsonObject } from '../core/json.ts';
import { AUDIT_GENESIS_HASH } from './schema-v1.ts';

export { AUDIT_GENESIS_HASH };

/** What happened, by whom, to what. */
export interface NewAuditEntry {
  /** Who did it: a user name, an API token's name, or `system`. */
  readonly actor: string;
  /** What was done: login, login_failed, live_view, playback, export, config_change, user_change, delete, ... */
  readonly action: string;
  /** What it was done to (a camera id, a user name), when anything. */
  readonly target?: string | null;
  /** Anything else worth keeping (never a secret). Default `{}`. */
  readonly details?: JsonObject;
}

/** An entry as stored, with its place in the chain. */
export interface AuditEntry {
  readonly seq: number;
  /** Epoch ms. */
  readonly time: number;
  readonly actor: string;
  readonly action: string;
  readonly target: string | null;
  readonly details: JsonObject;
  /** Hash of entry seq - 1, or {@link AUDIT_GENESIS_HASH} for entry 1. */
  readonly prevHash: string;
  /** SHA-256 hex of this entry, see {@link auditHash}. */
  readonly hash: string;
}

/** Which entries to list; every field narrows it. Entries come by seq. */
export interface AuditFilter {
  readonly actor?: string;
  readonly action?: string;
  readonly target?: string;
  /** Entries at or after this time, epoch ms. */
  readonly from?: number;
  /** Entries before this time, epoch ms. */
  readonly to?: number;
  /** Entries after this seq (paging). */
  readonly afterSeq?: number;
  /** At most this many, 1..1000; default 100. */
  readonly limit?: number;
}

/**
 * The outcome of a verification: intact with the number of entries checked (and, once retention
 * deleted the oldest, the seq of the last one deleted: the chain is checked from its checkpoint), or
 * the first entry that is wrong and why.
 */
export type AuditVerification =
  | { readonly ok: true; readonly entries: number; readonly purgedThrough?: number }
  | { readonly ok: false; readonly firstBadSeq: number; readonly reason: string };

/** What a retention purge of the audit log did. */
export interface AuditPurge {
  /** Entries deleted by this purge (0 when none was old enough). */
  readonly deleted: number;
  /** The seq of the last entry deleted so far (the checkpoint), 0 when none ever was. */
  readonly throughSeq: number;
}

/**
 * The hash of an entry: SHA-256 (hex) of the JSON array [prevHash, seq, time, actor, action, target,
 * canonical JSON of details], so no field can bleed into its neighbour.
 */
export function auditHash(prevHash: string, seq: number, time: number, actor: string, action: string, target: string | null, details: JsonObject): string {
  const text = JSON.stringify([prevHash, seq, time, actor, action, target, canonicalJson(details)]);
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The HKDF-SHA256 info string of the audit sub-key. */
const AUDIT_KEY_INFO = 'sightline audit chain v1';

/** The audit chain's HMAC key: HKDF-SHA256 of the server's secret key, so the secret itself never keys two things. */
export function auditKeyFromSecret(secret: Uint8Array): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), AUDIT_KEY_INFO, 32));
}

/** The keyed hash of an entry: HMAC-SHA256 (hex) under `key` of the same text {@link auditHash} hashes. */
export function auditMac(key: Uint8Array, prevHash: string, seq: number, time: number, actor: string, action: string, target: string | null, details: JsonObject): string {
  const text = JSON.stringify([prevHash, seq, time, actor, action, target, canonicalJson(details)]);
  return createHmac('sha256', key).update(text, 'utf8').digest('hex');
}

/** The audit log of one store: synchronous, so that a request's entry is written before its answer leaves. */
export interface AuditLog {
  /** Verifies the whole chain with this log's key (if any), see {@link verifyAuditLog}. */
  verify(): AuditVerification;
  /** The newest entry's seq and hash, to keep elsewhere and compare later (a cut tail shows against it). */
  head(): { readonly seq: number; readonly hash: string };
  /** Appends one entry at the head of the chain, atomically with the head; STORE_INPUT_INVALID for an empty actor or action. */
  append(entry: NewAuditEntry): AuditEntry;
  /** The entries that match, by seq; STORE_INPUT_INVALID for a bad range or limit. */
  list(filter?: AuditFilter): AuditEntry[];
  /**
   * Retention: deletes the oldest entries, those before the first entry written at or after `time`,
   * moving the (sealed) checkpoint onto the last one deleted so that the chain still verifies from
   * it, and appends an `audit_purge` entry by `system` saying so, all in one transaction. Deleted
   * entries are overwritten in the database file. STORE_INPUT_INVALID for a bad time.
   */
  purgeBefore(time: number): AuditPurge;
  /** How many entries each action has in the half-open time range `[from, to)` (epoch ms); actions without entries are absent. STORE_INPUT_INVALID for a bad range. */
  countByAction(from: number, to: number): Readonly<Record<string, number>>;
}
