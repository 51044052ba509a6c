/**
 * What the API's resources do, over real stores: cameras (credentials write-only), live frames,
 * events (filtered to visible cameras, snapshots confined to the data directory), counts, heat
 * maps, recordings and exports, users, audit, system and metrics.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { describe, test, type TestContext } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { PNG } from 'pngjs';
import { addHeat, createHeatGrid } from '../src/core/rules/heat-grid.ts';
import type { NewEvent } from '../src/store/event-store.ts';
import { createHarness, FIXED_JPEG, PASSWORD, T0, type Harness, type SessionCreds } from './fixtures/api-harness.ts';

async function harness(t: TestContext): Promise<{ h: Harness; admin: SessionCreds; viewer: SessionCreds }> {
  const h = await createHarness();
  t.after(() => h.close());
  return { h, admin: await h.login('admin'), viewer: await h.login('viewer') };
}

const code = (res: LightMyRequestResponse): string => res.json<{ error: { code: string } }>().error.code;

const ev = (id: string, cameraId: string, startTime: number, extra: Partial<NewEvent> = {}): NewEvent => ({
  id,
  cameraId,
  type: 'zone_enter',
  rule: 'door',
  trackId: 1,
  class: 'person',
  startTime,
  frame: 1,
  ...extra,
});

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('cameras', () => {
  test('create, read, change and delete a camera; credentials are stored but never shown', async (t) => {
    const { h, admin } = await harness(t);
    const created = await h.app.inject({
      method: 'POST',
      url: '/api/cameras',
      headers: h.headers(admin),
      payload: { name: 'porch', url: 'rtsp://10.0.0.7/main', credentials: { username: 'cam', password: 'Porch-Secret-1' }, fps: 3 },
    });
    assert.equal(created.statusCode, 201, created.body);
    const view = created.json<Record<string, unknown>>();
    assert.equal(view.hasCredentials, true);
    assert.equal(view.fps, 3);
    assert.equal('credentials' in view, false);
    const id = String(view.id);
    const changed = await h.app.inject({ method: 'PATCH', url: `/api/cameras/${id}`, headers: h.headers(admin), payload: { name: 'porch-2', enabled: false } });
    assert.equal(changed.statusCode, 200, changed.body);
    assert.equal(changed.json<{ name: string; fps: number; enabled: boolean }>().fps, 3, 'fields not in the patch stay');
    assert.equal(changed.json<{ enabled: boolean }>().enabled, false);
    const empty = await h.app.inject({ method: 'PATCH', url: `/api/cameras/${id}`, headers: h.headers(admin), payload: {} });
    assert.equal(code(empty), 'REQUEST_INVALID');
    const withCreds = await h.app.inject({ method: 'POST', url: '/api/cameras', headers: h.headers(admin), payload: { name: 'bad', url: 'rtsp://u:p@10.0.0.7/x' } });
    assert.equal(withCreds.statusCode, 400);
    const taken = await h.app.inject({ method: 'POST', url: '/api/cameras', headers: h.headers(admin), payload: { name: 'porch-2', url: 'rtsp://10.0.0.8/x' } });
    assert.equal(taken.statusCode, 409);
    assert.equal((await h.app.inject({ method: 'DELETE', url: `/api/cameras/${id}`, headers: h.headers(admin) })).statusCode, 204);
    assert.equal((await h.app.inject({ url: `/api/cameras/${id}`, headers: h.headers(admin) })).statusCode, 404);
    assert.deepEqual(
      h.audit.list({ actor: 'admin' }).filter((e) => e.action.startsWith('camera_')).map((e) => [e.action, e.target]),
      [['camera_create', id], ['camera_update', id], ['camera_delete', id]],
    );
  });

  test('live.jpg answers the newest frame, or 404 before the first', async (t) => {
    const { h, viewer } = await harness(t);
    const res = await h.app.inject({ url: '/api/cameras/A/live.jpg', headers: h.headers(viewer) });
    assert.deepEqual(res.rawPayload, FIXED_JPEG);
    h.cameras.noFrame.add('A');
    const none = await h.app.inject({ url: '/api/cameras/A/live.jpg', headers: h.headers(viewer) });
    assert.equal(none.statusCode, 404);
    assert.equal(code(none), 'NOT_FOUND');
  });
});

describe('events', () => {
  test('a viewer lists only the events of cameras they may see, page by page', async (t) => {
    const { h, admin, viewer } = await harness(t);
    const events: NewEvent[] = [];
    for (let i = 0; i < 30; i++) events.push(ev(`e${String(i).padStart(2, '0')}`, i % 3 === 0 ? 'A' : 'B', T0 + i * 1000));
    await h.store.appendEvents(events);
    const all = async (creds: SessionCreds, query: string): Promise<string[]> => {
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const res: LightMyRequestResponse = await h.app.inject({ url: `/api/events?${query}${cursor === null ? '' : `&cursor=${cursor}`}`, headers: h.headers(creds) });
        assert.equal(res.statusCode, 200, res.body);
        const page = res.json<{ events: { id: string; cameraId: string }[]; nextCursor: string | null }>();
        assert.ok(page.events.length <= 4);
        ids.push(...page.events.map((e) => e.id));
        cursor = page.nextCursor;
      } while (cursor !== null);
      return ids;
    };
    const seenByViewer = await all(viewer, 'limit=4');
    assert.deepEqual(seenByViewer, events.filter((e) => e.cameraId === 'A').map((e) => e.id));
    assert.equal((await all(admin, 'limit=4')).length, 30);
    assert.deepEqual(await all(viewer, 'limit=4&camera=A&order=desc'), [...seenByViewer].reverse());
    const hidden = await h.app.inject({ url: '/api/events?camera=B', headers: h.headers(viewer) });
    assert.equal(hidden.statusCode, 404);
    const badCursor = await h.app.inject({ url: '/api/events?cursor=bm9wZQ', headers: h.headers(admin) });
    assert.equal(badCursor.statusCode, 400);
    assert.equal(badCursor.json<{ error: { code: string } }>().error.code, 'CURSOR_INVALID');
  });

  test('event cursors are opaque, bound to the query and caller, and page over visible events only', async (t) => {
    const { h, admin, viewer } = await harness(t);
    const events: NewEvent[] = [];
    for (let i = 0; i < 12; i++) events.push(ev(`c${String(i).padStart(2, '0')}`, i % 3 === 0 ? 'A' : 'B', T0 + i * 1000));
    await h.store.appendEvents(events);
    const page = async (creds: SessionCreds, query: string): Promise<{ status: number; code: string | undefined; ids: string[]; next: string | null }> => {
      const res = await h.app.inject({ url: `/api/events?${query}`, headers: h.headers(creds) });
      const body = res.json<{ events?: { id: string }[]; nextCursor?: string | null; error?: { code: string } }>();
      return { status: res.statusCode, code: body.error?.code, ids: (body.events ?? []).map((e) => e.id), next: body.nextCursor ?? null };
    };
    // The viewer sees A's events c00, c03, c06, c09: full pages of 2, the boundary always one of them.
    const first = await page(viewer, 'limit=2');
    assert.deepEqual(first.ids, ['c00', 'c03']);
    assert.ok(first.next !== null);
    const inside = Buffer.from(first.next, 'base64url').toString('latin1');
    for (const e of events) assert.ok(!inside.includes(e.id) && !inside.includes(String(e.startTime)), `the cursor shows ${e.id}`);
    const second = await page(viewer, `limit=2&cursor=${first.next}`);
    assert.deepEqual(second.ids, ['c06', 'c09']);
    assert.equal(second.next, null, 'no cursor past the last visible event (B has later events)');
    const refused: [string, SessionCreds, string][] = [
      ['another filter', viewer, `limit=2&type=intrusion&cursor=${first.next}`],
      ['another order', viewer, `limit=2&order=desc&cursor=${first.next}`],
      ['another caller', admin, `limit=2&cursor=${first.next}`],
      ['a flipped byte', viewer, `limit=2&cursor=${first.next.slice(0, -2)}${first.next.endsWith('AA') ? 'BB' : 'AA'}`],
    ];
    for (const [label, creds, query] of refused) {
      await t.test(label, async () => {
        const r = await page(creds, query);
        assert.deepEqual([r.status, r.code], [400, 'CURSOR_INVALID'], label);
      });
    }
    const adminFirst = await page(admin, 'limit=5');
    assert.deepEqual((await page(viewer, `limit=5&cursor=${adminFirst.next!}`)).code, 'CURSOR_INVALID', "an admin's cursor, which may point at B's events, is refused to the viewer");
    assert.equal((await page(admin, `limit=50&cursor=${adminFirst.next!}`)).ids.length, 7, 'the page size may change between pages');
    const reversed = await h.app.inject({ url: `/api/events?from=${T0 + 5}&to=${T0}`, headers: h.headers(admin) });
    assert.equal(reversed.statusCode, 400);
  });

  test('snapshots are served from the data directory and nowhere else', async (t) => {
    const { h, viewer } = await harness(t);
    mkdirSync(path.join(h.dir, 'snapshots'));
    writeFileSync(path.join(h.dir, 'snapshots', 'ok.jpg'), FIXED_JPEG);
    const outside = path.join(h.dir, '..', `outside-${path.basename(h.dir)}.jpg`);
    writeFileSync(outside, 'secret');
    t.after(() => rmSync(outside, { force: true }));
    symlinkSync(outside, path.join(h.dir, 'snapshots', 'link.jpg'));
    const cases: [string, string | null, number][] = [
      ['ok', 'snapshots/ok.jpg', 200],
      ['none', null, 404],
      ['parent', `../outside-${path.basename(h.dir)}.jpg`, 404],
      ['absolute', outside, 404],
      ['symlink out', 'snapshots/link.jpg', 404],
      ['missing', 'snapshots/missing.jpg', 404],
      ['directory', 'snapshots', 404],
      ['nul', 'snapshots/ok.jpg\u0000.png', 404],
    ];
    await h.store.appendEvents(cases.map(([name, snapshotPath], i) => ev(`snap-${name.replace(/ /g, '-')}`, 'A', T0 + i, { snapshotPath })));
    for (const [name, , status] of cases) {
      await t.test(name, async () => {
        const res = await h.app.inject({ url: `/api/events/snap-${name.replace(/ /g, '-')}/snapshot.jpg`, headers: h.headers(viewer) });
        assert.equal(res.statusCode, status, name);
        if (status === 200) assert.deepEqual(res.rawPayload, FIXED_JPEG);
        else assert.ok(!res.body.includes('secret'));
      });
    }
  });
});

describe('audit of views', () => {
  test('event detail, snapshot, counts, heat maps, occupancy and dwell views are audited, identical repeats once', async (t) => {
    const { h, viewer } = await harness(t);
    mkdirSync(path.join(h.dir, 'snapshots'));
    writeFileSync(path.join(h.dir, 'snapshots', 'v.jpg'), FIXED_JPEG);
    await h.store.appendEvents([ev('seen', 'A', T0, { snapshotPath: 'snapshots/v.jpg' })]);
    const urls = [
      '/api/events/seen',
      '/api/events/seen',
      '/api/events/seen/snapshot.jpg',
      `/api/cameras/A/counts?from=${T0}&to=${T0 + 3_600_000}&bucket=hour`,
      `/api/cameras/A/counts?from=${T0}&to=${T0 + 3_600_000}&bucket=hour`,
      `/api/cameras/A/counts?from=${T0}&to=${T0 + 7_200_000}&bucket=hour`,
      `/api/cameras/A/heatmap?from=${T0}&to=${T0 + 1}`,
      `/api/cameras/A/heatmap.png?from=${T0}&to=${T0 + 1}`,
      `/api/cameras/A/occupancy?from=${T0}&to=${T0 + 3_600_000}&bucket=hour`,
      `/api/cameras/A/dwell?from=${T0}&to=${T0 + 3_600_000}&bucket=hour`,
      `/api/cameras/A/dwell?from=${T0}&to=${T0 + 3_600_000}&bucket=hour`,
    ];
    for (const url of urls) assert.equal((await h.app.inject({ url, headers: h.headers(viewer) })).statusCode, 200, url);
    const views = h.audit.list().filter((e) => e.action.endsWith('_view'));
    assert.deepEqual(
      views.map((e) => [e.action, e.target, e.details['event'] ?? e.details['to'] ?? null]),
      [
        ['event_view', 'A', 'seen'],
        ['snapshot_view', 'A', 'seen'],
        ['counts_view', 'A', T0 + 3_600_000],
        ['counts_view', 'A', T0 + 7_200_000],
        ['heatmap_view', 'A', T0 + 1],
        ['heatmap_view', 'A', T0 + 1],
        ['occupancy_view', 'A', T0 + 3_600_000],
        ['dwell_view', 'A', T0 + 3_600_000],
      ],
    );
    assert.ok(views.every((e) => e.actor === views[0]!.actor && e.actor !== 'system'));
  });
});

describe('counts, heat and recordings', () => {
  test('counts and heat maps of a range; the PNG is drawn over the newest frame', async (t) => {
    const { h, viewer } = await harness(t);
    await h.store.addLineCrossings('A', T0, [
      { type: 'line_crossing', rule: 'gate', trackId: 1, class: 'person', frame: 1, time: 1, direction: 'in' },
      { type: 'line_crossing', rule: 'gate', trackId: 2, class: 'person', frame: 2, time: 2, direction: 'out' },
    ]);
    const counts = await h.app.inject({ url: `/api/cameras/A/counts?from=${T0}&to=${T0 + 3_600_000}&bucket=hour`, headers: h.headers(viewer) });
    assert.deepEqual(counts.json(), { from: T0, to: T0 + 3_600_000, totals: { gate: { in: 1, out: 1 } }, rows: [{ line: 'gate', start: T0, in: 1, out: 1 }] });
    const lastDay = await h.app.inject({ url: '/api/cameras/A/counts?bucket=hour', headers: h.headers(viewer) });
    assert.equal(lastDay.statusCode, 200);
    assert.equal(lastDay.json<{ to: number; from: number }>().to - lastDay.json<{ to: number; from: number }>().from, 86_400_000, 'the default range is the last 24 hours');
    const grid = addHeat(createHeatGrid({ width: 64, height: 32 }), [[10, 10]], 5);
    await h.store.mergeHeatGrid('A', T0, grid);
    const heat = await h.app.inject({ url: `/api/cameras/A/heatmap?from=${T0}&to=${T0 + 1}`, headers: h.headers(viewer) });
    const body = heat.json<{ grid: { cols: number; rows: number; seconds: number[] } }>();
    assert.equal(body.grid.cols, 4);
    assert.equal(body.grid.seconds.reduce((a, b) => a + b, 0), 5);
    const none = await h.app.inject({ url: `/api/cameras/A/heatmap?from=${T0 - 7_200_000}&to=${T0 - 3_600_000}`, headers: h.headers(viewer) });
    assert.deepEqual(none.json(), { grid: null });
    const png = await h.app.inject({ url: `/api/cameras/A/heatmap.png?from=${T0}&to=${T0 + 1}`, headers: h.headers(viewer) });
    assert.equal(png.headers['content-type'], 'image/png');
    const decoded = PNG.sync.read(png.rawPayload);
    assert.deepEqual([decoded.width, decoded.height], [16, 16]);
  });

  test('segments list and play; an export streams an MP4 and its temporary file is deleted', async (t) => {
    const { h, admin } = await harness(t);
    const list = await h.app.inject({ url: `/api/cameras/A/recordings?from=${T0 - 3_600_000}&to=${T0}`, headers: h.headers(admin) });
    assert.deepEqual(list.json<{ segments: { id: number }[] }>().segments.map((s) => s.id), [1]);
    const seg = await h.app.inject({ url: '/api/cameras/A/recordings/1', headers: h.headers(admin) });
    assert.equal(seg.headers['content-type'], 'video/mp2t');
    assert.equal(seg.rawPayload.length, 188 * 4);
    assert.equal((await h.app.inject({ url: '/api/cameras/A/recordings/2', headers: h.headers(admin) })).statusCode, 404, "camera B's segment is not camera A's");
    const exp = await h.app.inject({ url: `/api/cameras/A/export.mp4?from=${T0 - 70_000}&to=${T0 - 40_000}`, headers: h.headers(admin) });
    assert.equal(exp.statusCode, 200);
    assert.match(String(exp.headers['content-disposition']), /^attachment; filename="cam-A-\d+\.mp4"$/);
    assert.equal(exp.rawPayload.length, 188 * 4);
    await until(() => readdirSync(h.dir).every((f) => !f.startsWith('export-')), 'the export file to be deleted');
    const empty = await h.app.inject({ url: `/api/cameras/A/export.mp4?from=${T0}&to=${T0 + 1000}`, headers: h.headers(admin) });
    assert.equal(code(empty), 'RECORDING_NOT_FOUND');
    const long = await h.app.inject({ url: `/api/cameras/A/export.mp4?from=${T0 - 30 * 3_600_000}&to=${T0}`, headers: h.headers(admin) });
    assert.equal(code(long), 'EXPORT_TOO_LONG');
    const reversed = await h.app.inject({ url: `/api/cameras/A/export.mp4?from=${T0}&to=${T0 - 1}`, headers: h.headers(admin) });
    assert.equal(code(reversed), 'REQUEST_INVALID');
    assert.ok(existsSync(path.join(h.dir, 'recordings', '1.ts')));
  });
});

describe('users, audit, system and metrics', () => {
  test('admins create users, grant cameras, change roles and disable; the last admin stays', async (t) => {
    const { h, admin } = await harness(t);
    const created = await h.app.inject({ method: 'POST', url: '/api/users', headers: h.headers(admin), payload: { name: 'Guard', password: PASSWORD, role: 'viewer', cameras: ['B'] } });
    assert.equal(created.statusCode, 201, created.body);
    const guard = created.json<{ id: string; name: string; cameras: string[] }>();
    assert.deepEqual([guard.name, guard.cameras], ['guard', ['B']]);
    assert.ok(!created.body.includes('argon2'));
    const put = await h.app.inject({ method: 'PUT', url: `/api/users/${guard.id}/cameras`, headers: h.headers(admin), payload: { cameras: ['A', 'C'] } });
    assert.deepEqual(put.json<{ cameras: string[] }>().cameras, ['A', 'C']);
    const unknown = await h.app.inject({ method: 'PUT', url: `/api/users/${guard.id}/cameras`, headers: h.headers(admin), payload: { cameras: ['A', 'nope'] } });
    assert.equal(code(unknown), 'CAMERA_NOT_FOUND');
    const session = await h.login('guard');
    const promote = await h.app.inject({ method: 'PATCH', url: `/api/users/${guard.id}`, headers: h.headers(admin), payload: { role: 'operator' } });
    assert.equal(promote.json<{ role: string }>().role, 'operator');
    assert.equal((await h.app.inject({ url: '/api/auth/me', headers: h.headers(session) })).statusCode, 401, 'a role change ends the sessions');
    const demoteSelf = await h.app.inject({ method: 'PATCH', url: `/api/users/${h.ids.admin}`, headers: h.headers(admin), payload: { role: 'viewer' } });
    assert.equal(code(demoteSelf), 'STORE_CONFLICT');
    const disableSelf = await h.app.inject({ method: 'PATCH', url: `/api/users/${h.ids.admin}`, headers: h.headers(admin), payload: { disabled: true } });
    assert.equal(code(disableSelf), 'STORE_CONFLICT');
    const reset = await h.app.inject({ method: 'PATCH', url: `/api/users/${guard.id}`, headers: h.headers(admin), payload: { password: 'a-brand-new-passphrase' } });
    assert.equal(reset.statusCode, 200);
    await h.login('guard', 'a-brand-new-passphrase');
    const list = await h.app.inject({ url: '/api/users', headers: h.headers(admin) });
    assert.deepEqual(list.json<{ users: { name: string }[] }>().users.map((u) => u.name), ['admin', 'guard', 'operator', 'viewer']);
    assert.equal((await h.app.inject({ method: 'PATCH', url: '/api/users/nope', headers: h.headers(admin), payload: { disabled: true } })).statusCode, 404);
    assert.deepEqual(
      h.audit.list({ actor: 'admin' }).filter((e) => e.action.startsWith('user_')).map((e) => e.action),
      ['user_create', 'user_cameras', 'user_update', 'user_update'],
    );
  });

  test('the audit log can be read, filtered and verified', async (t) => {
    const { h, admin } = await harness(t);
    const res = await h.app.inject({ url: '/api/audit?action=login', headers: h.headers(admin) });
    assert.deepEqual(res.json<{ entries: { actor: string }[] }>().entries.map((e) => e.actor), ['admin', 'viewer']);
    assert.deepEqual((await h.app.inject({ url: '/api/audit/verify', headers: h.headers(admin) })).json(), { ok: true, entries: 2 });
  });

  test('system status and Prometheus metrics', async (t) => {
    const { h, admin } = await harness(t);
    h.clock.t += 5000;
    const system = await h.app.inject({ url: '/api/system', headers: h.headers(admin) });
    const body = system.json<{ version: string; uptimeSeconds: number; cameras: unknown[]; recordings: { segments: number } }>();
    assert.deepEqual([body.version, body.uptimeSeconds, body.cameras.length, body.recordings.segments], ['9.9.9-test', 5, 3, 2]);
    h.bus.publish('event', {
      kind: 'new',
      frameTime: h.clock.t - 300,
      event: { id: 'x', cameraId: 'A', cameraName: 'cam-A', type: 'intrusion', rule: 'yard', trackId: 1, class: 'person', startTime: h.clock.t, endTime: null, direction: null, data: {}, snapshotPath: null, recording: null, armed: true },
    });
    h.db.prepare("INSERT INTO outbox (channel, payload, created_at, next_attempt) VALUES ('mqtt', '{}', 0, 0)").run();
    const metrics = await h.app.inject({ url: '/metrics', headers: h.headers(admin) });
    assert.match(String(metrics.headers['content-type']), /^text\/plain/);
    for (const line of [
      'sightline_cameras{state="connected"} 3',
      'sightline_camera_fps{camera="cam-A"} 10',
      'sightline_camera_analysed_fps{camera="cam-A"} 5',
      'sightline_camera_dropped_frames{camera="cam-A"} 3',
      'sightline_events_total{camera="cam-A",type="intrusion"} 1',
      'sightline_event_latency_seconds_bucket{le="0.5"} 1',
      'sightline_event_latency_seconds_bucket{le="0.25"} 0',
      'sightline_outbox_pending 1',
      'sightline_http_requests_total{route="/api/system",method="GET",status="200"} 1',
      'sightline_http_requests_total{route="/api/auth/login",method="POST",status="200"} 2',
    ]) {
      assert.ok(metrics.body.includes(line), `missing ${line}`);
    }
  });
});

describe('unexpected failures', () => {
  test('a failing service answers a generic 500 without details; the log has them', async (t) => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const h = await createHarness({ logger: { level: 'warn', stream } });
    t.after(() => h.close());
    const admin = await h.login('admin');
    h.cameras.list = async () => {
      throw new TypeError('boom in /srv/secret/path');
    };
    const res = await h.app.inject({ url: '/api/cameras', headers: h.headers(admin) });
    assert.equal(res.statusCode, 500);
    assert.deepEqual(res.json(), { error: { code: 'INTERNAL_ERROR', message: 'the server failed to answer this request; the server log has the details' } });
    const logged = lines.find((l) => l.includes('boom in /srv/secret/path'));
    assert.ok(logged !== undefined && /"level":50/.test(logged) && logged.includes('"stack"'), 'logged as an error with its stack');
  });
});
