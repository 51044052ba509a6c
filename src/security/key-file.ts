/**
 * Private key files on disk: created readable by their owner only, and refused when group or
 * others can read them, checked on the open file descriptor so that no rename can slip in between.
 */
import { closeSync, fstatSync, openSync, readFileSync, writeSync } from 'node:fs';
import { SightlineError } from '../core/errors.ts';

/** Which permission bits make a key file unsafe: any access by group (`0o070`) or others (`0o007`), or by others only. */
export type KeyFileStrictness = 'owner-only' | 'no-others';

function unsafeBits(strictness: KeyFileStrictness): number {
  return strictness === 'owner-only' ? 0o077 : 0o007;
}

/**
 * Throws KEY_FILE_UNSAFE when the mode of `file` lets group or others in (per `strictness`); a no-op on
 * Windows, whose files have no such mode bits.
 */
export function assertPrivateMode(file: string, mode: number, strictness: KeyFileStrictness = 'owner-only'): void {
  if (process.platform === 'win32') return;
  const bad = mode & unsafeBits(strictness);
  if (bad !== 0) {
    const octal = (mode & 0o777).toString(8).padStart(3, '0');
    throw new SightlineError(
      'KEY_FILE_UNSAFE',
      `the key file ${file} can be read by ${strictness === 'owner-only' ? 'group or other users' : 'other users'} (mode ${octal}); ` +
        `make it private with: chmod 600 ${JSON.stringify(file)}`,
    );
  }
}

/**
 * Reads a key file after checking, on the open descriptor, that it is a regular file with a private
 * mode; undefined when the file does not exist. Throws KEY_FILE_UNSAFE or KEY_FILE_INVALID.
 */
export function readPrivateFile(file: string, strictness: KeyFileStrictness = 'owner-only'): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SightlineError('KEY_FILE_INVALID', `cannot open the key file ${file}: ${messageOf(cause)}`, { cause });
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new SightlineError('KEY_FILE_INVALID', `the key file ${file} is not a regular file`);
    assertPrivateMode(file, stat.mode, strictness);
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Creates `file` with mode 0600 holding `content`, failing with EEXIST (as a thrown Node error) when
 * it exists already, so that two processes starting at once never both write one.
 */
export function createPrivateFile(file: string, content: Buffer | string): void {
  const fd = openSync(file, 'wx', 0o600);
  try {
    writeSync(fd, typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
  } finally {
    closeSync(fd);
  }
}

/** The message of an unknown thrown value. */
export function messageOf(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
