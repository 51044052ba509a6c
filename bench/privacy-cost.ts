/**
 * `npm run bench:privacy`: what privacy costs on one camera, in one run. A real server analyses the
 * demo clip (looped over RTSP on 127.0.0.1, 5 fps, recorded) three ways, one after the other: as it
 * is, with a privacy mask (its stream re-encoded in the hub), and as it is with one redacted live
 * viewer (the shared redacted stream: a decoder and an encoder). For each it measures the analysed
 * frame rate and the CPU of the server process and of all its ffmpeg children (from /proc), over
 * the same window after a warm-up. Writes the "Privacy cost" section of BENCHMARKS.md.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config/load.ts';
import { serverConfigSchema } from '../src/config/schema/server.ts';
import { startLoopingCamera } from '../src/media/looping-camera.ts';
import { DEMO_CLIP, DEMO_DIR } from '../src/server/demo.ts';
import { startServer } from '../src/server/server.ts';
import { writeSection } from './sections.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const WARMUP_S = 12;
const MEASURE_S = 30;
const TICK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const log = (m: string): void => void process.stderr.write(`[bench:privacy] ${m}\n`);

/** CPU seconds so far of this process's ffmpeg children other than `exclude` (the simulated camera's publisher). */
function childrenCpu(exclude: number | null): number {
  let ticks = 0;
  const out = execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  for (const line of out.trim().split('\n')) {
    const [pid, comm] = line.trim().split(/\s+/);
    if (Number(pid) === exclude || (comm !== 'ffmpeg' && comm !== 'setpriv')) continue;
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // Gone meanwhile.
    }
  }
  return ticks / TICK;
}

interface Row {
  readonly name: string;
  readonly fps: number;
  readonly serverCpu: number;
  readonly ffmpegCpu: number;
}

async function measure(name: string, masks: boolean, viewer: boolean): Promise<Row> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'sightline-privacy-'));
  const analytics = await loadConfig(path.join(DEMO_DIR, 'demo.yml'));
  if (!analytics.ok) throw analytics.error;
  const cam = await startLoopingCamera({ file: DEMO_CLIP, path: 'cam' });
  const mask = [{ name: 'window', polygon: [[40, 200], [300, 200], [300, 460], [40, 460]] as [number, number][] }];
  const config = serverConfigSchema.parse({ server: { port: 0 }, cameras: [{ name: 'cam', url: cam.url, fps: 5, record: { mode: 'continuous' }, analytics: analytics.value, privacyMasks: masks ? mask : [] }] });
  const server = await startServer({ config, dataDir: path.join(tmp, 'data'), hashParams: { memoryCost: 1024, timeCost: 1, parallelism: 1 }, httpLog: false, log: () => undefined });
  try {
    const [view] = await server.cameras.list();
    let session: { close(): Promise<void> } | null = null;
    if (viewer) session = server.cameras.redactedLiveStream(view!.id)!.open({ onInit: () => undefined, onMedia: () => undefined, onEnd: () => undefined });
    await sleep(WARMUP_S * 1000);
    // Children that end during the window (none should) would be missed; ffmpeg CPU is read per process at both ends.
    const c0 = process.cpuUsage();
    const f0 = childrenCpu(cam.publisherPid);
    await sleep(MEASURE_S * 1000);
    const c = process.cpuUsage(c0);
    const f1 = childrenCpu(cam.publisherPid);
    const fps = (await server.cameras.get(view!.id))!.health.analysedFps;
    await session?.close();
    const row = { name, fps, serverCpu: ((c.user + c.system) / 1e6 / MEASURE_S) * 100, ffmpegCpu: ((f1 - f0) / MEASURE_S) * 100 };
    log(`${name}: analysed ${fps.toFixed(2)} fps, server ${row.serverCpu.toFixed(0)} %, ffmpeg ${row.ffmpegCpu.toFixed(0)} % of a core`);
    return row;
  } finally {
    await server.close();
    await cam.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

const rows = [await measure('as recorded', false, false), await measure('with a privacy mask', true, false), await measure('with one redacted live viewer', false, true)];
const base = rows[0]!;
const md = [
  `Measured by \`npm run bench:privacy\` (\`bench/privacy-cost.ts\`) on ${os.availableParallelism()} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}: one camera (the demo clip, 768x576 at 10 fps, looped over RTSP on 127.0.0.1), analysed at 5 fps with the demo lines and zone and recorded, over ${MEASURE_S} s after ${WARMUP_S} s of warm-up, three ways one after the other. CPU in % of one core: the server process (the detector's worker threads included) and its ffmpeg processes (decoder, recorder, mask encoder, redacted-view decoder and encoder), the simulated camera's publisher left out.`,
  '',
  '| camera | analysed fps | server CPU | ffmpeg CPU | total | more than as recorded |',
  '|---|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.name} | ${r.fps.toFixed(2)} | ${r.serverCpu.toFixed(0)} % | ${r.ffmpegCpu.toFixed(0)} % | ${(r.serverCpu + r.ffmpegCpu).toFixed(0)} % | ${r === base ? '—' : `${(r.serverCpu + r.ffmpegCpu - base.serverCpu - base.ffmpegCpu).toFixed(0)} points`} |`),
  '',
  'A mask re-encodes the camera once (ffmpeg, libx264 ultrafast), however many consume it; a redacted live view costs its decoder, the pixelation on the server and its encoder while anyone watches, once per camera however many viewers. Every row includes finding the faces of each analysed frame for redaction (BlazeFace, about 9 ms a frame: `npm run bench:faces`); the same bench before faces were found (commit dc1124b) measured 34 % as recorded. Timings on a shared machine are noisy: compare within one run.',
].join('\n');
writeSection(path.join(ROOT, 'BENCHMARKS.md'), 'Privacy cost', md);
log('wrote the Privacy cost section of BENCHMARKS.md');
process.exit(0);
