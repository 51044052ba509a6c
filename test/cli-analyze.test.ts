// End-to-end tests of `sightline analyze` as a child process, with real ffmpeg and the real
// detector: the outputs on a short PETS09-S2L1 excerpt, and a table of failures that must end
// with a short message and a non-zero exit status, never a stack trace.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { stringify } from 'yaml';
import { OBJECT_CLASSES } from '../src/core/detection.ts';
import { EXIT_INCOMPLETE_INPUT } from '../src/cli/analyze.ts';
import { EXIT_RUNTIME, EXIT_USAGE, runCli, assertCleanFailure, escapeRegExp, type CliResult } from './fixtures/cli.ts';
import { NO_SHARED_DATA, PETS, ROOT } from './fixtures/data.ts';
import type { InputCoverage } from '../src/ingest/coverage.ts';

/** Frames of the PETS excerpt, at the source's 10 frames per second. */
const CLIP_FRAMES = 40;
const SOURCE_FPS = 10;
const WIDTH = 768;
const HEIGHT = 576;
const ZONE = 'plaza';

/** Runs a tool to completion and returns its stdout; fails the test with its stderr otherwise. */
function tool(bin: string, args: readonly string[]): string {
  const r = spawnSync(bin, args, { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, `${bin} ${args.join(' ')} failed: ${r.error?.message ?? r.stderr}`);
  return r.stdout;
}

/** Frames ffprobe decodes from a video's first stream. */
function countFrames(file: string): number {
  return Number(tool('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', file]).trim());
}

/** Deterministic pseudo-random bytes (xorshift32), so the "corrupt video" is the same on every run. */
function noise(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

interface LineDef {
  readonly name: string;
  readonly points: readonly [readonly [number, number], readonly [number, number]];
  readonly inside: readonly [number, number];
}

interface Event {
  readonly type: string;
  readonly rule: string;
  readonly trackId: number | null;
  readonly class: string;
  readonly frame: number;
  readonly time: number;
  readonly direction?: string;
  readonly phase?: string;
  readonly seconds?: number;
}

interface TrackLine {
  readonly frame: number;
  readonly id: number;
}

const EVENT_TYPES = ['line_crossing', 'zone_enter', 'zone_exit', 'intrusion', 'loitering', 'crowd'];

/** Parses events.jsonl, checking every line's fields; frames must lie in 1..frames. */
function readEvents(dir: string, lineNames: readonly string[], frames: number): Event[] {
  const text = readFileSync(path.join(dir, 'events.jsonl'), 'utf8');
  const rows = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  return rows.map((row, i) => {
    const where = `events.jsonl line ${i + 1}: ${row}`;
    const e = JSON.parse(row) as Event;
    assert.ok(EVENT_TYPES.includes(e.type), `${where}: type`);
    assert.ok(typeof e.rule === 'string' && [...lineNames, ZONE].includes(e.rule), `${where}: rule`);
    if (e.type === 'crowd') assert.equal(e.trackId, null, `${where}: crowd alarms concern a group`);
    else assert.ok(Number.isInteger(e.trackId) && (e.trackId ?? 0) > 0, `${where}: trackId`);
    assert.ok((OBJECT_CLASSES as readonly string[]).includes(e.class), `${where}: class`);
    assert.ok(Number.isInteger(e.frame) && e.frame >= 1 && e.frame <= frames, `${where}: 1-based frame within the clip`);
    assert.equal(typeof e.time, 'number', `${where}: time`);
    assert.ok(Math.abs(e.time - (e.frame - 1) / SOURCE_FPS) < 0.002, `${where}: time of a source frame number at ${SOURCE_FPS} fps`);
    if (e.type === 'line_crossing') {
      assert.ok(e.direction === 'in' || e.direction === 'out', `${where}: direction`);
      assert.ok(lineNames.includes(e.rule), `${where}: crossing of a line`);
    } else {
      assert.equal(e.direction, undefined, `${where}: only crossings have a direction`);
    }
    if (e.type === 'zone_exit') assert.ok(typeof e.seconds === 'number' && e.seconds >= 0, `${where}: an exit carries its dwell in seconds`);
    return e;
  });
}

/** Parses tracks.txt, checking the MOTChallenge form `frame,id,x,y,w,h,score,-1,-1,-1` and boxes inside the frame. */
function readTracks(dir: string, frames: number): TrackLine[] {
  const text = readFileSync(path.join(dir, 'tracks.txt'), 'utf8');
  const rows = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  const seen = new Set<string>();
  return rows.map((row, i) => {
    const where = `tracks.txt line ${i + 1}: ${row}`;
    const fields = row.split(',');
    assert.equal(fields.length, 10, `${where}: 10 fields`);
    assert.deepEqual(fields.slice(7), ['-1', '-1', '-1'], `${where}: ends with -1,-1,-1`);
    const [frame = NaN, id = NaN, x = NaN, y = NaN, w = NaN, h = NaN, score = NaN] = fields.slice(0, 7).map(Number);
    assert.ok(Number.isInteger(frame) && frame >= 1 && frame <= frames, `${where}: 1-based frame within the clip`);
    assert.ok(Number.isInteger(id) && id > 0, `${where}: positive id`);
    assert.ok(w > 0 && h > 0, `${where}: positive size`);
    // Numbers are written with 2 decimals, so an edge may round 0.005 px past the frame.
    assert.ok(x >= 0 && y >= 0 && x + w <= WIDTH + 0.01 && y + h <= HEIGHT + 0.01, `${where}: box inside the ${WIDTH}x${HEIGHT} frame`);
    assert.ok(score >= 0 && score <= 1, `${where}: score in 0..1`);
    const key = `${frame}:${id}`;
    assert.ok(!seen.has(key), `${where}: id repeated within a frame`);
    seen.add(key);
    return { frame, id };
  });
}

interface Summary {
  readonly width: number;
  readonly height: number;
  readonly frames: number;
  readonly seconds: number;
  readonly analysedFps: number;
  readonly input: InputCoverage;
  readonly lines: Record<string, { in: number; out: number }>;
  readonly zones: Record<string, { entered: number; exited: number; peakOccupancy: number; intrusions: number; loiterings: number; crowds: number; meanDwellSeconds: number | null; dwellBins: number[] }>;
  readonly events: number;
  readonly tracks: number;
}

function readSummary(dir: string): Summary {
  return JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8')) as Summary;
}

const isCount = (n: unknown): boolean => Number.isInteger(n) && (n as number) >= 0;

describe('sightline analyze on a 40-frame excerpt of PETS09-S2L1', { skip: NO_SHARED_DATA }, () => {
  let dir = '';
  let clip = '';
  let clipFrames = 0;
  let config = '';
  let lines: LineDef[] = [];
  let out = '';
  let full: CliResult;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'sightline-cli-analyze-'));
    clip = path.join(dir, 'excerpt.avi');
    tool('ffmpeg', ['-v', 'error', '-i', path.join(PETS, 'vtest.avi'), '-frames:v', String(CLIP_FRAMES), '-c:v', 'mpeg4', '-q:v', '4', '-an', clip]);
    clipFrames = countFrames(clip);
    assert.equal(clipFrames, CLIP_FRAMES, 'the excerpt has the frames asked for');
    lines = JSON.parse(readFileSync(path.join(PETS, 'lines.json'), 'utf8')) as LineDef[];
    config = path.join(dir, 'camera.yml');
    writeFileSync(
      config,
      stringify({
        lines: lines.map((l) => ({ name: l.name, points: l.points, inside: l.inside, classes: ['person'] })),
        zones: [{ name: ZONE, polygon: [[0, 0], [WIDTH, 0], [WIDTH, HEIGHT], [0, HEIGHT]], classes: ['person'], loitering: { seconds: 1 }, crowd: { count: 2, seconds: 0.5 } }],
      }),
    );
    out = path.join(dir, 'results', 'full');
    full = await runCli(['analyze', clip, '--config', config, '--out', out, '--workers', '1'], 300_000);
  });
  after(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  test('exits 0 and prints the one-line summary on stdout', () => {
    assert.equal(full.signal, null, 'not killed');
    assert.equal(full.code, 0, `exit status; stderr:\n${full.stderr}`);
    assert.doesNotMatch(full.stderr, /^ {4}at |^\w*Error\b.*:/m, 'nothing alarming on stderr');
    assert.doesNotMatch(full.stderr, /warning|truncated|damaged/, 'no warning about a complete clip');
    const s = readSummary(out);
    const { claimedSeconds, ...input } = s.input;
    assert.ok(claimedSeconds !== null && Math.abs(claimedSeconds - clipFrames / SOURCE_FPS) <= 0.2, `claimed seconds ${claimedSeconds}`);
    assert.deepEqual(
      input,
      { analysedSeconds: s.seconds, claimedFrames: clipFrames, analysedFrames: clipFrames, complete: true, decodeErrors: 0, lastDecodeErrors: [] },
      'summary.json records the clip as complete',
    );
    const counts = lines.map((l) => `${escapeRegExp(l.name)} in ${s.lines[l.name]?.in} out ${s.lines[l.name]?.out}`).join(', ');
    const expected = new RegExp(
      `^analyzed ${clipFrames} frames \\([\\d.]+ s of video\\) in [\\d.]+ s, [\\d.]+ frames/s: ${s.tracks} tracks, ${s.events} events; ${counts} -> ${escapeRegExp(out)}\\n$`,
    );
    assert.match(full.stdout, expected);
  });

  test('events.jsonl: one JSON event per line, 1-based frames, directions on crossings, totals as in summary.json', () => {
    const s = readSummary(out);
    const events = readEvents(out, lines.map((l) => l.name), clipFrames);
    assert.equal(events.length, s.events, 'summary.events counts the lines of events.jsonl');
    for (const l of lines) {
      for (const d of ['in', 'out'] as const) {
        const n = events.filter((e) => e.type === 'line_crossing' && e.rule === l.name && e.direction === d).length;
        assert.equal(s.lines[l.name]?.[d], n, `${l.name} ${d}: summary total derived from the events`);
      }
    }
    const z = s.zones[ZONE];
    assert.ok(z, `summary has zone ${ZONE}`);
    const count = (type: string, phase?: string): number => events.filter((e) => e.type === type && e.rule === ZONE && e.phase === phase).length;
    assert.equal(z.entered, count('zone_enter'), 'entered');
    assert.equal(z.exited, count('zone_exit'), 'exited');
    assert.equal(z.loiterings, count('loitering', 'start'), 'loiterings');
    assert.equal(z.crowds, count('crowd', 'start'), 'crowds');
    // Dwell: the summary's mean is the mean of the exits' seconds, its bins hold every exit.
    const dwells = events.filter((e) => e.type === 'zone_exit' && e.rule === ZONE).map((e) => e.seconds ?? -1);
    assert.ok(dwells.length > 0, 'people left the zone (at the latest when the clip ended)');
    assert.ok(z.meanDwellSeconds !== null && Math.abs(z.meanDwellSeconds - dwells.reduce((a, b) => a + b, 0) / dwells.length) <= 0.05, `mean dwell ${z.meanDwellSeconds}`);
    assert.equal(z.dwellBins.reduce((a, b) => a + b, 0), z.exited, 'every exit in one dwell bin');
    // Three people walk in view for all 4 s: someone loiters past 1 s, and a crowd of 2 forms.
    assert.ok(z.loiterings >= 1, `a loitering alarm (got ${z.loiterings})`);
    assert.ok(z.crowds >= 1, `a crowd alarm (got ${z.crowds})`);
  });

  test('tracks.txt: MOTChallenge rows with 1-based frames of the clip, positive ids, boxes inside the frame', () => {
    const rows = readTracks(out, clipFrames);
    assert.ok(rows.length > 0, 'people were tracked');
    assert.ok(new Set(rows.map((r) => r.id)).size <= readSummary(out).tracks, 'no more ids than summary.tracks');
  });

  test('summary.json: lines, zones, frames and seconds of the clip', () => {
    const s = readSummary(out);
    assert.equal(s.width, WIDTH);
    assert.equal(s.height, HEIGHT);
    assert.equal(s.frames, clipFrames, 'every frame of the clip analysed');
    assert.equal(s.analysedFps, SOURCE_FPS);
    assert.equal(typeof s.seconds, 'number');
    assert.ok(Math.abs(s.seconds - clipFrames / SOURCE_FPS) <= 0.2, `seconds ${s.seconds} ~ ${clipFrames / SOURCE_FPS}`);
    assert.deepEqual(Object.keys(s.lines).sort(), lines.map((l) => l.name).sort(), 'one entry per line');
    for (const l of lines) assert.ok(isCount(s.lines[l.name]?.in) && isCount(s.lines[l.name]?.out), `${l.name}: in/out counts`);
    assert.deepEqual(Object.keys(s.zones), [ZONE]);
    const z = s.zones[ZONE]!;
    for (const k of ['entered', 'exited', 'peakOccupancy', 'intrusions', 'loiterings', 'crowds'] as const) assert.ok(isCount(z[k]), `zones.${ZONE}.${k}`);
    assert.ok(z.peakOccupancy >= 2, `peak occupancy ${z.peakOccupancy}`);
  });

  test('occupancy.csv: one row per analysed frame and zone, its peak the summary\'s, each count backed by the tracks of that frame', () => {
    const [header, ...rows] = readFileSync(path.join(out, 'occupancy.csv'), 'utf8').trimEnd().split('\n');
    assert.equal(header, 'frame,time,zone,count');
    const parsed = rows.map((r) => r.split(',')).map(([frame, time, zone, count]) => ({ frame: Number(frame), time: Number(time), zone, count: Number(count) }));
    assert.deepEqual(parsed.map((r) => r.frame), Array.from({ length: clipFrames }, (_, i) => i + 1), 'every analysed frame, 1-based, in order');
    assert.ok(parsed.every((r) => r.zone === ZONE && isCount(r.count) && r.time >= 0));
    assert.ok(parsed.every((r, i) => i === 0 || r.time > parsed[i - 1]!.time), 'times increase');
    assert.equal(Math.max(...parsed.map((r) => r.count)), readSummary(out).zones[ZONE]!.peakOccupancy);
    // The zone is the whole picture: a frame's count is at most the people tracked in it (tracks.txt holds the observed ones).
    const perFrame = new Map<number, number>();
    for (const t of readTracks(out, clipFrames)) perFrame.set(t.frame, (perFrame.get(t.frame) ?? 0) + 1);
    assert.ok(parsed.some((r) => r.count > 0 && r.count <= (perFrame.get(r.frame) ?? 0) + 2), 'counts match the tracks of their frames');
  });

  test('heatmap.png: a PNG of the source size', () => {
    const png = readFileSync(path.join(out, 'heatmap.png'));
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
    const image = PNG.sync.read(png);
    assert.equal(image.width, WIDTH);
    assert.equal(image.height, HEIGHT);
  });

  test('--fps 5 analyses about half the frames and reports source frame numbers', async () => {
    const half = path.join(dir, 'results', 'fps5');
    const r = await runCli(['analyze', clip, '--config', config, '--out', half, '--workers', '1', '--fps', '5'], 300_000);
    assert.equal(r.code, 0, `exit status; stderr:\n${r.stderr}`);
    const s = readSummary(half);
    assert.ok(Math.abs(s.frames - clipFrames / 2) <= 1, `about half of ${clipFrames} frames analysed, got ${s.frames}`);
    assert.equal(s.analysedFps, 5);
    assert.ok(Math.abs(s.seconds - clipFrames / SOURCE_FPS) <= 0.2, `seconds ${s.seconds} still the clip's length`);
    assert.match(r.stdout, new RegExp(`^analyzed ${s.frames} frames `));
    // Analysed frames are the first of each 0.2 s slot: source frames 1, 3, 5, ... Events happen on analysed frames.
    const events = readEvents(half, lines.map((l) => l.name), clipFrames);
    assert.ok(events.length > 0, 'some events');
    for (const e of events) assert.equal(e.frame % 2, 1, `event on source frame ${e.frame}, an analysed one`);
    const rows = readTracks(half, clipFrames);
    const maxFrame = Math.max(...rows.map((t) => t.frame));
    assert.ok(maxFrame > s.frames, `tracks.txt numbers source frames (last ${maxFrame}), not analysed ones (${s.frames})`);
  });
});

describe('sightline analyze on a truncated file (the first 200,000 bytes of the demo clip)', () => {
  const demo = path.join(ROOT, 'demo', 'pets09-s2l1-excerpt.mp4');
  const DEMO_FRAMES = 300;
  const DEMO_SECONDS = 30;
  let dir = '';
  let truncated = '';
  let decodable = 0;

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'sightline-cli-truncated-'));
    truncated = path.join(dir, 'truncated.mp4');
    writeFileSync(truncated, readFileSync(demo).subarray(0, 200_000));
    // What ffprobe itself decodes of the truncated file; its header still claims the whole clip.
    decodable = countFrames(truncated);
    assert.ok(decodable > 0 && decodable < DEMO_FRAMES / 2, `the truncated file decodes only part of the clip (${decodable} frames)`);
  });
  after(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  const analysedSeconds = (): number => decodable / SOURCE_FPS;
  const warning = (): RegExp =>
    new RegExp(
      `input looks truncated or damaged: analysed ${decodable} of ${DEMO_FRAMES} frames \\(${analysedSeconds().toFixed(1)} of ${DEMO_SECONDS}\\.0 s\\) the container claims; ` +
        'results cover only the analysed part; ffmpeg reported \\d+ decode errors? \\(last: [^)]',
    );

  /** Checks that summary.json records the truncation: what was analysed against the container's claim. */
  const assertRecorded = (out: string): void => {
    const s = readSummary(out);
    assert.equal(s.frames, decodable, 'summary.frames: the frames analysed');
    assert.equal(s.seconds, analysedSeconds(), 'summary.seconds: the analysed seconds, not the claimed duration');
    const { decodeErrors, lastDecodeErrors, ...input } = s.input;
    assert.deepEqual(input, { claimedSeconds: DEMO_SECONDS, analysedSeconds: analysedSeconds(), claimedFrames: DEMO_FRAMES, analysedFrames: decodable, complete: false });
    assert.ok(decodeErrors > 0 && lastDecodeErrors.length > 0, `ffmpeg's decode errors recorded: ${decodeErrors} ${JSON.stringify(lastDecodeErrors)}`);
  };

  test('without --strict: exit 0, a warning on stderr, the analysed seconds in the summary line and summary.json', async () => {
    const out = path.join(dir, 'lenient');
    const r = await runCli(['analyze', truncated, '--out', out, '--workers', '1', '--quiet'], 120_000);
    assert.equal(r.signal, null, 'not killed');
    assert.equal(r.code, 0, `exit status; stderr:\n${r.stderr}`);
    assert.match(r.stderr, new RegExp(`^sightline analyze: warning: ${warning().source}`, 'm'));
    assert.match(r.stdout, new RegExp(`^analyzed ${decodable} frames \\(${analysedSeconds()} s of video\\) in `));
    assertRecorded(out);
  });

  test(`with --strict: exit ${EXIT_INCOMPLETE_INPUT}, the same message as an error, results of the analysed part still written`, async () => {
    const out = path.join(dir, 'strict');
    const r = await runCli(['analyze', truncated, '--out', out, '--workers', '1', '--quiet', '--strict'], 120_000);
    assertCleanFailure(r, EXIT_INCOMPLETE_INPUT, new RegExp(`^sightline analyze: ${warning().source}.*--strict`), '--strict on a truncated file');
    assert.doesNotMatch(r.stderr, /warning:/, 'an error, not a warning');
    assertRecorded(out);
  });

  test('the complete demo clip with --strict (at --fps 2): exit 0, no warning, recorded as complete', async () => {
    const out = path.join(dir, 'complete');
    const r = await runCli(['analyze', demo, '--out', out, '--workers', '1', '--quiet', '--strict', '--fps', '2'], 300_000);
    assert.equal(r.signal, null, 'not killed');
    assert.equal(r.code, 0, `exit status; stderr:\n${r.stderr}`);
    assert.doesNotMatch(r.stderr, /warning|truncated|damaged/, 'no warning');
    const frames = DEMO_SECONDS * 2;
    assert.match(r.stdout, new RegExp(`^analyzed ${frames} frames \\(${DEMO_SECONDS} s of video\\) in `));
    assert.deepEqual(readSummary(out).input, {
      claimedSeconds: DEMO_SECONDS,
      analysedSeconds: DEMO_SECONDS,
      claimedFrames: frames,
      analysedFrames: frames,
      complete: true,
      decodeErrors: 0,
      lastDecodeErrors: [],
    });
  });
});

describe('sightline analyze failures', () => {
  let dir = '';
  let video = '';

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'sightline-cli-fail-'));
    video = path.join(dir, 'testsrc.mp4');
    tool('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', `testsrc=size=160x120:rate=${SOURCE_FPS}`, '-frames:v', '5', '-c:v', 'mpeg4', video]);
    mkdirSync(path.join(dir, 'folder.mp4'));
    writeFileSync(path.join(dir, 'corrupt.avi'), noise(64 * 1024, 0x5eed));
    writeFileSync(path.join(dir, 'notes.mp4'), 'These are my notes, not a video.\n'.repeat(20));
    writeFileSync(path.join(dir, 'regular-file'), 'not a folder\n');
    writeFileSync(path.join(dir, 'ok.yml'), 'lines: []\n');
    // A tab as indentation on line 3.
    writeFileSync(path.join(dir, 'syntax.yml'), 'lines:\n  - name: door\n\tpoints: [[0, 0], [10, 10]]\n');
    writeFileSync(path.join(dir, 'type.yml'), 'zones:\n  - name: plaza\n    polygon: [[0, 0], [10, 0], [10, 10]]\n    crowd: { count: many, seconds: 1 }\n');
  });
  after(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  const p = (name: string): string => path.join(dir, name);
  const outDir = (): string => p('out');
  const cases: readonly { readonly name: string; readonly args: () => string[]; readonly message: () => RegExp }[] = [
    { name: 'missing video file', args: () => ['analyze', p('missing.mp4'), '--out', outDir()], message: () => new RegExp(`${escapeRegExp(p('missing.mp4'))} does not exist`) },
    { name: 'a directory instead of a file', args: () => ['analyze', p('folder.mp4'), '--out', outDir()], message: () => new RegExp(`${escapeRegExp(p('folder.mp4'))} is not a file`) },
    { name: 'corrupt video (random bytes)', args: () => ['analyze', p('corrupt.avi'), '--out', outDir()], message: () => new RegExp(`${escapeRegExp(p('corrupt.avi'))}.*[Ii]nvalid data`) },
    { name: 'text file renamed .mp4', args: () => ['analyze', p('notes.mp4'), '--out', outDir()], message: () => new RegExp(`${escapeRegExp(p('notes.mp4'))}.*[Ii]nvalid data`) },
    { name: 'config file that does not exist', args: () => ['analyze', video, '--config', p('none.yml'), '--out', outDir()], message: () => new RegExp(`config file ${escapeRegExp(p('none.yml'))} does not exist`) },
    { name: 'config with a YAML syntax error', args: () => ['analyze', video, '--config', p('syntax.yml'), '--out', outDir()], message: () => new RegExp(`${escapeRegExp(p('syntax.yml'))}:3:1: .*[Tt]ab`) },
    { name: 'config with a wrong type', args: () => ['analyze', video, '--config', p('type.yml'), '--out', outDir()], message: () => new RegExp(`${escapeRegExp(p('type.yml'))}:4:21: zones\\[0\\]\\.crowd\\.count: expected number`) },
    { name: 'no --out', args: () => ['analyze', video, '--config', p('ok.yml')], message: () => /--out/ },
    { name: 'two positional videos', args: () => ['analyze', video, video, '--out', outDir()], message: () => /exactly one video, got 2/ },
    { name: '--fps 0', args: () => ['analyze', video, '--out', outDir(), '--fps', '0'], message: () => /--fps must be a positive number, got "0"/ },
    { name: '--workers abc', args: () => ['analyze', video, '--out', outDir(), '--workers', 'abc'], message: () => /--workers must be a positive whole number, got "abc"/ },
    { name: 'an unknown option', args: () => ['analyze', video, '--out', outDir(), '--frobnicate'], message: () => /--frobnicate/ },
    { name: 'an unknown command', args: () => ['frobnicate', video], message: () => /unknown command "frobnicate"/ },
  ];
  for (const c of cases) {
    test(`${c.name}: exit ${EXIT_USAGE}, a short message, no stack trace`, async () => {
      const r = await runCli(c.args(), 60_000);
      assertCleanFailure(r, EXIT_USAGE, c.message(), c.name);
      assert.equal(r.stdout, '', `${c.name}: nothing on stdout`);
    });
  }

  test('an output folder that cannot be created (under a regular file): exit 1 and a clear message', async () => {
    const target = path.join(p('regular-file'), 'results');
    const r = await runCli(['analyze', video, '--out', target, '--workers', '1'], 120_000);
    assertCleanFailure(r, EXIT_RUNTIME, new RegExp(`cannot write results to ${escapeRegExp(target)}.*not a directory`), 'unwritable --out');
    assert.equal(r.stdout, '', 'no success line');
  });

  test('--help exits 0 and lists analyze and eval', async () => {
    const r = await runCli(['--help'], 60_000);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /sightline analyze <video>/);
    assert.match(r.stdout, /sightline eval /);
    assert.match(r.stdout, /--strict/);
    assert.match(r.stdout, new RegExp(`\\b${EXIT_INCOMPLETE_INPUT} when analyze --strict`));
    assert.equal(r.stderr, '');
  });

  test('no arguments: non-zero exit with the usage', async () => {
    const r = await runCli([], 60_000);
    assert.equal(r.code, EXIT_USAGE);
    assert.match(r.stdout + r.stderr, /Usage:[\s\S]*sightline analyze[\s\S]*sightline eval/);
  });
});
