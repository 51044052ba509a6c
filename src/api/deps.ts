/**
 * What the HTTP API is built from, as small interfaces owned by the modules that own each concept:
 * the composition root (src/server/server.ts) builds the real ones; the API never reaches past them.
 */
import type { ServerConfig } from '../config/schema/server.ts';
import type { Bus } from '../events/bus.ts';
import type { CameraService } from '../live/camera-service.ts';
import type { ShowVideo } from '../media/viewing.ts';
import type { ClipRedactor } from '../pipeline/redact-clip.ts';
import type { RecordingService } from '../record/recordings.ts';
import type { ApiTokenStore } from '../store/api-tokens.ts';
import type { AuditLog } from '../store/audit-log.ts';
import type { EventStore } from '../store/event-store.ts';
import type { Outbox } from '../store/outbox.ts';
import type { ReviewMarkStore } from '../store/review-marks.ts';
import type { SessionStore } from '../store/sessions.ts';
import type { SettingsService } from '../settings/runtime-settings.ts';
import type { SetupTokenStore } from '../store/setup-tokens.ts';
import type { UnredactedAccess } from '../store/unredacted-access.ts';
import type { UserStore } from '../store/users.ts';

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
  /** What each user has marked as reviewed on the Review page. */
  readonly reviewMarks: ReviewMarkStore;
  readonly bus: Bus;
  readonly cameras: CameraService;
  /** The runtime settings (notification targets, retention, object filters) the app writes over the configuration file; without it the settings routes do not exist. */
  readonly settings?: SettingsService;
  readonly recordings: RecordingService;
  /** The clock, epoch ms. */
  readonly now: () => number;
  /** The one place video passes on its way to a person (masks, redaction); default as recorded. */
  readonly showVideo?: ShowVideo;
  /**
   * Who sees which camera unredacted until when: time-limited grants with written reasons. Without
   * it nobody may ask (POST /api/cameras/:id/unredacted answers 403) and nobody has a grant.
   */
  readonly unredacted?: UnredactedAccess;
  /**
   * Batch redaction of a recorded clip with the server's detector, leaving one person visible: what
   * a subject-access export runs. Without it POST /api/events/:id/subject-export.mp4 answers 403.
   */
  readonly redactClip?: ClipRedactor;
  /** The shared detector as it runs: its name, workers and frames waiting for a worker now (absent in tests without one). */
  readonly detector?: () => { readonly name: string; readonly workers: number; readonly pending: number };
}
