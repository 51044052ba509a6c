// Ground-truth check of the line rules: the PETS09-S2L1 ground-truth boxes, fed to the real rules
// engine as perfect tracks, must give exactly the crossings of lines-truth.json (the semantics the
// evaluation data documents), and the jitter guard of the shipped defaults must not lose any.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { resolveRuleSet } from '../src/config/resolve.ts';
import { analyticsConfigSchema } from '../src/config/schema/index.ts';
import type { Track } from '../src/core/detection.ts';
import type { Point } from '../src/core/geometry.ts';
import { parseMot } from '../src/core/metrics/mot-format.ts';
import { createRuleState, finishRules, stepRules, summarize, type RuleSummary } from '../src/core/rules/engine.ts';
import type { LineRule, RuleEvent, RuleSet, TrackFrame } from '../src/core/rules/types.ts';
import { NO_SHARED_DATA, PETS } from './fixtures/data.ts';

/** The annotations of PETS09-S2L1 assume 7 frames per second. */
const GT_FPS = 7;
const FRAME_SIZE = { width: 768, height: 576 };

interface LineDef {
  readonly name: string;
  readonly points: readonly [Point, Point];
  readonly inside: Point;
}

interface TruthEvent {
  readonly frame: number;
  readonly track: number;
  readonly dir: 'in' | 'out';
}

interface LineTruth {
  readonly in: number;
  readonly out: number;
  readonly events: readonly TruthEvent[];
}

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(path.join(PETS, file), 'utf8'));
}

function isPoint(v: unknown): v is Point {
  return Array.isArray(v) && v.length === 2 && v.every((n) => typeof n === 'number');
}

function loadLines(): LineDef[] {
  const data = readJson('lines.json');
  assert.ok(Array.isArray(data), 'lines.json holds an array');
  return data.map((l: unknown, i): LineDef => {
    const { name, points, inside } = (l ?? {}) as Record<string, unknown>;
    assert.ok(typeof name === 'string' && Array.isArray(points) && points.length === 2 && isPoint(points[0]) && isPoint(points[1]) && isPoint(inside), `lines.json[${i}] is a line`);
    return { name, points: [points[0], points[1]], inside };
  });
}

function loadTruth(): Map<string, LineTruth> {
  const data = readJson('lines-truth.json') as Record<string, { in: unknown; out: unknown; events: unknown }>;
  const truth = new Map<string, LineTruth>();
  for (const [name, v] of Object.entries(data)) {
    assert.ok(typeof v.in === 'number' && typeof v.out === 'number' && Array.isArray(v.events), `lines-truth.json: ${name} has in, out and events`);
    const events = v.events.map((e: unknown): TruthEvent => {
      const { frame, track, dir } = e as Record<string, unknown>;
      assert.ok(typeof frame === 'number' && typeof track === 'number' && (dir === 'in' || dir === 'out'), `lines-truth.json: ${name} event ${JSON.stringify(e)}`);
      return { frame, track, dir };
    });
    truth.set(name, { in: v.in, out: v.out, events });
  }
  return truth;
}

/** The ground truth as the tracker would ideally report it: every box observed, class person, frames at 7 fps. */
function groundTruthFrames(): TrackFrame[] {
  const parsed = parseMot(readFileSync(path.join(PETS, 'gt.txt'), 'utf8'));
  if (!parsed.ok) assert.fail(`gt.txt: ${parsed.error.message}`);
  const frames: TrackFrame[] = [];
  const byFrame = new Map(parsed.value.frames.map((f) => [f.frame, f.boxes]));
  const last = parsed.value.frames.at(-1)?.frame ?? 0;
  for (let frame = 1; frame <= last; frame++) {
    const tracks = (byFrame.get(frame) ?? []).map((b): Track => ({ id: b.id, class: 'person', box: b.box, score: 1, observed: true }));
    frames.push({ frame, time: (frame - 1) / GT_FPS, tracks });
  }
  return frames;
}

function runEngine(ruleSet: RuleSet, frames: readonly TrackFrame[]): { events: RuleEvent[]; summary: RuleSummary } {
  let state = createRuleState(ruleSet, FRAME_SIZE);
  const events: RuleEvent[] = [];
  for (const frame of frames) {
    const step = stepRules(state, frame);
    state = step.state;
    events.push(...step.events);
  }
  events.push(...finishRules(state).events);
  return { events, summary: summarize(events, ruleSet) };
}

function crossings(events: readonly RuleEvent[], line: string): TruthEvent[] {
  return events
    .filter((e) => e.type === 'line_crossing' && e.rule === line)
    .map((e) => {
      assert.ok(e.trackId !== null && e.direction !== undefined, `crossing without track or direction: ${JSON.stringify(e)}`);
      return { frame: e.frame, track: e.trackId, dir: e.direction };
    });
}

const byFrameThenTrack = (a: TruthEvent, b: TruthEvent): number => a.frame - b.frame || a.track - b.track;

test('ground-truth tracks through the rules engine (minObservations 1, minDistance 0) give exactly the crossings of lines-truth.json', { skip: NO_SHARED_DATA }, () => {
  const lines = loadLines();
  const truth = loadTruth();
  assert.deepEqual(lines.map((l) => l.name).sort(), [...truth.keys()].sort(), 'lines.json and lines-truth.json name the same lines');
  const ruleSet: RuleSet = {
    lines: lines.map((l): LineRule => ({ ...l, classes: ['person'], minObservations: 1, minDistance: 0 })),
    zones: [],
  };
  const { events, summary } = runEngine(ruleSet, groundTruthFrames());
  for (const line of lines) {
    const want = truth.get(line.name)!;
    assert.deepEqual(crossings(events, line.name), want.events, `${line.name}: crossing events (frame, track, direction, in order)`);
    assert.deepEqual(summary.lines[line.name], { in: want.in, out: want.out }, `${line.name}: in/out totals`);
  }
});

test('with the shipped jitter-guard defaults of the config schema the ground truth still counts exactly', { skip: NO_SHARED_DATA }, () => {
  const lines = loadLines();
  const truth = loadTruth();
  const config = analyticsConfigSchema.parse({ lines: lines.map((l) => ({ name: l.name, points: l.points, inside: l.inside })) });
  const ruleSet = resolveRuleSet(config);
  const guard = ruleSet.lines[0]!;
  assert.ok(guard.minObservations > 1 || guard.minDistance > 0, `the defaults guard against jitter (minObservations ${guard.minObservations}, minDistance ${guard.minDistance})`);
  assert.deepEqual(ruleSet.lines.map((l) => l.classes), lines.map(() => ['person']), 'lines count people by default');

  const { events, summary } = runEngine(ruleSet, groundTruthFrames());
  for (const line of lines) {
    const want = truth.get(line.name)!;
    assert.deepEqual(summary.lines[line.name], { in: want.in, out: want.out }, `${line.name}: in/out totals with minObservations ${guard.minObservations}, minDistance ${guard.minDistance}`);
    // Events are emitted once confirmed but carry the frame of the crossing step: the same set.
    assert.deepEqual(crossings(events, line.name).sort(byFrameThenTrack), [...want.events].sort(byFrameThenTrack), `${line.name}: crossing events`);
  }
});
