/**
 * `npm run bench:server` (part of `npm run bench`): the load benchmark of the NVR server. Simulated
 * cameras (the demo clip looped over RTSP on 127.0.0.1, one path each) are added one at a time to a
 * real server (SQLite, recording on, MQTT to a real mosquitto), each analysed at 5 fps. After each
 * step it measures every camera's analysed frame rate, the event latency from frame to MQTT
 * delivery at a subscriber (p50/p95), and memory; it stops at the first step where a camera falls
 * below 90 % of its rate or p95 latency reaches 1 s. Writes the "Server load" section of
 * BENCHMARKS.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import { loadConfig } from '../src/config/load.ts';
import { serverConfigSchema } from '../src/config/schema/server.ts';
import { RtspRelay } from '../src/rtsp/rtsp-server.ts';
import { startLoopingCamera, type LoopingCamera } from '../src/media/looping-camera.ts';
import { DEMO_CLIP, DEMO_DIR } from '../src/server/demo.ts';
import { startServer } from '../src/server/server.ts';
import { writeSection } from './sections.ts';
import { ffmpegPssMiB, freePort, quantile } from './process-stats.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const FPS = 5;
const quick = process.argv.includes('--quick');
const WARMUP_S = quick ? 8 : 15;
const MEASURE_S = quick ? 12 : 30;
const MAX_CAMERAS = Number(process.env.SIGHTLINE_BENCH_MAX_CAMERAS ?? 16);
const log = (msg: string): void => void process.stderr.write(`[bench:server] ${msg}\n`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Step {
  readonly cameras: number;
  readonly minFps: number;
  readonly meanFps: number;
  readonly events: number;
  readonly p50: number | null;
  readonly p95: number | null;
  readonly nodeRssMiB: number;
  readonly ffmpegPssMiB: number;
  readonly cpuPercent: number;
  readonly held: boolean;
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'sightline-load-'));
  const brokerPort = await freePort();
  const conf = path.join(tmp, 'mosquitto.conf');
  writeFileSync(conf, `listener ${brokerPort} 127.0.0.1\nallow_anonymous true\npersistence false\n`);
  const broker: ChildProcess = spawn('/usr/sbin/mosquitto', ['-c', conf], { stdio: 'ignore' });
  const relay = new RtspRelay();
  await relay.listen(0, '127.0.0.1');
  const publishers: LoopingCamera[] = [];
  const analytics = await loadConfig(path.join(DEMO_DIR, 'demo.yml'));
  if (!analytics.ok) throw analytics.error;
  await sleep(500);
  const config = serverConfigSchema.parse({ server: { port: 0 }, mqtt: { url: `mqtt://127.0.0.1:${brokerPort}`, prefix: 'bench' }, recording: { segmentSeconds: 10 } });
  const server = await startServer({ config, dataDir: path.join(tmp, 'data'), log: (level, m) => level !== 'info' && log(`${level}: ${m}`) });
  const latencies: number[] = [];
  const sub = await mqtt.connectAsync(`mqtt://127.0.0.1:${brokerPort}`);
  await sub.subscribeAsync('bench/events', { qos: 1 });
  sub.on('message', (_topic, payload) => {
    const m = JSON.parse(payload.toString()) as { type: string; after: { frame_time?: number } };
    if (m.type === 'new' && typeof m.after.frame_time === 'number') latencies.push(Date.now() - m.after.frame_time * 1000);
  });
  const steps: Step[] = [];
  const baseRss = process.memoryUsage().rss;
  try {
    for (let n = 1; n <= MAX_CAMERAS; n++) {
      const cam = await startLoopingCamera({ file: DEMO_CLIP, path: `cam${n}`, relay });
      publishers.push(cam);
      await server.cameras.add({ name: `cam${n}`, url: cam.url, fps: FPS, record: { mode: 'continuous' }, analytics: analytics.value });
      await sleep(WARMUP_S * 1000);
      latencies.length = 0;
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      await sleep(MEASURE_S * 1000);
      const cpu = process.cpuUsage(cpu0);
      const wall = (performance.now() - t0) * 1000;
      const views = await server.cameras.list();
      const fps = views.map((v) => v.health.analysedFps);
      const sorted = [...latencies].sort((a, b) => a - b);
      const publisherPids = new Set(publishers.map((p) => p.publisherPid).filter((p): p is number => p !== null));
      const step: Step = {
        cameras: n,
        minFps: Math.min(...fps),
        meanFps: fps.reduce((a, b) => a + b, 0) / fps.length,
        events: latencies.length,
        p50: quantile(sorted, 0.5),
        p95: quantile(sorted, 0.95),
        nodeRssMiB: process.memoryUsage().rss / 2 ** 20,
        ffmpegPssMiB: ffmpegPssMiB(publisherPids),
        cpuPercent: ((cpu.user + cpu.system) / wall) * 100,
        held: false,
      };
      const held = step.minFps >= 0.9 * FPS && (step.p95 === null || step.p95 < 1000);
      steps.push({ ...step, held });
      log(`${n} camera(s): analysed fps min ${step.minFps.toFixed(2)} mean ${step.meanFps.toFixed(2)}; ${step.events} events, latency p50 ${step.p50 ?? '—'} ms p95 ${step.p95 ?? '—'} ms; node RSS ${step.nodeRssMiB.toFixed(0)} MiB, ffmpeg PSS ${step.ffmpegPssMiB.toFixed(0)} MiB; ${held ? 'held' : 'NOT held'}`);
      if (!held) break;
    }
  } finally {
    await sub.endAsync();
    await server.close();
    await Promise.all(publishers.map((p) => p.stop()));
    await relay.close();
    broker.kill('SIGTERM');
    rmSync(tmp, { recursive: true, force: true });
  }
  const held = steps.filter((s) => s.held);
  const best = held.at(-1) ?? null;
  const perCamera = best ? ((best.nodeRssMiB - baseRss / 2 ** 20) + best.ffmpegPssMiB) / best.cameras : null;
  const rows = steps.map(
    (s) => `| ${s.cameras} | ${s.minFps.toFixed(2)} | ${s.meanFps.toFixed(2)} | ${s.events} | ${s.p50 ?? '—'} | ${s.p95 ?? '—'} | ${s.nodeRssMiB.toFixed(0)} | ${s.ffmpegPssMiB.toFixed(0)} | ${s.cpuPercent.toFixed(0)} % | ${s.held ? 'yes' : 'no'} |`,
  );
  const md = [
    `Measured by \`npm run bench:server\`${quick ? ' --quick' : ''} on ${os.availableParallelism()} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}.`,
    `Each simulated camera is the demo clip (768x576, 10 fps H.264) looped over RTSP on 127.0.0.1, analysed at ${FPS} fps with the demo lines and zone, recorded continuously, events published to a real mosquitto; latency is frame receipt to delivery at an MQTT subscriber (events of type \`new\`), measured over ${MEASURE_S} s after ${WARMUP_S} s of warm-up at each step. A step holds when every camera keeps ≥ 90 % of ${FPS} fps and p95 latency stays under 1 s.`,
    '',
    `**Cameras held: ${best?.cameras ?? 0}**${best ? `; at that load event latency p50 ${best.p50 ?? '—'} ms, p95 ${best.p95 ?? '—'} ms; memory per camera ≈ ${perCamera?.toFixed(0)} MiB (growth of the server's RSS since it started with no camera, plus the proportional set size of its ffmpeg decoders and recorders, divided by cameras).` : ''}`,
    '',
    '| cameras | min analysed fps | mean analysed fps | events | latency p50 ms | latency p95 ms | server RSS MiB | ffmpeg PSS MiB | server CPU | held |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
  writeSection(path.join(ROOT, 'BENCHMARKS.md'), 'Server load', md);
  log('wrote the Server load section of BENCHMARKS.md');
}

await main();
