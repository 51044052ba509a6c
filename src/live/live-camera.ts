/**
 * One camera, live and around the clock: frames from its (sub-)stream, newest first, through the
 * frame loop that `sightline analyze` runs too (src/pipeline/frame-loop.ts: motion gating, the shared
 * detector pool, the tracker and the rules); this file adds only the sinks: rule events become
 * stored events with a start, updates and an end, each with a JPEG snapshot and a pointer into the
 * recording; counts, occupancy, dwell and heat go to the store; everything is announced on the bus; health.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { BufferPool } from '../core/buffer-pool.ts';
import type { CameraConfig } from '../config/schema/server.ts';
import type { Track } from '../core/detection.ts';
import type { Box } from '../core/geometry.ts';
import { SightlineError } from '../core/errors.ts';
import type { HeatGrid } from '../core/rules/heat-grid.ts';
import { allowedAnalytics } from '../core/purpose.ts';
import type { RuleEvent } from '../core/rules/types.ts';
import type { FaceDetector } from '../detect/blazeface.ts';
import { analysisSize } from '../detect/detect-options.ts';
import type { DetectorPool } from '../detect/worker-pool.ts';
import type { Bus } from '../events/bus.ts';
import { DURATION_TYPES, EventLifecycle, type LifecycleStep } from '../events/lifecycle.ts';
import { StreamClock } from './stream-clock.ts';
import type { CameraHealth, LiveEventBody } from '../events/live-event.ts';
import { analysedRate } from '../ingest/ffmpeg-args.ts';
import { backoffDelay, DEFAULT_BACKOFF, FfmpegSource } from '../ingest/ffmpeg-source.ts';
import { toSourceBox, type FitGeometry } from '../ingest/ffmpeg-args.ts';
import type { SourceState } from '../ingest/frame-source.ts';
import { cameraProblemInWords } from '../ingest/camera-words.ts';
import { probe } from '../ingest/probe.ts';
import { redactUrl } from '../ingest/redact-url.ts';
import { isArmedAt } from '../events/local-time.ts';
import { FrameLoop } from '../pipeline/frame-loop.ts';
import type { ObjectFilters } from '../core/object-filter.ts';
import type { EventStore, NewEvent } from '../store/event-store.ts';
import type { RedactionBoxFrame, RedactionBoxStore } from '../store/redaction-boxes.ts';
import { fromUnitRects, frameRects, RedactionTimeline, toUnitRects, type UnitRect } from '../core/redaction.ts';
import type { JsonObject } from '../core/json.ts';
import { encodeJpeg, type RgbPicture } from './jpeg.ts';
import { liveDecodeArgs } from './live-args.ts';
import type { StreamFeed } from '../media/media-hub.ts';
import { Mp4Broadcast } from '../media/mp4-broadcast.ts';
import { DayTotals, heatSince, ObjectTally } from './live-tallies.ts';
import { OccupancyTally } from './occupancy-tally.ts';
import { RateWindow } from './rate-window.ts';

/** What a live camera is built from. */
export interface LiveCameraOptions {
  readonly id: string;
  readonly name: string;
  readonly config: CameraConfig;
  /** The stream analysed (the sub-stream when there is one), credentials included; only ever shown redacted. */
  readonly streamUrl: string;
  /** The camera's own URL, redacted, to name in health and errors (default: `streamUrl` redacted; a loopback relay or proxy URL is no name for a user). */
  readonly displayUrl?: string;
  /** The camera's media hub feed that `streamUrl` comes from: the decoder waits until it is live and reports its problem. */
  readonly feed?: Pick<StreamFeed, 'ready' | 'problem'>;
  /** Where the decoder's MP4 goes for live viewers; default a broadcast of this camera's own. */
  readonly video?: Mp4Broadcast;
  readonly pool: DetectorPool;
  readonly store: EventStore;
  /** Where each analysed frame's redaction rectangles are kept with the recording; none keeps them in memory only (live.jpg). */
  readonly redactionBoxes?: RedactionBoxStore;
  /** Finds faces in each analysed frame, hidden beside the heads of tracked people; none hides heads only. */
  readonly faces?: FaceDetector;
  readonly bus: Bus;
  /** Absolute data directory; snapshots go to `snapshots/<camera id>/<UTC day>/<event id>.jpg` under it. */
  readonly dataDir: string;
  /** IANA time zone of the arming schedules; default the machine's. */
  readonly timeZone?: string | undefined;
  /** The server-wide object filters, read on every detected frame (the camera's own apply too, the stricter winning). Default none. */
  readonly objectFilters?: () => ObjectFilters;
  /** Whether the recorder of this camera is writing now. Default never. */
  readonly recording?: () => boolean;
  /** Reports a problem that the camera survives (a store write that failed, a snapshot not written). */
  readonly onProblem?: (message: string) => void;
  readonly now?: () => number;
  readonly newId?: () => string;
  readonly ffmpegPath?: string;
  readonly ffprobePath?: string;
  /** Seconds between `update` steps of an open alarm; default 5. */
  readonly updateSeconds?: number;
  /** Seconds of stream time between heat-map writes to the store; default 60. */
  readonly heatFlushSeconds?: number;
  /**
   * Analyse every decoded frame, pausing the decoder while the detector is busy, instead of keeping
   * only the newest; default false (a camera must never lag). For tests and benchmarks that compare
   * the live path with `analyze` frame by frame.
   */
  readonly everyFrame?: boolean;
}

const HEALTH_EVERY_MS = 2000;
/** Redaction boxes are written to the store in chunks of about this many ms of frames. */
const REDACTION_FLUSH_MS = 2000;
/** Analysed frames kept for the redacted live stream, s. */
const RECENT_REDACTION_S = 5;

interface Latest {
  readonly picture: RgbPicture;
  readonly geometry: FitGeometry;
  readonly at: number;
  /** JPEG encodes reading the picture now: its buffer goes back to the pool only when none is and a newer picture replaced it. */
  readers: number;
}

/** A running camera; `start()` once, `stop()` once. */
export class LiveCamera {
  readonly id: string;
  readonly name: string;
  /** The camera's URL as health and errors name it: redacted, never a credential proxy's loopback URL. */
  private readonly displayUrl: string;
  private readonly now: () => number;
  private readonly lifecycle: EventLifecycle;
  /** Event times: one origin per source, so an event never ends before it starts (see stream-clock.ts). */
  private readonly clock = new StreamClock();
  /** Events written and not yet ended, as written: updates and ends are published from here, never read back from the store. */
  private readonly openEvents = new Map<string, NewEvent>();
  private readonly framesIn = new RateWindow(5000);
  private readonly framesAnalysed = new RateWindow(5000);
  private source: FfmpegSource | null = null;
  /** The analysed stream as live MP4 for viewers, from the decoder's own ffmpeg, on the clock of the `tracks` messages. */
  readonly video: Mp4Broadcast;
  private stopped = false;
  private markStopped: () => void = () => undefined;
  /** Resolves when `stop()` is called: ends a wait for the hub. */
  private readonly stopSignal = new Promise<void>((resolve) => {
    this.markStopped = resolve;
  });
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private state: CameraHealth['state'] = 'starting';
  private lastError: string | null = null;
  private reconnects = 0;
  private lastFrameAt: number | null = null;
  private latest: Latest | null = null;
  /** The camera's frame buffers: decoded into, moved to the detector and back, copied into for pictures. */
  private readonly frameBuffers = new BufferPool(6);
  /** The JPEG of the newest analysed frame, once encoded: several events often start on one frame, and live.jpg asks for it too. */
  private encoded: { readonly of: Latest; readonly jpeg: Promise<Buffer> } | null = null;
  private redactionLatest: RedactionBoxFrame | null = null;
  /** The analysed frames of the last few seconds on the stream's own clock (s), for the redacted live stream. */
  private redactionRecent = new RedactionTimeline();
  private readonly redactionPending: RedactionBoxFrame[] = [];
  private lastHealthAt = 0;
  private readonly dayTotals = new DayTotals();
  private readonly objects = new ObjectTally();
  private frameSize: { width: number; height: number } | null = null;

  constructor(private readonly options: LiveCameraOptions) {
    this.id = options.id;
    this.name = options.name;
    this.displayUrl = options.displayUrl ?? redactUrl(options.streamUrl);
    this.now = options.now ?? Date.now;
    this.video = options.video ?? new Mp4Broadcast();
    this.lifecycle = new EventLifecycle(options.newId ?? randomUUID, options.updateSeconds ?? 5);
  }

  /** Starts connecting and analysing in the background. */
  start(): void {
    this.loop ??= this.run().catch((error: unknown) => {
      this.state = 'failed';
      this.lastError = error instanceof Error ? error.message : String(error);
      this.options.onProblem?.(`camera ${this.name} stopped: ${this.lastError}`);
      this.publishHealth(true);
    });
  }

  /** Stops the stream, ends open events and waits for the loop to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.markStopped();
    this.wake?.();
    await this.source?.close();
    await this.loop;
    this.state = 'stopped';
    this.publishHealth(true);
  }

  /** The camera's state for health checks and the UI. */
  health(): CameraHealth {
    const now = this.now();
    // While the hub cannot reach the camera, its problem is the camera's, whatever the decoder last saw.
    const upstream = this.state === 'stopped' || this.state === 'failed' ? null : (this.options.feed?.problem() ?? null);
    return {
      cameraId: this.id,
      cameraName: this.name,
      state: upstream === null ? this.state : 'reconnecting',
      fps: round2(this.framesIn.rate(now)),
      analysedFps: round2(this.framesAnalysed.rate(now)),
      lastFrameAt: this.lastFrameAt,
      lastError: upstream ?? this.lastError,
      reconnects: this.reconnects,
      droppedFrames: this.source?.droppedFrames ?? 0,
      recording: this.options.recording?.() ?? false,
      frameSize: this.frameSize,
    };
  }

  /** The newest analysed frame as a JPEG (letterbox padding cut off), or null before the first frame is analysed. */
  async latestJpeg(): Promise<Buffer | null> {
    const l = this.latest;
    return l ? this.jpegOf(l) : null;
  }

  /** The JPEG of an analysed frame, encoded once however many snapshots and live.jpg requests ask for it. */
  private jpegOf(l: Latest): Promise<Buffer> {
    if (this.encoded?.of !== l) {
      l.readers++;
      const jpeg = encodeJpeg(l.picture, l.geometry.content);
      const done = (): void => {
        l.readers--;
        this.retire(l);
      };
      jpeg.then(done, done);
      this.encoded = { of: l, jpeg };
    }
    return this.encoded.jpeg;
  }

  /** The newest analysed picture becomes `next`; the one before goes back to the pool once no encode reads it. */
  private setLatest(next: Latest): void {
    const before = this.latest;
    this.latest = next;
    if (before !== null && before !== next) this.retire(before);
  }

  /** Gives a picture's buffer back when it is no longer the newest and nothing reads it. */
  private retire(l: Latest): void {
    if (l !== this.latest && l.readers === 0) this.frameBuffers.give(l.picture.data.buffer);
  }

  private async run(): Promise<void> {
    const o = this.options;
    let attempt = 0;
    while (!this.stopped) {
      if (o.feed) await Promise.race([o.feed.ready(), this.stopSignal]);
      if (this.stopped) break;
      let size: { width: number; height: number };
      let rate: number;
      try {
        const info = await probe(o.streamUrl, { timeoutMs: 10_000, ...(o.ffprobePath !== undefined && { ffprobePath: o.ffprobePath }) });
        size = { width: info.width, height: info.height };
        rate = analysedRate(o.config.fps, info.frameRate);
        this.frameSize = size;
      } catch (error) {
        this.state = 'reconnecting';
        this.lastError = cameraProblemInWords(error instanceof Error ? error.message : String(error), this.displayUrl);
        // Every try after the first is a reconnect, whether the stream or the probe before it failed.
        if (attempt > 0 || this.lastFrameAt !== null) this.reconnects++;
        this.publishHealth(true);
        await this.sleep(backoffDelay(attempt++, DEFAULT_BACKOFF, Math.random()));
        continue;
      }
      attempt = 0;
      if ((await this.analyse(size, rate)) === 'detector-failed' && !this.stopped) {
        // The detector failed on frame after frame: pause before reading the stream again, as after a failed probe.
        await this.sleep(backoffDelay(attempt++, DEFAULT_BACKOFF, Math.random()));
      }
    }
    await this.endOpenEvents();
  }

  /**
   * Analyses one source at `fps` (the camera's rate decimated by a whole number, `analysedRate`)
   * until it ends or the camera stops; 'detector-failed' when the detector failed on frame after frame.
   */
  private async analyse(sourceSize: { width: number; height: number }, fps: number): Promise<'ended' | 'detector-failed'> {
    const o = this.options;
    const analytics = o.config.analytics;
    const inputSize = analysisSize(o.pool.traits, analytics.detect, sourceSize);
    let flushedHeat: HeatGrid | null = null;
    let heatFlushedAt = 0;
    const heatEvery = o.heatFlushSeconds ?? 60;
    const decode = { size: inputSize, fit: analytics.detect.fit, fps, timeoutMs: 10_000 };
    const source = new FfmpegSource({
      url: o.streamUrl,
      live: true,
      latestOnly: o.everyFrame !== true,
      // The newest two: a burst of two frames is analysed, not half dropped; the lag stays under one frame.
      latestCount: 2,
      ...decode,
      args: liveDecodeArgs(o.streamUrl, decode),
      ...(o.ffmpegPath !== undefined && { ffmpegPath: o.ffmpegPath }),
      onState: (s) => this.onSourceState(s),
      mp4: this.video,
      buffers: this.frameBuffers,
    });
    this.source = source;
    if (this.stopped) await source.close();
    // When each frame was pulled from the decoder, and its picture, by frame index, until the loop has analysed it.
    const arrivals = new Map<number, number>();
    const pictures = new Map<number, Latest>();
    const loop = new FrameLoop({
      config: analytics,
      pool: o.pool,
      sourceSize,
      analysedFps: fps,
      // One frame at a time: the source keeps only its newest frames while the detector is busy, so the camera never lags.
      maxInFlight: 1,
      ...(o.objectFilters && { objectFilters: o.objectFilters }),
      recycle: (buffer) => this.frameBuffers.give(buffer),
      beforeDetect: (frame) => {
        const receivedAt = this.now();
        arrivals.set(frame.index, receivedAt);
        this.clock.frame(frame.time, receivedAt);
        this.lastFrameAt = receivedAt;
        this.framesIn.add(receivedAt);
        pictures.set(frame.index, { picture: { width: frame.width, height: frame.height, data: this.frameBuffers.copyOf(frame.data) }, geometry: loop.geometry, at: receivedAt, readers: 0 });
      },
      onDetectorError: (_frame, error) => this.problem(`detector failed on a frame: ${error instanceof Error ? error.message : String(error)}`),
    });
    const occupancy = new OccupancyTally();
    const hasZones = analytics.zones.length > 0;
    const dayStart = Math.floor(this.now() / 86_400_000) * 86_400_000;
    const stored = await this.guard("read today's counts", () => o.store.queryLineCounts({ cameraId: this.id, from: dayStart, to: dayStart + 86_400_000, bucket: 'day' }));
    this.dayTotals.load(loop.ruleSet.lines.map((l) => l.name), dayStart, stored ?? []);
    this.clock.restart();
    // A new source starts its stream time again from zero.
    this.redactionRecent = new RedactionTimeline();
    let outcome: 'ended' | 'detector-failed' = 'ended';
    try {
      for await (const r of loop.run(source)) {
        const receivedAt = arrivals.get(r.index) ?? this.now();
        arrivals.delete(r.index);
        // The analysed frame's own picture: snapshots and live.jpg show exactly the frame whose people the boxes hide.
        const picture = pictures.get(r.index) ?? null;
        if (picture !== null) this.setLatest(picture);
        pictures.delete(r.index);
        this.framesAnalysed.add(this.now());
        // Before the events: a snapshot shown right after its event finds the boxes of its frame in the store.
        const faces = await this.facesOf(picture);
        const rects = toUnitRects(frameRects(r.tracks, r.detections, faces), sourceSize);
        this.redactionRecent.add({ time: r.time, boxes: fromUnitRects(rects, { width: 1, height: 1 }) });
        this.redactionRecent.dropBefore(r.time - RECENT_REDACTION_S);
        await this.keepRedaction({ time: Math.round(this.clock.epochOf(r.time, receivedAt)), rects }, r.events.length > 0);
        await this.handleEvents(r.time, receivedAt, r.tracks, r.events, this.lifecycle.step(r.time, r.events, r.occupancy));
        if (hasZones) {
          const at = Math.round(this.clock.epochOf(r.time, receivedAt));
          occupancy.frame(at, r.occupancy);
          await this.storeOccupancy(occupancy.drain(at));
        }
        const counts = this.objects.update(r.tracks.filter((tr) => tr.observed).map((tr) => tr.class));
        if (counts) o.bus.publish('objects', { cameraId: this.id, cameraName: this.name, counts, frameTime: receivedAt });
        this.publishTracks(r.tracks, sourceSize, receivedAt, r.time);
        if (r.time - heatFlushedAt >= heatEvery) {
          const grid = loop.heat;
          await this.flushHeat(grid, flushedHeat, receivedAt);
          flushedHeat = grid;
          heatFlushedAt = r.time;
        }
        this.publishHealth(false);
        if (this.stopped) break;
      }
    } catch (error) {
      if (!(error instanceof SightlineError && error.code === 'DETECTOR_FAILED')) throw error;
      // The detector keeps failing: end this source's analysis; run() reads the stream again after a pause.
      this.problem(error.message);
      await source.close();
      outcome = 'detector-failed';
    } finally {
      // The end of this source: zone exits of the tracks still inside, open alarms ended, at its last frame.
      const end = loop.finish();
      if (end.events.length > 0) await this.handleEvents(end.time, this.now(), [], end.events, this.lifecycle.step(end.time, end.events, {}));
      await this.flushHeat(loop.heat, flushedHeat, this.now());
      await this.keepRedaction(null, true);
      // Occupancy never carries across sources: the next one starts from the tracks it sees.
      await this.storeOccupancy(occupancy.drain());
    }
    return outcome;
  }

  private async storeOccupancy(rows: ReturnType<OccupancyTally['drain']>): Promise<void> {
    if (rows.length > 0) await this.guard('store the zone occupancy', () => this.options.store.addZoneOccupancy(this.id, rows));
  }

  private async handleEvents(time: number, receivedAt: number, tracks: readonly Track[], ruleEvents: readonly RuleEvent[], steps: readonly LifecycleStep[]): Promise<void> {
    const o = this.options;
    // The store takes the stream's origin in whole ms; crossing and exit times are stream seconds on it.
    const origin = (): number => Math.round(this.clock.epochOf(0, receivedAt - time * 1000));
    const crossings = ruleEvents.filter((e) => e.type === 'line_crossing');
    if (crossings.length > 0) {
      await this.guard('store line counts', () => o.store.addLineCrossings(this.id, origin(), crossings));
      for (const c of this.dayTotals.add(crossings, receivedAt)) o.bus.publish('count', { cameraId: this.id, cameraName: this.name, ...c, frameTime: receivedAt });
    }
    // Each exit's dwell joins the zone's per-minute histogram (no track id), a part of the zones analytic.
    const exits = ruleEvents.filter((e) => e.type === 'zone_exit');
    if (exits.length > 0 && allowedAnalytics(o.config.purpose.allows, o.config.analytics).includes('zones')) {
      await this.guard('store the zone dwell', () => o.store.addZoneExits(this.id, origin(), exits));
    }
    for (const s of steps) {
      const epoch = this.clock.epochOf(s.event.time, receivedAt);
      if (s.kind === 'new') {
        const snapshotPath = o.config.snapshots ? await this.saveSnapshot(s.id, epoch) : null;
        const startTime = Math.round(epoch);
        const newEvent: NewEvent = {
          id: s.id,
          cameraId: this.id,
          type: s.event.type,
          rule: s.event.rule,
          trackId: s.event.trackId,
          class: s.event.class,
          startTime,
          endTime: s.instant ? startTime : null,
          frame: s.event.frame,
          direction: s.event.direction ?? null,
          data: eventData(s.event, tracks, Math.round(this.clock.epochOf(time, receivedAt))),
          snapshotPath,
          recording: o.config.record.mode === 'off' ? null : `${this.id}@${startTime}`,
        };
        const written = await this.guard('store an event', () => o.store.appendEvents([newEvent]));
        if (written) this.openEvents.set(s.id, newEvent);
        this.publishEvent('new', newEvent, receivedAt);
      } else if (s.kind === 'update') {
        const open = this.openEvents.get(s.id);
        if (open) this.publishEvent('update', { ...open, data: { ...open.data, seconds: round2(s.seconds), ...(s.count !== null && { count: s.count }) } }, receivedAt);
      } else {
        const open = this.openEvents.get(s.id);
        this.openEvents.delete(s.id);
        if (DURATION_TYPES.has(s.event.type)) {
          // The end is the last sighting's stream time on the clock's current origin; after a
          // reconnect that origin may sit a few hundred ms earlier than when the event started, so
          // an end is never put before its start (the store would refuse it and the alarm stay on).
          const endTime = Math.max(Math.round(epoch), open?.startTime ?? -Infinity);
          const ended = await this.guard('end an event', () => o.store.endEvent(s.id, endTime));
          if (ended && open) this.publishEvent('end', { ...open, endTime, data: { ...open.data, seconds: round2(s.seconds) } }, receivedAt);
        } else if (open) {
          this.publishEvent('end', open, receivedAt);
        }
      }
    }
  }

  private publishEvent(kind: 'new' | 'update' | 'end', e: NewEvent, frameTime: number): void {
    const armed = isArmedAt(this.options.config.arming[e.rule] ?? [], e.startTime, this.options.timeZone);
    const body: LiveEventBody = {
      id: e.id,
      cameraId: this.id,
      cameraName: this.name,
      type: e.type,
      rule: e.rule,
      trackId: e.trackId ?? null,
      class: e.class,
      startTime: e.startTime,
      endTime: e.endTime ?? null,
      direction: e.direction ?? null,
      data: e.data ?? {},
      snapshotPath: e.snapshotPath ?? null,
      recording: e.recording ?? null,
      armed,
    };
    this.options.bus.publish('event', { kind, event: body, frameTime });
  }

  /**
   * The rectangles (fractions of the picture) hiding the people at stream time `t` (s, the clock of
   * the live MP4): the analysed frames around it, carried and grown; null when none is near.
   */
  redactionAt(t: number): UnitRect[] | null {
    return this.redactionRecent.boxesAt(t)?.map((b) => [b.x, b.y, b.w, b.h] as const) ?? null;
  }

  /** The newest analysed frame's redaction rectangles (fractions of the picture), or null before the first. */
  latestRedaction(): RedactionBoxFrame | null {
    return this.redactionLatest;
  }

  /** The faces the face detector finds in an analysed frame's picture, in source pixels; none without a detector or when it fails. */
  private async facesOf(latest: Latest | null): Promise<Box[]> {
    const detector = this.options.faces;
    if (!detector || latest === null) return [];
    const found = await this.guard('find the faces of a frame', () => detector.detect(latest.picture));
    return (found ?? []).map((f) => toSourceBox(latest.geometry, f.box));
  }

  /** Keeps a frame's redaction rectangles (null: none, just flush) and writes them to the store every couple of seconds, or at once with `flush`. */
  private async keepRedaction(frame: RedactionBoxFrame | null, flush: boolean): Promise<void> {
    if (frame !== null) {
      this.redactionLatest = frame;
      const last = this.redactionPending.at(-1);
      // The stream clock may step back a little when it re-syncs; the store takes frames in order.
      if (last === undefined || frame.time >= last.time) this.redactionPending.push(frame);
    }
    const store = this.options.redactionBoxes;
    const first = this.redactionPending[0];
    if (store === undefined || first === undefined) return;
    if (!flush && this.redactionPending.at(-1)!.time - first.time < REDACTION_FLUSH_MS) return;
    const frames = this.redactionPending.splice(0);
    await this.guard('store the redaction boxes', async () => store.append(this.id, frames));
  }

  private async saveSnapshot(eventId: string, epoch: number): Promise<string | null> {
    const l = this.latest;
    if (!l) return null;
    const day = new Date(epoch).toISOString().slice(0, 10);
    const rel = join('snapshots', this.id, day, `${eventId}.jpg`);
    const file = join(this.options.dataDir, rel);
    try {
      const jpeg = await this.jpegOf(l);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, jpeg);
      return rel;
    } catch (error) {
      this.problem(`snapshot ${rel} not written: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    }
  }

  private publishTracks(tracks: readonly Track[], size: { width: number; height: number }, at: number, streamTime: number): void {
    const boxes = tracks.map((tr) => ({ id: tr.id, class: tr.class, box: [round2(tr.box.x), round2(tr.box.y), round2(tr.box.w), round2(tr.box.h)] as const, observed: tr.observed }));
    this.options.bus.publish('tracks', { cameraId: this.id, cameraName: this.name, frameTime: at, streamTime, width: size.width, height: size.height, tracks: boxes });
  }

  /** Stores the heat added since `flushed`, when the camera's purpose allows a heat map (otherwise it never leaves memory). */
  private async flushHeat(grid: HeatGrid, flushed: HeatGrid | null, at: number): Promise<void> {
    const config = this.options.config;
    if (!allowedAnalytics(config.purpose.allows, config.analytics).includes('heatmap')) return;
    const added = heatSince(grid, flushed);
    if (added) await this.guard('store the heat map', () => this.options.store.mergeHeatGrid(this.id, at, added));
  }

  private async endOpenEvents(): Promise<void> {
    // On the events' own clock: the newest frame's time, never before an open event's start.
    const at = Math.round(this.clock.latest(this.now()));
    for (const s of this.lifecycle.closeAll(0)) {
      const open = this.openEvents.get(s.id);
      this.openEvents.delete(s.id);
      const ended = await this.guard('end an event', () => this.options.store.endEvent(s.id, at));
      if (ended && open) this.publishEvent('end', { ...open, endTime: at }, at);
    }
  }

  private onSourceState(s: SourceState): void {
    if (s.kind === 'connected') {
      this.state = 'connected';
    } else if (s.kind === 'disconnected') {
      this.state = 'reconnecting';
      this.lastError = cameraProblemInWords(s.reason, this.displayUrl);
    } else if (s.kind === 'retrying') {
      this.state = 'reconnecting';
      this.reconnects++;
    }
    this.publishHealth(true);
  }

  private publishHealth(force: boolean): void {
    const now = this.now();
    if (!force && now - this.lastHealthAt < HEALTH_EVERY_MS) return;
    this.lastHealthAt = now;
    this.options.bus.publish('health', this.health());
  }

  private async guard<T>(what: string, action: () => Promise<T>): Promise<T | null> {
    try {
      return await action();
    } catch (error) {
      // The cause is internal (a database error): the log gets it, the health a message a user can act on.
      this.options.onProblem?.(`camera ${this.name}: could not ${what}: ${error instanceof Error ? error.message : String(error)}`);
      this.lastError = `could not ${what}; the server log has the details`;
      return null;
    }
  }

  private problem(message: string): void {
    this.lastError = message;
    this.options.onProblem?.(`camera ${this.name}: ${message}`);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
    });
  }
}

/**
 * The data of a new event: its count and seconds, and its track's box (pixels of the analysed
 * stream) with `boxTime`, the epoch ms of the frame `at` the box is from: a line crossing is
 * confirmed some observations after the step that crossed, so its box is later than its start.
 */
function eventData(e: RuleEvent, tracks: readonly Track[], at: number): JsonObject {
  const track = e.trackId === null ? undefined : tracks.find((t) => t.id === e.trackId);
  return {
    ...(e.count !== undefined && { count: e.count }),
    ...(e.seconds !== undefined && { seconds: round2(e.seconds) }),
    ...(track && { box: [track.box.x, track.box.y, track.box.w, track.box.h].map(round2), boxTime: at }),
  };
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}
