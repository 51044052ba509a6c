/**
 * The recordings timeline (issue 13 item 1) in a real browser (Debian's chromium) against the real
 * API app of the harness with the server's recording service over real segments (the demo clip cut
 * into three 4 s MPEG-TS segments, a 6 s gap before the third) and events: the timeline draws the
 * recorded stretches, the gap and the alarm; a click plays from that moment and the video moves on
 * across the segment boundary; speeds and frame steps; the jump to a date and time in two actions
 * (type it, press Enter); the scrubber's preview picture; the keyboard slider; marking a range and
 * exporting it, and the export in the list with its audit entry. And the pure model.
 */
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { localDateTimeValue, nearestZoom, pan, parseLocalDateTime, playableFrom, rangeAround, ticks, timeOf, xOf } from '../web/src/components/timeline-model.ts';
import { PASSWORD } from './fixtures/api-harness.ts';
import { CHROMIUM, signedInPage, webAppInBrowser } from './fixtures/browser.ts';
import { seedSegments, SEGMENT_S } from './fixtures/segments.ts';

const ROOT = path.resolve(import.meta.dirname, '..');

test('the timeline model: ranges, positions, ticks, the jump and where playback can start', () => {
  const r = rangeAround(10_000_000, 600_000);
  assert.deepEqual(r, { from: 9_700_000, to: 10_300_000 });
  assert.equal(xOf(10_000_000, r, 600), 300);
  assert.equal(timeOf(300, r, 600), 10_000_000);
  assert.equal(timeOf(-5, r, 600), r.from, 'clamped to the range');
  assert.deepEqual(pan(r, -0.5), { from: 9_400_000, to: 10_000_000 });
  assert.equal(nearestZoom(80_000_000).label, 'Day');
  assert.equal(nearestZoom(50_000).label, 'Minute');
  const utc = (): number => 0;
  const day = ticks({ from: Date.UTC(2026, 11, 4, 0, 30), to: Date.UTC(2026, 11, 5, 0, 30) }, 8, utc);
  assert.deepEqual(day.map((t) => t.label), ['03:00', '06:00', '09:00', '12:00', '15:00', '18:00', '21:00', 'Sat 5/12']);
  const minute = ticks({ from: Date.UTC(2026, 11, 4, 14, 5, 3), to: Date.UTC(2026, 11, 4, 14, 6, 3) }, 8, utc);
  assert.deepEqual(minute.map((t) => t.label), ['14:05:10', '14:05:20', '14:05:30', '14:05:40', '14:05:50', '14:06:00']);
  const t = parseLocalDateTime('2026-12-04T14:05');
  assert.equal(t, new Date(2026, 11, 4, 14, 5).getTime());
  assert.equal(localDateTimeValue(t!), '2026-12-04T14:05');
  assert.equal(parseLocalDateTime('14:05'), null);
  assert.equal(parseLocalDateTime(''), null);
  const spans = [
    { start: 100, end: 200 },
    { start: 300, end: 400 },
  ];
  assert.deepEqual([playableFrom(50, spans), playableFrom(150, spans), playableFrom(250, spans), playableFrom(450, spans)], [100, 150, 300, null]);
});

describe('the recordings page in a real browser', { skip: !existsSync(CHROMIUM) && `no ${CHROMIUM}` }, () => {
  let start = 0;
  const web = webAppInBrowser({
    harness: { localRecordings: true },
    prepare: async (h) => {
      // On a whole minute an hour ago, so that the jump (to the minute) lands on the first segment.
      start = Math.floor((h.clock.t - 3_600_000) / 60_000) * 60_000;
      seedSegments(h, start);
      const ev = (id: string, type: 'intrusion' | 'zone_enter', at: number) => ({ id, cameraId: 'A', type, rule: 'yard', trackId: 3, class: 'person' as const, startTime: at, endTime: at + 2000, frame: 1, snapshotPath: null });
      await h.store.appendEvents([ev('alarm-1', 'intrusion', start + 2000), ev('enter-1', 'zone_enter', start + 9000)]);
    },
  });

  const open = (who: string, route: string): Promise<Page> => signedInPage(web.browser, web.url, who, PASSWORD, route);
  /** The ms from `since` (performance.now) to the timeline's mark for this range, once drawn. */
  const rendered = (page: Page): Promise<void> => page.waitForFunction(() => performance.getEntriesByName('sightline:timeline-rendered').length > 0).then(() => undefined);
  const playhead = async (page: Page): Promise<number> => Number(await page.locator('[data-playhead]').getAttribute('data-playhead'));
  /** Clicks the track at the x of `time`. */
  const clickAt = async (page: Page, time: number): Promise<void> => {
    const track = page.locator('[data-timeline-track]');
    const [from, to] = [Number(await track.getAttribute('data-from')), Number(await track.getAttribute('data-to'))];
    const box = (await track.boundingBox())!;
    await track.click({ position: { x: ((time - from) / (to - from)) * box.width, y: 36 } });
  };
  const videoTime = (page: Page): Promise<number> => page.getByLabel('Recording of cam-A').evaluate((v: HTMLVideoElement) => v.currentTime);

  test('the timeline draws recorded stretches, the gap and the alarm; a click plays on across the segment boundary', { timeout: 90_000 }, async () => {
    const page = await open('viewer', `recordings?camera=A&t=${start + 7000}&span=60000`);
    await rendered(page);
    assert.equal(await page.locator('.timeline-recorded').count(), 2, 'two recorded stretches: the gap splits them');
    assert.equal(await page.locator('.timeline-alarm').count(), 1, 'the intrusion is an alarm mark');
    assert.ok((await page.locator('.timeline-detection').count()) >= 1, 'the entrance is a detection mark');
    assert.equal(await page.getByRole('list', { name: 'Legend' }).locator('li').count(), 5);
    assert.equal(await page.getByRole('button', { name: 'Mark start' }).count(), 0, 'a viewer cannot export');

    await clickAt(page, start + 2000);
    const video = page.getByLabel('Recording of cam-A');
    await page.waitForFunction(() => {
      const v = document.querySelector<HTMLVideoElement>('video[aria-label="Recording of cam-A"]');
      return v !== null && !v.paused && v.readyState >= 3;
    });
    const first = await playhead(page);
    assert.ok(Math.abs(first - (start + 2000)) < 1500, `plays from the moment clicked (${first - start} ms in)`);
    // Across the boundary at 4 s, at 4x.
    await page.getByLabel('Speed').selectOption('4');
    assert.equal(await video.evaluate((v: HTMLVideoElement) => v.playbackRate), 4);
    await page.waitForFunction((b) => Number(document.querySelector('[data-playhead]')?.getAttribute('data-playhead')) > b, start + SEGMENT_S * 1000 + 1000, { timeout: 30_000 });

    // Pause and step a frame forward, then back.
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.waitForFunction(() => document.querySelector<HTMLVideoElement>('video[aria-label="Recording of cam-A"]')!.paused);
    const before = await videoTime(page);
    await page.getByRole('button', { name: 'One frame forward' }).click();
    await page.waitForFunction((b) => document.querySelector<HTMLVideoElement>('video[aria-label="Recording of cam-A"]')!.currentTime > b, before);
    const step = (await videoTime(page)) - before;
    assert.ok(step > 0.02 && step < 0.5, `one frame forward is one frame (${step.toFixed(3)} s)`);
    await page.getByRole('button', { name: 'One frame back' }).click();
    await page.waitForFunction((b) => Math.abs(document.querySelector<HTMLVideoElement>('video[aria-label="Recording of cam-A"]')!.currentTime - b) < 0.01, before);
  });

  test('a date and time typed and Enter: the timeline centres on it and the video plays from it', { timeout: 60_000 }, async () => {
    const page = await open('viewer', 'recordings?camera=A');
    await rendered(page);
    const jump = page.getByLabel('Go to date and time');
    await jump.fill(localDateTimeValue(start));
    await jump.press('Enter');
    await page.waitForFunction(() => {
      const v = document.querySelector<HTMLVideoElement>('video[aria-label="Recording of cam-A"]');
      return v !== null && !v.paused && v.currentTime > 0.2;
    });
    assert.ok(Math.abs((await playhead(page)) - start) < 1500, 'plays from the minute asked for');
    const track = page.locator('[data-timeline-track]');
    const [from, to] = [Number(await track.getAttribute('data-from')), Number(await track.getAttribute('data-to'))];
    assert.ok(from < start && to > start && Math.abs((from + to) / 2 - start) < 1000, 'the timeline centres on it');
    assert.ok(to - from <= 3_600_000, 'zoomed in to an hour at most');
    await jump.fill('');
    await jump.press('Enter');
    assert.match(await page.getByRole('alert').innerText(), /Enter a date and a time/);
  });

  test('hovering shows a preview picture; the keyboard moves the playhead and plays; an operator marks a range and exports it', { timeout: 90_000 }, async () => {
    const page = await open('operator', `recordings?camera=A&t=${start + 7000}&span=60000`);
    await rendered(page);
    const track = page.locator('[data-timeline-track]');
    const box = (await track.boundingBox())!;
    const [from, to] = [Number(await track.getAttribute('data-from')), Number(await track.getAttribute('data-to'))];
    await page.mouse.move(box.x + ((start + 5000 - from) / (to - from)) * box.width, box.y + 36);
    await page.locator('.timeline-preview img').waitFor();
    const natural = await page.locator('.timeline-preview img').evaluate((i: HTMLImageElement) => i.naturalWidth);
    assert.equal(natural, 192, 'a preview picture of the moment');

    await track.focus();
    const now = Number(await track.getAttribute('aria-valuenow'));
    await page.keyboard.press('ArrowRight');
    assert.ok(Number(await track.getAttribute('aria-valuenow')) > now, 'the arrow moves the playhead');
    await page.keyboard.press('Home');
    assert.equal(Number(await track.getAttribute('aria-valuenow')), from);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => {
      const v = document.querySelector<HTMLVideoElement>('video[aria-label="Recording of cam-A"]');
      return v !== null && !v.paused && v.readyState >= 3;
    });
    assert.ok(Math.abs((await playhead(page)) - start) < 1500, 'Enter from before the recording plays from its first moment');

    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('button', { name: 'Mark start' }).click();
    await clickAt(page, start + 3000);
    await page.waitForFunction(() => {
      const v = document.querySelector<HTMLVideoElement>('video[aria-label="Recording of cam-A"]');
      return v !== null && !v.paused && v.readyState >= 3;
    });
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('button', { name: 'Mark end' }).click();
    const link = page.getByRole('link', { name: /^Export \d+ s of cam-A$/ });
    await link.waitFor();
    await page.locator('.timeline-selection').waitFor();
    const href = (await link.getAttribute('href'))!;
    const status = await page.evaluate(async (u) => (await fetch(u, { credentials: 'same-origin' })).status, href);
    assert.equal(status, 200);
    await page.getByRole('button', { name: 'Refresh' }).click();
    const row = page.locator('.recording-exports tbody tr').first();
    await row.waitFor();
    assert.match(await row.innerText(), /operator\tcam-A/);
    assert.match(await row.innerText(), /#\d+ [0-9a-f]{12}…/);
    // The picture for the docs: the timeline with its marked range, the player and the transport.
    await page.evaluate(() => window.scrollTo(0, 0));
    const top = (await track.boundingBox())!;
    await page.mouse.move(top.x + ((start + 6000 - from) / (to - from)) * top.width, top.y + 36);
    await page.locator('.timeline-preview img').waitFor();
    writeFileSync(path.join(ROOT, 'docs', 'screenshots', 'recordings.png'), await page.screenshot({ fullPage: false }));
  });
});
