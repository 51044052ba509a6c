import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allowedAnalytics, purposeViolations, requestedAnalytics, runningAnalytics, type Analytic, type AnalyticsUse } from './purpose.ts';

const NONE: AnalyticsUse = { lines: [], zones: [] };
const LINES: AnalyticsUse = { lines: [{ name: 'door' }, { name: 'gate' }], zones: [] };
const ZONES: AnalyticsUse = { lines: [], zones: [{ name: 'plaza' }] };
const BOTH: AnalyticsUse = { lines: [{ name: 'door' }], zones: [{ name: 'plaza' }] };

test('requestedAnalytics: lines ask for counting, zones for zones, nothing asks for the heat map', () => {
  const table: [AnalyticsUse, string[]][] = [
    [NONE, []],
    [LINES, ['counting analytics.lines door,gate']],
    [ZONES, ['zones analytics.zones plaza']],
    [BOTH, ['counting analytics.lines door', 'zones analytics.zones plaza']],
  ];
  for (const [use, expected] of table) {
    assert.deepEqual(requestedAnalytics(use).map((r) => `${r.analytic} ${r.field} ${r.rules.join(',')}`), expected);
  }
});

test('allowedAnalytics: a stated list is kept (ordered, once each); an unstated one allows what is used plus the heat map', () => {
  const table: [readonly Analytic[] | undefined, AnalyticsUse, Analytic[]][] = [
    [[], BOTH, []],
    [['zones', 'counting', 'zones'], NONE, ['counting', 'zones']],
    [['plates'], LINES, ['plates']],
    [undefined, NONE, ['heatmap']],
    [undefined, LINES, ['counting', 'heatmap']],
    [undefined, BOTH, ['counting', 'zones', 'heatmap']],
  ];
  for (const [allows, use, expected] of table) assert.deepEqual(allowedAnalytics(allows, use), expected, JSON.stringify(allows));
});

test('runningAnalytics: what the configuration asks for, and the heat map only when allowed', () => {
  const table: [readonly Analytic[] | undefined, AnalyticsUse, Analytic[]][] = [
    [['counting'], LINES, ['counting']],
    [['counting', 'heatmap', 'faces'], LINES, ['counting', 'heatmap']],
    [['heatmap'], NONE, ['heatmap']],
    [[], NONE, []],
    [undefined, ZONES, ['zones', 'heatmap']],
  ];
  for (const [allows, use, expected] of table) assert.deepEqual(runningAnalytics(allows, use), expected, JSON.stringify(allows));
});

test('purposeViolations: each analytic asked for but not allowed, with the field, the rules and the fix', () => {
  assert.deepEqual(purposeViolations(['counting', 'zones'], BOTH), []);
  assert.deepEqual(purposeViolations(undefined, BOTH), [], 'an unstated purpose refuses nothing');
  const v = purposeViolations(['counting'], BOTH);
  assert.equal(v.length, 1);
  assert.equal(v[0]!.analytic, 'zones');
  assert.equal(v[0]!.field, 'analytics.zones');
  assert.equal(v[0]!.message, 'analytics.zones (zone "plaza") needs "zones", which the purpose does not allow (it allows: counting); add "zones" to purpose.allows or remove the zones');
  const none = purposeViolations([], LINES);
  assert.deepEqual(none.map((x) => x.analytic), ['counting']);
  assert.match(none[0]!.message, /^analytics\.lines \(lines "door", "gate"\) needs "counting", which the purpose does not allow \(it allows no analytics\)/);
  const many = purposeViolations([], { lines: ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((name) => ({ name })), zones: [] });
  assert.match(many[0]!.message, /lines "a", "b", "c", "d", "e" and 2 more/);
});
