/**
 * The data directory holds video, the database and keys: every file and folder in it must be
 * readable by the server's user only. `secureDataDir` creates it owner-only, sets the process umask
 * so that everything created later is too (SQLite's -wal and -shm files, recordings, snapshots, TLS
 * files), and repairs the modes of a directory tree that already exists.
 */
import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { SightlineError } from '../core/errors.ts';

/** The umask that makes new files 0600 and new folders 0700. */
export const OWNER_ONLY_UMASK = 0o077;

/** What {@link secureDataDir} changed: each path whose mode it narrowed. */
export interface DataDirRepair {
  readonly fixed: readonly string[];
}

/**
 * Sets the process umask to 0077, creates `dataDir` (mode 0700) when missing, then walks it without
 * following links and narrows every folder to 0700 and every file to 0600 that group or others could
 * reach. Throws DATA_DIR_UNSAFE for an open path that belongs to another user (it cannot be fixed
 * here). A no-op for modes on Windows.
 */
export function secureDataDir(dataDir: string): DataDirRepair {
  process.umask(OWNER_ONLY_UMASK);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (process.platform === 'win32') return { fixed: [] };
  const uid = process.getuid?.() ?? -1;
  const fixed: string[] = [];
  const visit = (p: string): void => {
    const stat = lstatSync(p);
    if (stat.isSymbolicLink()) return;
    const dir = stat.isDirectory();
    if ((stat.mode & 0o077) !== 0) {
      if (stat.uid !== uid) {
        throw new SightlineError(
          'DATA_DIR_UNSAFE',
          `${p} in the data directory belongs to another user (uid ${stat.uid}) and other users can read it (mode ${(stat.mode & 0o777).toString(8)}); ` +
            `make it the server user's and private: chown -R "$(id -un)" ${JSON.stringify(dataDir)} && chmod -R go-rwx ${JSON.stringify(dataDir)}`,
        );
      }
      chmodSync(p, (stat.mode & 0o700) | (dir ? 0o700 : 0o600));
      fixed.push(p);
    }
    if (dir) for (const name of readdirSync(p)) visit(path.join(p, name));
  };
  visit(dataDir);
  return { fixed };
}
