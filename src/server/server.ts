/**
 * The composition root of the NVR server: the one place that builds everything (database, stores,
 * secrets, TLS, detector pool, bus, cameras, recorders, retention, notifications, HTTP API) and
 * takes it down again in order.
 */
import { rm } from 'node:fs/promises';
import { createHmac } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { ServerConfig } from '../config/schema/server.ts';
import { SightlineError } from '../core/errors.ts';
import { buildApi } from '../api/app.ts';
import { writeClientError } from '../api/errors.ts';
import { resolveBackend } from '../detect/choose-backend.ts';
import { loadFaceDetector } from '../detect/blazeface.ts';
import { createDetectorPool, defaultWorkerCount, type DetectorPool } from '../detect/worker-pool.ts';
import { createClipRedactor } from '../pipeline/redact-clip.ts';
import { InProcessBus } from '../events/bus.ts';
import { CameraManager, type RecorderFactory } from '../live/camera-manager.ts';
import { startReconfigurableNotifications, type NotificationsConfig, type ReconfigurableNotifications, type StartNotificationsOptions } from '../notify/notifications.ts';
import type { NotificationSettings } from '../config/schema/settings.ts';
import { RuntimeSettings } from '../settings/runtime-settings.ts';
import type { AnnouncedCamera } from '../notify/mqtt-topics.ts';
import type { CameraView } from '../live/camera-service.ts';
import { eventKeepFromStore } from '../record/event-keep.ts';
import { Recorder } from '../record/recorder.ts';
import { LocalRecordingService } from '../record/recording-service.ts';
import { RetentionRunner } from '../record/retention-runner.ts';
import type { Argon2Params } from '../security/passwords.ts';
import { loadOrCreateSecretKey, SecretBox } from '../security/secret-box.ts';
import { ensureCertificate, loadUserCertificate, type TlsCertificate } from '../security/tls.ts';
import { auditKeyFromSecret } from '../store/audit-log.ts';
import { databasePath } from '../store/database.ts';
import { openSqliteStores } from '../store/sqlite-stores.ts';
import { UnredactedAccess } from '../store/unredacted-access.ts';
import { createRedactor } from '../media/redactor.ts';
import { secureDataDir } from './data-dir.ts';
import { startDemoCamera, type DemoCamera } from './demo.ts';
import { streamLogger, type Logger } from './log.ts';

/** How to start a server. */
export interface StartServerOptions {
  readonly config: ServerConfig;
  /** Data directory (created when missing; every file and folder in it made owner-only, see secureDataDir). */
  readonly dataDir: string;
  /** Also start the looping RTSP demo camera on 127.0.0.1 and analyse it. */
  readonly demo?: boolean | { readonly rtspPort?: number };
  /** Detector worker threads; default `config.detect.workers`, else one per core. */
  readonly workers?: number;
  readonly log?: Logger;
  /** argon2id cost of new password hashes (tests pass cheap ones). */
  readonly hashParams?: Argon2Params;
  /** The clock, epoch ms. */
  readonly now?: () => number;
  /** Fastify's own warnings and errors on stdout (default on); false silences them (tests). */
  readonly httpLog?: boolean;
  /** Called when the MQTT broker acknowledges an event (for the latency benchmark). */
  readonly onMqttDelivered?: StartNotificationsOptions['onMqttDelivered'];
}

/** A running server. */
export interface RunningServer {
  /** The HTTPS URL people use. */
  readonly url: string;
  readonly port: number;
  /** The plain-HTTP URL on 127.0.0.1, when configured. */
  readonly httpUrl: string | null;
  /** The one-time setup link, while no admin exists. */
  readonly setupUrl: string | null;
  readonly tls: TlsCertificate;
  readonly cameras: CameraManager;
  readonly demo: DemoCamera | null;
  /** Stops everything in order: HTTP, cameras and recorders (finalising segments), notifications, pool, database. */
  close(): Promise<void>;
}

/** Starts the server and returns once it listens. */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const { config } = options;
  const log = options.log ?? streamLogger();
  const now = options.now ?? Date.now;
  const dataDir = path.resolve(options.dataDir);
  // Before anything is created in it: everything the server writes is owner-only, and so is what was there.
  const repaired = secureDataDir(dataDir);
  if (repaired.fixed.length > 0) log('warn', `data directory ${dataDir}: made ${repaired.fixed.length} files and folders readable by this user only (they were open to group or others)`);
  const cleanups: (() => Promise<void> | void)[] = [];
  const closeAll = async (): Promise<void> => {
    for (const c of cleanups.reverse()) {
      try {
        await c();
      } catch (error) {
        log('error', `shutdown step failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    cleanups.length = 0;
  };
  try {
    const secretKey = loadOrCreateSecretKey(dataDir);
    // The one place that picks the store: SQLite in the data directory.
    const stores = openSqliteStores(databasePath(dataDir), {
      now,
      sessions: { absoluteMs: config.server.sessionHours * 3_600_000, idleMs: config.server.idleMinutes * 60_000 },
      auditKey: auditKeyFromSecret(secretKey),
      ...(options.hashParams && { hashParams: options.hashParams }),
    });
    cleanups.push(() => stores.close());
    const { events: store, users, audit } = stores;
    if (config.recording.retentionDays !== undefined) {
      log('warn', `recording.retentionDays is deprecated: video is kept ${config.retention.videoHours} hours from it; write retention.videoHours: ${config.retention.videoHours} instead`);
    }
    const secrets = new SecretBox(secretKey);
    const tls = config.server.tlsCert !== undefined && config.server.tlsKey !== undefined ? loadUserCertificate(config.server.tlsCert, config.server.tlsKey, now()) : await ensureCertificate(dataDir, { now });

    const backend = await resolveBackend(config.detect, dataDir);
    if (backend.notice !== undefined) log('warn', backend.notice);
    const pool: DetectorPool = await createDetectorPool({ backend: backend.spec, workers: options.workers ?? config.detect.workers ?? defaultWorkerCount() });
    cleanups.push(() => pool.close());
    const faceLoad = await loadFaceDetector(path.join(dataDir, 'models'));
    if (faceLoad.notice !== undefined) log('warn', faceLoad.notice);
    const faces = faceLoad.faces;
    if (faces) cleanups.push(() => faces.dispose());
    const bus = new InProcessBus((topic, error) => log('error', `a ${topic} subscriber failed: ${error instanceof Error ? error.message : String(error)}`));

    const index = stores.segments;
    const recordings = new LocalRecordingService({ dataDir, index, events: store, redactionBoxes: stores.redactionBoxes, limits: () => config.recording });
    const recorderFactory: RecorderFactory = (camera) => {
      const recorder = new Recorder({
        dataDir,
        cameraId: camera.id,
        url: camera.url,
        ready: camera.ready,
        index,
        segmentSeconds: config.recording.segmentSeconds,
        onError: (m) => log('warn', `recorder ${camera.name}: ${camera.describe(m)}`),
        // Each new segment may push the total over the quota: apply retention at once, not at the next tick.
        onSegment: () => void retention.runNow(),
        onState: (s) => {
          if (s.kind === 'retrying') log('warn', `recorder ${camera.name}: ${camera.describe(s.reason)}; retrying in ${Math.round(s.delayMs / 100) / 10} s`);
        },
      });
      recorder.start();
      return { isRecording: () => recorder.state.kind === 'recording', stop: () => recorder.stop() };
    };

    let demo: DemoCamera | null = null;
    if (options.demo) {
      demo = await startDemoCamera({ ...(typeof options.demo === 'object' && options.demo.rtspPort !== undefined && { port: options.demo.rtspPort }) });
      const stream = demo.stream;
      cleanups.push(() => stream.stop());
    }

    // What the app changed over the configuration file: notification targets, retention, object filters.
    const settings = new RuntimeSettings({ config, store: stores.settings, secrets, now, onProblem: (m) => log('warn', m) });
    const notifications: ReconfigurableNotifications = startReconfigurableNotifications({
      config: notifyConfig(settings.notifications()),
      outbox: stores.outbox,
      bus,
      dataDir,
      now,
      timeZone: config.timezone,
      log: (level, m) => log(level, m),
      ...(options.onMqttDelivered && { onMqttDelivered: options.onMqttDelivered }),
    });
    cleanups.push(() => notifications.stop());
    // Targets changed in the app: the notifiers are rebuilt at once (what is queued stays queued).
    settings.onChange('notifications', () => notifications.reconfigure(notifyConfig(settings.notifications())));
    let cameraModes: { id: string; record: CameraView['record'] }[] = [];
    const onCamerasChanged = async (): Promise<void> => {
      const list = await cameras.list();
      cameraModes = list.map((c) => ({ id: c.id, record: c.record }));
      notifications.announce(list.filter((c) => c.enabled).map(announced));
    };
    const cameras: CameraManager = new CameraManager({
      store,
      secrets,
      pool,
      bus,
      dataDir,
      recorder: recorderFactory,
      redactionBoxes: stores.redactionBoxes,
      ...(faces && { faces }),
      timeZone: config.timezone,
      objectFilters: () => settings.objectFilters(),
      onProblem: (m) => log('warn', m),
      onChange: () => void onCamerasChanged().catch((e: unknown) => log('error', `camera change: ${e instanceof Error ? e.message : String(e)}`)),
      now,
    });
    const retention = new RetentionRunner({
      dataDir,
      index,
      limits: () => ({ ...config.recording, ...settings.retention() }),
      records: { events: store, audit, grants: stores.unredactedGrants },
      redactionBoxes: stores.redactionBoxes,
      keep: eventKeepFromStore(store, () => cameraModes),
      onError: (m) => log('warn', `retention: ${m}`),
    });
    await cameras.start(config.cameras.filter((c) => c.name !== demo?.camera.name), demo ? [demo.camera] : []);
    await onCamerasChanged();
    cleanups.push(() => cameras.stop());
    retention.start();
    // New limits apply at once: a run now, deleting old records too.
    settings.onChange('retention', () => void retention.limitsChanged());
    cleanups.push(() => retention.stop());
    cleanups.push(() => rm(path.join(dataDir, 'exports'), { recursive: true, force: true }));

    // Who sees which camera unredacted until when (time-limited grants with written reasons).
    const unredacted = new UnredactedAccess(stores.unredactedGrants, users, { defaultMinutes: config.server.unredactedMinutes, maxMinutes: config.server.unredactedMaxMinutes });
    // Everyone sees redacted video: heads of people pixelated on every path that shows video (src/media/redactor.ts),
    // except a viewer with an active grant for the camera; each item shown under a grant is audited.
    const showVideo = createRedactor({
      boxes: (cameraId, from, to) => stores.redactionBoxes.read(cameraId, from, to),
      latest: (cameraId) => cameras.latestRedaction(cameraId),
      redactedLive: (cameraId) => cameras.redactedLiveStream(cameraId),
      unredacted: (viewer, cameraId) => unredacted.unredactedGrantFor(viewer, cameraId, now()) !== null,
      onUnredacted: (viewer, item) => {
        const grant = unredacted.unredactedGrantFor(viewer, item.cameraId, now());
        audit.append({ actor: viewer.actor, action: 'unredacted_view', target: item.cameraId, details: { grant: grant?.id ?? null, kind: item.kind, ...(item.kind === 'file' && { mime: item.mime, time: item.time }) } });
      },
      tempDir: path.join(dataDir, 'exports'),
      now,
    });
    const api = await buildApi(
      {
        config,
        dataDir,
        store,
        users,
        sessions: stores.sessions,
        tokens: stores.tokens,
        setupTokens: stores.setupTokens,
        audit,
        outbox: stores.outbox,
        reviewMarks: stores.reviewMarks,
        bus,
        cameras,
        settings,
        recordings,
        now,
        showVideo,
        unredacted,
        // Subject-access exports: a recorded clip redacted in full by the cameras' own detector pool.
        redactClip: createClipRedactor(pool, faces ?? undefined),
        detector: () => ({ name: pool.traits.name, workers: pool.size, pending: pool.pending() }),
      },
      {
        https: true,
        tls: { cert: tls.cert, key: tls.key },
        sessionSecret: createHmac('sha256', secretKey).update('sightline-session').digest(),
        logger: options.httpLog === false ? false : { level: 'warn' },
        extraGauges: [
          { name: 'sightline_mqtt_connected', help: '1 while the MQTT broker connection is up.', collect: () => (notifications.mqttConnected() ? 1 : 0) },
        ],
      },
    );
    cleanups.push(() => api.close());
    const host = config.server.host;
    try {
      await api.listen({ host, port: config.server.port });
    } catch (cause) {
      throw listenError(cause, host, config.server.port);
    }
    const port = (api.server.address() as AddressInfo).port;
    const shownHost = host === '0.0.0.0' || host === '::' ? os.hostname() : host.includes(':') ? `[${host}]` : host;
    const url = (config.server.publicUrl ?? `https://${shownHost}:${port}`).replace(/\/+$/, '');
    let httpUrl: string | null = null;
    if (config.server.httpPort !== undefined) {
      // Plain HTTP only on the loopback address, for a local reverse proxy or scraper; WebSocket upgrades go to the same app.
      const local = createHttpServer((req, res) => api.routing(req, res));
      local.on('upgrade', (req, socket, head) => api.server.emit('upgrade', req, socket, head));
      local.on('clientError', (error: Error & { code?: string }, socket) => writeClientError(error, socket, false));
      await new Promise<void>((resolve, reject) => {
        local.once('error', (cause) => reject(listenError(cause, '127.0.0.1', config.server.httpPort ?? 0)));
        local.listen(config.server.httpPort, '127.0.0.1', () => resolve());
      });
      cleanups.push(() => new Promise<void>((resolve) => local.close(() => resolve())));
      httpUrl = `http://127.0.0.1:${(local.address() as AddressInfo).port}`;
    }
    const pruneTimer = setInterval(() => users.pruneLoginFailures(now()), 3_600_000);
    pruneTimer.unref();
    cleanups.push(() => clearInterval(pruneTimer));
    audit.append({ actor: 'system', action: 'server_start', details: { cameras: (await cameras.list()).length, tls: tls.source } });
    const auditHead = audit.head();
    log('info', `audit log head: entry ${auditHead.seq}, hash ${auditHead.hash} (keep it elsewhere: a later "sightline audit verify" must show at least this entry)`);
    cleanups.push(() => {
      audit.append({ actor: 'system', action: 'server_stop' });
    });
    const setupUrl = stores.setupTokens.adminExists() ? null : `${url}/setup#token=${stores.setupTokens.create({ now: now() })}`;
    return { url, port, httpUrl, setupUrl, tls, cameras, demo, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** The notifiers' configuration of the targets in force. */
function notifyConfig(n: NotificationSettings): NotificationsConfig {
  return { mqtt: n.mqtt ?? undefined, webhooks: n.webhooks, smtp: n.smtp ?? undefined };
}

/** What MQTT discovery announces of a camera: its lines, zone alarms and counted classes. */
function announced(c: CameraView): AnnouncedCamera {
  return {
    id: c.id,
    name: c.name,
    lines: c.analytics.lines.map((l) => l.name),
    zones: c.analytics.zones.map((z) => ({
      name: z.name,
      alarms: [...(z.intrusion ? ['intrusion' as const] : []), ...(z.loitering ? ['loitering' as const] : []), ...(z.crowd ? ['crowd' as const] : [])],
    })),
    classes: [...new Set(c.analytics.detect.classes.filter((k) => k === 'person' || k === 'car'))],
  };
}

/** A listen failure as a clear LISTEN_FAILED error naming the address and what to do. */
function listenError(cause: unknown, host: string, port: number): SightlineError {
  const code = (cause as NodeJS.ErrnoException).code;
  const why =
    code === 'EADDRINUSE'
      ? 'another program already uses that port (stop it, or choose another port with --port or server.port)'
      : code === 'EADDRNOTAVAIL'
        ? 'that address does not belong to this machine (check server.host)'
        : code === 'EACCES'
          ? 'ports below 1024 need privileges (choose a port above 1023)'
          : cause instanceof Error
            ? cause.message
            : String(cause);
  return new SightlineError('LISTEN_FAILED', `cannot listen on ${host}:${port}: ${why}`, { cause });
}
