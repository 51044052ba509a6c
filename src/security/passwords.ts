/**
 * Passwords: argon2id hashes in PHC strings (`$argon2id$v=19$m=...,t=...,p=...$salt$hash`) at the
 * OWASP parameters, verification through the library's constant-time comparison, a test for hashes
 * made with weaker parameters, and the password policy new passwords must meet.
 */
import { hash, parseOptions, verify, type Algorithm, type Options } from '@node-rs/argon2';
import { COMMON_PASSWORDS } from './common-passwords.ts';

/** The cost parameters of argon2id. */
export interface Argon2Params {
  /** Memory per hash in KiB. */
  readonly memoryCost: number;
  /** Passes over the memory. */
  readonly timeCost: number;
  /** Lanes (threads). */
  readonly parallelism: number;
}

/** OWASP's argon2id configuration (Password Storage Cheat Sheet): 19 MiB, 2 iterations, 1 lane. */
export const OWASP_ARGON2_PARAMS: Argon2Params = Object.freeze({ memoryCost: 19 * 1024, timeCost: 2, parallelism: 1 });

/** Shortest password the policy accepts, in characters. */
export const MIN_PASSWORD_LENGTH = 12;

/** Longest password the policy accepts, in characters. */
export const MAX_PASSWORD_LENGTH = 256;

// Values of the library's const enums, which isolated modules cannot read from its declarations.
const ARGON2ID = 2 as Algorithm;
const VERSION_0X13 = 1;
const OUTPUT_BYTES = 32;

function options(params: Argon2Params): Options {
  return { algorithm: ARGON2ID, memoryCost: params.memoryCost, timeCost: params.timeCost, parallelism: params.parallelism, outputLen: OUTPUT_BYTES };
}

/** Hashes a password with argon2id and a fresh random salt (off the main thread) and returns the PHC string. */
export async function hashPassword(password: string, params: Argon2Params = OWASP_ARGON2_PARAMS): Promise<string> {
  return hash(password, options(params));
}

/**
 * True when `password` matches the PHC string `hashed`, compared in constant time by the library;
 * false for a wrong password and for a malformed or non-argon2 hash (never throws on either).
 */
export async function verifyPassword(hashed: string, password: string): Promise<boolean> {
  if (!hashed.startsWith('$argon2')) return false;
  try {
    return await verify(hashed, password);
  } catch {
    return false;
  }
}

/**
 * True when `hashed` should be replaced at the next successful sign-in: it is malformed, not
 * argon2id version 0x13, or cheaper than `params` (less memory, fewer passes, another lane count, a
 * shorter output).
 */
export function needsRehash(hashed: string, params: Argon2Params = OWASP_ARGON2_PARAMS): boolean {
  let parsed;
  try {
    parsed = parseOptions(hashed);
  } catch {
    return true;
  }
  return (
    parsed.algorithm !== ARGON2ID ||
    parsed.version !== VERSION_0X13 ||
    parsed.memoryCost < params.memoryCost ||
    parsed.timeCost < params.timeCost ||
    parsed.parallelism !== params.parallelism ||
    parsed.outputLen < OUTPUT_BYTES
  );
}

/** What the policy thinks of a password: acceptable, or every rule it breaks as a sentence. */
export type PasswordCheck = { readonly ok: true } | { readonly ok: false; readonly problems: readonly string[] };

/** Who the password is for, so that it may not repeat them. */
export interface PasswordContext {
  /** The user name the password belongs to. */
  readonly user?: string;
}

/**
 * Checks a new password against the policy: 12 to 256 characters (code points), not the user name
 * nor containing it (ignoring case), not one of the {@link COMMON_PASSWORDS}, not one character
 * repeated. Returns every problem found, so the user can fix them at once.
 */
export function checkPassword(password: string, context: PasswordContext = {}): PasswordCheck {
  const problems: string[] = [];
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) problems.push(`The password is too short: use at least ${MIN_PASSWORD_LENGTH} characters (it has ${length}).`);
  if (length > MAX_PASSWORD_LENGTH) problems.push(`The password is too long: use at most ${MAX_PASSWORD_LENGTH} characters (it has ${length}).`);
  const lower = password.toLowerCase();
  const user = context.user?.trim().toLowerCase() ?? '';
  if (user !== '' && lower === user) problems.push('The password may not be the user name.');
  else if (user !== '' && lower.includes(user)) problems.push('The password may not contain the user name.');
  if (COMMON_PASSWORDS.has(lower)) problems.push('The password is one of the most common passwords, the first ones attackers try: choose another.');
  else if (length > 0 && new Set(password).size === 1) problems.push('The password is one character repeated: choose another.');
  return problems.length === 0 ? { ok: true } : { ok: false, problems };
}
