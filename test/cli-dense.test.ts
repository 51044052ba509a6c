/**
 * The dense preset on a real crowd: 24 frames of the CUHK Mall scene (13 to 53 people, often only a
 * head visible), through `sightline analyze` with the region of interest as a zone, scored by
 * `sightline eval --occupancy` against the annotated counts. The default settings track a handful
 * of the people there; `--preset dense` counts most of them.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from './fixtures/cli.ts';
import { SHARED_DATA } from './fixtures/data.ts';

const MALL = path.join(SHARED_DATA, 'mall');
const FRAMES = 24;
const NO_MALL = existsSync(path.join(MALL, 'counts.csv')) ? false : `no Mall data at ${MALL}`;

describe('sightline analyze --preset dense on the Mall crowd', { skip: NO_MALL }, () => {
  let dir = '';
  const p = (name: string): string => path.join(dir, name);

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'sightline-dense-'));
    // Every 40th frame, so the sample spans the whole sequence's crowd sizes.
    const list = Array.from({ length: FRAMES }, (_, i) => `file '${path.join(MALL, 'frames', `seq_${String(i * 40 + 1).padStart(6, '0')}.jpg`)}'\nduration 0.5`).join('\n');
    writeFileSync(p('frames.txt'), `${list}\n`);
    const made = spawnSync('ffmpeg', ['-v', 'error', '-f', 'concat', '-safe', '0', '-i', p('frames.txt'), '-r', '2', '-c:v', 'libx264', '-crf', '16', '-pix_fmt', 'yuv420p', p('mall.mp4')]);
    assert.equal(made.status, 0, made.stderr.toString());
    const truth = readFileSync(path.join(MALL, 'counts.csv'), 'utf8').trim().split('\n').slice(1);
    writeFileSync(p('truth.csv'), `frame,count\n${Array.from({ length: FRAMES }, (_, i) => `${i + 1},${truth[i * 40]!.split(',')[1]}`).join('\n')}\n`);
    const zone = JSON.parse(readFileSync(path.join(MALL, 'roi-zone.json'), 'utf8')) as { polygon: number[][] };
    writeFileSync(p('zone.yml'), `zones:\n  - name: mall\n    polygon: ${JSON.stringify(zone.polygon)}\n    classes: [person]\n`);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function accuracy(out: string, extra: readonly string[]): Promise<number> {
    const run = await runCli(['analyze', p('mall.mp4'), '--config', p('zone.yml'), '--out', p(out), '--workers', '2', '--quiet', ...extra], 600_000);
    assert.equal(run.code, 0, run.stderr);
    const rows = readFileSync(p(`${out}/occupancy.csv`), 'utf8').trim().split('\n');
    assert.equal(rows[0], 'frame,time,zone,count');
    assert.equal(rows.length - 1, FRAMES, 'one row per analysed frame');
    const score = await runCli(['eval', '--counts-truth', p('truth.csv'), '--occupancy', p(`${out}/occupancy.csv`), '--json']);
    assert.equal(score.code, 0, score.stderr);
    return (JSON.parse(score.stdout) as { occupancy: { accuracy: number } }).occupancy.accuracy;
  }

  test('the default settings miss most of the crowd; the dense preset counts it', async (t) => {
    const plain = await accuracy('default', []);
    const dense = await accuracy('dense', ['--preset', 'dense']);
    t.diagnostic(`occupancy accuracy on ${FRAMES} Mall frames: default ${plain.toFixed(3)}, dense ${dense.toFixed(3)}`);
    assert.ok(plain < 0.5, `default ${plain}`);
    assert.ok(dense >= 0.8, `dense ${dense}`);
  });

  test('an unknown preset is a usage error naming the presets', async () => {
    const r = await runCli(['analyze', p('mall.mp4'), '--out', p('bad'), '--preset', 'crowded']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--preset must be one of default, dense, got "crowded"/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });
});
