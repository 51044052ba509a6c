import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyticsConfigSchema, PRESETS } from './schema/index.ts';
import { serverConfigSchema } from './schema/server.ts';

test('no preset is the default one: nothing changes', () => {
  assert.deepEqual(analyticsConfigSchema.parse({}), analyticsConfigSchema.parse({ preset: 'default' }));
  assert.equal(analyticsConfigSchema.parse({}).detect.tiles, undefined);
});

test('the dense preset lays its detector and tracker settings under the user’s, which win where both say something', () => {
  const c = analyticsConfigSchema.parse({ preset: 'dense', tracker: { minHits: 3 }, detect: { tiles: { columns: 2, rows: 2 } } });
  assert.equal(c.preset, 'dense');
  assert.deepEqual(c.detect.tiles, { columns: 2, rows: 2, overlap: 0.2 });
  assert.equal(c.detect.fit, 'stretch');
  assert.equal(c.detect.nmsIou, 0.3);
  assert.equal(c.tracker.minHits, 3);
  assert.equal(c.tracker.highThreshold, 0.18);
  // Settings the preset does not name keep their own defaults.
  assert.equal(c.tracker.matchThreshold, analyticsConfigSchema.parse({}).tracker.matchThreshold);
  // The preset table itself is never changed by a parse.
  assert.equal((PRESETS.dense['tracker'] as { minHits: number }).minHits, 1);
});

test('a camera takes a preset of its own', () => {
  const s = serverConfigSchema.parse({
    cameras: [
      { name: 'concourse', url: 'rtsp://127.0.0.1/a', analytics: { preset: 'dense' } },
      { name: 'door', url: 'rtsp://127.0.0.1/b' },
    ],
  });
  assert.deepEqual(s.cameras[0]!.analytics.detect.tiles, { columns: 3, rows: 2, overlap: 0.2 });
  assert.equal(s.cameras[1]!.analytics.detect.tiles, undefined);
});

test('an unknown preset is refused, naming the ones there are', () => {
  const r = analyticsConfigSchema.safeParse({ preset: 'crowded' });
  assert.equal(r.success, false);
  assert.deepEqual(r.error!.issues[0]!.path, ['preset']);
  assert.match(r.error!.issues[0]!.message, /"default"\|"dense"/);
});
