/**
 * The event snapshot files on disk, for retention: `snapshots/<camera id>/<UTC day>/<name>.jpg` under
 * the data directory, as live cameras write them (`saveSnapshot` in src/live/live-camera.ts), each
 * with its size and the time it was written (its mtime). Other files and folders are not looked at.
 *
 * Retention runs after every new segment, so a scan re-reads only what changed: a day folder whose
 * mtime is the one it had at the previous scan keeps its list, and a file already seen keeps its size
 * and time. Both are trusted only once they are {@link SETTLE_MS} older than the scan that saw them
 * (by the wall clock, the clock of file times), so a file still being written, or added within the
 * file system's timestamp granularity of that scan, is read again.
 */
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { RetentionSnapshot } from './retention-plan.ts';
import { isDayFolder } from './segment-paths.ts';

/** Folder of all event snapshots, relative to the data directory. */
export const SNAPSHOTS_DIR = 'snapshots';

/** How long after its mtime a folder or file seen by a scan is trusted not to change unseen, ms. */
export const SETTLE_MS = 2000;

/** One day folder as last read. */
interface DayFolder {
  readonly mtimeMs: number;
  readonly settled: boolean;
  readonly files: ReadonlyMap<string, SeenFile>;
}

interface SeenFile {
  readonly snapshot: RetentionSnapshot;
  readonly settled: boolean;
}

/** What one scan found. */
export interface SnapshotScan {
  readonly snapshots: readonly RetentionSnapshot[];
  /** Folders or files that could not be read (a missing `snapshots` folder is no error). */
  readonly errors: readonly string[];
}

/** Lists the snapshot files of a data directory, re-reading only what changed since its last scan. */
export class SnapshotFiles {
  readonly #root: string;
  readonly #wallNow: () => number;
  #days = new Map<string, DayFolder>();

  /** `wallNow` is the wall clock that file times are compared with (default `Date.now`). */
  constructor(dataDir: string, wallNow: () => number = Date.now) {
    this.#root = path.join(dataDir, SNAPSHOTS_DIR);
    this.#wallNow = wallNow;
  }

  /** Every snapshot file under `snapshots/<camera>/<day>/`, paths relative to the data directory. */
  async scan(): Promise<SnapshotScan> {
    const errors: string[] = [];
    const days = new Map<string, DayFolder>();
    for (const camera of await this.#list(this.#root, SNAPSHOTS_DIR, errors)) {
      if (!camera.isDirectory()) continue;
      const cameraRel = `${SNAPSHOTS_DIR}/${camera.name}`;
      for (const day of await this.#list(path.join(this.#root, camera.name), cameraRel, errors)) {
        if (!day.isDirectory() || !isDayFolder(day.name)) continue;
        const rel = `${cameraRel}/${day.name}`;
        const folder = await this.#readDay(camera.name, rel, errors);
        if (folder !== null) days.set(rel, folder);
      }
    }
    this.#days = days;
    return { snapshots: [...days.values()].flatMap((d) => [...d.files.values()].map((f) => f.snapshot)), errors };
  }

  async #readDay(cameraId: string, rel: string, errors: string[]): Promise<DayFolder | null> {
    const dir = path.join(this.#root, ...rel.split('/').slice(1));
    const seenAt = this.#wallNow();
    let mtimeMs: number;
    try {
      mtimeMs = (await stat(dir)).mtimeMs;
    } catch (cause) {
      if (!isMissing(cause)) errors.push(`cannot read ${rel}: ${messageOf(cause)}`);
      return null;
    }
    const before = this.#days.get(rel);
    if (before !== undefined && before.settled && before.mtimeMs === mtimeMs) return before;
    const files = new Map<string, SeenFile>();
    for (const entry of await this.#list(dir, rel, errors)) {
      if (!entry.isFile() || !entry.name.endsWith('.jpg')) continue;
      const known = before?.files.get(entry.name);
      if (known?.settled === true) {
        files.set(entry.name, known);
        continue;
      }
      const fileRel = `${rel}/${entry.name}`;
      try {
        const s = await stat(path.join(dir, entry.name));
        const snapshot: RetentionSnapshot = { path: fileRel, cameraId, time: Math.round(s.mtimeMs), bytes: s.size };
        files.set(entry.name, { snapshot, settled: seenAt - s.mtimeMs >= SETTLE_MS });
      } catch (cause) {
        if (!isMissing(cause)) errors.push(`cannot read ${fileRel}: ${messageOf(cause)}`);
      }
    }
    return { mtimeMs, settled: seenAt - mtimeMs >= SETTLE_MS, files };
  }

  async #list(dir: string, rel: string, errors: string[]): Promise<Dirent[]> {
    try {
      return await readdir(dir, { withFileTypes: true });
    } catch (cause) {
      if (!isMissing(cause)) errors.push(`cannot read ${rel}: ${messageOf(cause)}`);
      return [];
    }
  }
}

function isMissing(cause: unknown): boolean {
  return (cause as NodeJS.ErrnoException).code === 'ENOENT';
}

function messageOf(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
