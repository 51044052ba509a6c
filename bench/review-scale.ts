/// <reference lib="dom" />
/**
 * `npm run bench:review` (part of `npm run bench`): review and recordings at scale (issue 13). A real
 * server's data directory gets 30 days of continuous 10-s segments indexed for 4 cameras
 * (1,036,800 rows, ending now; only the last 10 minutes of each camera are real files, cut from the
 * demo clip) and 100,000 events over the same 30 days (with their line counts); then the real
 * server runs over it and Debian's Chromium, signed in as the owner, measures: the first contentful
 * paint and the time to the main content of every page of the app; the day timeline of the
 * Recordings page (from the action that asked for it to its `sightline:timeline-rendered` mark);
 * from a click on the timeline to moving video; and the jump to a minute (type it, press Enter).
 * Writes the "Review at scale" section of BENCHMARKS.md and prints the figures.
 *
 * `node --import tsx bench/review-scale.ts [--keep] [--data <dir>]`: `--keep` leaves the generated
 * data directory in place (its path is printed); `--data` reuses one made by an earlier run.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { Agent, request as httpsRequest } from 'node:https';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { serverConfigSchema } from '../src/config/schema/server.ts';
import type { RuleEvent } from '../src/core/rules/types.ts';
import { RetentionRunner } from '../src/record/retention-runner.ts';
import type { SegmentIndex } from '../src/store/segment-index.ts';
import { segmentPath } from '../src/record/segment-paths.ts';
import { startServer, type RunningServer } from '../src/server/server.ts';
import { DEMO_CLIP } from '../src/server/demo.ts';
import { databasePath, openDatabase } from '../src/store/database.ts';
import type { NewEvent } from '../src/store/event-store.ts';
import { SqliteEventStore } from '../src/store/sqlite-event-store.ts';
import { SqliteSegmentIndex } from '../src/store/sqlite-segment-index.ts';
import { CHROMIUM } from '../test/fixtures/browser.ts';
import { call, setupOwner, signIn } from '../test/fixtures/https.ts';
import { writeSection } from './sections.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const DAY_MS = 86_400_000;
const DAYS = 30;
const CAMERAS = 4;
const SEGMENT_MS = 10_000;
const REAL_MS = 10 * 60_000;
const EVENTS = 100_000;
const OWNER = { name: 'owner', password: 'tr0mbone-kettle-sunrise-scale' };
const HASH = { memoryCost: 1024, timeCost: 1, parallelism: 1 };
const TARGET = { paintMs: 1000, timelineMs: 300, playMs: 1000 };
const log = (msg: string): void => void process.stderr.write(`[bench:review] ${msg}\n`);

function arg(name: string): string | null {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] ?? null) : null;
}

/** A small deterministic generator (mulberry32), so every run indexes the same events. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const ms = (x: number): string => (Number.isFinite(x) ? `${Math.round(x)} ms` : '—');
const verdict = (x: number, target: number): string => (Number.isFinite(x) && x < target ? 'pass' : 'MISSED');

/** The server configuration of the bench: 4 cameras recording continuously (disabled, so nothing new is recorded meanwhile), limits that keep 30 days. */
function benchConfig(): ReturnType<typeof serverConfigSchema.parse> {
  return serverConfigSchema.parse({
    server: { port: 0 },
    detect: { workers: 1 },
    recording: { segmentSeconds: SEGMENT_MS / 1000, maxDiskGb: 1_000_000, minFreeGb: 0 },
    retention: { videoHours: (DAYS + 2) * 24, eventDays: DAYS + 2 },
    cameras: Array.from({ length: CAMERAS }, (_, i) => ({ name: `cam${i + 1}`, url: `rtsp://127.0.0.1:9/cam${i + 1}`, enabled: false, record: { mode: 'continuous' } })),
  });
}

async function start(dataDir: string): Promise<{ server: RunningServer; startMs: number }> {
  const t0 = performance.now();
  const server = await startServer({ config: benchConfig(), dataDir, hashParams: HASH, httpLog: false, log: (level, m) => level !== 'info' && log(`server ${level}: ${m}`) });
  return { server, startMs: performance.now() - t0 };
}

/** 10-s MPEG-TS segments cut from the demo clip, with their measured durations. */
function cutSegments(dir: string): { file: string; durationMs: number; bytes: number }[] {
  mkdirSync(dir, { recursive: true });
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', DEMO_CLIP, '-map', '0:v:0', '-c', 'copy', '-f', 'segment', '-segment_time', '10', '-segment_format', 'mpegts', '-reset_timestamps', '1', path.join(dir, '%03d.ts')]);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .sort()
    .map((f) => {
      const file = path.join(dir, f);
      const d = Number(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file], { encoding: 'utf8' }).trim());
      return { file, durationMs: Math.round(d * 1000), bytes: statSync(file).size };
    })
    .filter((s) => s.durationMs > 0);
}

interface Generated {
  readonly cameraIds: readonly string[];
  readonly segments: number;
  readonly realFiles: number;
  readonly segmentInsertMs: number;
  readonly events: number;
  readonly eventInsertMs: number;
  readonly dbBytes: number;
  readonly endMs: number;
}

/** Builds the data directory: the owner through a first start of the server, then the rows, in one transaction each. */
async function generate(dataDir: string, work: string): Promise<Generated> {
  const first = await start(dataDir);
  await setupOwner(first.server, OWNER.name, OWNER.password);
  const cameraIds = (await first.server.cameras.list()).map((c) => c.id).sort();
  await first.server.close();
  const cuts = cutSegments(path.join(work, 'cuts'));
  if (cuts.length === 0) throw new Error('ffmpeg cut no segments from the demo clip');
  log(`cut ${cuts.length} segments: ${cuts.map((c) => `${c.durationMs} ms / ${c.bytes} B`).join(', ')}`);
  const meanBytes = Math.round(cuts.reduce((n, c) => n + c.bytes, 0) / cuts.length);
  const db = openDatabase(databasePath(dataDir));
  const index = new SqliteSegmentIndex(db);
  const store = new SqliteEventStore(db);
  const endMs = Math.floor(Date.now() / SEGMENT_MS) * SEGMENT_MS;
  const fromMs = endMs - DAYS * DAY_MS;
  const slots = (endMs - fromMs) / SEGMENT_MS;
  let realFiles = 0;
  const t0 = performance.now();
  db.transaction(() => {
    for (const cameraId of cameraIds) {
      for (let i = 0; i < slots; i++) {
        const startTime = fromMs + i * SEGMENT_MS;
        const relative = segmentPath(cameraId, startTime);
        if (startTime >= endMs - REAL_MS) {
          const cut = cuts[realFiles % cuts.length]!;
          const target = path.join(dataDir, relative);
          mkdirSync(path.dirname(target), { recursive: true });
          copyFileSync(cut.file, target);
          realFiles += 1;
          index.add({ cameraId, path: relative, startTime, endTime: startTime + Math.min(cut.durationMs, SEGMENT_MS), bytes: cut.bytes });
        } else {
          index.add({ cameraId, path: relative, startTime, endTime: startTime + SEGMENT_MS, bytes: meanBytes });
        }
      }
    }
  })();
  const segmentInsertMs = performance.now() - t0;
  const segments = index.totals().segments;
  log(`indexed ${segments} segments (${realFiles} real files) in ${ms(segmentInsertMs)}`);

  const rnd = random(13);
  const events: NewEvent[] = [];
  const crossings = new Map<string, RuleEvent[]>();
  const types = ['line_crossing', 'zone_enter', 'zone_exit', 'intrusion', 'loitering'] as const;
  for (let i = 0; i < EVENTS; i++) {
    const cameraId = cameraIds[i % cameraIds.length]!;
    const type = types[Math.floor(rnd() * types.length)]!;
    const startTime = fromMs + Math.floor(rnd() * (endMs - fromMs - 120_000));
    const trackId = 1 + Math.floor(i / 3);
    const cls = rnd() < 0.8 ? 'person' : 'car';
    const frame = 1 + Math.floor((startTime - fromMs) / 200);
    const base = { id: `scale-${i}`, cameraId, type, trackId, class: cls, startTime, frame } as const;
    if (type === 'line_crossing') {
      const direction = rnd() < 0.5 ? 'in' : 'out';
      events.push({ ...base, rule: 'door', direction });
      const list = crossings.get(cameraId) ?? [];
      list.push({ type, rule: 'door', trackId, class: cls, frame, time: startTime / 1000, direction });
      crossings.set(cameraId, list);
    } else if (type === 'zone_enter' || type === 'zone_exit') {
      events.push({ ...base, rule: 'yard', ...(type === 'zone_exit' && { data: { seconds: Math.round(rnd() * 60) } }) });
    } else {
      const seconds = 5 + Math.round(rnd() * 90);
      events.push({ ...base, rule: type === 'intrusion' ? 'fence' : 'gate', endTime: startTime + seconds * 1000, data: { seconds } });
    }
  }
  const t1 = performance.now();
  const appended = await store.appendEvents(events);
  for (const [cameraId, list] of crossings) await store.addLineCrossings(cameraId, 0, list);
  const eventInsertMs = performance.now() - t1;
  log(`appended ${appended.inserted} events (and their line counts) in ${ms(eventInsertMs)}`);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return { cameraIds, segments, realFiles, segmentInsertMs, events: appended.inserted, eventInsertMs, dbBytes: statSync(databasePath(dataDir)).size, endMs };
}

/** How long one retention run takes over this index, and how many rows it reads: the server's own RetentionRunner with the bench's limits (nothing is old enough to go), beside the server over the same file. */
async function retentionCost(dataDir: string): Promise<{ runMs: number[]; rowsRead: number; segments: number }> {
  const db = openDatabase(databasePath(dataDir));
  try {
    const rows = new SqliteSegmentIndex(db);
    let rowsRead = 0;
    const counted = <T extends unknown[]>(list: T): T => ((rowsRead += list.length), list);
    const index: SegmentIndex = new Proxy(rows, {
      get: (target, key) => {
        const value = Reflect.get(target, key) as unknown;
        return typeof value === 'function' ? (...args: unknown[]) => { const out = (value as (...a: unknown[]) => unknown).apply(target, args); return Array.isArray(out) ? counted(out) : out; } : value;
      },
    });
    const config = benchConfig();
    const runner = new RetentionRunner({ dataDir, index, limits: { videoHours: config.retention.videoHours, maxDiskGb: config.recording.maxDiskGb, minFreeGb: 0 } });
    const runMs: number[] = [];
    for (let i = 0; i < 3; i++) {
      rowsRead = 0;
      const t0 = performance.now();
      await runner.runNow();
      runMs.push(performance.now() - t0);
    }
    return { runMs, rowsRead, segments: rows.totals().segments };
  } finally {
    db.close();
  }
}

/** The end of the newest segment of the index, epoch ms. */
async function latestEnd(dataDir: string): Promise<number> {
  const db = openDatabase(databasePath(dataDir), { readonly: true });
  try {
    const index = new SqliteSegmentIndex(db);
    const cameras = await new SqliteEventStore(db).listCameras();
    return Math.max(...cameras.map((c) => index.latest(c.id)?.endTime ?? 0));
  } finally {
    db.close();
  }
}

function segmentCount(dataDir: string): number {
  const db = openDatabase(databasePath(dataDir), { readonly: true });
  try {
    return new SqliteSegmentIndex(db).totals().segments;
  } finally {
    db.close();
  }
}

/** The routes of every page of the app in navigation order: the PAGES list of web/src/pages/index.ts, each entry's `path` read from its file. */
function pageRoutes(): string[] {
  const dir = path.join(ROOT, 'web', 'src', 'pages');
  const index = readFileSync(path.join(dir, 'index.ts'), 'utf8');
  const files = new Map([...index.matchAll(/import \{ (\w+) \} from '\.\/([\w-]+\.tsx)'/g)].map((m) => [m[1]!, m[2]!]));
  const list = /PAGES[^=]*= \[([^\]]*)\]/.exec(index)?.[1] ?? '';
  return list
    .split(',')
    .map((name) => files.get(name.trim()))
    .filter((f): f is string => f !== undefined)
    .map((f) => /PageEntry = \{\s*path: '([^']+)'/.exec(readFileSync(path.join(dir, f), 'utf8'))?.[1])
    .filter((r): r is string => r !== undefined);
}

/**
 * Whether the page's main content is there (its h1, and the data it loads), evaluated in the page on
 * each animation frame; the first time it is, the time is kept in `window.__readyAt`. Review: its
 * item list; Counting: the chosen camera's counts; Recordings: a drawn timeline and its video.
 * (No named functions inside: the TypeScript loader would wrap them in a helper the page lacks.)
 */
const contentReady = (name: string): boolean => {
  const main = document.querySelector('main') ?? document.body;
  let ready: boolean;
  if (name === 'review') ready = /^\d+ items?/.test(document.querySelector('.review-list p.muted')?.textContent ?? '') && document.querySelector('.review-list li') !== null;
  else if (name === 'counts') ready = document.querySelector('.counts h1') !== null && (document.querySelector('.counts h2') !== null || document.querySelector('.counts .error') !== null);
  else if (name === 'recordings') ready = performance.getEntriesByName('sightline:timeline-rendered').length > 0 && document.querySelector('video[aria-label^="Recording of"]') !== null;
  else ready = main.querySelector('h1') !== null && !/Loading…/.test(main.textContent ?? '');
  const w = window as unknown as { __readyAt?: number };
  if (ready) w.__readyAt ??= performance.now();
  return ready;
};

interface PageLoad {
  readonly fcp: number;
  readonly ready: number;
}

/** Loads `#/<route>` in a new page (a new navigation) and reads its first contentful paint and the time its main content appeared, both from the navigation's start. */
async function loadPage(ctx: BrowserContext, url: string, route: string, query = ''): Promise<PageLoad> {
  const page = await ctx.newPage();
  try {
    const name = route.split('/')[0]!;
    await page.goto(`${url}/#/${route}${query}`, { waitUntil: 'commit' });
    await page.waitForFunction(contentReady, name, { polling: 'raf', timeout: 30_000 });
    await page.waitForFunction(() => performance.getEntriesByName('first-contentful-paint').length > 0, undefined, { timeout: 10_000 });
    return await page.evaluate(() => ({
      fcp: performance.getEntriesByName('first-contentful-paint')[0]!.startTime,
      ready: (window as unknown as { __readyAt: number }).__readyAt,
    }));
  } finally {
    await page.close();
  }
}

interface PageFigures {
  readonly route: string;
  readonly coldFcp: number;
  readonly coldReady: number;
  readonly warmFcp: number;
  readonly warmReady: number;
}

async function measurePages(browser: Browser, url: string, state: Awaited<ReturnType<BrowserContext['storageState']>>, routes: readonly string[], cameraId: string): Promise<PageFigures[]> {
  const out: PageFigures[] = [];
  const warm = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 1000 }, storageState: state });
  try {
    // One load first, so the warm figures have the app's files in the cache.
    await loadPage(warm, url, 'live');
    for (const route of routes) {
      const query = route === 'recordings' ? `?camera=${cameraId}&t=${Date.now() - 5 * 60_000}` : '';
      const cold = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 1000 }, storageState: state });
      let c: PageLoad;
      try {
        c = await loadPage(cold, url, route, query);
      } finally {
        await cold.close();
      }
      const w: PageLoad[] = [];
      for (let i = 0; i < 3; i++) w.push(await loadPage(warm, url, route, query));
      const f = { route, coldFcp: c.fcp, coldReady: c.ready, warmFcp: median(w.map((x) => x.fcp)), warmReady: median(w.map((x) => x.ready)) };
      log(`#/${route}: cold FCP ${ms(f.coldFcp)}, content ${ms(f.coldReady)}; warm FCP ${ms(f.warmFcp)}, content ${ms(f.warmReady)}`);
      out.push(f);
    }
  } finally {
    await warm.close();
  }
  return out;
}

/** What the page saw after one user action: when it happened, when the asked-for timeline was drawn, when the video moved, and where the playhead was then. */
interface Watched {
  readonly act: number;
  readonly rendered: number | null;
  readonly moving: number | null;
  readonly playhead: number | null;
  readonly from: number | null;
  readonly to: number | null;
}

/**
 * Arms the page to time the next `kind` event (pointerdown, keydown, change): after it, the first
 * `sightline:timeline-rendered` mark whose range spans `span` ms, and the moment the video's
 * currentTime has advanced 0.1 s past where it was when `playing` (or `seeked`) fired. The video is
 * paused first, so the action must start it.
 */
async function arm(page: Page, kind: string, span: number): Promise<void> {
  await page.evaluate(
    ([k, sp]) => {
      const w = window as unknown as Record<string, unknown>;
      w.__watch = { act: null, rendered: null, moving: null, start: null, c0: 0, span: sp };
      for (const v of document.querySelectorAll('video')) v.pause();
      document.addEventListener(
        k,
        (e) => {
          const st = w.__watch as Record<string, unknown>;
          if (st.act === null) st.act = e.timeStamp;
        },
        { capture: true, once: true },
      );
      for (const ev of ['playing', 'seeked']) {
        document.addEventListener(
          ev,
          (e) => {
            const st = w.__watch as Record<string, unknown>;
            if (st.act === null || st.start !== null || !(e.target instanceof HTMLVideoElement)) return;
            st.start = e.target;
            st.c0 = e.target.currentTime;
          },
          true,
        );
      }
      new PerformanceObserver((list) => {
        const st = w.__watch as Record<string, unknown>;
        for (const m of list.getEntries()) {
          const d = (m as PerformanceMark).detail as { from: number; to: number } | null;
          if (st.act !== null && st.rendered === null && d !== null && d.to - d.from === st.span && m.startTime >= (st.act as number)) st.rendered = m.startTime;
        }
      }).observe({ type: 'mark' });
      const timer = setInterval(() => {
        const st = w.__watch as Record<string, unknown>;
        const v = st.start as HTMLVideoElement | null;
        if (v !== null && st.moving === null && !v.paused && v.currentTime >= (st.c0 as number) + 0.1) st.moving = performance.now();
        if (st.moving !== null || w.__watch !== st) clearInterval(timer);
      }, 4);
    },
    [kind, span] as const,
  );
}

/** Waits (with a deadline) for what `arm` watches: the timeline, and the moving video when `video`. */
async function watched(page: Page, video: boolean): Promise<Watched> {
  await page.waitForFunction(
    (v) => {
      const st = (window as unknown as { __watch: { act: number | null; rendered: number | null; moving: number | null } }).__watch;
      return st.act !== null && st.rendered !== null && (!v || st.moving !== null);
    },
    video,
    { timeout: 20_000, polling: 50 },
  );
  return page.evaluate(() => {
    const st = (window as unknown as { __watch: { act: number; rendered: number | null; moving: number | null } }).__watch;
    const ph = Number(document.querySelector('[data-playhead]')?.getAttribute('data-playhead'));
    const track = document.querySelector('[data-timeline-track]');
    return { act: st.act, rendered: st.rendered, moving: st.moving, playhead: ph > 0 ? ph : null, from: Number(track?.getAttribute('data-from')) || null, to: Number(track?.getAttribute('data-to')) || null };
  });
}

interface RecordingFigures {
  /** Fresh navigations to a day's timeline: navigation start to the mark. */
  readonly dayNav: readonly number[];
  /** Zoom to a day (the Span select): change to the mark. */
  readonly dayZoom: readonly number[];
  /** Click on the day timeline (last 10 minutes) to moving video, and how far the playhead was from the time clicked. */
  readonly click: readonly { readonly ms: number; readonly offByMs: number }[];
  /** Type a minute, Enter: Enter to moving video; the timeline's centre and the playhead against the minute. */
  readonly jump: readonly { readonly ms: number; readonly timelineMs: number; readonly centreOffMs: number; readonly playheadOffMs: number }[];
}

async function measureRecordings(browser: Browser, url: string, state: Awaited<ReturnType<BrowserContext['storageState']>>, cameraId: string, endMs: number): Promise<RecordingFigures> {
  const ctx = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 1000 }, storageState: state });
  const dayNav: number[] = [];
  const dayZoom: number[] = [];
  const click: { ms: number; offByMs: number }[] = [];
  const jump: { ms: number; timelineMs: number; centreOffMs: number; playheadOffMs: number }[] = [];
  try {
    // A day's timeline by navigation, on days spread over the month (each a new page).
    for (const daysAgo of [1, 4, 9, 16, 23, 29, 0]) {
      const t = endMs - daysAgo * DAY_MS - 5 * 60_000;
      const page = await ctx.newPage();
      await page.goto(`${url}/#/recordings?camera=${cameraId}&t=${t}`, { waitUntil: 'commit' });
      await page.waitForFunction(
        (dayMs) => performance.getEntriesByName('sightline:timeline-rendered').some((m) => { const d = (m as PerformanceMark).detail as { from: number; to: number } | null; return d !== null && d.to - d.from === dayMs; }),
        DAY_MS,
        { timeout: 20_000, polling: 'raf' },
      );
      dayNav.push(await page.evaluate((dayMs) => performance.getEntriesByName('sightline:timeline-rendered').find((m) => { const d = (m as PerformanceMark).detail as { from: number; to: number } | null; return d !== null && d.to - d.from === dayMs; })!.startTime, DAY_MS));
      if (daysAgo !== 0) {
        await page.close();
        continue;
      }
      // Today's timeline: clicks inside the last 10 minutes (real files), each to moving video.
      const track = page.locator('[data-timeline-track]').first();
      await page.locator('video[aria-label^="Recording of"]').first().waitFor({ timeout: 10_000 });
      for (const minutesAgo of [8, 6, 4, 2]) {
        const box = (await track.boundingBox())!;
        const from = Number(await track.getAttribute('data-from'));
        const to = Number(await track.getAttribute('data-to'));
        const x = Math.round(((endMs - minutesAgo * 60_000 - from) / (to - from)) * box.width);
        const time = from + (x / box.width) * (to - from);
        await arm(page, 'pointerdown', to - from);
        await page.mouse.click(box.x + x, box.y + box.height / 2);
        // A click asks for no new timeline: count it drawn.
        await page.evaluate(() => { const st = (window as unknown as { __watch: { rendered: number | null } }).__watch; st.rendered ??= 0; });
        const w = await watched(page, true);
        click.push({ ms: w.moving! - w.act, offByMs: w.playhead === null ? NaN : w.playhead - time });
        log(`click ${minutesAgo} min ago: moving video after ${ms(w.moving! - w.act)}, playhead ${w.playhead === null ? 'absent' : `${((w.playhead - time) / 1000).toFixed(1)} s from the time clicked`}`);
      }
      // The jump: type a minute, press Enter (two actions); the minutes in the last 10 (real files).
      const input = page.getByLabel('Go to date and time');
      for (const minutesAgo of [7, 3]) {
        const minute = Math.floor((endMs - minutesAgo * 60_000) / 60_000) * 60_000;
        const local = await page.evaluate((m) => { const d = new Date(m); return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}T${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`; }, minute);
        await input.fill(local);
        await arm(page, 'keydown', 3_600_000);
        await input.press('Enter');
        const w = await watched(page, true);
        const centre = w.from !== null && w.to !== null ? (w.from + w.to) / 2 : NaN;
        jump.push({ ms: w.moving! - w.act, timelineMs: w.rendered! - w.act, centreOffMs: centre - minute, playheadOffMs: w.playhead === null ? NaN : w.playhead - minute });
        log(`jump to ${local}: timeline after ${ms(w.rendered! - w.act)}, moving video after ${ms(w.moving! - w.act)}; centre ${((centre - minute) / 1000).toFixed(1)} s, playhead ${w.playhead === null ? 'absent' : `${((w.playhead - minute) / 1000).toFixed(1)} s`} from the minute`);
        // Back to a day: the zoom (Span) asks for a day's timeline.
        await arm(page, 'change', DAY_MS);
        await page.getByLabel('Span').selectOption(String(DAY_MS));
        const z = await watched(page, false);
        dayZoom.push(z.rendered! - z.act);
      }
      await page.close();
    }
  } finally {
    await ctx.close();
  }
  return { dayNav, dayZoom, click, jump };
}

/** Milliseconds from sending a GET to the first byte of its body (the request is then dropped). */
function firstByte(server: RunningServer, url: string, headers: Record<string, string>): Promise<{ status: number; ms: number }> {
  const agent = new Agent({ ca: server.tls.cert, servername: 'localhost' });
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = httpsRequest(new URL(url, server.url), { agent, headers }, (res) => {
      res.once('data', () => {
        resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0 });
        req.destroy();
      });
      res.once('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0 }));
    });
    req.on('error', (e) => (req.destroyed ? undefined : reject(e)));
    req.end();
  });
}

/** The server side of the Recordings page, through its API: a day's timeline (answer time), and the playback stream's first byte from a moment of the last 10 minutes. */
async function measureApi(server: RunningServer, auth: Record<string, string>, cameraId: string, endMs: number): Promise<{ timeline: number[]; playback: number[] }> {
  const timeline: number[] = [];
  for (const daysAgo of [2, 7, 13, 19, 26]) {
    const from = endMs - daysAgo * DAY_MS;
    const t0 = performance.now();
    const a = await call(server, 'GET', `/api/cameras/${cameraId}/timeline?from=${from}&to=${from + DAY_MS}`, auth);
    if (a.status !== 200) throw new Error(`timeline answered ${a.status}: ${a.body.toString().slice(0, 200)}`);
    timeline.push(performance.now() - t0);
  }
  const playback: number[] = [];
  for (const minutesAgo of [9, 5, 1]) {
    const from = endMs - minutesAgo * 60_000;
    const r = await firstByte(server, `/api/cameras/${cameraId}/playback.mp4?from=${from}&to=${from + 3_600_000}`, auth);
    if (r.status !== 200) throw new Error(`playback answered ${r.status}`);
    playback.push(r.ms);
  }
  return { timeline, playback };
}

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) throw new Error(`no ${CHROMIUM}`);
  if (!existsSync(path.join(ROOT, 'web', 'dist', 'index.html'))) throw new Error('build the web app first: npm run build:web');
  const reuse = arg('--data');
  const work = mkdtempSync(path.join(os.tmpdir(), 'sightline-review-scale-'));
  const dataDir = reuse ?? path.join(work, 'data');
  let generated: Generated | null = null;
  if (reuse === null) generated = await generate(dataDir, work);
  const before = segmentCount(dataDir);
  const endMs = generated?.endMs ?? (await latestEnd(dataDir));
  const retention = await retentionCost(dataDir);
  log(`one retention run over ${retention.segments} segments reads ${retention.rowsRead} rows in ${retention.runMs.map(ms).join(', ')}`);
  // The server runs in this process: how long its event loop was held up while the browser used it.
  const loop = monitorEventLoopDelay({ resolution: 10 });
  const { server, startMs } = await start(dataDir);
  log(`server started over the data in ${ms(startMs)}`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--autoplay-policy=no-user-gesture-required'] });
  const chromiumVersion = browser.version();
  let pages: PageFigures[] = [];
  let recordings: RecordingFigures | null = null;
  let apiFigures: { timeline: number[]; playback: number[] } | null = null;
  let after = NaN;
  try {
    const { auth } = await signIn(server, OWNER.name, OWNER.password);
    const cameraIds = (await server.cameras.list()).map((c) => c.id).sort();
    const ctx = await browser.newContext({ ignoreHTTPSErrors: true });
    const page: Page = await ctx.newPage();
    await page.goto(server.url);
    await page.evaluate(async (owner) => {
      const login = await fetch('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(owner) });
      if (login.status !== 200) throw new Error(`login answered ${login.status}: ${await login.text()}`);
      localStorage.setItem('sightline.signedIn', '1');
    }, OWNER);
    const state = await ctx.storageState();
    await ctx.close();
    loop.enable();
    const routes = pageRoutes();
    pages = await measurePages(browser, server.url, state, routes, cameraIds[0]!);
    if (routes.includes('recordings')) {
      apiFigures = await measureApi(server, auth, cameraIds[0]!, endMs);
      log(`API: day timeline answered in ${apiFigures.timeline.map(ms).join(', ')}; playback first byte after ${apiFigures.playback.map(ms).join(', ')}`);
    }
    if (routes.includes('recordings')) recordings = await measureRecordings(browser, server.url, state, cameraIds[0]!, endMs);
    else log('no Recordings page in this build: its figures are not measured');
    loop.disable();
    after = segmentCount(dataDir);
  } finally {
    await browser.close();
    await server.close();
  }
  const loopMaxMs = loop.max / 1e6;
  log(`segments indexed before the server ran: ${before}; after: ${after}; the server's event loop was held up at most ${ms(loopMaxMs)} while measured`);

  const worstFcp = Math.max(...pages.map((p) => p.coldFcp));
  const lines: string[] = [];
  lines.push(`Issue 13's targets, measured over a real server's data directory: 30 days of continuous 10-s segments indexed for ${CAMERAS} cameras and ${EVENTS.toLocaleString('en')} events over the same days.`);
  lines.push('');
  lines.push('| Figure | Measured | Target | |');
  lines.push('|---|---|---|---|');
  lines.push(`| Slowest first contentful paint of any page (cold cache) | ${ms(worstFcp)} | < 1 s | ${verdict(worstFcp, TARGET.paintMs)} |`);
  if (recordings !== null) {
    const r = recordings;
    const clicks = r.click.map((c) => c.ms);
    const jumps = r.jump.map((j) => j.ms);
    lines.push(`| Day timeline drawn in the page: zoom to a day, Span select's change to the mark (median / max of ${r.dayZoom.length}) | ${ms(median(r.dayZoom))} / ${ms(Math.max(...r.dayZoom))} | < 300 ms | ${verdict(Math.max(...r.dayZoom), TARGET.timelineMs)} |`);
    lines.push(`| Day timeline drawn on opening the page on a day: navigation start to the mark, app start-up included (median / max of ${r.dayNav.length}) | ${ms(median(r.dayNav))} / ${ms(Math.max(...r.dayNav))} | < 300 ms | ${verdict(Math.max(...r.dayNav), TARGET.timelineMs)} |`);
    lines.push(`| Click on the timeline to moving video (median / max of ${clicks.length}) | ${ms(median(clicks))} / ${ms(Math.max(...clicks))} | < 1 s | ${verdict(Math.max(...clicks), TARGET.playMs)} |`);
    const centred = r.jump.every((j) => Math.abs(j.centreOffMs) <= 1000 && Math.abs(j.playheadOffMs) <= 5000);
    lines.push(`| Jump to a minute in two actions (type it, Enter): Enter to moving video (median / max of ${jumps.length}) | ${ms(median(jumps))} / ${ms(Math.max(...jumps))} | < 1 s, 2 actions | ${verdict(Math.max(...jumps), TARGET.playMs)}${centred ? '' : ' (not centred on the minute)'} |`);
    lines.push('');
    lines.push(`Recordings in detail: day timeline by navigation (from the navigation's start to the \`sightline:timeline-rendered\` mark of the day asked for) ${r.dayNav.map(ms).join(', ')}; by zooming to a day (from the Span select's change) ${r.dayZoom.map(ms).join(', ')}. Clicks (pointerdown to the video's currentTime 0.1 s past where it was when \`playing\` fired; the playhead against the time clicked): ${r.click.map((c) => `${ms(c.ms)} (${(c.offByMs / 1000).toFixed(1)} s)`).join(', ')}. Jumps (Enter to the 1-hour timeline drawn / to moving video; the timeline's centre and the playhead against the minute): ${r.jump.map((j) => `${ms(j.timelineMs)} / ${ms(j.ms)} (centre ${(j.centreOffMs / 1000).toFixed(1)} s, playhead ${(j.playheadOffMs / 1000).toFixed(1)} s)`).join(', ')}.`);
    if (apiFigures !== null) lines.push(`\nThe server's share, through the API (signed in as the owner, without an unredacted grant, so playback is redacted as the page's is): a day's \`/timeline\` answered in ${apiFigures.timeline.map(ms).join(', ')}; \`/playback.mp4\` from a moment of the last 10 minutes sent its first byte after ${apiFigures.playback.map(ms).join(', ')}.`);
  } else {
    lines.push('| Recordings page (day timeline, click to video, jump) | not measured: no Recordings page in this build | | |');
  }
  lines.push('');
  lines.push('Every page, loaded fresh (a new navigation; cold: a new browser profile with the session only; warm: median of 3 with the app\'s files cached). "Content" is when the page\'s h1 and the data it loads are shown (no "Loading…"); Review: its item list; Counting: the chosen camera\'s counts.');
  lines.push('');
  lines.push('| Page | FCP cold | Content cold | FCP warm | Content warm | FCP < 1 s |');
  lines.push('|---|---|---|---|---|---|');
  for (const p of pages) lines.push(`| \`#/${p.route}\` | ${ms(p.coldFcp)} | ${ms(p.coldReady)} | ${ms(p.warmFcp)} | ${ms(p.warmReady)} | ${verdict(p.coldFcp, TARGET.paintMs)} |`);
  lines.push('');
  lines.push('The data and the server at this scale:');
  lines.push('');
  if (generated !== null) {
    lines.push(`- ${generated.segments.toLocaleString('en')} segment rows (${generated.realFiles} real files, the last 10 minutes of each camera) indexed through \`SqliteSegmentIndex.add\` in one transaction: ${ms(generated.segmentInsertMs)}; ${generated.events.toLocaleString('en')} events through \`appendEvents\` (and their line counts): ${ms(generated.eventInsertMs)}; database ${(generated.dbBytes / 2 ** 20).toFixed(0)} MiB.`);
  }
  lines.push(`- Server start over it: ${ms(startMs)}. Segment rows before the server ran ${before.toLocaleString('en')}, after ${Number.isFinite(after) ? after.toLocaleString('en') : '—'}.`);
  lines.push(`- One retention run (the server's RetentionRunner, beside the server over the same file): ${retention.runMs.map(ms).join(', ')}, reading ${retention.rowsRead.toLocaleString('en')} of the ${retention.segments.toLocaleString('en')} rows (the oldest end, a page at a time; it used to read every row, 4.1-7.1 s per run at this scale, at start, every minute and after every new segment). Longest hold-up of the server's event loop while the browser measured: ${ms(loopMaxMs)}; a request that falls into it waits that long (a figure above far over its median is one).`);
  lines.push('');
  lines.push(`Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB; Chromium ${chromiumVersion}, headless. Command: \`npm run bench:review\`.`);
  const body = lines.join('\n');
  writeSection(path.join(ROOT, 'BENCHMARKS.md'), 'Review at scale', body);
  console.log(body);
  if (process.argv.includes('--keep') || reuse !== null) log(`data directory kept: ${dataDir}`);
  // A reused data directory lies elsewhere: the work folder holds nothing then.
  if (reuse !== null || !process.argv.includes('--keep')) rmSync(work, { recursive: true, force: true });
}

await main();
