/**
 * Accessibility of every page, in a real browser (Debian's chromium via playwright-core) against the
 * real API app of the harness serving the built web app (web/dist): axe-core finds no serious or
 * critical violation on any page of the app (as an admin, and as a viewer on the pages a viewer
 * sees), on the sign-in page, the setup page and the public transparency page and sign, in the light
 * and in the dark colour scheme; and Tab reaches every visible control of the key pages, in the order
 * of the page.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { addHeat, createHeatGrid } from '../src/core/rules/heat-grid.ts';
import { PASSWORD, T0, type Harness } from './fixtures/api-harness.ts';
import { signedInPage, webAppInBrowser } from './fixtures/browser.ts';
import { waitFor } from './fixtures/wait.ts';

/** axe-core's browser build, injected into each page. */
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const MIN = 60_000;

/** What the pages show: camera A with zones, a line, counts, dwell, occupancy, heat and events, and an operator who may ask for unredacted video. */
async function seed(h: Harness): Promise<void> {
  await h.users.update(h.ids.operator, { unredactedVideo: true });
  const now = h.clock.t;
  // Camera A watches zones and a line, so that the editor, counting and heat map have something to show.
  await h.cameras.update('A', {
    purpose: { statement: 'Footfall in the plaza', allows: ['zones', 'counting', 'heatmap'] },
    analytics: { zones: [{ name: 'plaza', polygon: [[0, 0], [100, 0], [100, 100]] }], lines: [{ name: 'gate', points: [[10, 10], [90, 90]], inside: [90, 10] }] },
  });
  const base = Math.floor(now / MIN) * MIN - 30 * MIN;
  await h.store.addLineCrossings('A', base, [
    { type: 'line_crossing', rule: 'gate', trackId: 1, class: 'person', frame: 1, time: 1, direction: 'in' },
    { type: 'line_crossing', rule: 'gate', trackId: 2, class: 'person', frame: 2, time: 2, direction: 'out' },
  ]);
  await h.store.addZoneExits('A', base, [
    { type: 'zone_exit', rule: 'plaza', trackId: 3, class: 'person', frame: 1, time: 10, seconds: 4 },
    { type: 'zone_exit', rule: 'plaza', trackId: 4, class: 'person', frame: 2, time: 70, seconds: 40 },
  ]);
  await h.store.addZoneOccupancy('A', [{ zone: 'plaza', minute: base, peak: 2, objectMs: 30_000, observedMs: MIN }]);
  await h.store.mergeHeatGrid('A', base, addHeat(createHeatGrid({ width: 64, height: 32 }), [[10, 10]], 5));
  await h.store.appendEvents([
    // Inside camera A's recorded segment (T0-60 s .. T0-50 s): its detail offers a clip.
    { id: 'ev-clip', cameraId: 'A', type: 'intrusion', rule: 'plaza', trackId: 1, class: 'person', startTime: T0 - 58_000, endTime: T0 - 55_000, frame: 1 },
    { id: 'ev-line', cameraId: 'A', type: 'line_crossing', rule: 'gate', trackId: 2, class: 'person', startTime: now - 20 * MIN, frame: 2, direction: 'in' },
    { id: 'ev-crowd', cameraId: 'A', type: 'crowd', rule: 'plaza', trackId: null, class: 'person', startTime: now - 10 * MIN, frame: 3, data: { count: 7 } },
  ]);
}

const web = webAppInBrowser({ harness: { transparency: { operator: 'Example Housing Ltd', contact: 'privacy@example.org' } }, prepare: seed });

/** One violation of a rule on a page, as the report lists it. */
interface Finding {
  readonly page: string;
  readonly scheme: string;
  readonly rule: string;
  readonly impact: string;
  readonly help: string;
  readonly targets: readonly string[];
}

/** The serious and critical violations axe-core finds on the page as it is, in both colour schemes. */
async function audit(page: Page, name: string): Promise<Finding[]> {
  const found: Finding[] = [];
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    if ((await page.evaluate(() => 'axe' in window)) === false) await page.addScriptTag({ content: AXE });
    const violations = await page.evaluate(async () => {
      const run = (window as unknown as { axe: { run(c: Document, o: object): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] }> } }).axe.run;
      const result = await run(document, { resultTypes: ['violations'] });
      return result.violations.map((v) => ({ id: v.id, impact: v.impact ?? '', help: v.help, targets: v.nodes.map((n) => n.target.map(String).join(' ')) }));
    });
    for (const v of violations) if (v.impact === 'serious' || v.impact === 'critical') found.push({ page: name, scheme, rule: v.id, impact: v.impact, help: v.help, targets: v.targets });
  }
  return found;
}

function report(findings: readonly Finding[]): string {
  return findings.map((f) => `${f.page} (${f.scheme}): ${f.rule} [${f.impact}] ${f.help}\n    ${f.targets.slice(0, 8).join('\n    ')}${f.targets.length > 8 ? `\n    … ${f.targets.length - 8} more` : ''}`).join('\n');
}

/** A signed-in page at `route`, once its heading is shown and the page has settled. */
async function open(name: string, route: string, ready: (page: Page) => Promise<unknown>): Promise<Page> {
  // Bypassing the page's Content Security Policy lets the test inject axe-core's script.
  const page = await signedInPage(web.browser, web.url, name, PASSWORD, route, { bypassCSP: true });
  await page.locator('main h1').first().waitFor();
  await ready(page);
  // Loading states give way to content: let the resources arrive.
  await page.waitForFunction(() => !document.body.innerText.includes('Loading…'), undefined, { timeout: 10_000 }).catch(() => undefined);
  await page.waitForTimeout(300);
  return page;
}

const nothing = async (): Promise<void> => {};

/** The pages of the app, by route, with what shows that each is ready. */
const APP_PAGES: readonly { readonly route: string; readonly viewer: boolean; readonly ready: (page: Page) => Promise<unknown> }[] = [
  { route: 'live', viewer: true, ready: (p) => p.locator('.live-card').first().waitFor() },
  { route: 'live/A', viewer: true, ready: (p) => p.locator('.live-redaction[aria-busy="false"]').waitFor() },
  {
    route: 'review',
    viewer: true,
    ready: async (p) => {
      await p.locator('.review-item').first().waitFor();
      await p.locator('.review-item', { hasText: 'intrusion' }).click();
      await p.locator('.review-detail').first().waitFor();
    },
  },
  { route: 'recordings?camera=A', viewer: true, ready: (p) => p.waitForFunction(() => performance.getEntriesByName('sightline:timeline-rendered').length > 0) },
  { route: 'counts', viewer: true, ready: nothing },
  { route: 'heatmap', viewer: true, ready: nothing },
  { route: 'cameras', viewer: false, ready: (p) => p.getByText('cam-A').first().waitFor() },
  { route: 'users', viewer: false, ready: (p) => p.locator('li.admin-user').first().waitFor() },
  { route: 'notifications', viewer: false, ready: (p) => p.getByRole('button', { name: 'Save notification targets' }).waitFor() },
  { route: 'settings', viewer: false, ready: (p) => p.getByRole('button', { name: 'Save arming of cam-A' }).waitFor() },
  { route: 'audit', viewer: false, ready: nothing },
  { route: 'system', viewer: false, ready: nothing },
  { route: 'account', viewer: true, ready: nothing },
  { route: 'editor/A', viewer: false, ready: nothing },
];

test('axe-core finds no serious or critical violation on any page, light or dark', { timeout: 300_000 }, async () => {
  const findings: Finding[] = [];
  for (const who of ['admin', 'viewer'] as const) {
    for (const p of APP_PAGES) {
      if (who === 'viewer' && !p.viewer) continue;
      const page = await open(who, p.route, p.ready);
      findings.push(...(await audit(page, `${who} #/${p.route}`)));
      await page.context().close();
    }
  }
  // Signed out: the sign-in page, the setup page and the public transparency page and sign.
  const ctx = await web.browser.newContext({ viewport: { width: 1280, height: 1000 }, bypassCSP: true });
  const page = await ctx.newPage();
  await page.goto(web.url);
  await page.getByRole('button', { name: /sign in/i }).waitFor();
  findings.push(...(await audit(page, 'sign-in')));
  for (const at of ['/setup', '/transparency', '/transparency/sign']) {
    await page.goto(`${web.url}${at}`);
    await page.locator('h1').first().waitFor();
    findings.push(...(await audit(page, at)));
  }
  await ctx.close();
  assert.equal(findings.length, 0, `serious or critical violations:\n${report(findings)}`);
});

test('and none in the states the pages change into: open forms, a selected shape, an alarm, an error, the phone menu', { timeout: 180_000 }, async () => {
  const findings: Finding[] = [];
  const states: readonly { readonly name: string; readonly who: string; readonly route: string; readonly ready: (page: Page) => Promise<unknown>; readonly act: (page: Page) => Promise<unknown>; readonly phone?: boolean }[] = [
    {
      name: 'admin #/cameras, editing cam-A and deleting its footage',
      who: 'admin',
      route: 'cameras',
      ready: (p) => p.getByText('cam-A').first().waitFor(),
      act: async (p) => {
        const row = p.getByRole('row', { name: /cam-A/ }).first();
        await row.getByRole('button', { name: 'Edit' }).click();
        await row.getByRole('button', { name: 'Delete footage' }).click();
        await p.getByRole('form', { name: 'Edit cam-A' }).waitFor();
      },
    },
    {
      name: 'admin #/editor/A, zone plaza selected',
      who: 'admin',
      route: 'editor/A',
      ready: (p) => p.getByRole('button', { name: 'Zone plaza' }).waitFor(),
      act: (p) => p.getByRole('button', { name: 'Zone plaza' }).click(),
    },
    {
      name: 'operator #/live/A, asking for unredacted video',
      who: 'operator',
      route: 'live/A',
      ready: (p) => p.getByRole('button', { name: 'View unredacted…' }).waitFor(),
      act: (p) => p.getByRole('button', { name: 'View unredacted…' }).click(),
    },
    {
      name: 'operator #/review, an event selected',
      who: 'operator',
      route: 'review',
      ready: (p) => p.locator('.review-item').first().waitFor(),
      act: async (p) => {
        await p.locator('.review-item', { hasText: 'intrusion' }).click();
        await p.locator('.review-detail').first().waitFor();
      },
    },
    {
      name: 'operator #/review, the shortcuts open, an item checked and marked reviewed',
      who: 'operator',
      route: 'review',
      ready: (p) => p.locator('.review-item').first().waitFor(),
      act: async (p) => {
        await p.getByText('Keyboard shortcuts').click();
        await p.locator('.review-row input[type="checkbox"]').first().check();
        await p.getByRole('button', { name: 'Mark 1 checked reviewed' }).click();
        await p.locator('li.review-row.reviewed').first().waitFor();
      },
    },
    {
      name: 'operator #/recordings, the playhead moved from the keyboard, a range marked, a play that finds no video',
      who: 'operator',
      route: 'recordings?camera=A',
      ready: (p) => p.waitForFunction(() => performance.getEntriesByName('sightline:timeline-rendered').length > 0),
      act: async (p) => {
        const track = p.locator('[data-timeline-track]');
        await track.focus();
        await p.keyboard.press('End');
        await p.getByRole('button', { name: 'Mark start' }).click();
        await track.focus();
        await p.keyboard.press('ArrowLeft');
        await p.getByRole('button', { name: 'Mark end' }).click();
        await track.focus();
        await p.keyboard.press('Enter');
        await p.locator('.recording-message').filter({ hasText: /recorded|stand-in|video/ }).waitFor();
      },
    },
    {
      name: 'operator #/counts, an alarm toast',
      who: 'operator',
      route: 'counts',
      ready: nothing,
      act: async (p) => {
        // The page's bus socket subscribes some time after the page shows: publish until the toast shows.
        const toast = p.getByRole('status', { name: 'New alarms' }).getByText('Intrusion in plaza');
        await waitFor(async () => {
          const at = Date.now();
          web.h.bus.publish('event', {
            kind: 'new',
            frameTime: at,
            event: { id: `alarm-${at}`, cameraId: 'A', cameraName: 'cam-A', type: 'intrusion', rule: 'plaza', trackId: 1, class: 'person', startTime: at, endTime: null, direction: null, data: {}, snapshotPath: null, recording: null, armed: true },
          });
          await new Promise((resolve) => setTimeout(resolve, 300));
          return (await toast.count()) > 0;
        }, 30_000, 'an alarm toast');
      },
    },
    {
      name: 'admin #/notifications, every target open, a webhook added and a refused save',
      who: 'admin',
      route: 'notifications',
      ready: (p) => p.getByRole('button', { name: 'Save notification targets' }).waitFor(),
      act: async (p) => {
        await p.getByLabel('Publish to an MQTT broker').check();
        // Credentials in the broker URL: the server refuses the save, and the page says why.
        await p.getByLabel(/^Broker URL/).fill('mqtt://nvr:pw@127.0.0.1:1883');
        await p.getByLabel('Send alarm emails').check();
        await p.getByLabel('SMTP server').fill('127.0.0.1');
        await p.getByLabel('From', { exact: true }).fill('nvr@example.org');
        await p.getByLabel('To (comma-separated)').fill('guard@example.org');
        await p.getByRole('button', { name: 'Add a webhook' }).click();
        await p.getByLabel(/^Name/).fill('door');
        await p.getByLabel(/^URL/).fill('http://127.0.0.1:9/hook');
        await p.getByLabel(/^Signing secret/).fill('a-secret-of-16-chars-or-more');
        await p.getByRole('button', { name: 'Save notification targets' }).click();
        await p.getByRole('alert').first().waitFor();
      },
    },
    {
      name: 'admin #/settings, an arming window on plaza',
      who: 'admin',
      route: 'settings',
      ready: (p) => p.getByRole('button', { name: 'Save arming of cam-A' }).waitFor(),
      act: async (p) => {
        await p.getByRole('group', { name: 'plaza' }).getByLabel('Always armed').uncheck();
        await p.getByRole('button', { name: 'Add a window to plaza' }).waitFor();
      },
    },
    { name: 'viewer #/cameras (for administrators)', who: 'viewer', route: 'cameras', ready: (p) => p.getByRole('alert').waitFor(), act: nothing },
    { name: 'admin #/nowhere (no such page)', who: 'admin', route: 'nowhere', ready: (p) => p.getByRole('alert').waitFor(), act: nothing },
    {
      name: 'viewer #/live, phone width, menu open',
      who: 'viewer',
      route: 'live',
      phone: true,
      ready: (p) => p.locator('.live-card').first().waitFor(),
      act: (p) => p.getByRole('button', { name: 'Menu' }).click(),
    },
  ];
  for (const st of states) {
    const page = await signedInPage(web.browser, web.url, st.who, PASSWORD, st.route, { bypassCSP: true, ...(st.phone === true && { viewport: { width: 390, height: 800 } }) });
    await st.ready(page);
    await st.act(page);
    await page.waitForTimeout(300);
    findings.push(...(await audit(page, st.name)));
    await page.context().close();
  }
  // A failed sign-in shows its error.
  const ctx = await web.browser.newContext({ viewport: { width: 1280, height: 1000 }, bypassCSP: true });
  const page = await ctx.newPage();
  await page.goto(web.url);
  await page.getByLabel('User name').fill('nobody');
  await page.getByLabel('Password').fill('wrong-password-here');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').waitFor();
  findings.push(...(await audit(page, 'sign-in, failed')));
  await ctx.close();
  assert.equal(findings.length, 0, `serious or critical violations:\n${report(findings)}`);
});

/**
 * In-page helpers, as source (functions written in the test would be wrapped by the TypeScript loader
 * in a helper the page does not have): `controls()` lists every visible control Tab should reach, in
 * document order (one stop per radio group), and `label(el)` names one.
 */
const HELPERS = `window.__a11y = {
  label(el) {
    const text = (el.getAttribute('aria-label') || (el.labels && el.labels[0] ? el.labels[0].textContent : el.textContent) || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
    return el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.name ? '[' + el.name + ']' : '') + ':' + text;
  },
  controls() {
    const selector = 'a[href], button, input, select, textarea, summary, video[controls], [tabindex]:not([tabindex="-1"])';
    const stops = [];
    const groups = new Set();
    for (const el of document.querySelectorAll(selector)) {
      if (el.matches(':disabled') || el.closest('[inert]') !== null || el.tabIndex < 0) continue;
      if (el instanceof HTMLInputElement && el.type === 'hidden') continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || getComputedStyle(el).visibility === 'hidden') continue;
      if (el instanceof HTMLInputElement && el.type === 'radio' && el.name !== '') {
        const checked = document.querySelector('input[type=radio][name="' + CSS.escape(el.name) + '"]:checked');
        if (checked !== null ? checked !== el : groups.has(el.name)) continue;
        groups.add(el.name);
      }
      stops.push(this.label(el));
    }
    return stops;
  },
};`;

/** Every visible control of the page that Tab should reach, in document order, as labels. */
async function controls(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: HELPERS });
  return page.evaluate(() => (window as unknown as { __a11y: { controls(): string[] } }).__a11y.controls());
}

/** The controls focused by pressing Tab from the top of the page until focus leaves the page or comes round again. */
async function tabOrder(page: Page, max: number): Promise<string[]> {
  // Tab starts from the top of the page: focus a stop-less element placed first in the body.
  await page.evaluate(() => {
    const start = document.createElement('span');
    start.tabIndex = -1;
    start.id = 'a11y-start';
    document.body.prepend(start);
    start.focus();
  });
  const order: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const now = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (el === null || el === document.body) return null;
      const box = el.getBoundingClientRect();
      const helpers = (window as unknown as { __a11y: { label(el: Element): string; last?: Element } }).__a11y;
      const same = helpers.last === el;
      helpers.last = el;
      // A date or time input takes a Tab stop per field, and Chromium highlights the field rather than ringing the input.
      const fields = el instanceof HTMLInputElement && /^(date|time|datetime-local|month|week)$/.test(el.type);
      return { label: helpers.label(el), same, visible: box.width > 0 && box.height > 0, ring: fields || el.matches(':focus-visible') };
    });
    if (now === null) break;
    if (now.same) continue;
    if (order.length > 0 && now.label === order[0]) break;
    assert.ok(now.visible, `focus went to an invisible element: ${now.label}`);
    assert.ok(now.ring, `the focused control shows no focus ring (:focus-visible): ${now.label}`);
    order.push(now.label);
  }
  await page.evaluate(() => document.getElementById('a11y-start')?.remove());
  return order;
}

/** What shows that the page at `route` is ready. */
const readyOf = (route: string): ((page: Page) => Promise<unknown>) => APP_PAGES.find((p) => p.route === route)!.ready;

for (const [who, route, ready] of [
  ['admin', 'live/A', readyOf('live/A')],
  ['admin', 'review', readyOf('review')],
  ['admin', 'recordings?camera=A', readyOf('recordings?camera=A')],
  ['admin', 'users', readyOf('users')],
  ['admin', 'counts', nothing],
  ['admin', 'cameras', readyOf('cameras')],
  ['admin', 'editor/A', (p: Page) => p.getByRole('button', { name: 'Zone plaza' }).waitFor()],
  ['admin', 'notifications', readyOf('notifications')],
  ['admin', 'settings', readyOf('settings')],
] as const) {
  test(`Tab reaches every control of #/${route} in the order of the page`, { timeout: 60_000 }, async () => {
    const page = await open(who, route, ready);
    const expected = await controls(page);
    // Room for the fields of date and time inputs, a Tab stop each.
    const got = await tabOrder(page, expected.length * 8 + 10);
    assert.deepEqual(got, expected, 'Tab visits the visible controls in document order');
    await page.context().close();
  });
}
