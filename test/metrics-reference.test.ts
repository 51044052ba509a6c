// Reproduces the reference scores py-motmetrics and TrackEval report for TUD-Campus, read at run
// time from the shared evaluation data (never copied into the repository).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluateTracking, type TrackingEvaluation } from '../src/core/metrics/evaluate.ts';
import { parseMot, type MotSequence } from '../src/core/metrics/mot-format.ts';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = path.resolve(projectRoot, '..', 'shared', 'data');
const refDir = path.join(dataDir, 'motmetrics');
const skip = existsSync(refDir) ? false : `evaluation data not found at ${refDir}`;

type Field = keyof TrackingEvaluation;

/** CSV column → our field, for each reference tool. */
const PYMOTMETRICS: Readonly<Record<string, Field>> = {
  idf1: 'idf1', idp: 'idp', idr: 'idr', recall: 'recall', precision: 'precision',
  num_unique_objects: 'numUniqueObjects', mostly_tracked: 'mostlyTracked', partially_tracked: 'partiallyTracked',
  mostly_lost: 'mostlyLost', num_false_positives: 'numFalsePositives', num_misses: 'numMisses',
  num_switches: 'numSwitches', num_fragmentations: 'numFragmentations', mota: 'mota', motp: 'motp',
};
const TRACKEVAL: Readonly<Record<string, Field>> = {
  HOTA: 'hota', DetA: 'detA', AssA: 'assA', LocA: 'locA', MOTA: 'mota', MOTP: 'motpIou',
  CLR_TP: 'numDetections', CLR_FN: 'numMisses', CLR_FP: 'numFalsePositives', IDSW: 'numSwitches',
  MT: 'mostlyTracked', PT: 'partiallyTracked', ML: 'mostlyLost', Frag: 'numFragmentations',
  IDF1: 'idf1', IDP: 'idp', IDR: 'idr', IDTP: 'idtp', IDFN: 'idfn', IDFP: 'idfp',
};

function readCsv(file: string): Map<string, Map<string, string>> {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '' && !l.startsWith('#'));
  const [header, ...rows] = lines.map((l) => l.split(','));
  assert.ok(header, `${file} has no header`);
  return new Map(rows.map((row) => [row[0] ?? '', new Map(header.map((name, i) => [name, row[i] ?? '']))]));
}

function load(file: string): MotSequence {
  const parsed = parseMot(readFileSync(file, 'utf8'));
  if (!parsed.ok) assert.fail(`${file}: ${parsed.error.message}`);
  return parsed.value;
}

function checkAgainst(csvFile: string, columns: Readonly<Record<string, Field>>): void {
  const expected = readCsv(path.join(refDir, csvFile)).get('TUD-Campus');
  assert.ok(expected, `${csvFile} has no TUD-Campus row`);
  const got = evaluateTracking(load(path.join(refDir, 'TUD-Campus', 'gt.txt')), load(path.join(refDir, 'TUD-Campus', 'test.txt')));
  const checked: string[] = [];
  for (const [column, text] of expected) {
    if (column === 'seq') continue;
    const field = columns[column];
    assert.ok(field, `${csvFile}: no field for column ${column}`);
    const want = Number(text);
    const value = got[field];
    assert.equal(typeof value, 'number', `${column} is not a number`);
    if (Number.isInteger(want) && !text.includes('.')) assert.equal(value, want, `${column}: got ${String(value)}, want ${want}`);
    else assert.ok(Math.abs((value as number) - want) < 5e-5, `${column}: got ${String(value)}, want ${want} (4 decimals)`);
    checked.push(column);
  }
  assert.equal(checked.length, Object.keys(columns).length, `${csvFile}: every mapped column is checked`);
}

test('TUD-Campus matches py-motmetrics to 4 decimals', { skip }, () => {
  checkAgainst('expected-pymotmetrics.csv', PYMOTMETRICS);
});

test('TUD-Campus matches TrackEval to 4 decimals', { skip }, () => {
  checkAgainst('expected-trackeval.csv', TRACKEVAL);
});

test('PETS09-S2L1 ground truth against itself scores perfectly', { skip: existsSync(path.join(dataDir, 'pets09-s2l1', 'gt.txt')) ? false : 'PETS09 data not found' }, () => {
  const gt = load(path.join(dataDir, 'pets09-s2l1', 'gt.txt'));
  const got = evaluateTracking(gt, gt);
  // Zero-marked ground-truth rows are not evaluated, but the same rows as tracker output are false positives.
  const zeroMarked = gt.frames.flatMap((f) => f.boxes).filter((b) => Math.trunc(b.conf) === 0).length;
  assert.equal(got.numFalsePositives, zeroMarked);
  assert.equal(got.numMisses, 0);
  assert.equal(got.numSwitches, 0);
  assert.equal(got.idfn, 0);
});
