/**
 * The cameras as the rest of the server (the HTTP API) uses them: their definitions and the live
 * workers behind them. `CameraManager` implements it; the API's route tests use a fixture.
 */
import type { CameraConfig, CameraConfigInput } from '../config/schema/server.ts';
import type { CameraHealth } from '../events/live-event.ts';
import type { LiveStream } from '../media/live-stream.ts';
import type { Analytic } from '../core/purpose.ts';

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
  /** What the camera is for, and the analytics that allows (stated, or for a purpose stated before `allows` existed, derived). */
  readonly purpose: { readonly statement: string; readonly allows: readonly Analytic[] };
  readonly fps: number;
  readonly record: CameraConfig['record'];
  readonly analytics: CameraConfig['analytics'];
  readonly arming: CameraConfig['arming'];
  readonly snapshots: boolean;
  /** Areas blanked in every stream, in pixels of the analysed picture. */
  readonly privacyMasks: CameraConfig['privacyMasks'];
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
