/**
 * Review items in a real browser (Debian's chromium via playwright-core) against the real API app
 * of the harness serving the built web app: a person's entrance, intrusion and exit show as one
 * alarm item with a thumbnail that marks the person; a crossing of another track is a detection;
 * a camera the user may not see shows nothing; the severity and reviewed filters; marking reviewed
 * with the button, in bulk with the checkboxes, and from the keyboard (j/k, r, x, Shift+R), kept
 * per user on the server; and new events over the bus fold into the list and the timeline live.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import type { LiveEventMessage } from '../src/events/live-event.ts';
import type { NewEvent } from '../src/store/event-store.ts';
import { PASSWORD, type Harness } from './fixtures/api-harness.ts';
import { signedInPage, webAppInBrowser } from './fixtures/browser.ts';
import { ROOT } from './fixtures/data.ts';
import { waitFor } from './fixtures/wait.ts';

const S = 1000;
/** Start of the seeded events: ten minutes before the harness clock (set to the machine's). */
let t0 = 0;

function ev(id: string, cameraId: string, type: NewEvent['type'], at: number, more: Partial<NewEvent> = {}): NewEvent {
  return { id, cameraId, type, rule: 'plaza', trackId: 1, class: 'person', startTime: at, endTime: type === 'intrusion' ? null : at, frame: 1, data: {}, snapshotPath: 'snapshots/frame.jpg', ...more };
}

async function seed(h: Harness): Promise<void> {
  // A frame of the demo clip (768x576, the harness cameras' analysed size) as every event's snapshot.
  mkdirSync(path.join(h.dir, 'snapshots'), { recursive: true });
  execFileSync('ffmpeg', ['-v', 'error', '-ss', '2', '-i', path.join(ROOT, 'demo', 'pets09-s2l1-excerpt.mp4'), '-frames:v', '1', '-y', path.join(h.dir, 'snapshots', 'frame.jpg')]);
  t0 = h.clock.t - 600 * S;
  await h.store.appendEvents([
    ev('p-enter', 'A', 'zone_enter', t0, { data: { box: [284.84, 150, 40, 110] } }),
    ev('p-intr', 'A', 'intrusion', t0 + 5 * S, { endTime: t0 + 30 * S, data: { seconds: 5, box: [362, 185, 45, 135] } }),
    ev('p-exit', 'A', 'zone_exit', t0 + 30 * S, { data: { seconds: 30, box: [300, 170, 40, 110] } }),
    ev('c-cross', 'A', 'line_crossing', t0 + 60 * S, { trackId: 2, rule: 'gate', direction: 'in', data: { box: [100, 200, 50, 120] } }),
    ev('c-later', 'A', 'zone_enter', t0 + 120 * S, { trackId: 3, snapshotPath: null }),
    ev('hidden', 'B', 'zone_enter', t0 + 90 * S, { trackId: 9 }),
  ]);
}

const web = webAppInBrowser({ prepare: seed });

/** The list's items, as their titles. */
const titles = (page: Page): Promise<string[]> => page.locator('ul[aria-label="Review items"] button.review-item strong').allInnerTexts();

async function reviewPage(name: string): Promise<Page> {
  const page = await signedInPage(web.browser, web.url, name, PASSWORD, 'review');
  await page.locator('button.review-item').first().waitFor();
  return page;
}

/** The ids the user has marked reviewed, from the server's own table. */
function marked(userId: string): string[] {
  return web.h.db
    .prepare<[string], { event_id: string }>('SELECT event_id FROM review_marks WHERE user_id = ? ORDER BY event_id')
    .all(userId)
    .map((r) => r.event_id);
}

test('events fold into review items with a marked thumbnail; filters by severity and reviewed', { timeout: 60_000 }, async () => {
  const page = await reviewPage('operator');
  assert.deepEqual(await titles(page), ['Zone enter · person', 'Line crossing · person', 'Intrusion · person'], 'three items of camera A, newest first; camera B is not the operator’s');
  const person = page.locator('button.review-item', { hasText: 'Intrusion' });
  assert.match(await person.innerText(), /Alarm[\s\S]*plaza · 3 events · 30 s/);
  // The thumbnail marks the person: a rectangle at the intrusion's box, over its snapshot.
  const rect = person.locator('svg.marked-box rect');
  await rect.waitFor();
  assert.deepEqual(await rect.evaluate((r) => [r.getAttribute('x'), r.getAttribute('width'), r.closest('svg')!.getAttribute('viewBox')]), ['362', '45', '0 0 768 576']);
  assert.ok((await person.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth)) === 768, 'the snapshot loaded');

  await person.click();
  const detail = page.getByRole('article', { name: 'Selected item' });
  await detail.getByRole('heading', { name: 'Intrusion · person · plaza' }).waitFor();
  await detail.getByRole('img', { name: 'Snapshot of the intrusion on cam-A, the person marked' }).waitFor();
  await detail.locator('svg.marked-box rect').waitFor();
  assert.doesNotMatch(await detail.innerText(), /box|\[284/, 'no raw box in the detail');
  assert.match(await detail.getByRole('list', { name: 'Events of this item' }).innerText(), /zone enter · plaza[\s\S]*intrusion · plaza[\s\S]*zone exit · plaza/);

  const filters = page.getByRole('form', { name: 'Review filters' });
  await filters.getByLabel('Severity').selectOption('alarm');
  await filters.getByRole('button', { name: 'Search' }).click();
  await page.waitForFunction(() => document.querySelectorAll('ul[aria-label="Review items"] li').length === 1);
  assert.deepEqual(await titles(page), ['Intrusion · person']);
  await filters.getByLabel('Severity').selectOption('detection');
  await filters.getByLabel('Reviewed').selectOption('true');
  await filters.getByRole('button', { name: 'Search' }).click();
  await page.getByText('No review items match these filters.').waitFor();
  await page.context().close();
});

test('mark reviewed with the button, in bulk, and from the keyboard; kept per user', { timeout: 60_000 }, async () => {
  const page = await reviewPage('viewer');
  const list = page.locator('ul[aria-label="Review items"]');
  const row = (title: string) => list.locator('li', { has: page.locator('strong', { hasText: title }) });

  // The button of the detail.
  await row('Intrusion').locator('button.review-item').click();
  const detail = page.getByRole('article', { name: 'Selected item' });
  await detail.getByRole('button', { name: 'Mark reviewed' }).click();
  await detail.getByRole('button', { name: 'Mark not reviewed' }).waitFor();
  await row('Intrusion').and(page.locator('li.reviewed')).waitFor();
  assert.deepEqual(marked(web.h.ids.viewer), ['p-enter', 'p-exit', 'p-intr'], 'every event of the item, for this user');
  assert.deepEqual(marked(web.h.ids.operator), [], 'marks are per user');

  // The keyboard: k goes to the previous (newer) item, r marks it, r again unmarks it.
  await page.keyboard.press('k');
  await row('Line crossing').locator('button.review-item[aria-pressed="true"]').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.textContent?.includes('Line crossing')), true, 'focus follows the selection');
  await page.keyboard.press('r');
  await row('Line crossing').and(page.locator('li.reviewed')).waitFor();
  await page.keyboard.press('r');
  await row('Line crossing').and(page.locator('li:not(.reviewed)')).waitFor();
  assert.deepEqual(marked(web.h.ids.viewer), ['p-enter', 'p-exit', 'p-intr']);

  // In bulk: x checks the selected item, a click checks another, Shift+R marks both.
  await page.keyboard.press('x');
  await row('Line crossing').getByRole('checkbox').and(page.locator(':checked')).waitFor();
  await row('Zone enter').getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Mark 2 checked reviewed' }).waitFor();
  await row('Line crossing').locator('button.review-item').focus();
  await page.keyboard.press('Shift+R');
  await page.locator('ul[aria-label="Review items"] li.reviewed').nth(2).waitFor();
  assert.deepEqual(marked(web.h.ids.viewer), ['c-cross', 'c-later', 'p-enter', 'p-exit', 'p-intr']);
  await page.getByText('3 items (5 events), 0 not reviewed').waitFor();

  // Undone in bulk with the buttons.
  await page.getByRole('checkbox', { name: 'Check all shown' }).check();
  await page.getByRole('button', { name: 'Mark checked not reviewed' }).click();
  await page.getByText('3 items (5 events), 3 not reviewed').waitFor();
  assert.deepEqual(marked(web.h.ids.viewer), []);

  // What was marked stays marked after a reload.
  await row('Intrusion').getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Mark 1 checked reviewed' }).click();
  await page.getByText('3 items (5 events), 2 not reviewed').waitFor();
  await page.reload();
  await page.getByText('3 items (5 events), 2 not reviewed').waitFor();
  await page.context().close();
});

test('new events fold into the list and the timeline as they arrive', { timeout: 60_000 }, async () => {
  const page = await reviewPage('admin');
  await waitFor(() => web.h.audit.list({ action: 'ws_subscribe' }).some((e) => e.actor === 'admin'), 30_000, "the admin's bus socket");
  const live = (kind: LiveEventMessage['kind'], { frame: _frame, ...e }: NewEvent): void =>
    web.h.bus.publish('event', { kind, frameTime: e.startTime, event: { ...e, trackId: e.trackId ?? null, endTime: e.endTime ?? null, direction: e.direction ?? null, data: e.data ?? {}, snapshotPath: e.snapshotPath ?? null, recording: null, cameraName: `cam-${e.cameraId}`, armed: true } });
  const now = web.h.clock.t;
  // A new person: a new item on top, and a bar on camera A's strip.
  live('new', ev('n-enter', 'A', 'zone_enter', now, { trackId: 7, snapshotPath: null }));
  await page.locator('ul[aria-label="Review items"] li').first().getByText('Zone enter · person').waitFor();
  await page.locator('svg[aria-label="Review items of camera cam-A over time"] rect[data-item="n-enter"]').waitFor();
  // The same person raises an intrusion: the item becomes an alarm with two events, still open.
  live('new', ev('n-intr', 'A', 'intrusion', now + 2 * S, { trackId: 7 }));
  const first = page.locator('ul[aria-label="Review items"] li').first();
  await first.getByText('Intrusion · person').waitFor();
  assert.match(await first.innerText(), /Alarm[\s\S]*2 events · still open/);
  // Its end closes it.
  live('end', ev('n-intr', 'A', 'intrusion', now + 2 * S, { trackId: 7, endTime: now + 12 * S }));
  await first.getByText(/2 events · 12 s/).waitFor();
  // Camera B is the admin's too: its event is an item of its own.
  live('new', ev('n-b', 'B', 'line_crossing', now + 3 * S, { trackId: 7, direction: 'out', rule: 'gate' }));
  await page.locator('svg[aria-label="Review items of camera cam-B over time"]').waitFor();
  assert.deepEqual((await titles(page)).slice(0, 2), ['Line crossing · person', 'Intrusion · person']);
  await page.context().close();
});
