// End-to-end tests of `sightline eval` as a child process: the reference tracking scores of
// TUD-Campus, counting accuracy against line truth, and a table of failures that must end with a
// short message and a non-zero exit status, never a stack trace.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EXIT_USAGE, runCli, assertCleanFailure, escapeRegExp } from './fixtures/cli.ts';
import { NO_SHARED_DATA, PETS, SHARED_DATA } from './fixtures/data.ts';

const TUD = path.join(SHARED_DATA, 'motmetrics', 'TUD-Campus');
/** Exit status for bad usage or bad input, as `sightline --help` documents it. */

interface Comparison {
  readonly line: string;
  readonly direction: string;
  readonly truth: number;
  readonly measured: number;
  readonly absoluteError: number;
}

interface CountingReport {
  readonly counting: { readonly comparisons: readonly Comparison[]; readonly totalTruth: number; readonly totalAbsoluteError: number; readonly accuracy: number };
}

/** The per-line lines and the accuracy line `eval --lines-truth` prints. */
function countingText(comparisons: readonly Comparison[], accuracy: number, off: number, total: number): string {
  return (
    comparisons.map((c) => `${c.line} ${c.direction}: measured ${c.measured}, truth ${c.truth}, error ${c.absoluteError}\n`).join('') +
    `counting accuracy ${accuracy.toFixed(4)} (${off} off of ${total} true crossings)\n`
  );
}

describe('sightline eval on TUD-Campus', { skip: NO_SHARED_DATA }, () => {
  const args = (): string[] => ['eval', '--gt', path.join(TUD, 'gt.txt'), '--tracks', path.join(TUD, 'test.txt')];

  test('prints MOTA, IDF1 and HOTA of the reference tools to 4 decimals', async () => {
    const r = await runCli(args());
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /^MOTA 0\.5265 /m);
    assert.match(r.stdout, /^IDF1 0\.5577 /m);
    assert.match(r.stdout, /^HOTA 0\.3914 /m);
  });

  test('--json holds the same values', async () => {
    const r = await runCli([...args(), '--json']);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { tracking: { mota: number; idf1: number; hota: number } };
    assert.equal(report.tracking.mota.toFixed(4), '0.5265');
    assert.equal(report.tracking.idf1.toFixed(4), '0.5577');
    assert.equal(report.tracking.hota.toFixed(4), '0.3914');
  });
});

describe('sightline eval --lines-truth', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'sightline-cli-eval-'));
  });
  after(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  test('against lines-truth.json of PETS09-S2L1: per-line errors and accuracy', { skip: NO_SHARED_DATA }, async () => {
    const truthFile = path.join(PETS, 'lines-truth.json');
    const truth = JSON.parse(readFileSync(truthFile, 'utf8')) as Record<string, { in: number; out: number }>;
    const names = Object.keys(truth);
    assert.ok(names.length >= 2, 'lines-truth.json has two lines');
    const [first = '', second = ''] = names;
    // Two too few `in` on the first line, three too many `out` on the second.
    const measured = Object.fromEntries(names.map((n) => [n, { in: truth[n]!.in - (n === first ? 2 : 0), out: truth[n]!.out + (n === second ? 3 : 0) }]));
    const summary = path.join(dir, 'pets-summary.json');
    writeFileSync(summary, JSON.stringify({ source: 'vtest.avi', frames: 795, lines: measured, zones: {} }));
    const comparisons = names.flatMap((n) =>
      (['in', 'out'] as const).map((d): Comparison => ({ line: n, direction: d, truth: truth[n]![d], measured: measured[n]![d], absoluteError: Math.abs(measured[n]![d] - truth[n]![d]) })),
    );
    const total = names.reduce((s, n) => s + truth[n]!.in + truth[n]!.out, 0);
    const accuracy = 1 - 5 / total;

    const r = await runCli(['eval', '--lines-truth', truthFile, '--summary', summary]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, countingText(comparisons, accuracy, 5, total));

    const j = await runCli(['eval', '--lines-truth', truthFile, '--summary', summary, '--json']);
    assert.equal(j.code, 0, j.stderr);
    const report = JSON.parse(j.stdout) as CountingReport;
    assert.deepEqual(report.counting.comparisons, comparisons);
    assert.equal(report.counting.totalTruth, total);
    assert.equal(report.counting.totalAbsoluteError, 5);
    assert.ok(Math.abs(report.counting.accuracy - accuracy) < 1e-12, `accuracy ${report.counting.accuracy}`);
  });

  test('against a truth file written here: lines missing on either side count as errors', async () => {
    const truthFile = path.join(dir, 'truth.json');
    writeFileSync(truthFile, JSON.stringify({ door: { in: 3, out: 1 }, gate: { in: 2, out: 2 } }));
    const summary = path.join(dir, 'summary.json');
    writeFileSync(summary, JSON.stringify({ frames: 10, lines: { door: { in: 2, out: 1 }, side: { in: 1, out: 0 } } }));
    const comparisons: Comparison[] = [
      { line: 'door', direction: 'in', truth: 3, measured: 2, absoluteError: 1 },
      { line: 'door', direction: 'out', truth: 1, measured: 1, absoluteError: 0 },
      { line: 'gate', direction: 'in', truth: 2, measured: 0, absoluteError: 2 },
      { line: 'gate', direction: 'out', truth: 2, measured: 0, absoluteError: 2 },
      { line: 'side', direction: 'in', truth: 0, measured: 1, absoluteError: 1 },
      { line: 'side', direction: 'out', truth: 0, measured: 0, absoluteError: 0 },
    ];
    const r = await runCli(['eval', '--lines-truth', truthFile, '--summary', summary]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, countingText(comparisons, 1 - 6 / 8, 6, 8));
    const j = await runCli(['eval', '--lines-truth', truthFile, '--summary', summary, '--json']);
    assert.deepEqual((JSON.parse(j.stdout) as CountingReport).counting, { comparisons, totalTruth: 8, totalAbsoluteError: 6, accuracy: 0.25 });
  });
});

test('occupancy against true counts per frame: accuracy, mean and signed error, the worst frame, one zone of several', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sightline-cli-eval-occ-'));
  try {
    // The truth names its frames by file (one row per frame); analyze's occupancy.csv by number, per zone.
    writeFileSync(path.join(dir, 'truth.csv'), 'frame,count\nseq_000001.jpg,10\nseq_000002.jpg,20\nseq_000003.jpg,10\n');
    writeFileSync(path.join(dir, 'occupancy.csv'), 'frame,time,zone,count\n1,0.000,mall,12\n1,0.000,door,0\n2,0.500,mall,15\n2,0.500,door,1\n3,1.000,mall,10\n3,1.000,door,1\n');
    const args = ['eval', '--counts-truth', path.join(dir, 'truth.csv'), '--occupancy', path.join(dir, 'occupancy.csv'), '--zone', 'mall'];
    const r = await runCli(args);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'occupancy accuracy 0.8250 over 3 frames (7 off of 40 true counts): mean absolute error 2.33 per frame, mean error -1.00 (under), largest 5 at frame 2\n');
    const j = JSON.parse((await runCli([...args, '--json'])).stdout) as { occupancy: { accuracy: number; unmeasuredFrames: number } };
    assert.deepEqual([j.occupancy.accuracy, j.occupancy.unmeasuredFrames], [1 - 7 / 40, 0]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('sightline eval failures', () => {
  let dir = '';
  const p = (name: string): string => path.join(dir, name);
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'sightline-cli-eval-fail-'));
    writeFileSync(p('gt.txt'), '1,1,10,10,20,40,1,-1,-1,-1\n2,1,12,10,20,40,1,-1,-1,-1\n');
    writeFileSync(p('not-a-number.txt'), '1,1,10,10,20,40,0.9,-1,-1,-1\n2,1,12,10,20,40,0.9,-1,-1,-1\n3,1,14,abc,20,40,0.9,-1,-1,-1\n');
    writeFileSync(p('too-few.txt'), '1,1,10,10,20,40,0.9\n\n3,1,14\n');
    writeFileSync(p('repeated-id.txt'), '1,1,10,10,20,40,0.9\n1,1,50,10,20,40,0.9\n');
    writeFileSync(p('frame-zero.txt'), '0,1,10,10,20,40,0.9\n');
    writeFileSync(p('truth.json'), JSON.stringify({ door: { in: 1, out: 0 } }));
    writeFileSync(p('summary-without-lines.json'), JSON.stringify({ source: 'a.mp4', frames: 10, zones: {} }));
    writeFileSync(p('summary-not-json.json'), '{"lines": {"door": ');
    writeFileSync(p('counts.csv'), 'frame,count\nseq_1.jpg,3\n');
    writeFileSync(p('no-count.csv'), 'frame,people\n1,3\n');
    writeFileSync(p('two-zones.csv'), 'frame,time,zone,count\n1,0.000,mall,3\n1,0.000,door,1\n');
  });
  after(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  const cases: readonly { readonly name: string; readonly args: () => string[]; readonly message: () => RegExp }[] = [
    { name: 'missing --gt file', args: () => ['eval', '--gt', p('none.txt'), '--tracks', p('gt.txt')], message: () => new RegExp(`--gt ${escapeRegExp(p('none.txt'))} does not exist`) },
    { name: 'missing --tracks file', args: () => ['eval', '--gt', p('gt.txt'), '--tracks', p('none.txt')], message: () => new RegExp(`--tracks ${escapeRegExp(p('none.txt'))} does not exist`) },
    { name: 'a field that is not a number', args: () => ['eval', '--gt', p('gt.txt'), '--tracks', p('not-a-number.txt')], message: () => new RegExp(`${escapeRegExp(p('not-a-number.txt'))}:3:.*y is not a number`) },
    { name: 'too few fields', args: () => ['eval', '--gt', p('too-few.txt'), '--tracks', p('gt.txt')], message: () => new RegExp(`${escapeRegExp(p('too-few.txt'))}:3:.*at least 7 fields`) },
    { name: 'an id repeated within a frame', args: () => ['eval', '--gt', p('gt.txt'), '--tracks', p('repeated-id.txt')], message: () => new RegExp(`${escapeRegExp(p('repeated-id.txt'))}:2:.*id 1 appears twice in frame 1`) },
    { name: 'frame 0', args: () => ['eval', '--gt', p('gt.txt'), '--tracks', p('frame-zero.txt')], message: () => new RegExp(`${escapeRegExp(p('frame-zero.txt'))}:1:.*frame must be an integer >= 1`) },
    { name: '--gt without --tracks', args: () => ['eval', '--gt', p('gt.txt')], message: () => /--gt and --tracks go together/ },
    { name: '--tracks without --gt', args: () => ['eval', '--tracks', p('gt.txt')], message: () => /--gt and --tracks go together/ },
    { name: '--lines-truth without --summary', args: () => ['eval', '--lines-truth', p('truth.json')], message: () => /--lines-truth and --summary go together/ },
    { name: 'a summary.json without lines', args: () => ['eval', '--lines-truth', p('truth.json'), '--summary', p('summary-without-lines.json')], message: () => new RegExp(`${escapeRegExp(p('summary-without-lines.json'))} does not hold line counts`) },
    { name: 'a summary that is not JSON', args: () => ['eval', '--lines-truth', p('truth.json'), '--summary', p('summary-not-json.json')], message: () => new RegExp(`${escapeRegExp(p('summary-not-json.json'))} is not valid JSON`) },
    { name: 'missing --summary file', args: () => ['eval', '--lines-truth', p('truth.json'), '--summary', p('none.json')], message: () => new RegExp(`--summary ${escapeRegExp(p('none.json'))} does not exist`) },
    { name: 'no inputs at all', args: () => ['eval'], message: () => /--gt and --tracks, --lines-truth and --summary, or --counts-truth and --occupancy/ },
    { name: '--counts-truth without --occupancy', args: () => ['eval', '--counts-truth', p('counts.csv')], message: () => /--counts-truth and --occupancy go together/ },
    { name: 'a counts CSV without a count column', args: () => ['eval', '--counts-truth', p('no-count.csv'), '--occupancy', p('counts.csv')], message: () => new RegExp(`${escapeRegExp(p('no-count.csv'))}:1: the header must name a "count" column`) },
    { name: 'an occupancy of several zones without --zone', args: () => ['eval', '--counts-truth', p('counts.csv'), '--occupancy', p('two-zones.csv')], message: () => new RegExp(`${escapeRegExp(p('two-zones.csv'))}:3: frame 1 appears twice \\(several zones: choose one with --zone\\)`) },
    { name: 'an unknown option', args: () => ['eval', '--gt', p('gt.txt'), '--tracks', p('gt.txt'), '--frobnicate'], message: () => /--frobnicate/ },
  ];
  for (const c of cases) {
    test(`${c.name}: exit ${EXIT_USAGE}, a short message, no stack trace`, async () => {
      assertCleanFailure(await runCli(c.args()), EXIT_USAGE, c.message(), c.name);
    });
  }
});
