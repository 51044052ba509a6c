/**
 * Erasure requests: everything recorded of one camera over a time range goes, for good. The
 * segments that overlap the range are deleted whole (file, then row: a segment is the smallest unit
 * of recorded video, and erasure errs on the side of deleting), the camera's events that overlap it
 * with their snapshot files, and any other snapshot file of the camera written in it. Rows are
 * overwritten in the database file (the store runs with `secure_delete`). The segment being written
 * is not indexed yet: a range that reaches into its time is refused by the API (`to` must be past).
 */
import path from 'node:path';
import type { EventStore } from '../store/event-store.ts';
import type { SegmentIndex } from '../store/segment-index.ts';
import type { RedactionBoxStore } from '../store/redaction-boxes.ts';
import type { ErasureCounts } from './recordings.ts';
import { checkRange } from '../store/store-input.ts';
import { deleteDataFile, removeEmptyDayFolders } from './data-files.ts';
import { SnapshotFiles } from './snapshot-files.ts';

/** What an erasure works on. */
export interface EraseDeps {
  /** Absolute data directory. */
  readonly dataDir: string;
  readonly index: SegmentIndex;
  readonly events: Pick<EventStore, 'deleteCameraEvents'>;
  /** The redaction boxes kept with the video: those of the range and of the deleted segments go with them. */
  readonly redactionBoxes?: Pick<RedactionBoxStore, 'deleteRange'>;
}

/**
 * Deletes a camera's recordings, events and snapshots of [from, to) and says what went. A file that
 * cannot be deleted keeps its row, and once everything else is deleted the erasure throws an Error
 * naming it. STORE_INPUT_INVALID for a bad range, CAMERA_NOT_FOUND for an unknown camera.
 */
export async function eraseFootage(deps: EraseDeps, cameraId: string, from: number, to: number): Promise<ErasureCounts> {
  checkRange(from, to);
  const failures: string[] = [];
  const fail = (message: string): void => void failures.push(message);
  const folders = new Set<string>();
  let segments = 0;
  let bytes = 0;
  let boxesFrom = from;
  let boxesTo = to;
  for (const segment of deps.index.list(cameraId, from, to)) {
    boxesFrom = Math.min(boxesFrom, segment.startTime);
    boxesTo = Math.max(boxesTo, segment.endTime);
    if (!(await deleteDataFile(deps.dataDir, segment.path, fail))) continue;
    deps.index.delete(segment.id);
    segments += 1;
    bytes += segment.bytes;
    folders.add(path.posix.dirname(segment.path));
  }
  const gone = await deps.events.deleteCameraEvents(cameraId, from, to);
  deps.redactionBoxes?.deleteRange(cameraId, boxesFrom, boxesTo);
  const inRange = (await new SnapshotFiles(deps.dataDir).scan()).snapshots.filter((s) => s.cameraId === cameraId && s.time >= from && s.time < to).map((s) => s.path);
  let snapshots = 0;
  for (const file of new Set([...gone.snapshotPaths, ...inRange])) {
    if (!(await deleteDataFile(deps.dataDir, file, fail))) continue;
    snapshots += 1;
    folders.add(path.posix.dirname(file));
  }
  await removeEmptyDayFolders(deps.dataDir, folders);
  if (failures.length > 0) throw new Error(`the erasure of camera ${cameraId} left files behind: ${failures.join('; ')}`);
  return { segments, bytes, events: gone.deleted, snapshots };
}
