// The web app type-checks against these types without Node's globals: the API's types name Buffer
// (and the stores' name node:crypto), so Node's types come in here, as better-sqlite3's once brought them.
/// <reference types="node" />
/**
 * What the HTTP API needs from the rest of the server, as small interfaces: the composition root
 * (src/server/main.ts) builds the real ones; the API never reaches past them.
 */
import type { CameraConfig, CameraConfigInput, ServerConfig } from '../config/schema/server.ts';
import type { Bus } from '../events/bus.ts';
import type { CameraHealth } from '../events/live-event.ts';
import type { ApiTokenStore } from '../store/api-tokens.ts';
import type { AuditLog } from '../store/audit-log.ts';
import type { EventStore } from '../store/event-store.ts';
import type { Outbox } from '../store/outbox.ts';
import type { SessionStore } from '../store/sessions.ts';
import type { SetupTokenStore } from '../store/setup-tokens.ts';
import type { UserStore } from '../store/users.ts';
import type { LiveStream } from '../media/live-stream.ts';
import type { ShowVideo } from '../media/viewing.ts';

export type { LiveStream, LiveStreamHandlers } from '../media/live-stream.ts';

/** Changes to a camera: top-level fields of its definition; `credentials: null` removes the stored ones. */
export type CameraPatch = Omit<Partial<CameraConfigInput>, 'credentials'> & { readonly credentials?: CameraConfigInput['credentials'] | null };

/** A camera as the API shows it: its settings (never its credentials) and its health. */
export interface CameraView {
  readonly id: string;
  readonly name: string;
  /** Main stream URL, never with credentials. */
  readonly url: string;
  readonly subUrl: string | null;
  readonly enabled: boolean;
  readonly purpose: string;
  readonly fps: number;
  readonly record: CameraConfig['record'];
  readonly analytics: CameraConfig['analytics'];
  readonly arming: CameraConfig['arming'];
  readonly snapshots: boolean;
  /** Whether stream credentials are stored (they are never returned). */
  readonly hasCredentials: boolean;
  /** `config` when the camera is defined in the YAML file (read-only through the API), `api` otherwise. */
  readonly managedBy: 'config' | 'api';
  readonly health: CameraHealth;
}

/** The cameras: their definitions and the live workers behind them. Errors are SightlineErrors (CAMERA_NOT_FOUND, CAMERA_INVALID, CAMERA_MANAGED_BY_CONFIG, STORE_CONFLICT). */
export interface CameraService {
  list(): Promise<readonly CameraView[]>;
  get(id: string): Promise<CameraView | null>;
  /** Validates, stores (credentials encrypted) and starts a camera. */
  add(input: CameraConfigInput): Promise<CameraView>;
  /**
   * Replaces the given top-level fields of a camera's definition and restarts it; `credentials: null`
   * drops the stored credentials. Moving a camera with stored credentials to another scheme, host or
   * port without giving `credentials` is refused (CAMERA_CREDENTIALS_REQUIRED).
   */
  update(id: string, patch: CameraPatch): Promise<CameraView>;
  /** Stops a camera and removes it with its events, counts, heat and recordings. */
  remove(id: string): Promise<void>;
  /** The newest frame as a JPEG, or null before the first frame. */
  latestJpeg(id: string): Promise<Buffer | null>;
  /** The live video of a running camera's analysed stream (sub-stream, else main), or null when the camera is not running. */
  liveStream(id: string): Promise<LiveStream | null>;
}

/** One recorded segment. */
export interface SegmentInfo {
  readonly id: number;
  readonly cameraId: string;
  /** Epoch ms. */
  readonly startTime: number;
  /** Epoch ms. */
  readonly endTime: number;
  readonly bytes: number;
}

/** Recorded video: segments, playback and export. */
export interface RecordingService {
  /** Segments of a camera overlapping [from, to), oldest first. */
  listSegments(cameraId: string, from: number, to: number): Promise<readonly SegmentInfo[]>;
  /** Absolute path of a segment file for playback, or null when there is none. */
  segmentFile(cameraId: string, segmentId: number): Promise<string | null>;
  /** Joins the segments of [from, to) into one MP4 (no re-encoding) and returns its path; the caller deletes it. RECORDING_NOT_FOUND, EXPORT_TOO_LONG, EXPORT_FAILED. */
  exportRange(cameraId: string, from: number, to: number): Promise<{ readonly file: string; readonly bytes: number }>;
  /** Disk used by recordings and the quota. */
  usage(): Promise<{ readonly bytes: number; readonly segments: number; readonly quotaBytes: number }>;
}

/** Everything the API is built from. */
export interface ApiDeps {
  readonly config: ServerConfig;
  /** Absolute data directory (snapshots are relative to it). */
  readonly dataDir: string;
  readonly store: EventStore;
  readonly users: UserStore;
  /** Sign-in sessions, with the lifetimes of `config.server`. */
  readonly sessions: SessionStore;
  readonly tokens: ApiTokenStore;
  /** Whether setup is still open (no admin yet). */
  readonly setupTokens: Pick<SetupTokenStore, 'adminExists'>;
  readonly audit: AuditLog;
  /** The notification outbox, for its count of undelivered items. */
  readonly outbox: Pick<Outbox, 'undelivered'>;
  readonly bus: Bus;
  readonly cameras: CameraService;
  readonly recordings: RecordingService;
  /** The clock, epoch ms. */
  readonly now: () => number;
  /** The one place video passes on its way to a person (masks, redaction); default as recorded. */
  readonly showVideo?: ShowVideo;
  /** The shared detector as it runs: its name, workers and frames waiting for a worker now (absent in tests without one). */
  readonly detector?: () => { readonly name: string; readonly workers: number; readonly pending: number };
}
