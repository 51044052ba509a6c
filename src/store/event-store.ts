/**
 * The store seam of the NVR: cameras (and their sealed credentials), the events the rules produce, line counts, zone
 * occupancy and zone dwell per minute, and heat grids per hour. The embedded SQLite implementation and a later PostgreSQL one pass the same
 * contract suite (test/contracts/event-store-contract.ts).
 *
 * Conventions: every time is an integer of milliseconds since the Unix epoch (UTC); time ranges are
 * half-open `[from, to)`; counts and heat are kept in buckets, and a range takes every bucket that
 * overlaps it; day buckets are UTC days. Failures throw SightlineError with the codes
 * CAMERA_NOT_FOUND, EVENT_NOT_FOUND, STORE_INPUT_INVALID, STORE_CONFLICT or DATABASE_FAILED.
 */
import type { ObjectClass } from '../core/detection.ts';
import type { HeatGrid } from '../core/rules/heat-grid.ts';
import type { RuleEvent, RuleEventType } from '../core/rules/types.ts';
import type { JsonObject } from '../core/json.ts';
import type { EventRecord } from '../events/live-event.ts';

/** A camera as stored. */
export interface Camera {
  readonly id: string;
  /** Display name, unique among cameras. */
  readonly name: string;
  /** Stream URL or file path, never with credentials in it. */
  readonly url: string;
  readonly enabled: boolean;
  /** Per-camera settings. */
  readonly config: JsonObject;
  /** Epoch ms. */
  readonly createdAt: number;
  /** Epoch ms. */
  readonly updatedAt: number;
}

/** What is needed to add a camera; the id is generated when not given. */
export interface NewCamera {
  readonly id?: string;
  readonly name: string;
  readonly url: string;
  /** Default true. */
  readonly enabled?: boolean;
  /** Default `{}`. */
  readonly config?: JsonObject;
}

/** The fields of a camera to change; the others stay. */
export interface CameraPatch {
  readonly name?: string;
  readonly url?: string;
  readonly enabled?: boolean;
  readonly config?: JsonObject;
}

/** An event to append. The id is the caller's (a UUID, say): appending the same id again is a no-op. */
export interface NewEvent {
  readonly id: string;
  readonly cameraId: string;
  readonly type: RuleEventType;
  /** Name of the line or zone. */
  readonly rule: string;
  /** Null or absent for group events (crowd). */
  readonly trackId?: number | null;
  readonly class: ObjectClass;
  /** Epoch ms. */
  readonly startTime: number;
  /** Epoch ms; absent while a duration event is open. */
  readonly endTime?: number | null;
  /** 1-based frame index in the analysed stream. */
  readonly frame: number;
  /** Line crossings only. */
  readonly direction?: 'in' | 'out' | null;
  /** Extra fields (count, seconds, ...). Default `{}`. */
  readonly data?: JsonObject;
  /** JPEG snapshot, relative to the data directory. */
  readonly snapshotPath?: string | null;
  /** Opaque pointer into the recording (segment and offset). */
  readonly recording?: string | null;
}

/** An event as stored: every optional field of {@link NewEvent} filled in (the record events/ publishes), with its frame. */
export interface StoredEvent extends EventRecord {
  /** 1-based frame index in the analysed stream. */
  readonly frame: number;
}

/** What an append did: events written, and events skipped because their id was already stored (the first write wins). */
export interface AppendResult {
  readonly inserted: number;
  readonly duplicates: number;
}

/** A filter over events; every field narrows it. Events come ordered by (startTime, id). */
export interface EventQuery {
  readonly cameraId?: string;
  /** Only events of these cameras (an empty list matches nothing), so pages hold only what a caller may see. */
  readonly cameraIds?: readonly string[];
  /** Events that start at or after this time. */
  readonly from?: number;
  /** Events that start before this time. */
  readonly to?: number;
  readonly type?: RuleEventType;
  readonly rule?: string;
  readonly class?: ObjectClass;
  /** Page size, 1..{@link MAX_EVENT_LIMIT}; default {@link DEFAULT_EVENT_LIMIT}. */
  readonly limit?: number;
  /** Oldest first (default) or newest first. */
  readonly order?: 'asc' | 'desc';
  /** The `nextCursor` of the previous page, with the same filter and order. */
  readonly cursor?: string;
}

/** One page of events and the cursor of the next page (null on the last page). */
export interface EventPage {
  readonly events: readonly StoredEvent[];
  readonly nextCursor: string | null;
}

/** How many events of each type start in each bucket of a camera's range (the timeline's marks). */
export interface EventDensityQuery {
  readonly cameraId: string;
  /** Epoch ms. */
  readonly from: number;
  /** Epoch ms (exclusive). */
  readonly to: number;
  /** Width of a bucket, ms; bucket `n` starts at `from + n * bucketMs`. */
  readonly bucketMs: number;
}

/** One bucket's events of one type. */
export interface EventDensityRow {
  readonly bucket: number;
  readonly type: RuleEventType;
  readonly count: number;
}

/** Width of a counting bucket. */
export type CountBucket = 'minute' | 'hour' | 'day';

/** Which counts to read, aggregated into buckets of `bucket`. */
export interface LineCountQuery {
  readonly cameraId: string;
  readonly from: number;
  readonly to: number;
  readonly bucket: CountBucket;
  /** Only this line; default all lines of the camera. */
  readonly line?: string;
}

/** One zone's occupancy over one minute, from the tracks present in the camera's analysed frames. */
export interface ZoneOccupancyMinute {
  readonly zone: string;
  /** Start of the minute, epoch ms (a whole minute). */
  readonly minute: number;
  /** Most objects inside in one frame of the minute. */
  readonly peak: number;
  /** Object-milliseconds inside during the minute. */
  readonly objectMs: number;
  /** Milliseconds of the minute during which the camera was analysing (at most 60,000). */
  readonly observedMs: number;
}

/** A query of zone occupancy: one camera, a range and a bucket size. */
export interface OccupancyQuery {
  readonly cameraId: string;
  readonly from: number;
  readonly to: number;
  readonly bucket: CountBucket;
}

/** One zone's occupancy in one bucket. */
export interface ZoneOccupancyRow {
  readonly zone: string;
  /** Start of the bucket, epoch ms. */
  readonly start: number;
  readonly peak: number;
  readonly objectMs: number;
  readonly observedMs: number;
}

/** A query of zone dwell: one camera, a range and a bucket size. */
export interface DwellQuery {
  readonly cameraId: string;
  readonly from: number;
  readonly to: number;
  readonly bucket: CountBucket;
}

/**
 * The exits of one zone in one bucket and how long those objects had spent inside: no track ids,
 * only a count, a sum and a histogram over the fixed bins of src/core/rules/dwell.ts.
 */
export interface ZoneDwellRow {
  readonly zone: string;
  /** Start of the bucket, epoch ms. */
  readonly start: number;
  readonly exits: number;
  /** The dwell of those exits added up, ms. */
  readonly dwellMs: number;
  /** Exits per dwell bin (DWELL_BIN_COUNT of them, in the order of DWELL_BINS in src/core/rules/dwell.ts); they add up to `exits`. */
  readonly bins: readonly number[];
}

/** Crossings of one line in one bucket. */
export interface LineCountRow {
  readonly line: string;
  /** Start of the bucket, epoch ms. */
  readonly start: number;
  readonly in: number;
  readonly out: number;
}

/** Which heat to read: the merged grid of every hour of a camera that overlaps [from, to). */
export interface HeatQuery {
  readonly cameraId: string;
  readonly from: number;
  readonly to: number;
}

/** What deleting events did: how many went, and the snapshot files they named (for the caller to delete). */
export interface DeletedEvents {
  readonly deleted: number;
  /** The `snapshotPath` of each deleted event that had one, relative to the data directory. */
  readonly snapshotPaths: readonly string[];
}

/** How many rows of each aggregate went. */
export interface DeletedAggregates {
  readonly lineCounts: number;
  readonly occupancy: number;
  readonly dwell: number;
  readonly heat: number;
}

/** Default page size of an event query. */
export const DEFAULT_EVENT_LIMIT = 100;

/** Largest page size of an event query. */
export const MAX_EVENT_LIMIT = 1000;

/** Largest number of buckets one count query may span (a month of minutes fits). */
export const MAX_COUNT_BUCKETS = 50_000;

/** The store of cameras, events, counts and heat; every implementation passes the event store contract suite. */
export interface EventStore {
  /** Adds a camera; STORE_CONFLICT when the id or name is taken, STORE_INPUT_INVALID for an empty name or a URL with credentials. */
  addCamera(camera: NewCamera): Promise<Camera>;
  /** Changes a camera; CAMERA_NOT_FOUND, STORE_CONFLICT on a taken name, STORE_INPUT_INVALID as for add. */
  updateCamera(id: string, patch: CameraPatch): Promise<Camera>;
  /** The camera with this id, or null. */
  getCamera(id: string): Promise<Camera | null>;
  /** Every camera, by name. */
  listCameras(): Promise<readonly Camera[]>;
  /** Removes a camera with its events, counts and heat; CAMERA_NOT_FOUND when there is none. */
  removeCamera(id: string): Promise<void>;
  /** A camera's stream credentials as the caller sealed them (opaque bytes, never readable here), or null when it has none or there is no such camera. */
  cameraCredentials(id: string): Promise<Buffer | null>;
  /** Stores a camera's sealed credentials, or removes them with null; CAMERA_NOT_FOUND when there is no such camera. */
  setCameraCredentials(id: string, sealed: Buffer | null): Promise<void>;

  /** Appends events all or nothing; ids already stored are skipped. CAMERA_NOT_FOUND or STORE_INPUT_INVALID write nothing. */
  appendEvents(events: readonly NewEvent[]): Promise<AppendResult>;
  /** Sets an event's end time (again with the same time is a no-op); EVENT_NOT_FOUND, STORE_INPUT_INVALID before its start, STORE_CONFLICT if it ended at another time. */
  endEvent(id: string, endTime: number): Promise<StoredEvent>;
  /** The event with this id, or null. */
  getEvent(id: string): Promise<StoredEvent | null>;
  /** One page of the events that match; CAMERA_NOT_FOUND for an unknown camera, STORE_INPUT_INVALID for a bad range, limit or cursor. */
  queryEvents(query: EventQuery): Promise<EventPage>;
  /** The number of events per bucket and type of a camera's range, buckets without events left out. */
  eventDensity(query: EventDensityQuery): Promise<readonly EventDensityRow[]>;

  /**
   * Adds the line crossings among `events` (other types are ignored) to the per-minute counts of the
   * camera, all or nothing; a rule event's `time` is seconds after `streamStartMs`. Returns how many
   * crossings were counted. Not idempotent: a retried call counts twice.
   */
  addLineCrossings(cameraId: string, streamStartMs: number, events: readonly RuleEvent[]): Promise<number>;
  /** Counts per line and bucket over the range, ordered by (start, line); buckets without crossings are absent. */
  queryLineCounts(query: LineCountQuery): Promise<readonly LineCountRow[]>;

  /**
   * Adds per-minute zone occupancy of a camera, all or nothing: a minute already stored keeps the
   * larger peak and adds the times (two runs of a camera within one minute).
   */
  addZoneOccupancy(cameraId: string, rows: readonly ZoneOccupancyMinute[]): Promise<void>;
  /** Occupancy per zone and bucket over the range (whole buckets overlapping it), ordered by (start, zone); buckets without rows are absent. */
  queryZoneOccupancy(query: OccupancyQuery): Promise<readonly ZoneOccupancyRow[]>;

  /**
   * Adds the zone exits among `events` (other types are ignored) to the per-minute dwell of the
   * camera (the minute of each exit, its `seconds` into the sum and its bin), all or nothing; a rule
   * event's `time` is seconds after `streamStartMs`. Keeps no track id. Returns how many exits were
   * counted. STORE_INPUT_INVALID for an exit without a non-negative `seconds`. Not idempotent.
   */
  addZoneExits(cameraId: string, streamStartMs: number, events: readonly RuleEvent[]): Promise<number>;
  /** Dwell per zone and bucket over the range (whole buckets overlapping it), ordered by (start, zone); buckets without exits are absent. */
  queryZoneDwell(query: DwellQuery): Promise<readonly ZoneDwellRow[]>;

  /**
   * Retention: deletes every event (of every camera) that started before `time` and ended before it
   * (an event still open, with no end, goes by its start), and returns their snapshot paths.
   * Deleted rows are overwritten in the database file, not only unlinked. STORE_INPUT_INVALID for a bad time.
   */
  deleteEventsBefore(time: number): Promise<DeletedEvents>;
  /**
   * Erasure: deletes a camera's events that overlap [from, to) (start before `to`, and end, or start
   * when there is no end, at or after `from`) and returns their snapshot paths; CAMERA_NOT_FOUND,
   * STORE_INPUT_INVALID for a bad range.
   */
  deleteCameraEvents(cameraId: string, from: number, to: number): Promise<DeletedEvents>;
  /**
   * Retention: deletes the line counts, zone occupancy, zone dwell and heat grids (of every camera) whose whole
   * bucket (minute or hour) lies before `time`. STORE_INPUT_INVALID for a bad time.
   */
  deleteAggregatesBefore(time: number): Promise<DeletedAggregates>;

  /** Adds a grid cell by cell to the camera's grid of the hour holding `time`; STORE_CONFLICT when that hour holds a grid of another shape. */
  mergeHeatGrid(cameraId: string, time: number, grid: HeatGrid): Promise<void>;
  /** The sum of the camera's hourly grids over the range, or null when there is none; STORE_CONFLICT when their shapes differ. */
  readHeatGrid(query: HeatQuery): Promise<HeatGrid | null>;
}
