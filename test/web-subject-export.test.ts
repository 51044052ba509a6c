/**
 * The web app's side of the subject-access export, in a real browser (Debian's chromium driven by
 * playwright-core) against the real API app of the harness serving the built web app (web/dist),
 * with a stand-in clip redactor (test/server-subject-export.test.ts runs the real one): an operator
 * holding `video:unredacted` selects an event of a tracked person on the Review page, chooses
 * "Export for this person…", gives a reason and gets the MP4 as a download, audited with the
 * reason; an operator without the permission, and any event that follows no one person, offer no
 * such export.
 */
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import type { ClipRedactor } from '../src/pipeline/redact-clip.ts';
import { PASSWORD, type Harness } from './fixtures/api-harness.ts';
import { signedInPage, webAppInBrowser } from './fixtures/browser.ts';

const REASON = 'Subject access request 2024-17 from the person in this clip';

/** Camera A's recording with a tracked person's line crossing and a crowd alarm in it; operator may ask for unredacted video, plain may not. */
async function seed(h: Harness): Promise<void> {
  const at = h.clock.t - 55_000;
  h.recordings.addSegment('A', h.clock.t - 60_000, h.clock.t - 50_000);
  await h.store.appendEvents([
    { id: 'walker', cameraId: 'A', type: 'line_crossing', rule: 'door', trackId: 3, class: 'person', startTime: at, endTime: at, frame: 10, direction: 'in', data: { box: [100, 50, 40, 120], boxTime: at } },
    { id: 'crowd', cameraId: 'A', type: 'crowd', rule: 'hall', trackId: null, class: 'person', startTime: at + 1000, endTime: at + 2000, frame: 12, data: { count: 5 } },
  ]);
  await h.users.update(h.ids.operator, { unredactedVideo: true });
  h.users.grantCamera((await h.users.create({ name: 'plain', password: PASSWORD, role: 'operator' })).id, 'A');
}

const exported: string[] = [];

/** Copies the clip as it is and says it kept a track. */
const standIn: ClipRedactor = async (job) => {
  exported.push(job.video);
  copyFileSync(job.video, job.output);
  return { frames: 40, tracks: 3, regions: 80, framesRedacted: 40, faces: 0, keptTrack: 1, subject: { trackId: 1, frame: 20, box: job.keepAt.box, iou: 0.9 }, soughtAt: job.keepAt.seconds, clockOffset: null };
};

const web = webAppInBrowser({ harness: { redactClip: standIn }, prepare: seed });

/** A page signed in as `name`, on the Review page with the event of `type` selected, once it has asked who is signed in. */
async function reviewing(name: string, type: string): Promise<Page> {
  const page = await signedInPage(web.browser, web.url, name, PASSWORD, 'review', { acceptDownloads: true });
  await page.locator('button.review-item', { hasText: type }).click();
  await page.getByRole('article', { name: 'Selected item' }).waitFor();
  await page.waitForLoadState('networkidle');
  return page;
}

test('an operator holding the permission exports an event\'s person with a reason and gets the MP4', { timeout: 60_000 }, async () => {
  const page = await reviewing('operator', 'line crossing');
  await page.getByRole('button', { name: 'Export for this person…' }).click();
  await page.getByLabel(/Why do you export this person unredacted/).fill(REASON);
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  const file = await download;
  assert.match(file.suggestedFilename(), /^cam-A-\d+-subject\.mp4$/);
  const saved = await file.path();
  assert.deepEqual(readFileSync(saved), readFileSync(path.join(web.h.dir, 'recordings', '3.ts')), 'the file the server sent');
  await page.getByText(`Exported as ${file.suggestedFilename()}.`).waitFor();
  assert.equal(exported.length, 1);
  assert.deepEqual(web.h.audit.list({ action: 'subject_export' }).map((e) => [e.actor, e.target, e.details.event, e.details.reason]), [['operator', 'A', 'walker', REASON]]);
  await page.context().close();
});

test('an event that follows no one person, or a user without the permission, gets no such export', { timeout: 60_000 }, async () => {
  const crowd = await reviewing('operator', 'crowd');
  await crowd.getByRole('link', { name: 'Export clip' }).waitFor();
  assert.equal(await crowd.getByRole('button', { name: /Export for this person/ }).count(), 0);
  await crowd.context().close();
  const plain = await reviewing('plain', 'line crossing');
  await plain.getByRole('link', { name: 'Export clip' }).waitFor();
  assert.equal(await plain.getByRole('button', { name: /Export for this person/ }).count(), 0);
  await plain.context().close();
});
