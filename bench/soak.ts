/**
 * `npm run bench:soak`: the soak test of the NVR server. A real server (`startServer`: SQLite,
 * recording on, MQTT to a real mosquitto) runs N simulated cameras (the demo clip looped over RTSP
 * on 127.0.0.1, one relay path each) analysed at 5 fps for M minutes, while faults are injected on
 * a schedule that scales to the duration (each at least twice from 10 minutes on, once below):
 *
 * - camera drop: one camera's publisher is killed for 20 s and restarted; the server must reconnect
 *   (its health back to `connected` with fresh frames);
 * - broker restart: mosquitto is SIGKILLed and started again on the same port 10 s later; the events
 *   of the outage must still reach the subscriber (the server queues them in its outbox) or count
 *   as lost;
 * - the disk quota: `recording.maxDiskGb` is set so that recordings and snapshots reach it about a
 *   third of the way through, after which retention must keep the bytes on disk under it;
 * - a viewer storm: 40 concurrent HTTPS clients (signed in; in a process of their own, viewer-storm.ts) fetch live.jpg, the events list and
 *   snapshots for 20 s.
 *
 * Every 30 s it samples the server's RSS (this process: the server runs in it), the PSS of its
 * ffmpeg children (publishers excluded), each camera's analysed fps and the event latency (frame
 * receipt to delivery at an MQTT subscriber, QoS 1, that reconnects by itself). At the end the
 * cameras stop, the outbox drains, and every stored event (read back through the API) is matched
 * against the `new` messages the subscriber got: the difference is the events lost, explained one
 * by one. Writes the "Soak" section of BENCHMARKS.md.
 *
 * `node --import tsx bench/soak.ts [--cameras 10] [--minutes 120] [--viewers 40] [--sample-seconds 30] [--heap-snapshots DIR]`
 * (or SIGHTLINE_SOAK_CAMERAS, SIGHTLINE_SOAK_MINUTES, SIGHTLINE_SOAK_VIEWERS, SIGHTLINE_SOAK_SAMPLE_S).
 * Progress goes to stderr; SIGINT or SIGTERM stops it, cleaning up, without writing BENCHMARKS.md.
 */
import { execFile, execFileSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, type WriteStream } from 'node:fs';
import { connect as netConnect } from 'node:net';
import os from 'node:os';
import { writeHeapSnapshot } from 'node:v8';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import mqtt, { type MqttClient } from 'mqtt';
import { loadConfig } from '../src/config/load.ts';
import { serverConfigSchema } from '../src/config/schema/server.ts';
import type { CameraHealth } from '../src/events/live-event.ts';
import { spawnTied } from '../src/ingest/spawn-tied.ts';
import { startLoopingCamera, type LoopingCamera } from '../src/media/looping-camera.ts';
import { RtspRelay } from '../src/rtsp/rtsp-server.ts';
import { DEMO_CLIP, DEMO_DIR } from '../src/server/demo.ts';
import { startServer, type RunningServer } from '../src/server/server.ts';
import { call, json, setupOwner, signIn } from '../test/fixtures/https.ts';
import { writeSection } from './sections.ts';
import type { StormInput, StormOutput } from './viewer-storm.ts';
import { ffmpegPssMiB, freePort, quantile } from './process-stats.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const MOSQUITTO = '/usr/sbin/mosquitto';
const log = (msg: string): void => void process.stderr.write(`[bench:soak] ${msg}\n`);

/** `--flag N`, else the environment variable, else the default; a positive number. */
function option(flag: string, env: string, fallback: number): number {
  const i = process.argv.indexOf(flag);
  const raw = i >= 0 ? process.argv[i + 1] : process.env[env];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} (${env}) expects a positive number, got ${raw}`);
  return n;
}

const CAMERAS = Math.max(1, Math.round(option('--cameras', 'SIGHTLINE_SOAK_CAMERAS', 10)));
const MINUTES = option('--minutes', 'SIGHTLINE_SOAK_MINUTES', 120);
const VIEWERS = Math.max(1, Math.round(option('--viewers', 'SIGHTLINE_SOAK_VIEWERS', 40)));
const SAMPLE_S = option('--sample-seconds', 'SIGHTLINE_SOAK_SAMPLE_S', 30);
/** `--heap-snapshots DIR`: V8 heap snapshots of the server's thread after the warm-up and at the end, for bench/heap-diff.ts (each holds the event loop for seconds). */
const HEAP_DIR = ((): string | null => {
  const i = process.argv.indexOf('--heap-snapshots');
  if (i < 0) return null;
  const dir = process.argv[i + 1];
  if (dir === undefined || dir.startsWith('--')) throw new Error('--heap-snapshots expects a folder');
  return path.resolve(dir);
})();
const FPS = 5;
const SEGMENT_S = 10;
const DROP_S = 20;
const BROKER_DOWN_S = 10;
const STORM_S = 20;
/** Sessions the storm's viewers share (each signed in just before the storm). */
const STORM_SESSIONS = 4;
/** How long a dropped camera may take to be connected again before the drop counts as not recovered. */
const RECONNECT_WAIT_S = 120;
/** How long after a broker restart the subscriber and the server may take to be back. */
const BROKER_BACK_WAIT_S = 60;
/** Fraction of the run at which the recordings should reach the quota. */
const QUOTA_FILL = 0.35;
/**
 * Bytes written per byte of the clip's stream: the segments are the stream copied, and each event's
 * JPEG snapshot counts towards the same quota (measured with this clip: 1.7–2.1×).
 */
const WRITE_FACTOR = 2;
const DISK_POLL_S = 10;
const OWNER = 'bench';
const PASSWORD = 'tr0mbone-kettle-sunrise-endure';
const TOPIC_PREFIX = 'soak';

const runMs = MINUTES * 60_000;
const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));
/** Before the first fault and the start of the memory slope: the cameras connect, the heap settles. */
const WARM_MS = clamp(0.1 * runMs, 30_000, 600_000);
/** After the last fault's slot: time for the last recovery before the run ends. */
const TAIL_MS = clamp(0.05 * runMs, 40_000, 300_000);
/** Rounds of the three active faults: two from 10 minutes on (three at 2 h), one below. */
const ROUNDS = MINUTES >= 10 ? Math.max(2, Math.floor(MINUTES / 40)) : 1;
/** Latency windows: an hour, or 10 minutes when the run is shorter than 2 h. */
const WINDOW_MS = MINUTES >= 120 ? 3_600_000 : 600_000;

type FaultKind = 'camera drop' | 'broker restart' | 'viewer storm';

interface PlannedFault {
  readonly kind: FaultKind;
  readonly atMs: number;
  /** The camera index a drop takes down. */
  readonly camera: number;
}

interface FaultRecord {
  readonly kind: FaultKind | 'disk quota';
  /** Ms since the run started. */
  readonly at: number;
  readonly seconds: number;
  readonly target: string;
  readonly detail: string;
  readonly ok: boolean;
}

interface BrokerOutage {
  readonly killedAt: number;
  readonly restartedAt: number;
  /** When the subscriber had subscribed again, epoch ms; null when it did not within the wait. */
  readonly subscriberBackAt: number | null;
  /** When the server's MQTT client connected again (its "MQTT connected" log line), epoch ms; null when not within the wait. */
  readonly serverBackAt: number | null;
}

interface Sample {
  /** Ms since the run started. */
  readonly t: number;
  readonly nodeRssMiB: number;
  /** V8's heap in use and the memory of ArrayBuffers/Buffers outside it (both inside the RSS), after the sample's own allocations. */
  readonly heapUsedMiB: number;
  readonly externalMiB: number;
  readonly ffmpegPssMiB: number;
  readonly fps: readonly number[];
  readonly states: readonly CameraHealth['state'][];
  /** `new` messages the subscriber got since the previous sample, and their latency. */
  readonly events: number;
  readonly p50: number | null;
  readonly p95: number | null;
  /** Bytes of the files under recordings/ and snapshots/, in-progress segments included. */
  readonly diskBytes: number | null;
  readonly disk: DiskUse | null;
  /** Bytes of the finished segments in the index (what retention counts, snapshots aside). */
  readonly indexBytes: number | null;
  readonly outboxPending: number | null;
}

interface StormResult {
  readonly requests: number;
  readonly errors: number;
  readonly statuses: ReadonlyMap<string, number>;
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
  readonly minFpsAfter: number;
}

class Aborted extends Error {}

const stopper = new AbortController();

/** Waits `ms`, or throws {@link Aborted} at once when the run is being stopped. */
async function pause(ms: number): Promise<void> {
  if (stopper.signal.aborted) throw new Aborted('stopped');
  if (ms <= 0) return;
  try {
    await delay(ms, undefined, { signal: stopper.signal });
  } catch {
    throw new Aborted('stopped');
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = netConnect({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => {
      s.destroy();
      resolve(false);
    });
  });
}

const sortedCopy = (xs: readonly number[]): number[] => [...xs].sort((a, b) => a - b);

/** Least-squares slope of y over x; null with fewer than 3 points. */
function slope(points: readonly { readonly x: number; readonly y: number }[]): number | null {
  const n = points.length;
  if (n < 3) return null;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  return den === 0 ? null : num / den;
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** `m:ss` (or `h:mm:ss`) of ms since the run started. */
function clock(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

const mb = (bytes: number | null): string => (bytes === null ? '—' : (bytes / 1e6).toFixed(1));
const ms = (x: number | null): string => (x === null ? '—' : String(Math.round(x)));

/** What the recordings take on disk: finished segments, the segments being written (`incoming/`), event snapshots; bytes. */
interface DiskUse {
  readonly segments: number;
  readonly incoming: number;
  readonly snapshots: number;
}

const diskTotal = (d: DiskUse): number => d.segments + d.incoming + d.snapshots;

/** The bytes of the files under `recordings/` and `snapshots/` of the data directory, read by `find` off the event loop. */
function diskUse(dataDir: string): Promise<DiskUse> {
  const present = ['recordings', 'snapshots'].filter((d) => existsSync(path.join(dataDir, d)));
  if (present.length === 0) return Promise.resolve({ segments: 0, incoming: 0, snapshots: 0 });
  return new Promise((resolve, reject) => {
    // A file deleted while find walks makes it exit 1 with what it did print: that is still the total.
    execFile('find', [...present, '-type', 'f', '-printf', '%s %p\\n'], { cwd: dataDir, maxBuffer: 256 * 2 ** 20 }, (error, stdout) => {
      if (error && stdout === '') return reject(error);
      let segments = 0;
      let incoming = 0;
      let snapshots = 0;
      for (const line of stdout.split('\n')) {
        const space = line.indexOf(' ');
        if (space < 0) continue;
        const bytes = Number(line.slice(0, space));
        const file = line.slice(space + 1);
        if (file.startsWith('snapshots/')) snapshots += bytes;
        else if (file.includes('/incoming/')) incoming += bytes;
        else segments += bytes;
      }
      resolve({ segments, incoming, snapshots });
    });
  });
}

/** Duration of a video file in seconds (ffprobe). */
function durationOf(file: string): number {
  const out = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'default=nw=1:nk=1', file], { encoding: 'utf8' });
  const d = Number(out.trim());
  if (!(d > 0)) throw new Error(`ffprobe gave no duration for ${file}: ${out}`);
  return d;
}

/** A mosquitto on a fixed port that can be killed (SIGKILL) and started again on the same port. */
class Broker {
  #child: ChildProcess | null = null;
  #exited: Promise<void> = Promise.resolve();
  #lastErr = '';

  constructor(
    readonly port: number,
    private readonly conf: string,
  ) {}

  /** Starts mosquitto and resolves once it accepts connections; retries while the port is not free yet. */
  async start(): Promise<void> {
    for (let attempt = 1; attempt <= 20; attempt++) {
      const child = spawnTied(MOSQUITTO, ['-c', this.conf], { stdio: ['ignore', 'ignore', 'pipe'] });
      let exited = false;
      this.#exited = new Promise<void>((resolve) => {
        const done = (): void => {
          exited = true;
          resolve();
        };
        child.once('exit', done);
        child.once('error', (error) => {
          this.#lastErr = error.message;
          done();
        });
      });
      child.stderr?.setEncoding('utf8');
      child.stderr?.on('data', (t: string) => (this.#lastErr = (this.#lastErr + t).slice(-1000)));
      child.stderr?.on('error', () => undefined);
      this.#child = child;
      for (let i = 0; i < 100 && !exited; i++) {
        if (await canConnect(this.port)) return;
        await delay(100);
      }
      await this.kill();
      await delay(500);
      log(`mosquitto did not come up on port ${this.port} (attempt ${attempt}): ${this.#lastErr.trim().split('\n').at(-1) ?? ''}`);
    }
    throw new Error(`mosquitto would not start on 127.0.0.1:${this.port}: ${this.#lastErr}`);
  }

  /** SIGKILL, and waits for the process to be gone. */
  async kill(): Promise<void> {
    const child = this.#child;
    this.#child = null;
    if (child !== null && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await this.#exited;
  }

  /** For the exit handler: SIGKILL without waiting. */
  killNow(): void {
    const child = this.#child;
    if (child !== null && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

/** The schedule of the active faults: rounds of drop, broker restart, storm, spread evenly between warm-up and tail. */
function plan(): PlannedFault[] {
  const kinds: FaultKind[] = ['camera drop', 'broker restart', 'viewer storm'];
  const slots = kinds.length * ROUNDS;
  const span = Math.max(0, runMs - WARM_MS - TAIL_MS);
  return Array.from({ length: slots }, (_, k) => ({
    kind: kinds[k % kinds.length]!,
    atMs: Math.round(WARM_MS + ((k + 0.5) * span) / slots),
    camera: Math.floor(k / kinds.length) % CAMERAS,
  }));
}

/** Runs cleanups last-registered first, each bounded in time; never throws. */
class Cleanups {
  readonly #steps: { readonly name: string; readonly run: () => Promise<void> | void }[] = [];

  add(name: string, run: () => Promise<void> | void): void {
    this.#steps.push({ name, run });
  }

  async runAll(): Promise<void> {
    while (this.#steps.length > 0) {
      const step = this.#steps.pop()!;
      try {
        await Promise.race([
          Promise.resolve().then(step.run),
          delay(30_000, undefined, { ref: false }).then(() => {
            throw new Error('timed out after 30 s');
          }),
        ]);
      } catch (error) {
        log(`cleanup "${step.name}" failed: ${messageOf(error)}`);
      }
    }
  }
}

interface SoakResult {
  readonly md: string;
}

async function soak(cleanups: Cleanups, exitHooks: (() => void)[]): Promise<SoakResult> {
  const loadAtStart = os.loadavg()[0] ?? 0;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'sightline-soak-'));
  exitHooks.push(() => rmSync(tmp, { recursive: true, force: true }));
  cleanups.add('temporary folder', () => rmSync(tmp, { recursive: true, force: true }));
  const dataDir = path.join(tmp, 'data');

  // The broker: no persistence, so a SIGKILL loses every session and queued message it held.
  const brokerPort = await freePort();
  const conf = path.join(tmp, 'mosquitto.conf');
  writeFileSync(conf, `listener ${brokerPort} 127.0.0.1\nallow_anonymous true\npersistence false\nlog_dest stderr\nlog_type error\nlog_type warning\n`);
  const broker = new Broker(brokerPort, conf);
  exitHooks.push(() => broker.killNow());
  cleanups.add('broker', () => broker.kill());
  await broker.start();
  const brokerUrl = `mqtt://127.0.0.1:${brokerPort}`;
  log(`mosquitto on 127.0.0.1:${brokerPort}`);

  // The quota: reached about QUOTA_FILL of the way through at the clip's byte rate × WRITE_FACTOR.
  const clipRate = statSync(DEMO_CLIP).size / durationOf(DEMO_CLIP);
  const quotaBytes = Math.max(1e6, Math.round(clipRate * CAMERAS * WRITE_FACTOR * QUOTA_FILL * (runMs / 1000)));
  const quotaGb = quotaBytes / 1e9;
  log(`clip ${(clipRate / 1000).toFixed(1)} kB/s per camera; quota ${mb(quotaBytes)} MB (recording.maxDiskGb ${quotaGb.toFixed(6)})`);

  // The subscriber: reconnects by itself (1 s), subscribes again on every connect, QoS 1.
  const received = createWriteStream(path.join(tmp, 'received.tsv'));
  received.on('error', (e) => log(`received log: ${e.message}`));
  const acked = createWriteStream(path.join(tmp, 'acked.tsv'));
  acked.on('error', (e) => log(`acked log: ${e.message}`));
  const closeLog = (s: WriteStream): Promise<void> => new Promise((resolve) => (s.closed ? resolve() : s.end(() => resolve())));
  cleanups.add('logs', async () => {
    await closeLog(received);
    await closeLog(acked);
  });
  let runStart = Date.now();
  const windows: number[][] = [];
  let recent: number[] = [];
  let newMessages = 0;
  let messagesOfOtherKinds = 0;
  let badMessages = 0;
  const subscribedAt: number[] = [];
  const sub: MqttClient = mqtt.connect(brokerUrl, { clientId: `soak-sub-${process.pid}`, clean: true, reconnectPeriod: 1000, connectTimeout: 5000, resubscribe: false });
  cleanups.add('subscriber', () => sub.endAsync(true));
  sub.on('error', () => undefined); // Connection refused while the broker is down: it retries.
  sub.on('connect', () => {
    sub.subscribe(`${TOPIC_PREFIX}/events`, { qos: 1 }, (error) => {
      if (error) log(`subscriber: subscribing failed: ${error.message}`);
      else subscribedAt.push(Date.now());
    });
  });
  sub.on('message', (_topic, payload) => {
    const now = Date.now();
    let m: { type?: unknown; after?: { id?: unknown; frame_time?: unknown } };
    try {
      m = JSON.parse(payload.toString()) as typeof m;
    } catch {
      badMessages++;
      return;
    }
    if (m.type !== 'new') {
      messagesOfOtherKinds++;
      return;
    }
    const id = m.after?.id;
    const frameTime = typeof m.after?.frame_time === 'number' ? m.after.frame_time * 1000 : NaN;
    if (typeof id !== 'string' || !Number.isFinite(frameTime)) {
      badMessages++;
      return;
    }
    newMessages++;
    const latency = Math.round(now - frameTime);
    recent.push(latency);
    const w = clamp(Math.floor((frameTime - runStart) / WINDOW_MS), 0, Math.floor((runMs - 1) / WINDOW_MS));
    (windows[w] ??= []).push(latency);
    received.write(`${id}\t${now}\t${Math.round(frameTime)}\n`);
  });
  for (let i = 0; i < 100 && subscribedAt.length === 0; i++) await pause(100);
  if (subscribedAt.length === 0) throw new Error('the subscriber did not subscribe within 10 s');

  // Cameras and server.
  const relay = new RtspRelay();
  await relay.listen(0, '127.0.0.1');
  cleanups.add('relay', () => relay.close());
  const publishers: LoopingCamera[] = [];
  cleanups.add('publishers', async () => {
    await Promise.all(publishers.map((p) => p.stop()));
  });
  const analytics = await loadConfig(path.join(DEMO_DIR, 'demo.yml'));
  if (!analytics.ok) throw analytics.error;
  const serverLog = { warn: 0, error: 0 };
  /** When the server's MQTT client (re)connected (its info line), epoch ms. */
  const mqttConnectedAt: number[] = [];
  const serverErrors: string[] = [];
  /** The cameras' own failures (a store write that failed, an event that could not end): never expected. */
  const cameraProblems: string[] = [];
  const config = serverConfigSchema.parse({
    server: { host: '127.0.0.1', port: 0 },
    mqtt: { url: brokerUrl, prefix: TOPIC_PREFIX },
    recording: { segmentSeconds: SEGMENT_S, maxDiskGb: quotaGb, minFreeGb: 0 },
  });
  const server: RunningServer = await startServer({
    config,
    dataDir,
    log: (level, m) => {
      if (level === 'info') {
        if (m.startsWith('MQTT connected')) mqttConnectedAt.push(Date.now());
        return;
      }
      serverLog[level]++;
      if (level === 'error' && serverErrors.length < 20) serverErrors.push(m);
      if (/^camera \S+: could not /.test(m)) cameraProblems.push(m.slice(0, 300));
      log(`server ${level}: ${m.slice(0, 300)}`);
    },
    onMqttDelivered: (d, at) => {
      if (d.kind === 'new') acked.write(`${d.eventId}\t${at}\n`);
    },
  });
  cleanups.add('server', () => server.close());
  let admin = (await setupOwner(server, OWNER, PASSWORD)).auth;
  /** An admin API call; signs in again once when the session has ended. */
  const api = async <T>(url: string): Promise<T> => {
    let a = await call(server, 'GET', url, admin);
    if (a.status === 401) {
      admin = (await signIn(server, OWNER, PASSWORD)).auth;
      a = await call(server, 'GET', url, admin);
    }
    if (a.status !== 200) throw new Error(`GET ${url} answered ${a.status}: ${a.body.toString().slice(0, 200)}`);
    return json<T>(a);
  };
  const ids: string[] = [];
  const names: string[] = [];
  for (let n = 1; n <= CAMERAS; n++) {
    const cam = await startLoopingCamera({ file: DEMO_CLIP, path: `cam${n}`, relay });
    publishers.push(cam);
    const view = await server.cameras.add({ name: `cam${n}`, url: cam.url, fps: FPS, record: { mode: 'continuous' }, analytics: analytics.value });
    ids.push(view.id);
    names.push(view.name);
  }
  runStart = Date.now();
  windows.length = 0;
  log(`${CAMERAS} camera(s) at ${FPS} fps, recording, for ${MINUTES} min; server ${server.url}; ${ROUNDS} round(s) of faults`);

  const health = async (i: number): Promise<CameraHealth> => (await server.cameras.get(ids[i]!))!.health;
  const publisherPids = (): Set<number> => new Set(publishers.map((p) => p.publisherPid).filter((p): p is number => p !== null));
  const since = (t: number): number => t - runStart;

  // Sampling: memory, fps, latency, disk; every SAMPLE_S, and the disk every DISK_POLL_S for its peak.
  const samples: Sample[] = [];
  let lastDisk: DiskUse | null = null;
  let diskPeak = { bytes: 0, t: 0, use: { segments: 0, incoming: 0, snapshots: 0 } as DiskUse };
  /** Peak of what retention counts (finished segments and snapshots). */
  let countedPeak = 0;
  let quotaReachedAt: number | null = null;
  const pollDisk = async (): Promise<void> => {
    const use = await diskUse(dataDir);
    const bytes = diskTotal(use);
    lastDisk = use;
    if (bytes > diskPeak.bytes) diskPeak = { bytes, t: since(Date.now()), use };
    countedPeak = Math.max(countedPeak, use.segments + use.snapshots);
    if (quotaReachedAt === null && bytes >= 0.95 * quotaBytes) {
      quotaReachedAt = since(Date.now());
      log(`${clock(quotaReachedAt)} the recordings reached 95 % of the quota (${mb(bytes)} of ${mb(quotaBytes)} MB): retention must delete from now on`);
    }
  };
  const sample = async (): Promise<void> => {
    const t = since(Date.now());
    const views = await server.cameras.list();
    let indexBytes: number | null = null;
    let outboxPending: number | null = null;
    try {
      const sys = await api<{ recordings: { bytes: number }; notifications: { outboxPending: number } }>('/api/system');
      indexBytes = sys.recordings.bytes;
      outboxPending = sys.notifications.outboxPending;
    } catch (error) {
      log(`/api/system: ${messageOf(error)}`);
    }
    const lat = sortedCopy(recent);
    recent = [];
    const mem = process.memoryUsage();
    const s: Sample = {
      t,
      nodeRssMiB: mem.rss / 2 ** 20,
      heapUsedMiB: mem.heapUsed / 2 ** 20,
      externalMiB: mem.external / 2 ** 20,
      ffmpegPssMiB: ffmpegPssMiB(publisherPids()),
      fps: views.map((v) => v.health.analysedFps),
      states: views.map((v) => v.health.state),
      events: lat.length,
      p50: quantile(lat, 0.5),
      p95: quantile(lat, 0.95),
      diskBytes: lastDisk === null ? null : diskTotal(lastDisk),
      disk: lastDisk,
      indexBytes,
      outboxPending,
    };
    samples.push(s);
    const down = s.states.filter((x) => x !== 'connected').length;
    log(
      `${clock(t)} RSS ${s.nodeRssMiB.toFixed(0)} MiB (heap ${s.heapUsedMiB.toFixed(0)}, external ${s.externalMiB.toFixed(0)}), ffmpeg PSS ${s.ffmpegPssMiB.toFixed(0)} MiB; fps min ${Math.min(...s.fps).toFixed(2)}${down > 0 ? ` (${down} not connected)` : ''}; ${s.events} events, p50 ${ms(s.p50)} p95 ${ms(s.p95)} ms; disk ${mb(s.diskBytes)}/${mb(quotaBytes)} MB${s.disk === null ? '' : ` (segments ${mb(s.disk.segments)}, being written ${mb(s.disk.incoming)}, snapshots ${mb(s.disk.snapshots)})`}; outbox ${outboxPending ?? '—'}`,
    );
  };
  const every = (name: string, seconds: number, fn: () => Promise<void>): { stop: () => Promise<void> } => {
    let running: Promise<void> | null = null;
    const timer = setInterval(() => {
      running ??= fn()
        .catch((error: unknown) => log(`${name}: ${messageOf(error)}`))
        .finally(() => (running = null));
    }, seconds * 1000);
    const stop = async (): Promise<void> => {
      clearInterval(timer);
      await running;
    };
    cleanups.add(name, stop);
    return { stop };
  };
  const diskTimer = every('disk poll', DISK_POLL_S, pollDisk);
  const sampleTimer = every('sampler', SAMPLE_S, sample);

  // The faults.
  const faults: FaultRecord[] = [];
  const outages: BrokerOutage[] = [];
  const storms: StormResult[] = [];
  const drops = new Array<number>(CAMERAS).fill(0);

  const cameraDrop = async (i: number): Promise<void> => {
    const cam = publishers[i]!;
    const before = await health(i);
    const t0 = Date.now();
    log(`${clock(since(t0))} camera drop: ${names[i]} publisher killed for ${DROP_S} s`);
    drops[i]!++;
    await cam.killPublisher();
    let sawDown = false;
    while (Date.now() < t0 + DROP_S * 1000) {
      if ((await health(i)).state !== 'connected') sawDown = true;
      await pause(1000);
    }
    await cam.restartPublisher();
    const t1 = Date.now();
    let back: number | null = null;
    let h = await health(i);
    while (Date.now() < t1 + RECONNECT_WAIT_S * 1000) {
      h = await health(i);
      if (h.state === 'connected' && (h.lastFrameAt ?? 0) > t1) {
        back = Date.now();
        break;
      }
      await pause(500);
    }
    const detail =
      back === null
        ? `not connected ${RECONNECT_WAIT_S} s after the publisher restarted (state ${h.state}, ${h.lastError ?? 'no error'})`
        : `${sawDown ? 'health left connected during the drop; ' : '**health stayed connected during the drop**; '}connected again ${((back - t1) / 1000).toFixed(1)} s after the publisher restarted; reconnect attempts ${before.reconnects} → ${h.reconnects}; recording ${h.recording ? 'on' : '**off**'}`;
    faults.push({ kind: 'camera drop', at: since(t0), seconds: ((back ?? Date.now()) - t0) / 1000, target: names[i]!, detail, ok: back !== null });
    log(`${clock(since(Date.now()))} camera drop of ${names[i]}: ${detail}`);
  };

  const brokerRestart = async (): Promise<void> => {
    const killedAt = Date.now();
    log(`${clock(since(killedAt))} broker restart: mosquitto SIGKILLed, back in ${BROKER_DOWN_S} s`);
    await broker.kill();
    await pause(BROKER_DOWN_S * 1000);
    await broker.start();
    const restartedAt = Date.now();
    // Either client may be back before start() has seen the port open: the first (re)connection after the kill counts.
    const firstAfterKill = (times: readonly number[]): number | null => times.find((t) => t > killedAt) ?? null;
    let subscriberBackAt = firstAfterKill(subscribedAt);
    let serverBackAt = firstAfterKill(mqttConnectedAt);
    while (Date.now() < restartedAt + BROKER_BACK_WAIT_S * 1000 && (subscriberBackAt === null || serverBackAt === null)) {
      await pause(100);
      subscriberBackAt = firstAfterKill(subscribedAt);
      serverBackAt = firstAfterKill(mqttConnectedAt);
    }
    outages.push({ killedAt, restartedAt, subscriberBackAt, serverBackAt });
    const after = (t: number | null): string => (t === null ? `not within ${BROKER_BACK_WAIT_S} s` : `${((t - restartedAt) / 1000).toFixed(2)} s after the restart`);
    const order = subscriberBackAt !== null && serverBackAt !== null ? (subscriberBackAt <= serverBackAt ? 'subscriber first' : '**server first: what it sends before the subscriber is back is lost to it**') : '';
    const detail = `down ${((restartedAt - killedAt) / 1000).toFixed(1)} s; subscriber subscribed again ${after(subscriberBackAt)}, server connected again ${after(serverBackAt)}${order ? ` (${order})` : ''}`;
    faults.push({ kind: 'broker restart', at: since(killedAt), seconds: ((Math.max(subscriberBackAt ?? 0, serverBackAt ?? 0, restartedAt)) - killedAt) / 1000, target: `mosquitto :${brokerPort}`, detail, ok: subscriberBackAt !== null && serverBackAt !== null });
    log(`${clock(since(Date.now()))} broker restart: ${detail}`);
  };

  const viewerStorm = async (): Promise<void> => {
    const t0 = Date.now();
    const sessions: Record<string, string>[] = [];
    for (let i = 0; i < STORM_SESSIONS; i++) sessions.push((await signIn(server, OWNER, PASSWORD)).auth);
    log(`${clock(since(t0))} viewer storm: ${VIEWERS} HTTPS clients for ${STORM_S} s (live.jpg, events list, snapshots)`);
    const start = Date.now();
    // The viewers run in a process of their own: their TLS clients and the bodies they read are not the server's memory.
    const input: StormInput = { base: server.url, ca: String(server.tls.cert), cameras: ids, sessions, viewers: VIEWERS, seconds: STORM_S };
    const out = await runStorm(input);
    const latencies = out.latencies;
    const statuses = new Map(Object.entries(out.statuses));
    const errors = out.errors;
    const seconds = (Date.now() - start) / 1000;
    const fps = await Promise.all(ids.map(async (_, i) => (await health(i)).analysedFps));
    const sorted = sortedCopy(latencies);
    const result: StormResult = { requests: latencies.length + errors, errors, statuses, p50: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), p99: quantile(sorted, 0.99), minFpsAfter: Math.min(...fps) };
    storms.push(result);
    const bad = [...statuses].filter(([k]) => !/ 200$/.test(k) && !/^snapshot 404$/.test(k));
    const detail = `${result.requests} requests in ${seconds.toFixed(0)} s (${(result.requests / seconds).toFixed(0)}/s): ${[...statuses].map(([k, v]) => `${k} ×${v}`).join(', ')}; response p50 ${ms(result.p50)} ms, p95 ${ms(result.p95)} ms, p99 ${ms(result.p99)} ms; min analysed fps right after ${result.minFpsAfter.toFixed(2)}`;
    faults.push({ kind: 'viewer storm', at: since(t0), seconds: (Date.now() - t0) / 1000, target: `${VIEWERS} clients`, detail, ok: bad.length === 0 });
    log(`${clock(since(Date.now()))} viewer storm: ${detail}`);
  };

  const heapSnapshot = (name: string): void => {
    if (HEAP_DIR === null) return;
    mkdirSync(HEAP_DIR, { recursive: true });
    const file = writeHeapSnapshot(path.join(HEAP_DIR, `${name}.heapsnapshot`));
    log(`${clock(since(Date.now()))} heap snapshot ${file}`);
  };
  const warmSnapshot = setTimeout(() => heapSnapshot('after-warm-up'), WARM_MS);
  cleanups.add('heap snapshot timer', () => clearTimeout(warmSnapshot));
  const schedule = plan();
  log(`schedule: ${schedule.map((f) => `${clock(f.atMs)} ${f.kind}${f.kind === 'camera drop' ? ` (${names[f.camera]})` : ''}`).join(', ')}`);
  for (const f of schedule) {
    await pause(runStart + f.atMs - Date.now());
    try {
      if (f.kind === 'camera drop') await cameraDrop(f.camera);
      else if (f.kind === 'broker restart') await brokerRestart();
      else await viewerStorm();
    } catch (error) {
      if (error instanceof Aborted) throw error;
      log(`${f.kind} failed: ${messageOf(error)}`);
      faults.push({ kind: f.kind, at: f.atMs, seconds: 0, target: '', detail: `the fault itself failed: ${messageOf(error)}`, ok: false });
    }
  }
  await pause(runStart + runMs - Date.now());
  heapSnapshot('end');
  const ranMs = Date.now() - runStart;
  await sampleTimer.stop();
  await sample();
  const endHealth = await Promise.all(ids.map((_, i) => health(i)));
  log(`${clock(ranMs)} the run is over: stopping the cameras and draining the outbox`);

  // Drain: no new events once the publishers are gone; wait for the outbox to empty.
  await Promise.all(publishers.map((p) => p.killPublisher()));
  const drainFrom = Date.now();
  let pending: number | null = null;
  for (let calm = 0; Date.now() < drainFrom + 90_000 && calm < 3; ) {
    await pause(2000);
    pending = (await api<{ notifications: { outboxPending: number } }>('/api/system')).notifications.outboxPending;
    calm = pending === 0 ? calm + 1 : 0;
  }
  await pause(2000); // The last messages' way from the broker to the subscriber.
  await diskTimer.stop();
  log(`drained in ${((Date.now() - drainFrom) / 1000).toFixed(0)} s; outbox pending ${pending ?? '—'}`);

  // Every stored event, through the API.
  const stored = new Map<string, { startTime: number; type: string; cameraId: string }>();
  for (let cursor: string | null = null, first = true; first || cursor !== null; first = false) {
    const page: { events: { id: string; startTime: number; type: string; cameraId: string }[]; nextCursor: string | null } = await api(`/api/events?order=asc&limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    for (const e of page.events) stored.set(e.id, { startTime: e.startTime, type: e.type, cameraId: e.cameraId });
    cursor = page.nextCursor;
  }
  await closeLog(received);
  await closeLog(acked);
  const got = new Map<string, { count: number; at: number; frameTime: number }>();
  for (const line of readFileSync(path.join(tmp, 'received.tsv'), 'utf8').split('\n')) {
    if (line === '') continue;
    const [id, at, frameTime] = line.split('\t');
    const prev = got.get(id!);
    if (prev) prev.count++;
    else got.set(id!, { count: 1, at: Number(at), frameTime: Number(frameTime) });
  }
  const brokerAcked = new Map<string, number>();
  for (const line of readFileSync(path.join(tmp, 'acked.tsv'), 'utf8').split('\n')) {
    const [id, at] = line.split('\t');
    if (id && at && !brokerAcked.has(id)) brokerAcked.set(id, Number(at));
  }
  const missing = [...stored.keys()].filter((id) => !got.has(id));
  const extra = [...got.keys()].filter((id) => !stored.has(id));
  const duplicates = [...got.values()].reduce((n, g) => n + g.count - 1, 0);
  const inOutage = (t: number): BrokerOutage | undefined => outages.find((o) => t >= o.killedAt - 1000 && t <= Math.max(o.subscriberBackAt ?? o.restartedAt, o.serverBackAt ?? o.restartedAt) + 1000);
  const missingAcked = missing.filter((id) => brokerAcked.has(id));
  /** Each missing event in words: what it was, when, and when the broker acknowledged it against the subscriber's return. */
  const missingRows = missing.slice(0, 20).map((id) => {
    const e = stored.get(id)!;
    const ackAt = brokerAcked.get(id);
    const o = inOutage(e.startTime) ?? (ackAt === undefined ? undefined : inOutage(ackAt));
    const ack = ackAt === undefined ? 'never acknowledged by the broker' : `acknowledged by the broker at ${clock(since(ackAt))}`;
    const where =
      o === undefined
        ? 'outside any broker outage'
        : `broker killed at ${clock(since(o.killedAt))}, up again at ${clock(since(o.restartedAt))}, server connected at ${o.serverBackAt === null ? '—' : clock(since(o.serverBackAt))}, subscriber subscribed at ${o.subscriberBackAt === null ? '—' : clock(since(o.subscriberBackAt))}${ackAt !== undefined && o.subscriberBackAt !== null && ackAt < o.subscriberBackAt ? ': **acknowledged before the subscriber was back, so the broker had nobody to give it to**' : ''}`;
    return `| ${id} | ${names[ids.indexOf(e.cameraId)] ?? e.cameraId} | ${e.type} | ${clock(since(e.startTime))} | ${ack} | ${where} |`;
  });
  const missingInOutage = missing.filter((id) => inOutage(stored.get(id)!.startTime) !== undefined);
  const lost = missing.length + extra.length;
  log(`events: ${stored.size} stored, ${got.size} received (${duplicates} duplicates), ${missing.length} stored but never received (${missingAcked.length} of them acknowledged by the broker), ${extra.length} received but not stored`);
  // What each outage's events went through.
  const outageRows = outages.map((o, k) => {
    const end = Math.max(o.serverBackAt ?? o.restartedAt, o.restartedAt);
    const during = [...stored].filter(([, e]) => e.startTime >= o.killedAt && e.startTime <= end);
    const arrived = during.filter(([id]) => got.has(id));
    const delays = sortedCopy(arrived.map(([id, e]) => got.get(id)!.at - e.startTime));
    return `| ${k + 1} | ${clock(since(o.killedAt))} | ${during.length} | ${arrived.length} | ${ms(delays.at(-1) ?? null)} |`;
  });

  // Memory: least squares after the warm-up.
  const memPoints = samples.filter((s) => s.t >= WARM_MS);
  const totalSlope = slope(memPoints.map((s) => ({ x: s.t / 3_600_000, y: s.nodeRssMiB + s.ffmpegPssMiB })));
  const rssSlope = slope(memPoints.map((s) => ({ x: s.t / 3_600_000, y: s.nodeRssMiB })));
  const pssSlope = slope(memPoints.map((s) => ({ x: s.t / 3_600_000, y: s.ffmpegPssMiB })));
  const heapSlope = slope(memPoints.map((s) => ({ x: s.t / 3_600_000, y: s.heapUsedMiB })));
  const externalSlope = slope(memPoints.map((s) => ({ x: s.t / 3_600_000, y: s.externalMiB })));
  const perCamera = totalSlope === null ? null : totalSlope / CAMERAS;
  // The same once every fault has happened once (2 min after the first round's viewer storm): a leak keeps growing
  // with each repetition, a high-water mark (the allocator's arenas, V8's heap sized for a storm's load) does not.
  const firstStorm = faults.find((f) => f.kind === 'viewer storm');
  const steadyFrom = firstStorm === undefined ? null : Math.max(WARM_MS, firstStorm.at + firstStorm.seconds * 1000 + 120_000);
  const steadyPoints = steadyFrom === null ? [] : samples.filter((s) => s.t >= steadyFrom);
  const steadySlope = steadyPoints.length < 10 ? null : slope(steadyPoints.map((s) => ({ x: s.t / 3_600_000, y: s.nodeRssMiB + s.ffmpegPssMiB })));
  const steadyHeapSlope = steadyPoints.length < 10 ? null : slope(steadyPoints.map((s) => ({ x: s.t / 3_600_000, y: s.heapUsedMiB })));
  const rssAt = (from: number, to: number): number | null => {
    const xs = samples.filter((s) => s.t >= from && s.t < to).map((s) => s.nodeRssMiB + s.ffmpegPssMiB);
    return xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length;
  };

  // Disk: the write rate before the quota, and the peak against it.
  const early = samples.filter((s) => s.diskBytes !== null && s.diskBytes < 0.8 * quotaBytes);
  const writeRate = early.length >= 2 ? (early.at(-1)!.diskBytes! - early[0]!.diskBytes!) / ((early.at(-1)!.t - early[0]!.t) / 1000) : null;
  const afterQuota = samples.filter((s) => quotaReachedAt !== null && s.t > quotaReachedAt && s.diskBytes !== null);
  const quotaHeld = quotaReachedAt !== null && diskPeak.bytes <= quotaBytes;
  const countedHeld = quotaReachedAt !== null && countedPeak <= quotaBytes;
  const peakUse = diskPeak.use;
  // Retention runs when a segment is finished (and every minute): until the next one, the segments being written
  // (never counted) and the snapshots written meanwhile add up. What one segment period of writes explains:
  const videoRate = clipRate * CAMERAS;
  const slack = 1.5 * videoRate * SEGMENT_S + Math.max(0, (writeRate ?? videoRate * WRITE_FACTOR) - videoRate) * SEGMENT_S;
  const keptUp = quotaReachedAt !== null && diskPeak.bytes <= quotaBytes + slack;
  faults.push({
    kind: 'disk quota',
    at: quotaReachedAt ?? ranMs,
    seconds: quotaReachedAt === null ? 0 : (ranMs - quotaReachedAt) / 1000,
    target: `${mb(quotaBytes)} MB`,
    detail:
      quotaReachedAt === null
        ? `never reached: the recordings peaked at ${mb(diskPeak.bytes)} MB`
        : `reached at ${clock(quotaReachedAt)}; then for ${clock(ranMs - quotaReachedAt)} retention kept the files ${afterQuota.length === 0 ? '(no sample since)' : `between ${mb(Math.min(...afterQuota.map((s) => s.diskBytes!)))} and ${mb(Math.max(...afterQuota.map((s) => s.diskBytes!)))} MB (${afterQuota.length} samples)`}; peak ${mb(diskPeak.bytes)} MB at ${clock(diskPeak.t)} = ${mb(peakUse.segments)} finished segments + ${mb(peakUse.incoming)} being written + ${mb(peakUse.snapshots)} snapshots; finished segments + snapshots peaked at ${mb(countedPeak)} MB`,
    ok: keptUp,
  });
  faults.sort((a, b) => a.at - b.at);

  // Latency windows, with the faults that fell in each.
  const latencyRows = Array.from({ length: windows.length }, (_, k) => {
    const s = sortedCopy(windows[k] ?? []);
    const from = k * WINDOW_MS;
    const inside = faults.filter((f) => f.kind !== 'disk quota' && f.at >= from && f.at < from + WINDOW_MS).map((f) => f.kind);
    return `| ${clock(from)}–${clock(Math.min(from + WINDOW_MS, ranMs))} | ${s.length} | ${ms(quantile(s, 0.5))} | ${ms(quantile(s, 0.95))} | ${ms(quantile(s, 0.99))} | ${ms(s.at(-1) ?? null)} | ${inside.length > 0 ? inside.join(', ') : '—'} |`;
  });
  const allLatencies = sortedCopy(windows.flat());
  const quietLatencies = sortedCopy(
    [...got.entries()].filter(([id, g]) => stored.has(id) && inOutage(g.frameTime) === undefined).map(([, g]) => g.at - g.frameTime),
  );

  // `health.reconnects` counts every attempt after a loss (a 20 s drop makes several): only attempts without a drop, or fewer than drops, are unexplained.
  const reconnectRows = endHealth.map((h, i) => {
    const d = drops[i]!;
    const odd = d === 0 ? (h.reconnects > 0 ? `**${h.reconnects} without a drop**` : 'none') : h.reconnects < d ? `**fewer than the ${d} drops**` : 'none';
    const recovered = faults.filter((f) => f.kind === 'camera drop' && f.target === names[i] && f.ok).length;
    return `| ${names[i]} | ${d} | ${recovered} | ${h.reconnects} | ${odd} | ${h.state} | ${h.droppedFrames} |`;
  });
  const step = Math.max(1, Math.ceil(samples.length / 24));
  const memRows = samples
    .filter((_, k) => k % step === 0 || k === samples.length - 1)
    .map((s) => `| ${clock(s.t)} | ${s.nodeRssMiB.toFixed(0)} | ${s.heapUsedMiB.toFixed(0)} / ${s.externalMiB.toFixed(0)} | ${s.ffmpegPssMiB.toFixed(0)} | ${(s.nodeRssMiB + s.ffmpegPssMiB).toFixed(0)} | ${Math.min(...s.fps).toFixed(2)} / ${(s.fps.reduce((a, b) => a + b, 0) / s.fps.length).toFixed(2)} | ${s.events} | ${ms(s.p50)} / ${ms(s.p95)} | ${mb(s.diskBytes)} | ${s.disk === null ? '—' : `${mb(s.disk.segments)} / ${mb(s.disk.incoming)} / ${mb(s.disk.snapshots)}`} | ${mb(s.indexBytes)} | ${s.outboxPending ?? '—'} |`);
  const faultRows = faults.map((f) => `| ${clock(f.at)} | ${f.kind} | ${f.target} | ${f.seconds.toFixed(0)} s | ${f.ok ? 'ok' : '**failed**'} | ${f.detail} |`);
  const met = (ok: boolean): string => (ok ? 'met' : '**missed**');
  const memoryOk = perCamera !== null && perCamera < 1;
  const dropsOk = faults.filter((f) => f.kind === 'camera drop').every((f) => f.ok);
  const lostWhy: string[] = [];
  if (missingInOutage.length > 0) lostWhy.push(`${missingInOutage.length} of the ${missing.length} missing events started during a broker outage (kill to both clients back)`);
  if (missingAcked.length > 0) lostWhy.push(`${missingAcked.length} were acknowledged by the broker (PUBACK) yet never reached the subscriber: the broker took them while the subscriber had no subscription (after a restart the broker has no session; whatever the server delivers before the subscriber subscribes again is dropped), or it died holding them`);
  if (missing.length - missingAcked.length > 0) lostWhy.push(`${missing.length - missingAcked.length} were never acknowledged by the broker: still queued in the outbox (${pending ?? '?'} pending at the end) or never queued`);
  if (extra.length > 0) lostWhy.push(`${extra.length} were delivered but are not in the store (the store write failed, or retention deleted them)`);
  const lostText = lost === 0 ? 'every stored event reached the subscriber and every `new` message it got is a stored event' : lostWhy.join('; ');

  const cpu = os.cpus();
  const command = `npm run bench:soak -- --cameras ${CAMERAS} --minutes ${MINUTES}${VIEWERS !== 40 ? ` --viewers ${VIEWERS}` : ''}`;
  const md = [
    `Measured by \`${command}\` (\`node --import tsx bench/soak.ts\`; defaults 10 cameras, 120 minutes) for ${clock(ranMs)} with ${CAMERAS} camera${CAMERAS > 1 ? 's' : ''} on ${cpu.length} cores (${cpu[0]?.model ?? 'unknown CPU'}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.type()} ${os.release()}; load average ${loadAtStart.toFixed(1)} when it started${loadAtStart > 0.5 ? ' (other work shared the machine)' : ''}.`,
    `Each camera is the demo clip (768x576, 10 fps H.264) looped over RTSP on 127.0.0.1, analysed at ${FPS} fps with the demo lines and zone, recorded continuously (${SEGMENT_S} s segments), events published to a real mosquitto (QoS 1) and received by a subscriber that reconnects and subscribes again by itself. Memory is this process's RSS (the server runs in it, with the simulated cameras' relay and the benchmark's MQTT subscriber; the storm's viewers run in a process of their own) plus the proportional set size of the server's ffmpeg children (decoders, recorders; the publishers excluded), sampled every ${SAMPLE_S} s; its slope is the least-squares fit after ${clock(WARM_MS)} of warm-up. Latency is frame receipt to delivery at the subscriber (\`new\` events). Faults, ${ROUNDS} round${ROUNDS > 1 ? 's' : ''} spread over the run: a camera's publisher killed for ${DROP_S} s; mosquitto SIGKILLed and started again on the same port after ${BROKER_DOWN_S} s (no persistence: it forgets sessions); ${VIEWERS} HTTPS clients signed in fetching live.jpg, the events list and snapshots for ${STORM_S} s; a disk quota (\`recording.maxDiskGb\` ${quotaGb.toFixed(4)}: the clip's ${(clipRate / 1000).toFixed(1)} kB/s × ${CAMERAS} × ${WRITE_FACTOR} for snapshots × ${Math.round(QUOTA_FILL * 100)} % of the run) that retention must hold while recording goes on. After the run the cameras stop, the outbox drains and every stored event (read back through \`GET /api/events\`) is matched with the subscriber's messages.`,
    '',
    '| target | result | |',
    '|---|---|---|',
    `| memory slope < 1 MiB per hour per camera | ${perCamera === null ? 'too few samples' : `${perCamera.toFixed(2)} MiB/h/camera`} (total ${totalSlope?.toFixed(1) ?? '—'} MiB/h: server RSS ${rssSlope?.toFixed(1) ?? '—'} (of it V8 heap in use ${heapSlope?.toFixed(1) ?? '—'}, buffers outside the heap ${externalSlope?.toFixed(1) ?? '—'}), ffmpeg PSS ${pssSlope?.toFixed(1) ?? '—'})${ranMs < 1_800_000 ? '; a run this short mostly measures warm-up and fault noise, not a leak' : ''} | ${met(memoryOk)} |`,
    `| (diagnostic) the same from 2 min after the first round's viewer storm, every fault seen once | ${steadySlope === null ? 'too few samples' : `${(steadySlope / CAMERAS).toFixed(2)} MiB/h/camera`} (total ${steadySlope?.toFixed(1) ?? '—'} MiB/h, from ${steadyFrom === null ? '—' : clock(steadyFrom)}; V8 heap in use ${steadyHeapSlope?.toFixed(1) ?? '—'} MiB/h); mean memory (server RSS + ffmpeg PSS) per hour: ${Array.from({ length: Math.ceil(ranMs / 3_600_000) }, (_, h) => { const m = rssAt(h * 3_600_000, (h + 1) * 3_600_000); return `${h}:00–${h + 1}:00 ${m === null ? '—' : m.toFixed(0)} MiB`; }).join(', ')} | ${steadySlope === null ? '—' : steadySlope / CAMERAS < 1 ? 'flat' : 'growing'} |`,
    `| events lost = 0 | ${lost} (${stored.size} stored, ${got.size} delivered, ${missing.length} stored but not delivered, ${extra.length} delivered but not stored; ${duplicates} duplicate deliveries, allowed by QoS 1): ${lostText} | ${met(lost === 0)} |`,
    `| every dropped camera reconnects | ${faults.filter((f) => f.kind === 'camera drop' && f.ok).length} of ${faults.filter((f) => f.kind === 'camera drop').length} | ${met(dropsOk)} |`,
    `| recordings under the quota once reached | quota ${mb(quotaBytes)} MB${quotaReachedAt === null ? ', never reached' : ` (reached at ${clock(quotaReachedAt)}; write rate before it ${writeRate === null ? '—' : `${(writeRate / 1000).toFixed(0)} kB/s`})`}; what retention counts (finished segments + snapshots) peaked at ${mb(countedPeak)} MB; all files, the ${CAMERAS} segments being written included (retention never counts those), at ${mb(diskPeak.bytes)} MB (${met(quotaHeld)}). Retention acts when a segment is finished (and each minute), so until the next one the segments being written and the snapshots written meanwhile go over: one segment period of writes explains ${mb(slack)} MB; the peak ${quotaReachedAt === null ? '—' : diskPeak.bytes <= quotaBytes + slack ? 'stayed within it (retention kept up)' : '**went beyond it: retention fell behind**'} | ${met(countedHeld)} |`,
    '',
    `Event latency over the whole run: p50 ${ms(quantile(allLatencies, 0.5))} ms, p95 ${ms(quantile(allLatencies, 0.95))} ms, p99 ${ms(quantile(allLatencies, 0.99))} ms; outside broker outages p50 ${ms(quantile(quietLatencies, 0.5))}, p95 ${ms(quantile(quietLatencies, 0.95))}, p99 ${ms(quantile(quietLatencies, 0.99))} ms. Server log: ${serverLog.warn} warnings, ${serverLog.error} errors${serverErrors.length > 0 ? ` (${serverErrors.slice(0, 3).join(' | ')})` : ''}; camera failures (\`could not …\`): ${cameraProblems.length}${cameraProblems.length > 0 ? ` (${cameraProblems.slice(0, 3).join(' | ')})` : ''}; unhandled rejections: ${unhandled.length}${unhandled.length > 0 ? ` (${unhandled.slice(0, 3).join(' | ')})` : ''}.`,
    '',
    `Latency per ${WINDOW_MS === 3_600_000 ? 'hour' : '10 minutes'} (by the frame's time):`,
    '',
    '| window | events | p50 ms | p95 ms | p99 ms | max ms | faults in it |',
    '|---|---|---|---|---|---|---|',
    ...latencyRows,
    '',
    'Faults injected (times since the cameras started):',
    '',
    '| at | fault | target | lasted | | what happened |',
    '|---|---|---|---|---|---|',
    ...faultRows,
    '',
    ...(outageRows.length > 0
      ? ['Events that started while the broker was down (kill to the server connected again):', '', '| outage | at | events | delivered | longest delay ms |', '|---|---|---|---|---|', ...outageRows, '']
      : []),
    ...(missingRows.length > 0
      ? [`Events stored but never delivered to the subscriber${missing.length > missingRows.length ? ` (the first ${missingRows.length} of ${missing.length})` : ''}:`, '', '| event | camera | type | started | broker | broker outage |', '|---|---|---|---|---|---|', ...missingRows, '']
      : []),
    'Camera reconnects (health at the end of the run, before the cameras were stopped; `reconnects` counts every attempt after a loss, so one drop makes several):',
    '',
    '| camera | drops injected | recovered | reconnect attempts | unexplained | state | frames dropped (detector busy) |',
    '|---|---|---|---|---|---|---|',
    ...reconnectRows,
    '',
    `Samples (every ${SAMPLE_S} s${step > 1 ? `, one row in ${step}` : ''}):`,
    '',
    `| t | server RSS MiB | of it V8 heap in use / buffers outside it MiB | ffmpeg PSS MiB | total MiB | analysed fps min / mean | events | latency p50 / p95 ms | files MB (quota ${mb(quotaBytes)}) | finished segments / being written / snapshots MB | indexed segments MB | outbox pending |`,
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...memRows,
  ].join('\n');
  if (badMessages > 0) log(`${badMessages} messages on the events topic could not be read`);
  log(`${newMessages} new + ${messagesOfOtherKinds} update/end messages received`);
  return { md };
}

/** Runs bench/viewer-storm.ts in a child process (killed when the soak is stopped) and reads its answer. */
function runStorm(input: StormInput): Promise<StormOutput> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'viewer-storm.ts')], { cwd: ROOT, maxBuffer: 64 * 2 ** 20, signal: stopper.signal }, (error, stdout, stderr) => {
      if (error !== null) reject(new Error(`the viewer storm's process failed: ${error.message}${stderr === '' ? '' : `: ${String(stderr).slice(-300)}`}`));
      else {
        try {
          resolve(JSON.parse(String(stdout)) as StormOutput);
        } catch (e) {
          reject(new Error(`the viewer storm's process printed no answer: ${messageOf(e)}`));
        }
      }
    });
    child.stdin?.end(JSON.stringify(input));
  });
}

const unhandled: string[] = [];

async function main(): Promise<void> {
  if (MINUTES < 4) log(`warning: ${MINUTES} min leaves little room between faults; 5 or more is better`);
  const cleanups = new Cleanups();
  const exitHooks: (() => void)[] = [];
  // Whatever happens (a second Ctrl-C, an uncaught error), the broker dies and the temporary folder goes.
  process.on('exit', () => {
    for (const hook of exitHooks) {
      try {
        hook();
      } catch {
        // Best effort at exit.
      }
    }
  });
  process.on('unhandledRejection', (reason) => {
    const m = messageOf(reason);
    unhandled.push(m);
    log(`UNHANDLED REJECTION: ${m}`);
  });
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopper.signal.aborted) {
      log(`${signal} again: exiting now`);
      process.exit(130);
    }
    log(`${signal}: stopping and cleaning up (again to exit at once)`);
    stopper.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let result: SoakResult | null = null;
  try {
    result = await soak(cleanups, exitHooks);
  } catch (error) {
    if (!(error instanceof Aborted)) {
      log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      process.exitCode = 1;
    }
  } finally {
    log('cleaning up');
    await cleanups.runAll();
  }
  if (stopper.signal.aborted) {
    log('stopped before the end: BENCHMARKS.md left as it was');
    process.exitCode = 130;
    return;
  }
  if (result === null) return;
  writeSection(path.join(ROOT, 'BENCHMARKS.md'), 'Soak', result.md);
  process.stdout.write(`${result.md}\n`);
  log('wrote the Soak section of BENCHMARKS.md');
}

await main();
