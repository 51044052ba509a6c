/**
 * The cameras of a running server: their definitions (YAML file and API, kept in the store with
 * credentials sealed by the secret box) and the live workers and recorders behind them. Cameras
 * from the YAML file are owned by the file: the API shows them but refuses to change them.
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { statedPurpose } from '../config/schema/purpose.ts';
import { cameraSchema, type CameraConfig, type CameraConfigInput } from '../config/schema/server.ts';
import { purposeViolations } from '../core/purpose.ts';
import { SightlineError } from '../core/errors.ts';
import type { FaceDetector } from '../detect/blazeface.ts';
import type { DetectorPool } from '../detect/worker-pool.ts';
import type { Bus, BusTopic, BusTopics } from '../events/bus.ts';
import type { CameraHealth } from '../events/live-event.ts';
import { redactUrl } from '../ingest/redact-url.ts';
import { sourceKind } from '../ingest/ffmpeg-args.ts';
import { MediaHub, type StreamFeed } from '../media/media-hub.ts';
import { RedactedLive } from '../media/redacted-live.ts';
import { RtspRelay } from '../rtsp/rtsp-server.ts';
import type { SecretBox } from '../security/secret-box.ts';
import type { CameraPatch, CameraService, CameraView } from './camera-service.ts';
import type { LiveStream } from '../media/live-stream.ts';
import type { Camera, EventStore } from '../store/event-store.ts';
import type { RedactionBoxFrame, RedactionBoxStore } from '../store/redaction-boxes.ts';
import type { JsonObject } from '../core/json.ts';
import type { ObjectFilters } from '../core/object-filter.ts';
import { cameraUrlProblem, credentialsRequired, credentialsWouldMove } from './camera-url.ts';
import { LiveCamera } from './live-camera.ts';

/** Something that records a camera's main stream while the camera runs. */
export interface CameraRecorder {
  /** Whether segments are being written now. */
  isRecording(): boolean;
  stop(): Promise<void>;
}

/** Starts the recorder of a camera (mode continuous or events); the manager stops it with the camera. */
export type RecorderFactory = (camera: {
  readonly id: string;
  readonly name: string;
  /** The loopback URL of the main stream on the camera's media hub (or a file path); never the credentials. */
  readonly url: string;
  /** Resolves once `url` can be read (the hub's stream is live). */
  readonly ready: () => Promise<void>;
  readonly config: CameraConfig;
  /** Rewrites text that names `url` (an ffmpeg error) to name the camera instead of its hub's loopback URL and token. */
  readonly describe: (text: string) => string;
}) => CameraRecorder;

/** What the camera manager is built from. */
export interface CameraManagerOptions {
  readonly store: EventStore;
  /** Where the cameras keep each analysed frame's redaction rectangles with the recording. */
  readonly redactionBoxes?: RedactionBoxStore;
  /** Finds faces in analysed frames for redaction, shared by every camera; none hides heads only. */
  readonly faces?: FaceDetector;
  readonly secrets: SecretBox;
  readonly pool: DetectorPool;
  readonly bus: Bus;
  readonly dataDir: string;
  readonly recorder?: RecorderFactory;
  /** IANA time zone of arming schedules; default the machine's. */
  readonly timeZone?: string | undefined;
  /** The server-wide object filters, read by every running camera on each detected frame, so a change applies without restarting a camera. */
  readonly objectFilters?: () => ObjectFilters;
  readonly onProblem?: (message: string) => void;
  /** Called after cameras were added, changed or removed (MQTT discovery follows it). */
  readonly onChange?: () => void;
  readonly now?: () => number;
  readonly ffmpegPath?: string;
  readonly ffprobePath?: string;
}

interface Running {
  /** The camera's one connection, fanned out to the decoder, the recorder and the viewers; it alone holds the credentials. */
  readonly hub: MediaHub;
  readonly live: LiveCamera;
  readonly recorder: CameraRecorder | null;
  /** The shared redacted live stream, made when its first viewer comes. */
  redacted: RedactedLive | null;
}

type StoredConfig = Omit<CameraConfig, 'name' | 'url' | 'enabled' | 'credentials'> & { readonly managedBy: 'config' | 'api' };

const CREDENTIALS_CONTEXT = 'camera-credentials:';

/** Validates a camera definition; CAMERA_INVALID names each bad field. */
export function parseCameraInput(input: unknown, origin: 'config' | 'api'): CameraConfig {
  const parsed = cameraSchema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.') || '(camera)'}: ${i.message.replace(/^Invalid input: /, '')}`);
    throw new SightlineError('CAMERA_INVALID', `invalid camera: ${lines.join('; ')}`);
  }
  const camera = parsed.data;
  for (const [field, url] of [['url', camera.url], ['subUrl', camera.subUrl]] as const) {
    if (url === undefined) continue;
    const kind = sourceKind(url);
    if (kind === 'file') {
      if (origin === 'api') throw new SightlineError('CAMERA_INVALID', `invalid camera: ${field}: the API accepts only rtsp://, rtsps://, http:// and https:// streams; a file source must be defined in the configuration file`);
      if (!existsSync(url)) throw new SightlineError('CAMERA_INVALID', `invalid camera: ${field}: the file ${url} does not exist`);
      continue;
    }
    if (kind === 'stream') throw new SightlineError('CAMERA_INVALID', `invalid camera: ${field}: expected an rtsp://, rtsps://, http:// or https:// URL or a file path`);
    const problem = cameraUrlProblem(url);
    if (problem !== null) throw new SightlineError('CAMERA_INVALID', `invalid camera: ${field}: ${problem}`);
  }
  const refused = purposeViolations(camera.purpose.allows, camera.analytics)[0];
  if (refused !== undefined) throw new SightlineError('PURPOSE_FORBIDS', `camera ${camera.name}: ${refused.message}`);
  return camera;
}

/** The stored form of a camera: its purpose with the allowed analytics stated, so that a later change cannot widen them unasked. */
function storedConfig(c: CameraConfig, managedBy: 'config' | 'api'): JsonObject {
  const { name: _n, url: _u, enabled: _e, credentials: _c, ...rest } = c;
  return JSON.parse(JSON.stringify({ ...rest, purpose: statedPurpose(c.purpose, c.analytics), managedBy })) as JsonObject;
}

/** The camera service of the server: CRUD, live workers, recorders and health. */
export class CameraManager implements CameraService {
  private readonly running = new Map<string, Running>();
  /** The loopback RTSP relay the cameras' hubs publish on, listening from the first camera start. */
  private readonly relay = new RtspRelay({ idleTimeoutMs: 30_000 });
  private relayListening: Promise<unknown> | null = null;
  private readonly launching = new Map<string, Promise<void>>();
  constructor(private readonly o: CameraManagerOptions) {}

  /**
   * Applies the cameras of the configuration file (added or updated by name; cameras the file no
   * longer lists are disabled and handed to the API) and the seed cameras, then starts every
   * enabled camera.
   */
  async start(fileCameras: readonly CameraConfig[], seeds: readonly CameraConfig[] = []): Promise<void> {
    const existing = await this.o.store.listCameras();
    const byName = new Map(existing.map((c) => [c.name, c]));
    const names = new Set([...fileCameras, ...seeds].map((c) => c.name));
    // Seeds (the demo camera) are added once and then owned by the API, so their lines can be edited;
    // only their URL follows each start (the demo stream's port may change).
    for (const c of seeds) {
      const checked = parseCameraInput(c, 'config');
      const old = byName.get(c.name);
      if (old) await this.o.store.updateCamera(old.id, { url: checked.url, config: { ...old.config, managedBy: 'api' } });
      else await this.o.store.addCamera({ name: checked.name, url: checked.url, enabled: checked.enabled, config: storedConfig(checked, 'api') });
    }
    for (const c of fileCameras) {
      const checked = parseCameraInput(c, 'config');
      const old = byName.get(c.name);
      const cam = old
        ? await this.o.store.updateCamera(old.id, { url: checked.url, enabled: checked.enabled, config: storedConfig(checked, 'config') })
        : await this.o.store.addCamera({ name: checked.name, url: checked.url, enabled: checked.enabled, config: storedConfig(checked, 'config') });
      await this.storeCredentials(cam.id, checked.credentials ?? null);
    }
    for (const c of existing) {
      if (names.has(c.name) || this.managedBy(c) !== 'config') continue;
      await this.o.store.updateCamera(c.id, { enabled: false, config: { ...c.config, managedBy: 'api' } });
      this.o.onProblem?.(`camera ${c.name} is no longer in the configuration file: it is disabled and can be changed or removed through the API`);
    }
    for (const c of await this.o.store.listCameras()) if (c.enabled) await this.launch(c);
    this.o.onChange?.();
  }

  /** Stops every camera and recorder. */
  async stop(): Promise<void> {
    await Promise.all([...this.running.keys()].map((id) => this.halt(id)));
    if (this.relayListening !== null) await this.relay.close();
  }

  /** The definition of a stored camera with defaults filled in (credentials not included). */
  async config(id: string): Promise<CameraConfig | null> {
    const c = await this.o.store.getCamera(id);
    return c ? this.toConfig(c) : null;
  }

  /** Live workers by camera id, for metrics and tests. */
  live(id: string): LiveCamera | undefined {
    return this.running.get(id)?.live;
  }

  async list(): Promise<readonly CameraView[]> {
    return Promise.all((await this.o.store.listCameras()).map((c) => this.view(c)));
  }

  async get(id: string): Promise<CameraView | null> {
    const c = await this.o.store.getCamera(id);
    return c ? this.view(c) : null;
  }

  async add(input: CameraConfigInput): Promise<CameraView> {
    const checked = parseCameraInput(input, 'api');
    const cam = await this.o.store.addCamera({ name: checked.name, url: checked.url, enabled: checked.enabled, config: storedConfig(checked, 'api') });
    await this.storeCredentials(cam.id, checked.credentials ?? null);
    if (cam.enabled) await this.launch(cam);
    this.o.onChange?.();
    return this.view(cam);
  }

  async update(id: string, patch: CameraPatch): Promise<CameraView> {
    const cam = await this.o.store.getCamera(id);
    if (!cam) throw new SightlineError('CAMERA_NOT_FOUND', `no camera has the id ${id}`);
    if (this.managedBy(cam) === 'config') throw new SightlineError('CAMERA_MANAGED_BY_CONFIG', `camera ${cam.name} is defined in the configuration file; change it there and restart`);
    const { credentials, ...rest } = patch;
    const before = this.toConfig(cam);
    const merged = parseCameraInput({ ...before, ...rest, ...(credentials != null && { credentials }) }, 'api');
    if (credentials === undefined && (await this.o.store.cameraCredentials(id)) !== null && credentialsWouldMove(before, merged)) throw credentialsRequired(cam.name);
    await this.halt(id);
    const updated = await this.o.store.updateCamera(id, { name: merged.name, url: merged.url, enabled: merged.enabled, config: storedConfig(merged, 'api') });
    if (credentials !== undefined) await this.storeCredentials(id, credentials === null ? null : merged.credentials ?? null);
    if (updated.enabled) await this.launch(updated);
    this.o.onChange?.();
    return this.view(updated);
  }

  async remove(id: string): Promise<void> {
    const cam = await this.o.store.getCamera(id);
    if (!cam) throw new SightlineError('CAMERA_NOT_FOUND', `no camera has the id ${id}`);
    if (this.managedBy(cam) === 'config') throw new SightlineError('CAMERA_MANAGED_BY_CONFIG', `camera ${cam.name} is defined in the configuration file; remove it there and restart`);
    await this.halt(id);
    await this.o.store.removeCamera(id);
    await rm(join(this.o.dataDir, 'recordings', id), { recursive: true, force: true });
    await rm(join(this.o.dataDir, 'snapshots', id), { recursive: true, force: true });
    this.o.onChange?.();
  }

  /** The shared redacted live stream of a running camera (one encoder however many watch it), or null. */
  redactedLiveStream(id: string): LiveStream | null {
    const r = this.running.get(id);
    if (r === undefined) return null;
    r.redacted ??= new RedactedLive({
      source: r.hub.video,
      rectsAt: (t) => r.live.redactionAt(t),
      ...(this.o.ffmpegPath !== undefined && { ffmpegPath: this.o.ffmpegPath }),
      ...(this.o.onProblem && { onProblem: (m: string) => this.o.onProblem?.(r.hub.describe(m)) }),
    });
    return r.redacted;
  }

  /** The newest analysed frame's redaction rectangles of a running camera, or null. */
  latestRedaction(id: string): RedactionBoxFrame | null {
    return this.running.get(id)?.live.latestRedaction() ?? null;
  }

  async latestJpeg(id: string): Promise<Buffer | null> {
    return this.running.get(id)?.live.latestJpeg() ?? null;
  }

  /** The running camera's live video: its decoder's own stream, shared by every viewer (one connection to the camera). */
  liveStream(id: string): Promise<LiveStream | null> {
    return Promise.resolve(this.running.get(id)?.live.video ?? null);
  }

  /** Starts a camera; `halt` waits for a start in progress. */
  private launch(cam: Camera): Promise<void> {
    const started = this.startCamera(cam).finally(() => this.launching.delete(cam.id));
    this.launching.set(cam.id, started);
    return started;
  }

  private async startCamera(cam: Camera): Promise<void> {
    const config = this.toConfig(cam);
    this.relayListening ??= this.relay.listen(0, '127.0.0.1');
    await this.relayListening;
    const hub = new MediaHub({
      cameraId: cam.id,
      url: cam.url,
      subUrl: config.subUrl,
      credentials: await this.readCredentials(cam.id),
      relay: this.relay,
      masks: config.privacyMasks,
      onProblem: (words) => this.o.onProblem?.(`camera ${cam.name}: ${words}`),
      ...(this.o.ffmpegPath !== undefined && { ffmpegPath: this.o.ffmpegPath }),
      ...(this.o.ffprobePath !== undefined && { ffprobePath: this.o.ffprobePath }),
    });
    let analysed: StreamFeed;
    let main: StreamFeed | null;
    try {
      analysed = await hub.feed('analysed');
      main = config.record.mode !== 'off' && this.o.recorder ? await hub.feed('main') : null;
    } catch (error) {
      await hub.close();
      this.o.onProblem?.(`camera ${cam.name} cannot start: its media hub failed: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    const describe = (text: string): string => hub.describe(text);
    const live = new LiveCamera({
      id: cam.id,
      name: cam.name,
      config,
      streamUrl: analysed.url,
      displayUrl: redactUrl(config.subUrl ?? cam.url),
      feed: analysed,
      video: hub.video,
      pool: this.o.pool,
      store: this.o.store,
      ...(this.o.redactionBoxes && { redactionBoxes: this.o.redactionBoxes }),
      ...(this.o.faces && { faces: this.o.faces }),
      bus: describedBus(this.o.bus, describe),
      dataDir: this.o.dataDir,
      timeZone: this.o.timeZone,
      ...(this.o.objectFilters && { objectFilters: this.o.objectFilters }),
      recording: () => this.running.get(cam.id)?.recorder?.isRecording() ?? false,
      ...(this.o.onProblem && { onProblem: (m: string) => this.o.onProblem?.(describe(m)) }),
      ...(this.o.now && { now: this.o.now }),
      ...(this.o.ffmpegPath !== undefined && { ffmpegPath: this.o.ffmpegPath }),
      ...(this.o.ffprobePath !== undefined && { ffprobePath: this.o.ffprobePath }),
    });
    const recorder = main !== null && this.o.recorder ? this.o.recorder({ id: cam.id, name: cam.name, url: main.url, ready: () => main.ready(), config, describe }) : null;
    this.running.set(cam.id, { hub, live, recorder, redacted: null });
    live.start();
  }

  /** Connections the media hub of a running camera has opened to the camera so far (tests, metrics). */
  cameraSessions(id: string): number | null {
    return this.running.get(id)?.hub.cameraSessions() ?? null;
  }

  private async halt(id: string): Promise<void> {
    await this.launching.get(id);
    const r = this.running.get(id);
    if (!r) return;
    this.running.delete(id);
    await Promise.all([r.live.stop(), r.recorder?.stop(), r.redacted?.close()]);
    await r.hub.close();
  }

  private async view(cam: Camera): Promise<CameraView> {
    const c = this.toConfig(cam);
    return {
      id: cam.id,
      name: cam.name,
      url: cam.url,
      subUrl: c.subUrl ?? null,
      enabled: cam.enabled,
      purpose: statedPurpose(c.purpose, c.analytics),
      fps: c.fps,
      record: c.record,
      analytics: c.analytics,
      arming: c.arming,
      snapshots: c.snapshots,
      privacyMasks: c.privacyMasks,
      hasCredentials: (await this.o.store.cameraCredentials(cam.id)) !== null,
      managedBy: this.managedBy(cam),
      health: this.health(cam),
    };
  }

  /** The camera's health; an error names the camera, not its loopback proxy and token. */
  private health(cam: Camera): CameraHealth {
    const r = this.running.get(cam.id);
    if (!r) return stoppedHealth(cam);
    return describedHealth(r.live.health(), (t) => r.hub.describe(t));
  }

  private toConfig(cam: Camera): CameraConfig {
    const { managedBy: _m, ...rest } = cam.config as Partial<StoredConfig>;
    return cameraSchema.parse({ ...rest, name: cam.name, url: cam.url, enabled: cam.enabled });
  }

  private managedBy(cam: Camera): 'config' | 'api' {
    return cam.config['managedBy'] === 'config' ? 'config' : 'api';
  }

  private storeCredentials(id: string, creds: { readonly username: string; readonly password: string } | null): Promise<void> {
    return this.o.store.setCameraCredentials(id, creds ? this.o.secrets.seal(JSON.stringify(creds), CREDENTIALS_CONTEXT + id) : null);
  }

  private async readCredentials(id: string): Promise<{ username: string; password: string } | null> {
    const sealed = await this.o.store.cameraCredentials(id);
    if (sealed == null) return null;
    return JSON.parse(this.o.secrets.open(sealed, CREDENTIALS_CONTEXT + id)) as { username: string; password: string };
  }
}

function describedHealth(h: CameraHealth, describe: (text: string) => string): CameraHealth {
  return h.lastError === null ? h : { ...h, lastError: describe(h.lastError) };
}

/** `bus` with the health messages of a camera naming the camera, not its hub's loopback URLs and tokens. */
function describedBus(bus: Bus, describe: (text: string) => string): Bus {
  return {
    publish<T extends BusTopic>(topic: T, message: BusTopics[T]): void {
      bus.publish(topic, topic === 'health' ? (describedHealth(message as CameraHealth, describe) as BusTopics[T]) : message);
    },
    subscribe: (topic, handler) => bus.subscribe(topic, handler),
  };
}

function stoppedHealth(cam: Camera): CameraHealth {
  return { cameraId: cam.id, cameraName: cam.name, state: 'stopped', fps: 0, analysedFps: 0, lastFrameAt: null, lastError: null, reconnects: 0, droppedFrames: 0, recording: false, frameSize: null };
}
