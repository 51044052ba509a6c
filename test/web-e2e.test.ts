/// <reference lib="dom" />
/**
 * The web app end to end in a real browser (Debian's chromium driven by playwright-core) against a
 * real server with the demo RTSP camera: first-run setup, sign-in, live video that moves, drawing a
 * counting line whose count then rises, the time spent in the plaza, the heat map, an event's clip,
 * and a viewer kept out of administration. It also measures first paint of each page with 10,000 events in the store and the
 * live view's latency, and refreshes the screenshots in docs/screenshots/.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { serverConfigSchema } from '../src/config/schema/server.ts';
import { startServer, type RunningServer } from '../src/server/server.ts';
import { databasePath, openDatabase } from '../src/store/database.ts';
import type { NewEvent } from '../src/store/event-store.ts';
import { SqliteEventStore } from '../src/store/sqlite-event-store.ts';
import { ROOT } from './fixtures/data.ts';
import { waitFor } from './fixtures/wait.ts';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = path.join(ROOT, 'docs', 'screenshots');
const ADMIN = { name: 'owner', password: 'tr0mbone-kettle-sunrise' };
const VIEWER = { name: 'watcher', password: 'quiet-lantern-harbour-9' };

/** Figures measured by this run, printed at the end (the closing note quotes them). */
const figures: Record<string, number | string> = {};

function changedPixels(a: Buffer, b: Buffer): number {
  const pa = PNG.sync.read(a);
  const pb = PNG.sync.read(b);
  if (pa.width !== pb.width || pa.height !== pb.height) return Number.POSITIVE_INFINITY;
  let n = 0;
  for (let i = 0; i < pa.data.length; i += 4) {
    if (Math.abs(pa.data[i]! - pb.data[i]!) + Math.abs(pa.data[i + 1]! - pb.data[i + 1]!) + Math.abs(pa.data[i + 2]! - pb.data[i + 2]!) > 30) n++;
  }
  return n;
}

describe('web app in a real browser', { skip: !existsSync(CHROMIUM) && `no ${CHROMIUM}` }, () => {
  let dir: string;
  let server: RunningServer;
  let browser: Browser;
  let admin: BrowserContext;
  let page: Page;
  let cameraId = '';
  const consoleErrors: string[] = [];
  /** While a step provokes a refusal on purpose (a wrong password, a viewer asking for users), the browser's own "Failed to load resource" line is expected. */
  let refusalExpected = false;

  const watch = (p: Page): void => {
    p.on('console', (m) => {
      if (m.type() !== 'error') return;
      if (refusalExpected && /^Failed to load resource: the server responded with a status of 40[13]/.test(m.text())) return;
      consoleErrors.push(`${p.url()}: ${m.text()}`);
    });
    p.on('pageerror', (e) => consoleErrors.push(`${p.url()}: ${e.message}`));
  };
  const shot = async (p: Page, name: string): Promise<void> => {
    mkdirSync(SHOTS, { recursive: true });
    writeFileSync(path.join(SHOTS, `${name}.png`), await p.screenshot({ fullPage: false }));
  };

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'sightline-web-'));
    const config = serverConfigSchema.parse({ server: { port: 0 }, detect: { workers: 1 }, recording: { segmentSeconds: 2 } });
    server = await startServer({ config, dataDir: path.join(dir, 'data'), demo: { rtspPort: 0 }, hashParams: { memoryCost: 1024, timeCost: 1, parallelism: 1 }, httpLog: false, log: () => undefined });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--autoplay-policy=no-user-gesture-required'] });
    admin = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 1000 } });
    page = await admin.newPage();
    watch(page);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
    console.log(`web e2e figures: ${JSON.stringify(figures)}`);
  });

  test('first-run setup through the one-time link, then sign-in', async () => {
    await page.goto(server.setupUrl!);
    await page.getByLabel('User name').fill(ADMIN.name);
    await page.getByLabel('Password (12 characters or more)').fill(ADMIN.password);
    await page.getByLabel('Password again').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Create admin' }).click();
    await page.getByText(/Admin owner created/).waitFor();
    // The success page leads on to signing in.
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.waitForURL(`${server.url}/`);
    await page.getByLabel('User name').fill(ADMIN.name);
    await page.getByLabel('Password').fill('wrong-password-entirely');
    refusalExpected = true;
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    refusalExpected = false;
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    const cams = await page.evaluate(async () => (await (await fetch('/api/cameras')).json()) as { cameras: { id: string; name: string }[] });
    cameraId = cams.cameras.find((c) => c.name === 'demo')!.id;
  });

  test('seed 10,000 events, then every page first-paints quickly', async () => {
    const db = openDatabase(databasePath(path.join(dir, 'data')));
    const store = new SqliteEventStore(db);
    const now = Date.now();
    const events: NewEvent[] = [];
    for (let i = 0; i < 10_000; i++) {
      events.push({ id: `seed-${i}`, cameraId, type: i % 3 === 0 ? 'zone_enter' : 'line_crossing', rule: i % 3 === 0 ? 'plaza' : 'vertical', trackId: i, class: 'person', startTime: now - 7 * 86_400_000 + i * 60_000, endTime: now - 7 * 86_400_000 + i * 60_000, frame: i + 1, direction: i % 3 === 0 ? null : i % 2 === 0 ? 'in' : 'out' });
    }
    await store.appendEvents(events);
    db.close();
    for (const route of ['live', 'review', 'counts', 'heatmap', 'cameras', 'users', 'audit', 'system']) {
      const p = await admin.newPage();
      watch(p);
      await p.goto(`${server.url}/#/${route}`);
      await p.waitForLoadState('load');
      await p.getByRole('navigation', { name: 'Main' }).waitFor();
      const fcp = await p.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1);
      figures[`firstPaintMs.${route}`] = Math.round(fcp);
      assert.ok(fcp > 0 && fcp < 1000, `${route} first paint ${fcp} ms`);
      await p.close();
    }
  });

  test('live view shows moving video', async () => {
    await page.goto(`${server.url}/#/live/${cameraId}`);
    const video = page.locator('video').first();
    await video.waitFor();
    await page.waitForFunction(() => {
      const v = document.querySelector('video');
      return v !== null && v.readyState >= 2 && v.currentTime > 0.5;
    }, undefined, { timeout: 30_000 });
    const t0 = await page.evaluate(() => document.querySelector('video')?.currentTime ?? 0);
    const a = await video.screenshot();
    // 1.5 s of media later, not 1.5 s of wall time: on a busy machine the player may stall meanwhile.
    await page.waitForFunction((t) => (document.querySelector('video')?.currentTime ?? 0) > t + 1.5, t0, { timeout: 30_000 });
    const b = await video.screenshot();
    const changed = changedPixels(a, b);
    figures['liveChangedPixels'] = changed;
    assert.ok(changed > 200, `only ${changed} pixels changed between two screenshots of the live video`);
    const latency = await page.evaluate((id) => (window as unknown as { __sightlineLive?: Record<string, { latencySeconds: number }> }).__sightlineLive?.[id]?.latencySeconds ?? -1, cameraId);
    figures['liveBufferedLatencySeconds'] = latency;
    await shot(page, 'live-camera');
  });

  test('draw a counting line on the picture; its count rises as the demo clip plays', { timeout: 120_000 }, async () => {
    await page.goto(`${server.url}/#/editor/${cameraId}`);
    const svg = page.getByLabel('Rules drawn over the picture');
    await svg.waitFor();
    await page.waitForFunction(() => [...document.querySelectorAll('img')].some((i) => i.complete && i.naturalWidth > 0));
    await page.getByRole('button', { name: 'Draw line' }).click();
    const box = (await svg.boundingBox())!;
    const at = (fx: number, fy: number): { x: number; y: number } => ({ x: box.x + fx * box.width, y: box.y + fy * box.height });
    // Across the plaza at 62 % of the height, "in" towards the bottom.
    for (const [fx, fy] of [[0.02, 0.62], [0.98, 0.62], [0.5, 0.85]] as const) {
      const p = at(fx, fy);
      await page.mouse.click(p.x, p.y);
    }
    await shot(page, 'editor');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText(/^Saved\./).waitFor();
    const lines = await page.evaluate(async (id) => ((await (await fetch(`/api/cameras/${id}`)).json()) as { analytics: { lines: { name: string }[] } }).analytics.lines.map((l) => l.name), cameraId);
    const drawn = lines.find((n) => n !== 'vertical' && n !== 'horizontal');
    assert.ok(drawn, `the new line is saved: ${lines.join(', ')}`);
    const started = Date.now();
    // Polled from here: page.waitForFunction takes an async predicate's promise as true at once.
    const countOf = (): Promise<number> =>
      page.evaluate(async ([id, name]) => {
        const r = (await (await fetch(`/api/cameras/${id}/counts?bucket=minute&from=${Date.now() - 600_000}`)).json()) as { totals: Record<string, { in: number; out: number }> };
        const t = r.totals[name!];
        return t === undefined ? 0 : t.in + t.out;
      }, [cameraId, drawn] as const);
    await waitFor(async () => (await countOf()) > 0, 90_000, `a count on the new line ${drawn}`);
    figures['newLineFirstCountSeconds'] = Math.round((Date.now() - started) / 100) / 10;
    await page.goto(`${server.url}/#/counts`);
    await page.locator('svg').first().waitFor();
    await page.locator('.chart-series').first().waitFor();
    await shot(page, 'counts');
  });

  test('the time spent in the plaza: figures in a table, a distribution per zone, and the dwell CSV', { timeout: 120_000 }, async () => {
    // The demo camera stores each exit from the plaza with the time since its entrance.
    const exitsOf = (): Promise<number> =>
      page.evaluate(async (id) => {
        const r = (await (await fetch(`/api/cameras/${id}/dwell?bucket=minute&from=${Date.now() - 3_600_000}`)).json()) as { zones: Record<string, { total: { exits: number } }> };
        return r.zones['plaza']?.total.exits ?? 0;
      }, cameraId);
    await waitFor(async () => (await exitsOf()) > 0, 90_000, 'someone to leave the plaza');
    await page.goto(`${server.url}/#/counts`);
    const heading = page.getByRole('heading', { name: 'Time spent in zones' });
    await heading.waitFor();
    const row = page.locator('table.dwell-totals tbody tr', { hasText: 'plaza' });
    await row.waitFor();
    const cells = await row.locator('td').allInnerTexts();
    assert.equal(cells[0], 'plaza');
    assert.ok(Number(cells[1]) > 0, `people left the plaza: ${cells.join(' | ')}`);
    assert.match(cells[2]!, /^\d+(\.\d)? s$|^\d+ min( \d+ s)?$/, `the average in words: ${cells[2]}`);
    assert.match(cells[3]!, /^about \d+(\.\d)? s$|^about \d+ min( \d+ s)?$|^15 min or more$/, `the estimated median in words: ${cells[3]}`);
    const figure = page.locator('figure.chart-dwell', { hasText: 'plaza' });
    assert.match(await figure.locator('figcaption').innerText(), /^plaza: \d+ left the zone; average .+, median .+$/);
    const label = (await figure.locator('svg').getAttribute('aria-label')) ?? '';
    assert.match(label, /^Time spent in plaza, objects per duration: under 5 s: \d+, 5–15 s: \d+, .*15 min or more: \d+$/, 'every bin in words');
    const bars = await figure.locator('text.chart-dwell-count').allTextContents();
    assert.equal(bars.length, 8, 'a count written over each of the eight bins');
    assert.equal(bars.map(Number).reduce((a, b) => a + b, 0), Number(cells[1]), 'the bars add up to the exits');
    const href = (await page.getByRole('link', { name: 'Download dwell CSV' }).getAttribute('href')) ?? '';
    const csv = decodeURIComponent(href.replace(/^data:text\/csv;charset=utf-8,/, ''));
    assert.match(csv, /^camera,zone,bucket_start_utc,exits,mean_seconds,exits_0_5s,.*,exits_900s_or_more\r\n"demo","plaza",\d{4}-/);
    figures['plazaExits'] = Number(cells[1]);
    figures['plazaMeanDwell'] = cells[2]!;
    figures['plazaMedianDwell'] = cells[3]!;
    await heading.scrollIntoViewIfNeeded();
    await shot(page, 'counts-dwell');
  });

  test('the heat map renders for the last minutes', async () => {
    await page.goto(`${server.url}/#/heatmap`);
    const img = page.locator('img.heat-image');
    await img.waitFor({ timeout: 20_000 });
    await page.waitForFunction(() => {
      const i = document.querySelector<HTMLImageElement>('img.heat-image');
      return i !== null && i.complete && i.naturalWidth > 100;
    }, undefined, { timeout: 20_000 });
    await shot(page, 'heatmap');
  });

  test('dark mode follows the system setting', async () => {
    const background = (): Promise<string> => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    await page.emulateMedia({ colorScheme: 'dark' });
    try {
      await page.goto(`${server.url}/#/counts`);
      await page.getByRole('heading', { name: 'Line crossings' }).waitFor();
      const dark = await background();
      const [r, g, b] = (dark.match(/\d+/g) ?? []).map(Number);
      assert.ok(r! + g! + b! < 3 * 60, `a dark background (${dark})`);
      await shot(page, 'counts-dark');
    } finally {
      await page.emulateMedia({ colorScheme: 'light' });
    }
    const light = await background();
    const [r, g, b] = (light.match(/\d+/g) ?? []).map(Number);
    assert.ok(r! + g! + b! > 3 * 200, `a light background again (${light})`);
  });

  test("an event's recorded clip plays in place", { timeout: 60_000 }, async () => {
    await page.goto(`${server.url}/#/review`);
    const first = page.locator('button.review-item').first();
    await first.waitFor({ timeout: 20_000 });
    await first.click();
    const video = page.getByLabel('Selected item').locator('video');
    await video.waitFor();
    await page.waitForFunction(() => {
      const v = document.querySelector<HTMLVideoElement>('.review-detail video');
      if (v === null) return false;
      v.muted = true;
      if (v.paused) void v.play().catch(() => undefined);
      return v.readyState >= 2 && v.currentTime > 0.3;
    }, undefined, { timeout: 40_000, polling: 500 });
    await shot(page, 'review');
    await page.goto(`${server.url}/#/live`);
    await page.locator('video').first().waitFor();
    await page.waitForFunction(() => [...document.querySelectorAll('video')].every((v) => v.readyState >= 2), undefined, { timeout: 30_000 });
    await shot(page, 'live-grid');
    // The live wall: layout 4 (2x2), the name and clock over the picture; then back to Auto.
    await page.getByRole('group', { name: 'Layout' }).getByRole('button', { name: /^4 tiles/ }).click();
    await page.locator('.wall-fixed .wall-osd-clock').first().waitFor();
    await shot(page, 'live-wall');
    await page.getByRole('group', { name: 'Layout' }).getByRole('button', { name: /^Auto layout/ }).click();
    await page.goto(`${server.url}/#/system`);
    await page.getByRole('heading', { name: 'System' }).waitFor();
    await shot(page, 'system');
  });

  test('adding a camera whose connection test just failed asks first, then adds it on "Add anyway"', { timeout: 60_000 }, async () => {
    await page.goto(`${server.url}/#/cameras`);
    const form = page.locator('form[aria-labelledby="add-camera-title"]');
    await form.getByLabel('Name (letters, digits, - or _)').fill('unreachable');
    // Nothing listens on port 9 of 127.0.0.1: the test fails at once.
    await form.getByLabel(/^Stream URL/).fill('rtsp://127.0.0.1:9/stream1');
    await form.getByLabel(/^Purpose/).fill('A camera to check the form with');
    await form.getByRole('button', { name: 'Test connection' }).click();
    await form.getByText(/The stream did not answer/).waitFor();
    await form.getByRole('button', { name: 'Add camera' }).click();
    await form.getByText(/The connection test of this stream failed just now/).waitFor();
    const listed = async (): Promise<string[]> => page.evaluate(async () => ((await (await fetch('/api/cameras')).json()) as { cameras: { name: string }[] }).cameras.map((c) => c.name));
    assert.equal((await listed()).includes('unreachable'), false, 'not added without asking');
    await form.getByRole('button', { name: 'Add anyway' }).click();
    await form.getByText('Camera unreachable added.').waitFor();
    assert.ok((await listed()).includes('unreachable'));
    const removed = await page.evaluate(async () => {
      const me = (await (await fetch('/api/auth/me')).json()) as { csrfToken: string };
      const cams = ((await (await fetch('/api/cameras')).json()) as { cameras: { id: string; name: string }[] }).cameras;
      const id = cams.find((c) => c.name === 'unreachable')!.id;
      return (await fetch(`/api/cameras/${id}`, { method: 'DELETE', headers: { 'x-csrf-token': me.csrfToken } })).status;
    });
    assert.ok(removed === 200 || removed === 204, `the camera is deleted again (${removed})`);
  });

  test('a viewer cannot reach administration', async () => {
    const made = await page.evaluate(async (v) => {
      const me = (await (await fetch('/api/auth/me')).json()) as { csrfToken: string };
      const r = await fetch('/api/users', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken }, body: JSON.stringify({ name: v.name, password: v.password, role: 'viewer' }) });
      return r.status;
    }, VIEWER);
    assert.equal(made, 201);
    const ctx = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 390, height: 800 } });
    const p = await ctx.newPage();
    watch(p);
    await p.goto(server.url);
    await p.getByLabel('User name').fill(VIEWER.name);
    await p.getByLabel('Password').fill(VIEWER.password);
    await p.getByRole('button', { name: 'Sign in' }).click();
    // At phone width the navigation is folded behind the Menu button.
    const menu = p.getByRole('button', { name: 'Menu' });
    await menu.waitFor();
    assert.equal(await p.getByRole('navigation', { name: 'Main' }).isVisible(), false, 'the menu starts folded at 390 px');
    await menu.click();
    assert.equal(await menu.getAttribute('aria-expanded'), 'true');
    await p.getByRole('navigation', { name: 'Main' }).waitFor();
    const nav = await p.getByRole('navigation', { name: 'Main' }).innerText();
    for (const adminOnly of ['Cameras', 'Users', 'Audit log', 'System']) assert.ok(!nav.includes(adminOnly), `a viewer's navigation has no ${adminOnly}`);
    await p.goto(`${server.url}/#/users`);
    await p.getByText('This page is for administrators.').waitFor();
    refusalExpected = true;
    const api = await p.evaluate(async () => (await fetch('/api/users')).status);
    refusalExpected = false;
    assert.equal(api, 403, 'and the API refuses too');
    // Readable at phone width: no page scrolls sideways at 390 px.
    for (const route of ['live', 'review', 'counts', 'heatmap', 'account']) {
      await p.goto(`${server.url}/#/${route}`);
      await p.getByRole('heading', { level: 1 }).first().waitFor();
      await p.waitForTimeout(300);
      const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 1, `#/${route} scrolls sideways by ${overflow} px at 390 px`);
    }
    await shot(p, 'phone-counts');
    // Keyboard: Tab from the top reaches the Menu button, Enter opens it, Tab reaches the links, and Enter follows one (and folds the menu).
    await p.goto(`${server.url}/#/account`);
    // A fresh load, so that Tab starts from the top of the page.
    await p.reload();
    await p.getByRole('heading', { level: 1 }).first().waitFor();
    let reached = '';
    for (let i = 0; i < 4 && reached !== 'Menu'; i++) {
      await p.keyboard.press('Tab');
      reached = await p.evaluate(() => document.activeElement?.textContent ?? '');
    }
    assert.equal(reached, 'Menu', 'Tab reaches the Menu button');
    await p.keyboard.press('Enter');
    for (let i = 0; i < 6 && reached !== 'Review'; i++) {
      await p.keyboard.press('Tab');
      reached = await p.evaluate(() => document.activeElement?.textContent ?? '');
    }
    assert.equal(reached, 'Review', 'Tab reaches the navigation links');
    await p.keyboard.press('Enter');
    await p.waitForURL(/#\/review$/);
    // The menu folds on the render after the route changed, a moment after the URL did.
    await p.waitForFunction(() => document.querySelector('button.menu-toggle')?.getAttribute('aria-expanded') === 'false', undefined, { timeout: 5000 }).catch(() => undefined);
    assert.equal(await p.getByRole('button', { name: 'Menu' }).getAttribute('aria-expanded'), 'false', 'following a link folds the menu');
    await ctx.close();
  });

  test('no console errors on any page', () => {
    assert.deepEqual(consoleErrors, []);
  });
});
