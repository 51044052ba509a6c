/**
 * Deleting the files of recorded data (segments, event snapshots) inside the data directory, shared
 * by retention and erasure: a file already gone counts as deleted, and day folders left empty go too.
 */
import { rmdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { isDayFolder, resolveInside } from './segment-paths.ts';

/** Deletes a file given relative to the data directory; true when it is gone (or never was, or lies outside), false (with `fail` told why) when it stays. */
export async function deleteDataFile(dataDir: string, relative: string, fail: (message: string) => void): Promise<boolean> {
  const file = resolveInside(dataDir, relative);
  if (file === null) return true;
  try {
    await unlink(file);
    return true;
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return true;
    fail(`cannot delete ${relative}: ${cause instanceof Error ? cause.message : String(cause)}`);
    return false;
  }
}

/** Removes the day folders (relative to the data directory) that deletions left empty; a folder still holding files stays. */
export async function removeEmptyDayFolders(dataDir: string, folders: Iterable<string>): Promise<void> {
  for (const folder of folders) {
    const dir = resolveInside(dataDir, folder);
    if (dir !== null && isDayFolder(path.basename(dir))) await rmdir(dir).catch(() => undefined);
  }
}
