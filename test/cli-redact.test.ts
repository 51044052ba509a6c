// `sightline redact` as users run it (the compiled CLI, real ffmpeg, the real detector) on the first
// 40 frames of the demo clip: the output has the input's size and frame count, the people's heads
// are pixelated and the rest of the picture is left alone, `--keep-track` leaves exactly that person
// visible, and bad input ends with a short message and exit status 2.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { EXIT_USAGE, assertCleanFailure, runCli } from './fixtures/cli.ts';
import { ROOT } from './fixtures/data.ts';

const WIDTH = 768;
const HEIGHT = 576;
const FRAMES = 40;
const dir = mkdtempSync(path.join(os.tmpdir(), 'sightline-redact-'));
const clip = path.join(dir, 'clip.mp4');
after(() => (process.env.KEEP_DIR ? undefined : rmSync(dir, { recursive: true, force: true })));
if (process.env.KEEP_DIR) process.stderr.write(`dir ${dir}\n`);

before(() => {
  execFileSync('ffmpeg', ['-v', 'error', '-i', path.join(ROOT, 'demo/pets09-s2l1-excerpt.mp4'), '-frames:v', String(FRAMES), '-c:v', 'libx264', '-crf', '18', '-pix_fmt', 'yuv420p', clip]);
});

/** Every frame of `file` as grey levels. */
function grey(file: string): Uint8Array[] {
  const raw = execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1'], { maxBuffer: 512 * 1024 * 1024 });
  const size = WIDTH * HEIGHT;
  return Array.from({ length: Math.floor(raw.length / size) }, (_, i) => raw.subarray(i * size, (i + 1) * size));
}

/** Mean absolute difference of two grey frames inside a box (clipped to the frame). */
function meanDiff(a: Uint8Array, b: Uint8Array, box: { x: number; y: number; w: number; h: number }): number {
  let sum = 0;
  let n = 0;
  for (let y = Math.max(0, Math.floor(box.y)); y < Math.min(HEIGHT, box.y + box.h); y++) {
    for (let x = Math.max(0, Math.floor(box.x)); x < Math.min(WIDTH, box.x + box.w); x++) {
      sum += Math.abs(a[y * WIDTH + x]! - b[y * WIDTH + x]!);
      n++;
    }
  }
  return n === 0 ? 0 : sum / n;
}

/** MOT rows of tracks.txt: frame → id → box. */
function readTracks(file: string): Map<number, Map<number, { x: number; y: number; w: number; h: number }>> {
  const out = new Map<number, Map<number, { x: number; y: number; w: number; h: number }>>();
  for (const line of readFileSync(file, 'utf8').trim().split('\n')) {
    const [f, id, x, y, w, h] = line.split(',').map(Number) as [number, number, number, number, number, number];
    if (!out.has(f)) out.set(f, new Map());
    out.get(f)!.set(id, { x, y, w, h });
  }
  return out;
}

const head = (b: { x: number; y: number; w: number; h: number }): { x: number; y: number; w: number; h: number } => ({ x: b.x, y: b.y, w: b.w, h: b.h / 5 });

test('redact writes the same size and frame count, heads pixelated and the rest of the picture left alone', { timeout: 300_000 }, async () => {
  const out = path.join(dir, 'all.mp4');
  const r = await runCli(['redact', clip, '--out', out, '--quiet'], 240_000);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^redacted 40 frames \(768x576\)/);
  const a = grey(clip);
  const b = grey(out);
  assert.equal(b.length, FRAMES, 'same frame count');
  const probe = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', out], { encoding: 'utf8' }).trim();
  assert.equal(probe, `${WIDTH},${HEIGHT}`);
  // Analysis of the same clip names the people; each one's head is changed, the picture as a whole barely.
  const analysed = path.join(dir, 'analysed');
  const a2 = await runCli(['analyze', clip, '--out', analysed, '--quiet'], 240_000);
  assert.equal(a2.code, 0, a2.stderr);
  const tracks = readTracks(path.join(analysed, 'tracks.txt'));
  const frame = 20;
  const people = [...(tracks.get(frame) ?? new Map()).values()].filter((b) => b.w >= 15);
  assert.ok(people.length >= 2, 'people are tracked in the middle of the clip');
  // Re-encoding moves grey levels by a few; pixelation by tens.
  for (const p of people) assert.ok(meanDiff(a[frame - 1]!, b[frame - 1]!, head(p)) > 20, `the head at ${p.x},${p.y} is pixelated`);
  let changed = 0;
  for (let i = 0; i < WIDTH * HEIGHT; i++) if (Math.abs(a[frame - 1]![i]! - b[frame - 1]![i]!) > 25) changed++;
  assert.ok(changed / (WIDTH * HEIGHT) < 0.08, `the rest of the picture is left alone (${((100 * changed) / (WIDTH * HEIGHT)).toFixed(1)} % of pixels changed by more than 25 grey levels)`);
});

test('redact --keep-track leaves that person visible and hides the others', { timeout: 300_000 }, async () => {
  const tracks = readTracks(path.join(dir, 'analysed', 'tracks.txt'));
  const frame = 20;
  const here = [...(tracks.get(frame) ?? new Map()).entries()];
  // A person whose head no other box comes near, so that only the kept track decides it.
  const apart = here.filter(([id, b]) => b.w >= 15 && here.every(([other, o]) => other === id || o.x > b.x + b.w + 40 || o.x + o.w < b.x - 40 || o.y > b.y + b.h || o.y + o.h < b.y - 40));
  assert.ok(apart.length >= 1, 'a person stands apart in frame 20');
  const [keep, box] = apart[0]!;
  const out = path.join(dir, 'keep.mp4');
  const r = await runCli(['redact', clip, '--out', out, '--keep-track', String(keep), '--quiet'], 240_000);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`track ${keep} left visible`));
  const a = grey(clip);
  const b = grey(out);
  const all = grey(path.join(dir, 'all.mp4'));
  assert.ok(meanDiff(a[frame - 1]!, b[frame - 1]!, head(box)) < 10, 'the kept person is as recorded, give or take the re-encoding');
  assert.ok(meanDiff(a[frame - 1]!, all[frame - 1]!, head(box)) > 20, 'and hidden without --keep-track');
  for (const [id, other] of here) {
    if (id === keep || other.w < 15) continue;
    assert.ok(meanDiff(a[frame - 1]!, b[frame - 1]!, head(other)) > 20, `track ${id} is still hidden`);
  }
});

test('redact refuses bad input with a short message and exit status 2', { timeout: 300_000 }, async () => {
  const notVideo = path.join(dir, 'not-video.mp4');
  writeFileSync(notVideo, 'not a video');
  const cases: [string[], RegExp][] = [
    [[clip], /needs --out/],
    [[clip, '--out', path.join(dir, 'x.avi')], /must name an \.mp4 file/],
    [[path.join(dir, 'missing.mp4'), '--out', path.join(dir, 'y.mp4')], /does not exist/],
    [[clip, '--out', clip], /must not be the input video/],
    [[clip, '--out', path.join(dir, 'z.mp4'), '--keep-track', 'abc'], /--keep-track must be a positive whole number/],
    [[clip, '--out', path.join(dir, 'none', 'z.mp4')], /folder of .* does not exist/],
    [[clip, clip, '--out', path.join(dir, 'z.mp4')], /exactly one video/],
  ];
  for (const [args, message] of cases) assertCleanFailure(await runCli(['redact', ...args]), EXIT_USAGE, message, args.join(' '));
  const unknown = await runCli(['redact', clip, '--out', path.join(dir, 'k.mp4'), '--keep-track', '9999', '--quiet'], 240_000);
  assertCleanFailure(unknown, EXIT_USAGE, /--keep-track 9999: no person track has that id/, 'unknown track');
  const broken = await runCli(['redact', notVideo, '--out', path.join(dir, 'b.mp4'), '--quiet']);
  assert.equal(broken.code, EXIT_USAGE, broken.stderr);
  assert.doesNotMatch(broken.stderr, /^ {4}at /m);
});
