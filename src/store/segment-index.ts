/**
 * The index of recorded segments: which file holds which camera's video over which time. Times are
 * epoch ms, ranges half-open `[from, to)`, paths relative to the data directory. Failures throw
 * SightlineError: STORE_INPUT_INVALID for bad input, CAMERA_NOT_FOUND for an unknown camera,
 * STORE_CONFLICT for a path already indexed, DATABASE_FAILED otherwise. Implementations pass the
 * contract suite in test/contracts/segment-index-contract.ts.
 *
 * The interface is synchronous: the recorder, retention and recovery call it from their file
 * handling loops; a networked implementation would need these callers made async first.
 */

/** The longest segment the index accepts, in ms; it bounds the range queries. */
export const MAX_SEGMENT_MS = 60 * 60 * 1000;

/** A segment to index. */
export interface NewSegment {
  readonly cameraId: string;
  /** File path relative to the data directory. */
  readonly path: string;
  /** Epoch ms of the first frame. */
  readonly startTime: number;
  /** Epoch ms of the end of the last frame. */
  readonly endTime: number;
  readonly bytes: number;
}

/** A segment as indexed, with its id and file path (relative to the data directory). */
export interface StoredSegment {
  readonly id: number;
  readonly cameraId: string;
  readonly path: string;
  /** Epoch ms. */
  readonly startTime: number;
  /** Epoch ms. */
  readonly endTime: number;
  readonly bytes: number;
}

/** Total size of the indexed recordings. */
export interface SegmentTotals {
  readonly bytes: number;
  readonly segments: number;
}

/** The repository of recorded segments. */
export interface SegmentIndex {
  /** Indexes a finished segment and returns it with its id. */
  add(segment: NewSegment): StoredSegment;
  /** The segment with this id, or null. */
  get(id: number): StoredSegment | null;
  /** The segment stored at this path, or null. */
  byPath(relativePath: string): StoredSegment | null;
  /** The segments of a camera that overlap [from, to), oldest first. */
  list(cameraId: string, from: number, to: number): StoredSegment[];
  /** The camera's segment that starts last, or null when it has none. */
  latest(cameraId: string): StoredSegment | null;
  /** Every segment of a camera, oldest first. */
  ofCamera(cameraId: string): StoredSegment[];
  /** Every segment of every camera, oldest first. */
  all(): StoredSegment[];
  /**
   * Up to `limit` segments of every camera, oldest first (by start, then id), after the segment
   * `after` (its start and id; null: from the first): retention reads the oldest end a page at a
   * time instead of every row.
   */
  oldest(after: { readonly startTime: number; readonly id: number } | null, limit: number): StoredSegment[];
  /** Removes a segment's row (not its file); true when there was one. */
  delete(id: number): boolean;
  /** Bytes and number of all indexed segments. */
  totals(): SegmentTotals;
}
