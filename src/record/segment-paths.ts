/**
 * Where recordings live in the data directory, and the names of their files:
 * `recordings/<cameraId>/<YYYY-MM-DD>/<startMs>.ts` for indexed segments (UTC day of the start), and
 * `recordings/<cameraId>/incoming/<runMs>-<seq>.ts` for the segments ffmpeg is writing (or left behind).
 * Index paths are relative to the data directory, with `/` separators.
 */
import path from 'node:path';
import { invalid } from '../store/store-input.ts';

/** Folder of all recordings, relative to the data directory. */
export const RECORDINGS_DIR = 'recordings';

/** Folder of a camera's segments still being written, inside the camera's folder. */
export const INCOMING_DIR = 'incoming';

/** Folder of finished exports, relative to the data directory. */
export const EXPORTS_DIR = 'exports';

const SAFE_ID = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;
const SEGMENT_NAME = /^(\d{1,15})(?:-(\d{1,6}))?\.ts$/;
const INCOMING_NAME = /^(\d{1,15})-(\d{1,9})\.ts$/;
const DAY_FOLDER = /^\d{4}-\d{2}-\d{2}$/;

/** Checks that a camera id can name a folder (letters, digits, `.`, `_`, `-`; not `.` or `..`) and returns it; STORE_INPUT_INVALID otherwise. */
export function checkCameraFolderId(cameraId: string): string {
  if (!SAFE_ID.test(cameraId) || cameraId === '..') throw invalid(`camera id ${JSON.stringify(cameraId.slice(0, 64))} cannot name a recordings folder: use letters, digits, ".", "_" or "-"`);
  return cameraId;
}

/** The folder of a camera's recordings, relative to the data directory. */
export function cameraFolder(cameraId: string): string {
  return `${RECORDINGS_DIR}/${checkCameraFolderId(cameraId)}`;
}

/** The folder ffmpeg writes a camera's segments into, relative to the data directory. */
export function incomingFolder(cameraId: string): string {
  return `${cameraFolder(cameraId)}/${INCOMING_DIR}`;
}

/** The UTC day folder name of an epoch-ms time, `YYYY-MM-DD`. */
export function dayFolder(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

/** The index path of a segment that starts at `startMs`; `variant` > 0 adds `-<variant>` when that name is taken. */
export function segmentPath(cameraId: string, startMs: number, variant = 0): string {
  const name = variant > 0 ? `${startMs}-${variant}.ts` : `${startMs}.ts`;
  return `${cameraFolder(cameraId)}/${dayFolder(startMs)}/${name}`;
}

/** The ffmpeg output pattern (`%05d` numbers the segments of one run) for the run that started at `runMs`, relative to the data directory. */
export function incomingPattern(cameraId: string, runMs: number): string {
  return `${incomingFolder(cameraId)}/${runMs}-%05d.ts`;
}

/** The start time in a finished segment's file name (`<startMs>.ts` or `<startMs>-<n>.ts`), or null for other names. */
export function parseSegmentName(name: string): number | null {
  const m = SEGMENT_NAME.exec(name);
  return m === null ? null : Number(m[1]);
}

/** The run start and sequence number in an incoming segment's file name (`<runMs>-<seq>.ts`), or null for other names. */
export function parseIncomingName(name: string): { readonly runMs: number; readonly seq: number } | null {
  const m = INCOMING_NAME.exec(name);
  return m === null ? null : { runMs: Number(m[1]), seq: Number(m[2]) };
}

/** True for a day folder name, `YYYY-MM-DD`. */
export function isDayFolder(name: string): boolean {
  return DAY_FOLDER.test(name);
}

/** The absolute path of an index path, or null when it would lie outside the data directory (an absolute path, `..`). */
export function resolveInside(dataDir: string, relative: string): string | null {
  if (relative === '' || path.isAbsolute(relative) || relative.includes('\0')) return null;
  const root = path.resolve(dataDir);
  const full = path.resolve(root, relative);
  const rel = path.relative(root, full);
  if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) return null;
  return full;
}

/** The index path (relative, `/`-separated) of an absolute path inside the data directory. */
export function toIndexPath(dataDir: string, absolute: string): string {
  return path.relative(path.resolve(dataDir), absolute).split(path.sep).join('/');
}
