import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect, type MqttClient } from 'mqtt';
import { mqttSchema } from '../src/config/schema/server.ts';
import { InProcessBus } from '../src/events/bus.ts';
import type { LiveEventBody, LiveEventKind } from '../src/events/live-event.ts';
import { ManualClock } from '../src/notify/clock.ts';
import type { MqttEventDelivery } from '../src/notify/mqtt-notifier.ts';
import { startNotifications } from '../src/notify/notifications.ts';
import { openDatabase } from '../src/store/database.ts';
import { SqliteOutbox } from '../src/store/sqlite-outbox.ts';
import { mosquitto } from './fixtures/notify-targets.ts';

const T0 = Date.UTC(2024, 0, 1, 12, 0, 0);
const MQTT_PASSWORD = 'broker-password-never-logged';

function body(over: Partial<LiveEventBody> = {}): LiveEventBody {
  return {
    id: 'ev-1', cameraId: 'cam-1', cameraName: 'front', type: 'intrusion', rule: 'yard', trackId: 7, class: 'person',
    startTime: T0, endTime: null, direction: null, data: { seconds: 5 }, snapshotPath: 'snapshots/front/ev-1.jpg', recording: null, armed: true,
    ...over,
  };
}

/** Polls until `cond` holds; fails after `ms`. */
async function until(cond: () => boolean, what: string, ms = 8000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

interface Seen {
  readonly topic: string;
  readonly payload: string;
  readonly retain: boolean;
}

/** A test subscriber (MQTT 3.1.1) on `filters` with QoS 1; `persistent` keeps its session across broker restarts. */
async function subscriber(t: TestContext, url: string, filters: string[], persistent = false): Promise<{ client: MqttClient; seen: Seen[]; on: (topic: string) => string[] }> {
  const client = connect(url, { clientId: `test-sub-${Math.random().toString(16).slice(2)}`, clean: !persistent, reconnectPeriod: 100, protocolVersion: 4 });
  const seen: Seen[] = [];
  client.on('message', (topic, payload, packet) => seen.push({ topic, payload: payload.toString(), retain: packet.retain }));
  client.on('error', () => undefined);
  t.after(() => client.endAsync(true));
  await new Promise<void>((resolve) => client.once('connect', () => resolve()));
  await client.subscribeAsync(filters, { qos: 1 });
  return { client, seen, on: (topic) => seen.filter((s) => s.topic === topic).map((s) => s.payload) };
}

/** Notifications publishing to `url` over a fresh database and a manual clock. */
function start(t: TestContext, url: string, dataDir?: string) {
  const dir = dataDir ?? mkdtempSync(path.join(tmpdir(), 'sightline-mqtt-'));
  const db = openDatabase(path.join(dir, 'sightline.db'));
  const bus = new InProcessBus();
  const clock = new ManualClock(T0 + 500);
  const delivered: { delivery: MqttEventDelivery; at: number }[] = [];
  const logs: string[] = [];
  const n = startNotifications({
    config: { mqtt: mqttSchema.parse({ url, clientId: 'sightline-test', username: 'sightline', password: MQTT_PASSWORD }) },
    outbox: new SqliteOutbox(db), bus, dataDir: dir, now: clock.now, schedule: clock.schedule, timeZone: 'UTC', mqttReconnectMs: 100,
    onMqttDelivered: (delivery, at) => delivered.push({ delivery, at }),
    log: (level, m) => logs.push(`${level}: ${m}`),
  });
  t.after(async () => {
    await n.stop();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const publish = (b: LiveEventBody, kind: LiveEventKind = 'new', frameTime = b.startTime): void => bus.publish('event', { kind, event: b, frameTime });
  return { n, bus, publish, delivered, logs };
}

const CAMERA = { id: 'cam-1', name: 'front', lines: ['door'], zones: [{ name: 'yard', alarms: ['intrusion' as const] }], classes: ['person'] };
const DEVICE = { identifiers: ['sightline_cam-1'], name: 'front', manufacturer: 'Sightline', model: 'Sightline NVR camera' };
const AVAILABILITY = { availability_topic: 'sightline/available', payload_available: 'online', payload_not_available: 'offline', device: DEVICE, origin: { name: 'Sightline' } };

test('mqtt: availability, events, counts, alarms and Home Assistant discovery, with exact topics and payloads', async (t) => {
  const broker = await mosquitto(t);
  const sub = await subscriber(t, broker.url, ['sightline/#', 'homeassistant/#']);
  const s = start(t, broker.url);
  await until(() => s.n.mqttConnected(), 'the notifier to connect');
  s.n.announce([CAMERA]);
  s.bus.publish('count', { cameraId: 'cam-1', cameraName: 'front', line: 'door', in: 3, out: 1, frameTime: T0 });
  s.bus.publish('objects', { cameraId: 'cam-1', cameraName: 'front', counts: { person: 2, dog: 0 }, frameTime: T0 });
  s.publish(body(), 'new', T0 + 100);
  s.publish(body({ data: { seconds: 8 } }), 'update', T0 + 200);
  s.publish(body({ id: 'ev-unarmed', armed: false, rule: 'yard' }), 'new');
  s.publish(body({ endTime: T0 + 9500, data: { seconds: 9.5 } }), 'end', T0 + 300);
  await until(() => sub.on('sightline/events').length === 3 && s.n.pending() === 0, 'three event messages');
  await until(() => sub.on('sightline/front/yard/intrusion').length === 3, 'the alarm topic');

  assert.deepEqual(sub.on('sightline/available'), ['online']);
  assert.deepEqual(sub.on('sightline/front/door/in'), ['3']);
  assert.deepEqual(sub.on('sightline/front/door/out'), ['1']);
  assert.deepEqual(sub.on('sightline/front/person'), ['2']);
  assert.deepEqual(sub.on('sightline/front/dog'), ['0']);
  assert.deepEqual(sub.on('sightline/front/yard/intrusion'), ['OFF', 'ON', 'OFF']);

  const events = sub.on('sightline/events').map((p) => JSON.parse(p) as { type: string; before: Record<string, unknown>; after: Record<string, unknown> });
  const after = {
    id: 'ev-1', camera: 'front', label: 'person', start_time: T0 / 1000, end_time: null, zones: ['yard'], has_snapshot: true, has_clip: false,
    sightline_type: 'intrusion', rule: 'yard', direction: null, track_id: 7, data: { seconds: 5 },
  };
  const at = (ms: number): { frame_time: number } => ({ frame_time: (T0 + ms) / 1000 });
  assert.deepEqual(events[0], { type: 'new', before: { ...after, ...at(100) }, after: { ...after, ...at(100) } });
  assert.deepEqual(events[1], { type: 'update', before: { ...after, ...at(100) }, after: { ...after, data: { seconds: 8 }, ...at(200) } });
  assert.deepEqual(events[2], { type: 'end', before: { ...after, data: { seconds: 8 }, ...at(200) }, after: { ...after, end_time: (T0 + 9500) / 1000, data: { seconds: 9.5 }, ...at(300) } });
  assert.ok(!sub.seen.some((m) => m.payload.includes('ev-unarmed')), 'an unarmed event is not published');

  assert.deepEqual(s.delivered.map((d) => [d.delivery.kind, d.delivery.eventId, d.delivery.frameTime, d.delivery.topic]), [
    ['new', 'ev-1', T0 + 100, 'sightline/events'],
    ['update', 'ev-1', T0 + 200, 'sightline/events'],
    ['end', 'ev-1', T0 + 300, 'sightline/events'],
  ]);
  assert.ok(s.delivered.every((d) => d.at === T0 + 500), 'acknowledged at the clock time');

  const config = (topic: string): unknown => JSON.parse(sub.on(topic).at(-1) ?? 'null');
  assert.deepEqual(config('homeassistant/sensor/sightline_front/door_in/config'), {
    name: 'door in', unique_id: 'sightline_cam-1_door_in', ...AVAILABILITY, state_topic: 'sightline/front/door/in', state_class: 'total_increasing', icon: 'mdi:location-enter',
  });
  assert.deepEqual(config('homeassistant/sensor/sightline_front/door_out/config'), {
    name: 'door out', unique_id: 'sightline_cam-1_door_out', ...AVAILABILITY, state_topic: 'sightline/front/door/out', state_class: 'total_increasing', icon: 'mdi:location-exit',
  });
  assert.deepEqual(config('homeassistant/sensor/sightline_front/person_count/config'), {
    name: 'person count', unique_id: 'sightline_cam-1_person_count', ...AVAILABILITY, state_topic: 'sightline/front/person', state_class: 'measurement', icon: 'mdi:account-group',
  });
  assert.deepEqual(config('homeassistant/binary_sensor/sightline_front/yard_intrusion/config'), {
    name: 'yard intrusion', unique_id: 'sightline_cam-1_yard_intrusion', ...AVAILABILITY, state_topic: 'sightline/front/yard/intrusion', payload_on: 'ON', payload_off: 'OFF', device_class: 'safety',
  });

  // Cameras change: the zone alarm is gone, so its config is cleared with an empty retained payload.
  s.n.announce([{ ...CAMERA, zones: [] }]);
  await until(() => sub.on('homeassistant/binary_sensor/sightline_front/yard_intrusion/config').at(-1) === '', 'the stale config to be cleared');

  // What the broker retains now, as a newcomer sees it.
  const late = await subscriber(t, broker.url, ['sightline/#', 'homeassistant/#']);
  await until(() => late.seen.length >= 8, 'the retained messages');
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.ok(late.seen.every((m) => m.retain), 'all retained');
  assert.deepEqual(late.seen.map((m) => `${m.topic}=${m.topic.startsWith('homeassistant') ? '{...}' : m.payload}`).sort(), [
    'homeassistant/sensor/sightline_front/door_in/config={...}',
    'homeassistant/sensor/sightline_front/door_out/config={...}',
    'homeassistant/sensor/sightline_front/person_count/config={...}',
    'sightline/available=online',
    'sightline/front/dog=0',
    'sightline/front/door/in=3',
    'sightline/front/door/out=1',
    'sightline/front/person=2',
    'sightline/front/yard/intrusion=OFF',
  ]);

  await s.n.stop();
  await until(() => sub.on('sightline/available').at(-1) === 'offline', 'offline on a clean stop');
  assert.equal(s.n.mqttConnected(), false);
});

test('mqtt: the last will says offline (retained) when the connection dies, and online comes back with it', async (t) => {
  const broker = await mosquitto(t);
  // A TCP proxy in front of the broker whose connections the test can cut.
  const sockets = new Set<net.Socket>();
  const proxy = net.createServer((inbound) => {
    const outbound = net.connect(broker.port, '127.0.0.1');
    sockets.add(inbound).add(outbound);
    inbound.pipe(outbound).pipe(inbound);
    const close = (): void => {
      inbound.destroy();
      outbound.destroy();
    };
    inbound.on('error', close).on('close', close);
    outbound.on('error', close).on('close', close);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    const closed = new Promise((resolve) => proxy.close(resolve));
    for (const socket of sockets) socket.destroy();
    await closed;
  });
  const sub = await subscriber(t, broker.url, ['sightline/available']);
  const s = start(t, `mqtt://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`);
  await until(() => sub.on('sightline/available').at(-1) === 'online', 'online');

  for (const socket of sockets) socket.destroy();
  sockets.clear();
  await until(() => sub.on('sightline/available').includes('offline'), 'the last will');
  await until(() => sub.on('sightline/available').length === 3, 'online again after the reconnection');
  assert.deepEqual(sub.on('sightline/available'), ['online', 'offline', 'online']);
  assert.ok(s.logs.some((l) => l.startsWith('warn: MQTT connection to mqtt://127.0.0.1:') && l.endsWith('lost; reconnecting')));
  assert.ok(!s.logs.some((l) => l.includes(MQTT_PASSWORD)), 'the password is never logged');

  const newcomer = await subscriber(t, broker.url, ['sightline/available']);
  await until(() => newcomer.seen.length === 1, 'the retained availability');
  assert.deepEqual(newcomer.seen, [{ topic: 'sightline/available', payload: 'online', retain: true }]);
  await s.n.stop();
});

test('mqtt: events published while the broker is down wait in the outbox and all arrive, in order, when it is back', async (t) => {
  const broker = await mosquitto(t);
  const sub = await subscriber(t, broker.url, ['sightline/events'], true);
  const s = start(t, broker.url);
  await until(() => s.n.mqttConnected(), 'the notifier to connect');
  s.publish(body({ id: 'before' }));
  await until(() => sub.on('sightline/events').length === 1, 'the first event');

  await broker.stop();
  await until(() => !s.n.mqttConnected(), 'the notifier to notice');
  const ids = ['e1', 'e2', 'e3', 'e4', 'e5'];
  for (const id of ids) s.publish(body({ id, type: 'line_crossing', rule: 'door', direction: 'in', endTime: T0 }));
  await until(() => s.n.pending() === 5, 'five queued events');
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(s.n.pending(), 5, 'nothing is lost or sent while the broker is down');

  await broker.start();
  await until(() => s.n.pending() === 0, 'the outbox to drain');
  await until(() => sub.on('sightline/events').length >= 6, 'the queued events at the subscriber');
  await new Promise((resolve) => setTimeout(resolve, 100));
  const got = sub.on('sightline/events').map((p) => (JSON.parse(p) as { after: { id: string; sightline_type: string } }).after);
  assert.deepEqual(got.map((a) => a.id), ['before', ...ids], 'each once, in order');
  assert.ok(got.slice(1).every((a) => a.sightline_type === 'line_crossing'));
  assert.deepEqual(s.delivered.map((d) => d.delivery.eventId), ['before', ...ids]);
  assert.ok(s.logs.some((l) => l.startsWith('warn: MQTT broker mqtt://127.0.0.1:')), `connection errors are logged: ${s.logs.join('; ')}`);
  assert.ok(!s.logs.some((l) => l.includes(MQTT_PASSWORD)), 'the password is never logged');
  await s.n.stop();
});

test('mqtt: a server restart while the broker is down resumes the queued events from SQLite', async (t) => {
  const broker = await mosquitto(t);
  const sub = await subscriber(t, broker.url, ['sightline/events'], true);
  await broker.stop();
  const dir = mkdtempSync(path.join(tmpdir(), 'sightline-mqtt-'));
  const first = start(t, broker.url, dir);
  const ids = ['r1', 'r2', 'r3'];
  for (const id of ids) first.publish(body({ id }));
  await until(() => first.n.pending() === 3, 'three queued events');
  await first.n.stop();

  const second = start(t, broker.url, dir);
  assert.equal(second.n.pending(), 3, 'still queued after the restart');
  await broker.start();
  await until(() => second.n.pending() === 0 && sub.on('sightline/events').length === 3, 'the resumed deliveries');
  assert.deepEqual(sub.on('sightline/events').map((p) => (JSON.parse(p) as { after: { id: string } }).after.id), ids);
  await second.n.stop();
});
