/**
 * Alarms in the app, in a real browser (Debian's chromium via playwright-core) against the real API
 * app of the harness serving the built web app: a new armed alarm of a camera the user may see
 * shows a toast and a count on Review, from the tab's one bus socket; detections, unarmed alarms
 * and cameras the user may not see show nothing; opening Review clears the count; the Account page
 * turns on the browser's notifications. And the pure rule of which messages are alarms.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LiveEventMessage } from '../src/events/live-event.ts';
import { alarmNoticeOf } from '../web/src/components/alarm-notices-model.ts';
import { PASSWORD } from './fixtures/api-harness.ts';
import { signedInPage, webAppInBrowser } from './fixtures/browser.ts';
import { waitFor } from './fixtures/wait.ts';

const web = webAppInBrowser();

function alarm(id: string, cameraId: string, type: LiveEventMessage['event']['type'], armed = true, kind: LiveEventMessage['kind'] = 'new', at = web.h.clock.t): LiveEventMessage {
  return {
    kind,
    frameTime: at,
    event: { id, cameraId, cameraName: `cam-${cameraId}`, type, rule: 'yard', trackId: type === 'crowd' ? null : 1, class: 'person', startTime: at, endTime: null, direction: null, data: type === 'crowd' ? { count: 7 } : {}, snapshotPath: null, recording: null, armed },
  };
}

test('only the start of an armed intrusion, loitering or crowd alarm is a notice, in words', () => {
  const at = Date.UTC(2026, 11, 4, 9, 30);
  const msg = (m: LiveEventMessage) => ({ topic: 'event' as const, message: m });
  const text = (ms: number): string => `at ${ms}`;
  assert.deepEqual(alarmNoticeOf(msg(alarm('e1', 'A', 'intrusion', true, 'new', at)), text), { id: 'e1', cameraId: 'A', title: 'Intrusion in yard', body: `Camera cam-A, at ${at}`, at });
  assert.equal(alarmNoticeOf(msg(alarm('e2', 'A', 'crowd', true, 'new', at)), text)?.body, `Camera cam-A, at ${at} (7 inside)`);
  assert.equal(alarmNoticeOf(msg(alarm('e3', 'A', 'loitering', false, 'new', at)), text), null, 'unarmed: stored, not notified');
  assert.equal(alarmNoticeOf(msg(alarm('e4', 'A', 'intrusion', true, 'end', at)), text), null, 'an end is no new alarm');
  for (const type of ['line_crossing', 'zone_enter', 'zone_exit'] as const) assert.equal(alarmNoticeOf(msg(alarm('e5', 'A', type, true, 'new', at)), text), null, `${type} is a detection`);
});


test('a new alarm shows a toast and a count on Review; detections, unarmed alarms and unseen cameras do not; Review clears it', { timeout: 60_000 }, async () => {
  // The operator may see camera A only.
  const page = await signedInPage(web.browser, web.url, 'operator', PASSWORD, 'counts');
  await page.getByRole('heading', { name: 'Counting' }).waitFor();
  const toasts = page.getByRole('status', { name: 'New alarms' });
  // The page's one bus socket is subscribed once the server has audited it (it audits, then subscribes, in one go).
  await waitFor(() => web.h.audit.list({ action: 'ws_subscribe' }).some((e) => e.actor === 'operator'), 30_000, "the operator's bus socket");
  const review = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /^Review/ });
  web.h.bus.publish('event', alarm('first', 'A', 'intrusion'));
  await toasts.getByText('Intrusion in yard').waitFor();
  await review.and(page.getByLabel('Review, 1 new alarm')).waitFor();
  assert.match(await toasts.innerText(), /Camera cam-A/);

  web.h.bus.publish('event', alarm('det', 'A', 'zone_enter'));
  web.h.bus.publish('event', alarm('off', 'A', 'loitering', false));
  web.h.bus.publish('event', alarm('other', 'B', 'crowd'));
  web.h.bus.publish('event', alarm('crowd-a', 'A', 'crowd'));
  // Messages arrive in order: once the last shows, the others have been handled.
  await toasts.getByText(/\(7 inside\)/).waitFor();
  assert.equal(await toasts.locator('.alarm-toast').count(), 2, 'two toasts: the intrusion and the crowd of camera A');
  assert.doesNotMatch(await toasts.innerText(), /cam-B|Loitering/);
  await page.getByLabel('Review, 2 new alarms').waitFor();

  await toasts.getByRole('button', { name: 'Dismiss: Crowd in yard' }).click();
  assert.equal(await toasts.locator('.alarm-toast').count(), 1);
  await review.click();
  await page.waitForURL(/#\/review$/);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Review', exact: true }).waitFor();
  await page.context().close();
});

test('the Account page turns on the browser notifications of new alarms', { timeout: 60_000 }, async () => {
  const page = await signedInPage(web.browser, web.url, 'viewer', PASSWORD, 'account');
  await page.context().grantPermissions(['notifications']);
  const box = page.getByRole('checkbox', { name: /Show new alarms as browser notifications/ });
  await box.waitFor();
  assert.equal(await box.isChecked(), false);
  await box.click();
  await page.getByRole('checkbox', { name: /Show new alarms as browser notifications/, checked: true }).waitFor();
  assert.equal(await page.evaluate(() => localStorage.getItem('sightline.desktopNotifications')), '1');
  await box.click();
  await page.getByRole('checkbox', { name: /Show new alarms as browser notifications/, checked: false }).waitFor();
  await page.context().close();
});
