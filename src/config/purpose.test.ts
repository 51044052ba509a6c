import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseYamlWith } from './load.ts';
import { serverConfigSchema } from './schema/server.ts';

const CAMERA = (purpose: string): string => `
cameras:
  - name: entrance
    url: rtsp://10.0.0.5/main
${purpose}
    analytics:
      lines:
        - name: door
          points: [[0, 0], [100, 0]]
          inside: [50, 50]
      zones:
        - name: plaza
          polygon: [[0, 0], [100, 0], [100, 100]]
`;

test('a purpose written as text (before purposes had `allows`) still loads, with nothing stated as allowed', () => {
  const r = parseYamlWith(serverConfigSchema, CAMERA('    purpose: Count visitors at the main entrance.'), 'old.yml');
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  assert.deepEqual(r.value.cameras[0]!.purpose, { statement: 'Count visitors at the main entrance.' });
  const none = parseYamlWith(serverConfigSchema, CAMERA(''), 'none.yml');
  assert.ok(none.ok, none.ok ? '' : none.error.message);
  assert.deepEqual(none.value.cameras[0]!.purpose, { statement: '' });
});

test('a purpose that allows what the camera uses loads', () => {
  const r = parseYamlWith(serverConfigSchema, CAMERA('    purpose: { statement: Footfall and plaza safety, allows: [counting, zones] }'), 'ok.yml');
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  assert.deepEqual(r.value.cameras[0]!.purpose, { statement: 'Footfall and plaza safety', allows: ['counting', 'zones'] });
});

test('a camera asking for an analytic its purpose does not allow fails to load, naming the camera, the field and the fix', () => {
  const r = parseYamlWith(serverConfigSchema, CAMERA('    purpose: { statement: Footfall only, allows: [counting] }'), 'bad.yml');
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'CONFIG_INVALID');
  assert.match(r.error.message, /bad\.yml:\d+:\d+: cameras\[0\]\.analytics\.zones: camera "entrance": analytics\.zones \(zone "plaza"\) needs "zones", which the purpose does not allow \(it allows: counting\); add "zones" to purpose\.allows or remove the zones/);
  assert.doesNotMatch(r.error.message, /analytics\.lines/, 'the allowed lines are not named');
});

test('an unknown analytic, one named twice and an unknown purpose field are refused', () => {
  for (const [purpose, expected] of [
    ['    purpose: { statement: x, allows: [counting, zones, emotions] }', /cameras\[0\]\.purpose/],
    ['    purpose: { statement: x, allows: [counting, zones, zones] }', /name each analytic once/],
    ['    purpose: { statement: x, allow: [counting] }', /cameras\[0\]\.purpose/],
  ] as const) {
    const r = parseYamlWith(serverConfigSchema, CAMERA(purpose), 'bad.yml');
    assert.ok(!r.ok, purpose);
    assert.equal(r.error.code, 'CONFIG_INVALID');
    assert.match(r.error.message, expected);
  }
});

test('transparency: operator and contact are optional (not configured) and trimmed', () => {
  const none = parseYamlWith(serverConfigSchema, '{}', 'none.yml');
  assert.ok(none.ok);
  assert.deepEqual(none.value.transparency, {});
  const r = parseYamlWith(serverConfigSchema, 'transparency:\n  operator: " Corner Shop Ltd "\n  contact: privacy@example.org\n', 't.yml');
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  assert.deepEqual(r.value.transparency, { operator: 'Corner Shop Ltd', contact: 'privacy@example.org' });
});
