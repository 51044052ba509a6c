/**
 * `npm run bench:main-thread`: where the server's main thread (the event loop that runs every
 * camera's tracking, rules, events, the API and the media hub) spends its time per analysed frame.
 * A real server runs in this process (SQLite, recording on) with N cameras analysed at 5 fps; the
 * cameras themselves (the demo clip looped over RTSP) run in a process of their own
 * (camera-farm.ts), so their packets are not counted. After a warm-up, V8's sampling profiler
 * (through the inspector, 0.5 ms) records the main thread for a window; its self time is grouped
 * (garbage collection, sockets, sharp, SQLite, our source files, ...) and divided by the frames
 * analysed in the window. Writes the "Main-thread profile" section of BENCHMARKS.md, or with
 * `--out FILE` that file instead.
 *
 * `node --import tsx bench/main-thread.ts [--cameras 10] [--seconds 30] [--warm 20] [--out FILE]`
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { createInterface } from 'node:readline';
import { loadConfig } from '../src/config/load.ts';
import { serverConfigSchema } from '../src/config/schema/server.ts';
import { DEMO_DIR } from '../src/server/demo.ts';
import { startServer } from '../src/server/server.ts';
import { writeSection } from './sections.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const log = (msg: string): void => void process.stderr.write(`[bench:main-thread] ${msg}\n`);

function option(flag: string, fallback: number): number {
  const i = process.argv.indexOf(flag);
  if (i < 0) return fallback;
  const n = Number(process.argv[i + 1]);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} expects a positive number, got ${process.argv[i + 1] ?? 'nothing'}`);
  return n;
}
const CAMERAS = Math.round(option('--cameras', 10));
const SECONDS = option('--seconds', 30);
const WARM_S = option('--warm', 20);
const FPS = 5;
const outIndex = process.argv.indexOf('--out');
const OUT = outIndex >= 0 ? path.resolve(process.argv[outIndex + 1] ?? '') : path.join(ROOT, 'BENCHMARKS.md');

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string };
  readonly children?: readonly number[];
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** What a sample's own function is, in the words of the table. */
export function category(fn: string, url: string): string {
  if (fn === '(garbage collector)') return 'garbage collection';
  if (fn === '(idle)') return 'idle';
  if (fn === '(program)') return 'V8 and native code outside any JavaScript function ("(program)")';
  if (fn === 'writeBuffer' || fn === 'writev' || fn === 'writeUtf8String' || fn === 'writeLatin1String' || url.includes('stream_base_commons')) return 'socket and pipe writes (node:net)';
  const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg !== null) return `package ${pkg[1]}`;
  if (url.startsWith('node:')) {
    const m = /^node:(?:internal\/)?([^/]+)/.exec(url);
    return `Node ${m?.[1] ?? url}`;
  }
  if (url === '') return `native ${fn === '' ? '(anonymous)' : fn}`;
  const rel = url.startsWith('file://') ? path.relative(ROOT, new URL(url).pathname) : url;
  return rel;
}

/** Self time (ms) per category over the profile. */
export function selfTimes(profile: Profile): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const out = new Map<string, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]!);
    if (node === undefined) continue;
    // A sample's duration is the gap to the next one (the last one's is unknown: the mean).
    const dt = (profile.timeDeltas[i + 1] ?? (profile.endTime - profile.startTime) / profile.samples.length) / 1000;
    const key = category(node.callFrame.functionName, node.callFrame.url);
    out.set(key, (out.get(key) ?? 0) + dt);
  }
  return out;
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'sightline-main-thread-'));
  const farm = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'camera-farm.ts'), String(CAMERAS)], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  const firstLine = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: farm.stdout! });
    rl.once('line', resolve);
    farm.once('exit', (code) => reject(new Error(`the camera farm exited (${code}) before its cameras were live`)));
  });
  const { urls } = JSON.parse(firstLine) as { urls: string[] };
  const analytics = await loadConfig(path.join(DEMO_DIR, 'demo.yml'));
  if (!analytics.ok) throw analytics.error;
  const config = serverConfigSchema.parse({ server: { host: '127.0.0.1', port: 0 }, recording: { segmentSeconds: 10, minFreeGb: 0 } });
  const server = await startServer({ config, dataDir: path.join(tmp, 'data'), log: (level, m) => (level === 'info' ? undefined : log(`server ${level}: ${m.slice(0, 200)}`)) });
  try {
    const ids: string[] = [];
    for (const [k, url] of urls.entries()) ids.push((await server.cameras.add({ name: `cam${k + 1}`, url, fps: FPS, record: { mode: 'continuous' }, analytics: analytics.value })).id);
    log(`${CAMERAS} cameras at ${FPS} fps, recording; warming up ${WARM_S} s`);
    await delay(WARM_S * 1000);
    const rate = async (): Promise<number> => (await Promise.all(ids.map(async (id) => (await server.cameras.get(id))!.health.analysedFps))).reduce((a, b) => a + b, 0);
    // The rate before profiling: the profiler's own cost shows as the difference.
    const unprofiled: number[] = [];
    for (let k = 0; k < 5; k++) {
      await delay(2000);
      unprofiled.push(await rate());
    }
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 500 });
    await session.post('Profiler.start');
    const fps: number[] = [];
    const until = Date.now() + SECONDS * 1000;
    while (Date.now() < until) {
      await delay(2000);
      fps.push(await rate());
    }
    const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
    session.disconnect();
    const windowMs = (profile.endTime - profile.startTime) / 1000;
    const meanFps = fps.reduce((a, b) => a + b, 0) / fps.length;
    const unprofiledFps = unprofiled.reduce((a, b) => a + b, 0) / unprofiled.length;
    const frames = (meanFps * windowMs) / 1000;
    const times = selfTimes(profile);
    const idle = times.get('idle') ?? 0;
    const busy = windowMs - idle;
    const rows = [...times].filter(([k]) => k !== 'idle').sort((a, b) => b[1] - a[1]);
    const top = rows.slice(0, 18);
    const rest = rows.slice(18).reduce((a, [, v]) => a + v, 0);
    const per = (ms: number): string => (ms / frames).toFixed(2);
    const cpu = os.cpus();
    const md = [
      `Measured by \`npm run bench:main-thread -- --cameras ${CAMERAS} --seconds ${SECONDS} --warm ${WARM_S}\` (\`node --import tsx bench/main-thread.ts\`) on ${cpu.length} cores (${cpu[0]?.model ?? 'unknown CPU'}), Node ${process.version}; load average ${os.loadavg()[0]!.toFixed(1)} at the end. A real server in the benchmark's process (SQLite, recording on, the demo's lines and zone, BlazeFace for the redaction of faces) analyses ${CAMERAS} cameras at ${FPS} fps; the cameras (the demo clip looped over RTSP on 127.0.0.1) run in a process of their own, so their packets are not counted. After ${WARM_S} s of warm-up, V8's sampling profiler (0.5 ms, through the inspector) recorded the main thread for ${(windowMs / 1000).toFixed(1)} s, in which the cameras analysed ${meanFps.toFixed(1)} frames/s together (${(meanFps / CAMERAS).toFixed(2)} each; ${(unprofiledFps / CAMERAS).toFixed(2)} each in the 10 s before, unprofiled): ${frames.toFixed(0)} frames. Inference runs in worker threads and is not in these figures.`,
      '',
      `Main thread busy ${((100 * busy) / windowMs).toFixed(1)} % of the window: **${per(busy)} ms per analysed frame** (target < 3 ms: ${busy / frames < 3 ? 'met' : '**missed**'}).`,
      '',
      '| self time in | ms per analysed frame | share of busy |',
      '|---|---|---|',
      ...top.map(([k, v]) => `| ${k} | ${per(v)} | ${((100 * v) / busy).toFixed(1)} % |`),
      `| everything else (${rows.length - top.length} more) | ${per(rest)} | ${((100 * rest) / busy).toFixed(1)} % |`,
    ].join('\n');
    process.stdout.write(`${md}\n`);
    writeSection(OUT, 'Main-thread profile', md);
    log(`wrote the "Main-thread profile" section of ${OUT}`);
  } finally {
    await server.close();
    farm.stdin?.end();
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
