import assert from 'node:assert/strict';
import { test } from 'node:test';
import { notificationSettingsInputSchema, notificationSettingsSchema, type NotificationSettings } from './schema/settings.ts';
import { joinSecrets, settingsChanges, splitSecrets, withStoredSecrets } from './settings.ts';

const SECRET = 'stored-secret-0123456789';
const CURRENT: NotificationSettings = notificationSettingsSchema.parse({
  mqtt: { url: 'mqtt://127.0.0.1:1883', username: 'nvr', password: 'mqtt-stored' },
  webhooks: [{ name: 'door', url: 'http://127.0.0.1:9/hook', secret: SECRET }],
  smtp: { host: '127.0.0.1', from: 'nvr@example.org', to: ['a@example.org'], username: 'mail', password: 'smtp-stored' },
});
const input = (v: unknown) => notificationSettingsInputSchema.parse(v);

test('withStoredSecrets: secrets left out or empty are kept, given ones replace them, no user name drops the password', () => {
  const table: [string, unknown, (s: NotificationSettings) => unknown, unknown][] = [
    ['mqtt password left out', { mqtt: { url: 'mqtt://127.0.0.1:1884', username: 'nvr' }, webhooks: [], smtp: null }, (s) => s.mqtt?.password, 'mqtt-stored'],
    ['mqtt password empty', { mqtt: { url: 'mqtt://127.0.0.1:1884', username: 'nvr', password: '' }, webhooks: [], smtp: null }, (s) => s.mqtt?.password, 'mqtt-stored'],
    ['mqtt password given', { mqtt: { url: 'mqtt://127.0.0.1:1884', username: 'nvr', password: 'new' }, webhooks: [], smtp: null }, (s) => s.mqtt?.password, 'new'],
    ['mqtt without user', { mqtt: { url: 'mqtt://127.0.0.1:1884' }, webhooks: [], smtp: null }, (s) => s.mqtt?.password, undefined],
    ['smtp password kept', { mqtt: null, webhooks: [], smtp: { host: 'h', from: 'a@b', to: ['c@d'], username: 'mail' } }, (s) => s.smtp?.password, 'smtp-stored'],
    ['webhook secret kept by name', { mqtt: null, webhooks: [{ name: 'door', url: 'http://127.0.0.1:10/x' }], smtp: null }, (s) => s.webhooks[0]?.secret, SECRET],
    ['webhook secret replaced', { mqtt: null, webhooks: [{ name: 'door', url: 'http://127.0.0.1:10/x', secret: 'another-secret-0123' }], smtp: null }, (s) => s.webhooks[0]?.secret, 'another-secret-0123'],
  ];
  for (const [what, written, pick, expected] of table) {
    const r = withStoredSecrets(input(written), CURRENT);
    assert.ok(r.ok, what);
    assert.equal(pick(r.value), expected, what);
  }
});

test('withStoredSecrets: a new webhook without a secret is an issue at its path', () => {
  const r = withStoredSecrets(input({ mqtt: null, webhooks: [{ name: 'door', url: 'http://x/' }, { name: 'gate', url: 'http://y/' }], smtp: null }), CURRENT);
  assert.equal(r.ok, false);
  assert.deepEqual(!r.ok && r.issues.map((i) => i.path.join('.')), ['webhooks.1.secret']);
});

test('the input schema refuses duplicate webhook names and short secrets, with paths', () => {
  const dup = notificationSettingsInputSchema.safeParse({ mqtt: null, webhooks: [{ name: 'a', url: 'http://x/' }, { name: 'a', url: 'http://y/' }], smtp: null });
  assert.deepEqual(dup.error?.issues.map((i) => i.path.join('.')), ['webhooks.1.name']);
  const short = notificationSettingsInputSchema.safeParse({ mqtt: null, webhooks: [{ name: 'a', url: 'http://x/', secret: 'short' }], smtp: null });
  assert.deepEqual(short.error?.issues.map((i) => i.path.join('.')), ['webhooks.0.secret']);
});

test('splitSecrets and joinSecrets: the open part holds no secret, and the two give the settings back', () => {
  const { open, secrets } = splitSecrets(CURRENT);
  const text = JSON.stringify(open);
  for (const s of [SECRET, 'mqtt-stored', 'smtp-stored']) assert.ok(!text.includes(s), `the open part holds ${s}`);
  assert.deepEqual(joinSecrets(open, secrets), CURRENT);
});

test('settingsChanges: field paths with old and new values, webhooks by name, secrets only as "changed"', () => {
  const before = { mqtt: { url: 'mqtt://a:1', password: 'p1' }, webhooks: [{ name: 'door', url: 'http://a/', secret: 's1' }], smtp: null };
  const after = { mqtt: { url: 'mqtt://b:1', password: 'p2' }, webhooks: [{ name: 'door', url: 'http://a/', secret: 's1' }, { name: 'gate', url: 'http://g/', secret: 's2' }], smtp: null };
  const changes = settingsChanges(before, after);
  assert.deepEqual(changes, {
    'mqtt.password': 'changed',
    'mqtt.url': { from: 'mqtt://a:1', to: 'mqtt://b:1' },
    'webhooks.gate.name': { from: null, to: 'gate' },
    'webhooks.gate.secret': 'changed',
    'webhooks.gate.url': { from: null, to: 'http://g/' },
  });
  assert.ok(!JSON.stringify(changes).includes('p2') && !JSON.stringify(changes).includes('s2'));
  assert.deepEqual(settingsChanges({ videoHours: 72 }, { videoHours: 72 }), {});
});
