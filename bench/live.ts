/**
 * Live accuracy: what a user of a live camera gets, scored against the PETS line truth.
 *
 * The full PETS video (795 frames, played at its container's 10 fps, with 10 s of its first frame
 * held before it so the camera is connected and tracking before anyone walks, and 5 s of its last
 * frame after) is published once over RTSP to a relay; a real server (`startServer`, the code
 * `sightline serve` runs) analyses 1 or 3 such cameras at its default analysed rate; after the
 * stream ends, the counts are read through the HTTPS API (`GET /api/cameras/:id/counts`, signed in
 * as the admin the setup link creates) and scored against `lines-truth.json`. Beside it, the batch
 * path at the same rate (`analyze` with `--fps 5`), so the table separates what the rate costs from
 * what live costs.
 *
 * `node --import tsx bench/live.ts [--cameras 1,3] [--fps 5]` writes the "Live accuracy" section of
 * BENCHMARKS.md; `npm run bench` runs it after the other benchmarks.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serverConfigSchema } from '../src/config/schema/server.ts';
import { countingAccuracy, type CountingAccuracy, type LineCounts } from '../src/core/metrics/evaluate.ts';
import { createDetectorPool, defaultWorkerCount } from '../src/detect/worker-pool.ts';
import { resolveBackend } from '../src/detect/choose-backend.ts';
import { analysedRate } from '../src/ingest/ffmpeg-args.ts';
import { FfmpegSource } from '../src/ingest/ffmpeg-source.ts';
import { analyze } from '../src/pipeline/analyze.ts';
import { RtspRelay } from '../src/rtsp/rtsp-server.ts';
import type { CameraHealth } from '../src/events/live-event.ts';
import { startServer } from '../src/server/server.ts';
import { PETS_DIR, PETS_VIDEO, petsConfig } from './pets.ts';
import { PETS_SIZE } from './phases.ts';
import { call, json, setupOwner } from '../test/fixtures/https.ts';
import { writeSection } from './sections.ts';
import { analysisSize } from '../src/detect/detect-options.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const LEAD_IN_S = 10;
/** The rate PETS09-S2L1 was captured at (the annotations' rate). */
const SCENE_FPS = 7;
const TAIL_S = 5;
const PASSWORD = 'tr0mbone-kettle-sunrise-live';
const log = (msg: string): void => void process.stderr.write(`[bench:live] ${msg}\n`);

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

/** How a rate is analysed on the PETS camera, in words. */
function rateWords(analysed: number): string {
  const k = Math.round(SCENE_FPS / analysed);
  return `analysed at ${Number(analysed.toFixed(2))} fps: ${k === 1 ? 'every frame' : k === 2 ? 'every other frame' : `every ${k}th frame`}`;
}

function run(cmd: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-4000)));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} exited ${code}: ${err}`))));
  });
}

/**
 * The PETS video re-timed to the 7 fps it was captured at (its container says 10; the annotations
 * and the people's speed are 7 fps), as H.264: `camera` adds the held lead-in and tail the benchmark
 * camera sends; without it, the same frames for the batch runs.
 */
async function makeClip(dir: string, camera: boolean): Promise<string> {
  const file = path.join(dir, camera ? 'pets-camera.mp4' : 'pets-7fps.mp4');
  const pad = camera ? ['-vf', `tpad=start_duration=${LEAD_IN_S}:start_mode=clone:stop_duration=${TAIL_S}:stop_mode=clone`] : [];
  await run('ffmpeg', ['-v', 'error', '-y', '-r', String(SCENE_FPS), '-i', PETS_VIDEO, ...pad, '-r', String(SCENE_FPS), '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', '-g', String(SCENE_FPS), '-pix_fmt', 'yuv420p', '-an', file]);
  return file;
}

/** One live camera's result. */
export interface LiveResult {
  readonly camera: string;
  readonly counting: CountingAccuracy;
  readonly crossingEvents: number;
  readonly droppedFrames: number;
  readonly reconnects: number;
  readonly connectedBeforeWalk: boolean;
  /** Per minute of the video: the stored occupancy peak of the whole-picture zone, and the most people the ground truth has in view then. */
  readonly occupancy: readonly { readonly peak: number; readonly inView: number }[];
  readonly analysedFps: number;
}

async function liveRun(clip: string, cameras: number, fps: number, truth: LineCounts, dir: string): Promise<LiveResult[]> {
  const relay = new RtspRelay();
  await relay.listen(0, '127.0.0.1');
  // A zone over the whole picture: its occupancy is the number of people the camera tracks.
  const analytics = { ...(await petsConfig()), zones: [{ name: 'all', polygon: [[0, 0], [PETS_SIZE.width, 0], [PETS_SIZE.width, PETS_SIZE.height], [0, PETS_SIZE.height]] as [number, number][], classes: ['person' as const] }] };
  const inView = readFileSync(path.join(PETS_DIR, 'derived_count_per_frame.csv'), 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[1]));
  const names = Array.from({ length: cameras }, (_, i) => `pets-${i + 1}`);
  const dataDir = mkdtempSync(path.join(dir, `data-${cameras}-`));
  const problems: string[] = [];
  const publishers = names.map((name) =>
    spawn('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', '-re', '-i', clip, '-map', '0:v:0', '-c', 'copy', '-f', 'rtsp', '-rtsp_transport', 'tcp', relay.url(name)], { stdio: ['ignore', 'ignore', 'inherit'] }),
  );
  const published = publishers.map((p) => new Promise<void>((resolve) => p.on('close', () => resolve())));
  const walkStartsAt = Date.now() + LEAD_IN_S * 1000;
  const config = serverConfigSchema.parse({
    server: { port: 0 },
    cameras: names.map((name) => ({ name, url: relay.url(name), fps, record: { mode: 'off' }, snapshots: false, analytics })),
  });
  const server = await startServer({ config, dataDir, log: (level, m) => level !== 'info' && problems.push(`${level} ${m}`) });
  const from = Date.now() - 60_000;
  try {
    const views = await server.cameras.list();
    const firstFrame = new Map<string, number>();
    const during = new Map<string, CameraHealth>();
    const poll = setInterval(() => {
      void (async () => {
        for (const v of views) {
          const h = (await server.cameras.get(v.id))?.health;
          if (h?.lastFrameAt != null && !firstFrame.has(v.id)) firstFrame.set(v.id, h.lastFrameAt);
          // The last health seen while the video still plays (after the lead-in): rates over the walking part.
          if (h && Date.now() > walkStartsAt + 5000) during.set(v.id, h);
        }
      })();
    }, 500);
    await Promise.all(published);
    clearInterval(poll);
    // The stream has ended: let the last frames through the detector before reading.
    await new Promise((r) => setTimeout(r, 3000));
    const { auth: headers } = await setupOwner(server, 'bench', PASSWORD);
    const out: LiveResult[] = [];
    for (const v of views) {
      const to = Date.now() + 60_000;
      const counts = await call(server, 'GET', `/api/cameras/${v.id}/counts?from=${from}&to=${to}&bucket=day`, headers);
      if (counts.status !== 200) throw new Error(`counts: ${counts.status} ${counts.body.toString()}`);
      const totals = (json(counts) as { totals: Record<string, { in: number; out: number }> }).totals;
      const events = await call(server, 'GET', `/api/events?camera=${v.id}&type=line_crossing&limit=500`, headers);
      const crossingEvents = events.status === 200 ? (json(events) as { events: unknown[] }).events.length : -1;
      const occ = await call(server, 'GET', `/api/cameras/${v.id}/occupancy?from=${from}&to=${to}&bucket=minute`, headers);
      if (occ.status !== 200) throw new Error(`occupancy: ${occ.status} ${occ.body.toString()}`);
      const minutes = (json(occ) as { zones: Record<string, { start: number; peak: number; observedSeconds: number }[]> }).zones['all'] ?? [];
      const occupancy = minutes
        .filter((m) => m.observedSeconds > 0)
        .map((m) => {
          // The frames of the video shown in this minute (2 s of slack for the publisher's start).
          const firstFrame = Math.max(0, Math.floor(((m.start - walkStartsAt - 2000) / 1000) * SCENE_FPS));
          const lastFrame = Math.min(inView.length - 1, Math.ceil(((m.start + 62_000 - walkStartsAt) / 1000) * SCENE_FPS));
          return { peak: m.peak, inView: lastFrame < 0 ? inView[0]! : Math.max(...inView.slice(firstFrame, lastFrame + 1)) };
        });
      const h = during.get(v.id) ?? (await server.cameras.get(v.id))!.health;
      out.push({
        camera: v.name,
        counting: countingAccuracy(truth, totals),
        crossingEvents,
        droppedFrames: h.droppedFrames,
        reconnects: h.reconnects,
        connectedBeforeWalk: (firstFrame.get(v.id) ?? Infinity) < walkStartsAt,
        analysedFps: h.analysedFps,
        occupancy,
      });
    }
    if (problems.length > 0) log(`server problems (${problems.length}): ${problems.slice(0, 5).join(' | ')}`);
    return out;
  } finally {
    for (const p of publishers) p.kill('SIGKILL');
    await server.close();
    await relay.close();
  }
}

async function batchRun(video: string, fps: number | null, truth: LineCounts): Promise<CountingAccuracy> {
  const config = await petsConfig();
  const { spec } = await resolveBackend(config.detect, path.join(ROOT, 'data'));
  const pool = await createDetectorPool({ backend: spec, workers: defaultWorkerCount() });
  try {
    const frames = new FfmpegSource({ url: video, live: false, size: analysisSize(pool.traits, config.detect, PETS_SIZE), fit: config.detect.fit, ...(fps !== null && { fps }) });
    const r = await analyze({ frames, sourceSize: PETS_SIZE, analysedFps: fps ?? SCENE_FPS, config, pool });
    return countingAccuracy(truth, r.summary.lines);
  } finally {
    await pool.close();
  }
}

function countsCell(c: CountingAccuracy): string {
  return c.comparisons.map((x) => `${x.measured}/${x.truth}`).join(' · ');
}

function withinOne(c: CountingAccuracy): boolean {
  return c.comparisons.every((x) => x.absoluteError <= 1);
}

async function main(): Promise<void> {
  const cameraCounts = arg('--cameras', '1,3').split(',').map(Number);
  const rates = arg('--fps', '5').split(',').map(Number);
  const truth = JSON.parse(readFileSync(path.join(PETS_DIR, 'lines-truth.json'), 'utf8')) as LineCounts;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sightline-bench-live-'));
  try {
    const clip = await makeClip(dir, true);
    const plain = await makeClip(dir, false);
    const rows: string[] = [];
    let order = '';
    const row = (what: string, camera: string, c: CountingAccuracy, events: string, health: string, occupancy?: LiveResult['occupancy']): void => {
      order = c.comparisons.map((x) => `${x.line} ${x.direction}`).join(' · ');
      const occ = occupancy === undefined ? '—' : `${occupancy.map((o) => `${o.peak}/${o.inView}`).join(' · ')} (${occupancy.every((o) => o.peak <= o.inView) ? 'never above: met' : '**above: missed**'})`;
      rows.push(`| ${what} | ${camera} | ${countsCell(c)} | ${c.totalAbsoluteError} | ${c.accuracy.toFixed(3)} | ${withinOne(c) ? 'met' : 'missed'} | ${events} | ${occ} | ${health} |`);
    };
    for (const fps of [null, ...rates.filter((r) => r < SCENE_FPS)]) {
      const analysed = fps === null ? null : analysedRate(fps, SCENE_FPS);
      log(`batch analyze ${fps === null ? '(every frame)' : `--fps ${fps} (analysed at ${analysed})`}`);
      const batch = await batchRun(plain, analysed, truth);
      log(`batch: ${countsCell(batch)}`);
      row(fps === null ? `\`analyze\` (batch, every frame: ${SCENE_FPS} fps)` : `\`analyze --fps ${fps}\` (batch; ${rateWords(analysed!)})`, '—', batch, '—', '—');
      if (fps !== null && analysed !== fps) {
        // What the rule of evenly spaced frames avoids: exactly `fps` of every SCENE_FPS frames, unevenly spaced.
        const uneven = await batchRun(plain, fps, truth);
        log(`batch, ${fps} of ${SCENE_FPS} frames: ${countsCell(uneven)}`);
        row(`batch, exactly ${fps} of every ${SCENE_FPS} frames (uneven gaps; not what \`--fps ${fps}\` does)`, '—', uneven, '—', '—');
      }
    }
    for (const fps of rates) {
      for (const n of cameraCounts) {
        log(`live: ${n} camera(s) at ${fps} fps`);
        const results = await liveRun(clip, n, fps, truth, dir);
        log(`live ${n} at ${fps}: ${results.map((r) => countsCell(r.counting)).join(' | ')}`);
        for (const r of results) {
          row(`live, \`fps: ${fps}\` (${rateWords(analysedRate(fps, SCENE_FPS))}), ${n} camera${n > 1 ? 's' : ''} at once`, r.camera, r.counting, String(r.crossingEvents), `${r.analysedFps} fps analysed, ${r.droppedFrames} frames dropped, ${r.reconnects} reconnects${r.connectedBeforeWalk ? '' : ', **connected late**'}`, r.occupancy);
        }
      }
    }
    const md = [
      `The full PETS09-S2L1 video, re-timed to the ${SCENE_FPS} fps it was captured at (its container says 10; the annotations are at ${SCENE_FPS}), served once over RTSP in real time after ${LEAD_IN_S} s of its first frame held, analysed by a real server (\`startServer\`, what \`sightline serve\` runs), counts read through \`GET /api/cameras/:id/counts\` and scored against \`lines-truth.json\`; beside it the batch path on the same frames. Target: every line and direction within ±1 of the truth. A camera's \`fps\` is a floor met by evenly spaced frames (every k-th, \`analysedRate\`): on this 7 fps camera \`fps: 5\` analyses every frame; the row of exactly 5 of every 7 frames shows what uneven gaps cost. Occupancy: a zone over the whole picture; each minute's stored peak (\`GET /api/cameras/:id/occupancy\`) against the most people \`derived_count_per_frame.csv\` has in view in that minute. Health (analysed fps, dropped frames, reconnects) is read while the video plays, before it ends. Machine: ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? 'unknown CPU'}. Reproduce: \`node --import tsx bench/live.ts [--cameras 1,3] [--fps 5]\` (part of \`npm run bench\`).`,
      '',
      `| path | camera | measured/truth (${order}) | Σ error | accuracy | ±1 each | crossing events | occupancy peak / people in view, per minute | camera health during the video |`,
      '|---|---|---|---|---|---|---|---|---|',
      ...rows,
    ].join('\n');
    writeSection(path.join(ROOT, 'BENCHMARKS.md'), 'Live accuracy', md);
    process.stdout.write(`${md}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
