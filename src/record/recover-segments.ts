/**
 * Crash safety of recordings: putting a finished file in its place in the index, and, at start,
 * indexing the files a killed server or ffmpeg left on disk without an index row. Readable files are
 * cut to whole MPEG-TS packets (188 bytes, so a truncated file still plays) and indexed with the
 * duration ffprobe measures; unreadable or empty ones are deleted.
 *
 * Run `recoverSegments` only while no recorder of that camera runs: it treats every file of the
 * camera's `incoming` folder as left behind.
 */
import { existsSync, type Dirent } from 'node:fs';
import { mkdir, readdir, rename, stat, truncate, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { SegmentIndex, StoredSegment } from '../store/segment-index.ts';
import { probeSegment, type SegmentProbeOptions } from './segment-probe.ts';
import { cameraFolder, incomingFolder, isDayFolder, parseIncomingName, parseSegmentName, resolveInside, segmentPath, toIndexPath } from './segment-paths.ts';

/** Size of one MPEG-TS packet. */
export const TS_PACKET_BYTES = 188;

/** How to recover. */
export interface RecoverOptions extends SegmentProbeOptions {
  /** Exact start times (epoch ms) of incoming files by absolute path, when the caller knows them (the recorder does for its last file). */
  readonly knownStarts?: ReadonlyMap<string, number>;
  /** Look only at the `incoming` folder (what an ffmpeg run left), not at the day folders; default false. */
  readonly incomingOnly?: boolean;
}

/** What a recovery did. */
export interface RecoveryReport {
  /** Segments added to the index. */
  readonly indexed: readonly StoredSegment[];
  /** Files deleted as unreadable or empty, relative to the data directory. */
  readonly deleted: readonly string[];
  /** Files that could be neither indexed nor deleted (relative path and why); they stay for the next recovery. */
  readonly failed: readonly { readonly path: string; readonly reason: string }[];
}

/**
 * Moves a finished file of the camera's `incoming` folder to `<day>/<startMs>.ts` (a free variant of
 * the name when it is taken) and indexes it with its size; returns the indexed segment.
 */
export async function fileSegment(dataDir: string, index: SegmentIndex, cameraId: string, source: string, startTime: number, endTime: number): Promise<StoredSegment> {
  let relative = segmentPath(cameraId, startTime);
  for (let variant = 1; existsSync(path.join(dataDir, relative)) || index.byPath(relative) !== null; variant++) relative = segmentPath(cameraId, startTime, variant);
  const target = path.join(dataDir, relative);
  try {
    await mkdir(path.dirname(target), { recursive: true });
    await rename(source, target);
  } catch (cause) {
    // Retention may have removed the day folder, empty, between the two calls.
    if ((cause as NodeJS.ErrnoException).code !== 'ENOENT' || !existsSync(source)) throw cause;
    await mkdir(path.dirname(target), { recursive: true });
    await rename(source, target);
  }
  const { size } = await stat(target);
  return index.add({ cameraId, path: relative, startTime, endTime, bytes: size });
}

interface Leftover {
  readonly file: string;
  readonly size: number;
  readonly mtimeMs: number;
  /** Start time from a finished file's name. */
  readonly named: number | null;
  /** Run and sequence of an incoming file. */
  readonly run: { readonly runMs: number; readonly seq: number } | null;
}

/** Indexes or deletes the files of a camera's recordings folder that the index does not know; never throws for one bad file. */
export async function recoverSegments(dataDir: string, cameraId: string, index: SegmentIndex, options: RecoverOptions = {}): Promise<RecoveryReport> {
  const leftovers = await findLeftovers(dataDir, cameraId, index, options.incomingOnly === true);
  // Finished files first, by start; then what ffmpeg left, by run and sequence, so each follows its predecessor.
  leftovers.sort((a, b) => {
    if (a.run === null || b.run === null) return a.run === null && b.run === null ? (a.named ?? 0) - (b.named ?? 0) : a.run === null ? -1 : 1;
    return a.run.runMs - b.run.runMs || a.run.seq - b.run.seq;
  });
  const indexed: StoredSegment[] = [];
  const deleted: string[] = [];
  const failed: { path: string; reason: string }[] = [];
  for (const leftover of leftovers) {
    try {
      const segment = await recoverOne(dataDir, cameraId, index, leftover, options);
      if (segment === null) deleted.push(toIndexPath(dataDir, leftover.file));
      else indexed.push(segment);
    } catch (cause) {
      failed.push({ path: toIndexPath(dataDir, leftover.file), reason: cause instanceof Error ? cause.message : String(cause) });
      if (cause instanceof Error && /ffprobe not found/.test(cause.message)) break;
    }
  }
  return { indexed, deleted, failed };
}

/** Indexes one left-over file, or deletes it and returns null when it is unreadable or empty. */
async function recoverOne(dataDir: string, cameraId: string, index: SegmentIndex, leftover: Leftover, options: RecoverOptions): Promise<StoredSegment | null> {
  const probe = leftover.size >= TS_PACKET_BYTES ? await probeSegment(leftover.file, options) : null;
  if (probe === null) {
    await unlink(leftover.file);
    return null;
  }
  const whole = leftover.size - (leftover.size % TS_PACKET_BYTES);
  if (whole !== leftover.size) await truncate(leftover.file, whole);
  const start = startOf(leftover, probe.durationMs, cameraId, index, options.knownStarts);
  const end = start + probe.durationMs;
  // A finished file that lost only its row stays where it is; what ffmpeg left is moved into place.
  return leftover.named === null
    ? await fileSegment(dataDir, index, cameraId, leftover.file, start, end)
    : index.add({ cameraId, path: toIndexPath(dataDir, leftover.file), startTime: start, endTime: end, bytes: whole });
}

/** When a left-over file started: from its name, from the caller, after its predecessor of the same run, or from its last write. */
function startOf(leftover: Leftover, durationMs: number, cameraId: string, index: SegmentIndex, known: ReadonlyMap<string, number> | undefined): number {
  if (leftover.named !== null) return leftover.named;
  const exact = known?.get(path.resolve(leftover.file));
  if (exact !== undefined) return exact;
  const run = leftover.run!;
  const latest = index.latest(cameraId);
  // Segments of one run are contiguous, and earlier runs were recovered before this one started.
  if (run.seq > 0 && latest !== null && latest.endTime >= run.runMs) return latest.endTime;
  return Math.max(run.runMs, Math.round(leftover.mtimeMs) - durationMs, latest?.endTime ?? 0);
}

async function findLeftovers(dataDir: string, cameraId: string, index: SegmentIndex, incomingOnly: boolean): Promise<Leftover[]> {
  const root = resolveInside(dataDir, cameraFolder(cameraId));
  if (root === null) return [];
  const found: Leftover[] = [];
  const incoming = path.basename(incomingFolder(cameraId));
  for (const folder of await listDir(root)) {
    if (!folder.isDirectory() || !(folder.name === incoming || (!incomingOnly && isDayFolder(folder.name)))) continue;
    for (const entry of await listDir(path.join(root, folder.name))) {
      if (!entry.isFile()) continue;
      const named = folder.name === incoming ? null : parseSegmentName(entry.name);
      const run = folder.name === incoming ? parseIncomingName(entry.name) : null;
      if (named === null && run === null) continue;
      const file = path.join(root, folder.name, entry.name);
      if (index.byPath(toIndexPath(dataDir, file)) !== null) continue;
      const info = await stat(file).catch(() => null);
      if (info !== null) found.push({ file, size: info.size, mtimeMs: info.mtimeMs, named, run });
    }
  }
  return found;
}

async function listDir(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}
