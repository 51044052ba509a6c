/**
 * The subject-access export's rules, through the real app and SQLite with a stand-in clip redactor
 * (test/server-subject-export.test.ts runs the real one on real footage): only a user holding
 * `video:unredacted` may export, with a written reason; only an event of a tracked person whose
 * box it kept, with a clip of at most 5 minutes, can be exported; the redactor gets the event's box, its time into the clip, its
 * snapshot and the camera's settings; the MP4 comes back, every temporary file is deleted, and each export (never a
 * refused or failed one) is audited `subject_export` and counted with the exports of the
 * transparency page.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { SightlineError } from '../src/core/errors.ts';
import type { NewEvent } from '../src/store/event-store.ts';
import type { ClipRedaction, ClipRedactor } from '../src/pipeline/redact-clip.ts';
import { createHarness, FIXED_JPEG, T0, type Harness, type HarnessOptions, type SessionCreds } from './fixtures/api-harness.ts';
import { waitFor } from './fixtures/wait.ts';

const REASON = 'Subject access request 2024-17 from the person in this clip';

/** Events of camera A inside its stand-in segment (T0 - 60 s to T0 - 50 s). */
const EVENTS: readonly NewEvent[] = [
  // A crossing is confirmed some frames after it happened: its box is of that later frame (`boxTime`).
  { id: 'person', cameraId: 'A', type: 'line_crossing', rule: 'door', trackId: 3, class: 'person', startTime: T0 - 55_000, endTime: T0 - 55_000, frame: 10, direction: 'in', data: { box: [100, 50, 40, 120], boxTime: T0 - 54_600 }, snapshotPath: 'snapshots/person.jpg' },
  // Stored before events kept `boxTime`: the box is taken at the event's start.
  { id: 'older', cameraId: 'A', type: 'zone_enter', rule: 'door', trackId: 2, class: 'person', startTime: T0 - 53_000, frame: 10, data: { box: [200, 60, 30, 90] }, snapshotPath: 'snapshots/deleted.jpg' },
  { id: 'crowd', cameraId: 'A', type: 'crowd', rule: 'hall', trackId: null, class: 'person', startTime: T0 - 55_000, endTime: T0 - 54_000, frame: 10, data: { count: 5 } },
  { id: 'car', cameraId: 'A', type: 'zone_enter', rule: 'drive', trackId: 4, class: 'car', startTime: T0 - 55_000, frame: 10, data: { box: [10, 10, 90, 40] } },
  { id: 'boxless', cameraId: 'A', type: 'zone_enter', rule: 'door', trackId: 5, class: 'person', startTime: T0 - 55_000, frame: 10, data: {} },
  { id: 'long', cameraId: 'A', type: 'loitering', rule: 'door', trackId: 7, class: 'person', startTime: T0 - 55_000, endTime: T0 - 55_000 + 3_600_000, frame: 10, data: { box: [1, 2, 3, 4] } },
  { id: 'unrecorded', cameraId: 'A', type: 'line_crossing', rule: 'door', trackId: 6, class: 'person', startTime: T0 - 3_600_000, endTime: T0 - 3_600_000, frame: 10, direction: 'out', data: { box: [1, 2, 3, 4] } },
];

/** A redactor that copies the clip and remembers what it was asked; `fail` makes it throw instead. */
function standIn(): { redactor: ClipRedactor; jobs: ClipRedaction[]; fail: { error: Error | null } } {
  const jobs: ClipRedaction[] = [];
  const fail: { error: Error | null } = { error: null };
  const redactor: ClipRedactor = async (job) => {
    jobs.push(job);
    if (fail.error !== null) throw fail.error;
    copyFileSync(job.video, job.output);
    const subject = { trackId: 2, frame: 55, box: { x: 101, y: 52, w: 39, h: 118 }, iou: 0.874 };
    return { frames: 100, tracks: 4, regions: 300, framesRedacted: 90, faces: 0, keptTrack: 2, subject, soughtAt: job.keepAt.seconds, clockOffset: null };
  };
  return { redactor, jobs, fail };
}

async function setup(t: TestContext, options: HarnessOptions = {}): Promise<{ h: Harness; admin: SessionCreds; operator: SessionCreds; viewer: SessionCreds }> {
  const h = await createHarness(options);
  t.after(() => h.close());
  await h.store.appendEvents(EVENTS);
  mkdirSync(path.join(h.dir, 'snapshots'));
  writeFileSync(path.join(h.dir, 'snapshots', 'person.jpg'), FIXED_JPEG);
  return { h, admin: await h.login('admin'), operator: await h.login('operator'), viewer: await h.login('viewer') };
}

function exportFor(h: Harness, who: SessionCreds, event: string, payload: object): Promise<LightMyRequestResponse> {
  return h.app.inject({ method: 'POST', url: `/api/events/${event}/subject-export.mp4`, headers: h.headers(who), payload });
}

function codeOf(res: LightMyRequestResponse): string {
  return res.json<{ error: { code: string } }>().error.code;
}

/** Files the exports may leave in the harness directory (the stand-in recording service writes export-N.mp4 there). */
function leftovers(h: Harness): string[] {
  return readdirSync(h.dir).filter((f) => f.endsWith('.mp4'));
}

test('only a user holding video:unredacted may export, with a written reason', async (t) => {
  const { redactor, jobs } = standIn();
  const { h, admin, operator, viewer } = await setup(t, { redactClip: redactor });
  for (const [name, who] of [['viewer', viewer], ['operator', operator], ['admin', admin]] as const) {
    const res = await exportFor(h, who, 'person', { reason: REASON });
    assert.equal(res.statusCode, 403, `${name}: ${res.body}`);
    assert.equal(codeOf(res), 'FORBIDDEN');
  }
  const token = await h.token('export-token', ['recordings:read', 'events:read']);
  const byToken = await h.app.inject({ method: 'POST', url: '/api/events/person/subject-export.mp4', headers: { authorization: `Bearer ${token}` }, payload: { reason: REASON } });
  assert.equal(byToken.statusCode, 403, byToken.body);
  await h.users.update(h.ids.operator, { unredactedVideo: true });
  const cases: [string, object][] = [
    ['no reason', {}],
    ['a short reason', { reason: 'because' }],
    ['nine characters once trimmed', { reason: '   123456789   ' }],
    ['a reason of 501 characters', { reason: 'x'.repeat(501) }],
    ['an unknown field', { reason: REASON, track: 3 }],
  ];
  for (const [what, payload] of cases) {
    const res = await exportFor(h, operator, 'person', payload);
    assert.equal(res.statusCode, 400, `${what}: ${res.statusCode} ${res.body}`);
    assert.equal(codeOf(res), 'REQUEST_INVALID', what);
  }
  const hidden = await exportFor(h, operator, 'no-such-event', { reason: REASON });
  assert.equal(hidden.statusCode, 404);
  assert.deepEqual(jobs, [], 'nothing was exported');
  assert.deepEqual(h.audit.list({ action: 'subject_export' }), []);
});

test('the event\'s person is exported: box, time into the clip and camera settings to the redactor, the MP4 back, temporary files gone, audited', async (t) => {
  const { redactor, jobs } = standIn();
  const { h, operator } = await setup(t, { redactClip: redactor });
  await h.users.update(h.ids.operator, { unredactedVideo: true });
  const res = await exportFor(h, operator, 'person', { reason: `  ${REASON}  ` });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.headers['content-type'], 'video/mp4');
  assert.match(String(res.headers['content-disposition']), /^attachment; filename="cam-A-\d+-subject\.mp4"$/);
  assert.equal(res.rawPayload.length, Number(res.headers['content-length']));
  const [job] = jobs;
  assert.ok(job !== undefined && jobs.length === 1);
  // The stand-in export starts at its segment (T0 - 60 s): the event's box is 5.4 s into the clip.
  assert.deepEqual(job.keepAt, { seconds: 5.4, box: { x: 100, y: 50, w: 40, h: 120 } });
  assert.deepEqual(job.boxFrame, { width: 768, height: 576 });
  assert.equal(job.picture, realpathSync(path.join(h.dir, 'snapshots', 'person.jpg')), 'the event\'s snapshot, to find its moment in the clip');
  assert.equal(job.analytics?.detect.fit, (await h.cameras.get('A'))!.analytics.detect.fit);
  assert.deepEqual(res.rawPayload, readFileSync(`${h.dir}/recordings/1.ts`), 'the redactor\'s file is what comes back');
  // The redacted file goes once it has been sent; the exported clip at once.
  await waitFor(() => leftovers(h).length === 0, 5000, 'the exported clip and the redacted one to be deleted');
  const entries = h.audit.list({ action: 'subject_export' });
  assert.deepEqual(
    entries.map((e) => [e.actor, e.target, e.details]),
    [
      [
        'operator',
        'A',
        {
          event: 'person',
          camera: 'cam-A',
          reason: REASON,
          from: T0 - 60_000,
          to: T0 - 50_000,
          bytes: res.rawPayload.length,
          frames: 100,
          kept: { frame: 55, box: [101, 52, 39, 118], iou: 0.87, soughtAt: 5.4, clockOffset: null },
        },
      ],
    ],
  );
  const older = await exportFor(h, operator, 'older', { reason: REASON });
  assert.equal(older.statusCode, 200, older.body);
  assert.deepEqual(jobs[1]?.keepAt, { seconds: 7, box: { x: 200, y: 60, w: 30, h: 90 } });
  assert.equal(jobs[1]?.picture, null, 'a snapshot that is gone leaves the clocks\' time');
  const transparency = (await h.app.inject({ url: '/api/transparency' })).json<{ usage: { months: { exports: number }[] } }>();
  assert.equal(transparency.usage.months[0]!.exports, 2, 'counted with the exports');
});

test('an event that follows no one tracked person, kept no box, has no recording or lasted too long is refused before anything runs', async (t) => {
  const { redactor, jobs } = standIn();
  const { h, admin } = await setup(t, { redactClip: redactor });
  await h.users.update(h.ids.admin, { unredactedVideo: true });
  const cases: [string, number, string, RegExp][] = [
    ['crowd', 422, 'SUBJECT_NOT_FOUND', /follows no one person/],
    ['car', 422, 'SUBJECT_NOT_FOUND', /a car, not a person/],
    ['boxless', 422, 'SUBJECT_NOT_FOUND', /keeps no box of its person/],
    ['unrecorded', 404, 'RECORDING_NOT_FOUND', /no recording covers/],
    ['long', 400, 'EXPORT_TOO_LONG', /spans 60 minutes; .* at most 5 minutes/],
  ];
  for (const [event, status, code, message] of cases) {
    const res = await exportFor(h, admin, event, { reason: REASON });
    assert.equal(res.statusCode, status, `${event}: ${res.body}`);
    assert.equal(codeOf(res), code, event);
    assert.match(res.json<{ error: { message: string } }>().error.message, message, event);
  }
  assert.deepEqual(jobs, []);
  assert.deepEqual(h.audit.list({ action: 'subject_export' }), []);
});

test('when nobody in the clip is the event\'s person the export fails clearly, leaves no file and is not audited', async (t) => {
  const { redactor, fail } = standIn();
  const { h, admin } = await setup(t, { redactClip: redactor });
  await h.users.update(h.ids.admin, { unredactedVideo: true });
  fail.error = new SightlineError('SUBJECT_NOT_FOUND', "no person in the clip matches the event's person");
  const res = await exportFor(h, admin, 'person', { reason: REASON });
  assert.equal(res.statusCode, 422, res.body);
  assert.equal(codeOf(res), 'SUBJECT_NOT_FOUND');
  assert.deepEqual(leftovers(h), []);
  assert.deepEqual(h.audit.list({ action: 'subject_export' }), []);
});

test('a server without a clip redactor refuses subject exports', async (t) => {
  const { h, admin } = await setup(t);
  await h.users.update(h.ids.admin, { unredactedVideo: true });
  const res = await exportFor(h, admin, 'person', { reason: REASON });
  assert.equal(res.statusCode, 403, res.body);
  assert.match(res.body, /cannot export video for one person/);
});
