/// <reference lib="dom" />
/**
 * The rule editor draws in source pixels, in a real browser (Debian's chromium driven by
 * playwright-core) against a real server with the demo camera (the PETS clip, 768x576): a line
 * drawn at known fractions of the displayed picture is stored at those fractions of the source
 * size, and so is a second line drawn after the first Save restarted the camera, with the first
 * line left where it was; a privacy mask drawn the same way (one corner then moved with the
 * keyboard) is saved as the camera's privacyMasks in source pixels and listed again on reload.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { serverConfigSchema } from '../src/config/schema/server.ts';
import { startServer, type RunningServer } from '../src/server/server.ts';
import { waitFor } from './fixtures/wait.ts';

const CHROMIUM = '/usr/bin/chromium';
const ADMIN = { name: 'owner', password: 'tr0mbone-kettle-sunrise' };
/** The demo clip's size: the pixel space of the demo camera's rules. */
const SOURCE = { width: 768, height: 576 };

type Pt = [number, number];
interface StoredLine {
  readonly name: string;
  readonly points: [Pt, Pt];
  readonly inside: Pt;
}
interface StoredMask {
  readonly name?: string;
  readonly polygon: Pt[];
}

/** Fractions of the source size in source pixels, as the editor should store them. */
const expected = (f: readonly [number, number]): Pt => [Math.round(f[0] * SOURCE.width), Math.round(f[1] * SOURCE.height)];

function assertNear(actual: Pt, want: Pt, what: string): void {
  assert.ok(Math.abs(actual[0] - want[0]) <= 1 && Math.abs(actual[1] - want[1]) <= 1, `${what}: stored ${JSON.stringify(actual)}, expected ${JSON.stringify(want)} (±1 source pixel)`);
}

describe('rule editor coordinates in a real browser', { skip: !existsSync(CHROMIUM) && `no ${CHROMIUM}` }, () => {
  let dir: string;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let cameraId = '';
  const pageErrors: string[] = [];

  const storedLines = (): Promise<StoredLine[]> =>
    page.evaluate(async (id) => ((await (await fetch(`/api/cameras/${id}`)).json()) as { analytics: { lines: StoredLine[] } }).analytics.lines, cameraId);

  const storedMasks = (): Promise<StoredMask[]> => page.evaluate(async (id) => ((await (await fetch(`/api/cameras/${id}`)).json()) as { privacyMasks: StoredMask[] }).privacyMasks, cameraId);

  /** Opens the editor afresh, once the camera shows a picture, and waits for the editor to show it. */
  const openEditor = async (): Promise<void> => {
    // Like a person would: once the camera (restarted by the last change) shows a picture again.
    await waitFor(async () => (await page.evaluate(async (id) => (await fetch(`/api/cameras/${id}/live.jpg`)).status, cameraId)) === 200, 30_000, 'the camera to show a picture');
    await page.goto(`${server.url}/#/editor/${cameraId}`);
    await page.reload();
    await page.getByAltText("The camera's current picture").waitFor({ timeout: 30_000 }).catch(async (e: unknown) => {
      throw new Error(`the editor shows no picture: ${await page.locator('main').innerText()}`, { cause: e });
    });
    await page.waitForFunction(() => [...document.querySelectorAll('img')].some((i) => i.complete && i.naturalWidth > 0));
  };

  /** Clicks at fractions of the displayed picture (the <img> as laid out on the page). */
  const clickAt = async (fractions: readonly (readonly [number, number])[]): Promise<void> => {
    const box = (await page.getByAltText("The camera's current picture").boundingBox())!;
    for (const [fx, fy] of fractions) await page.mouse.click(box.x + fx * box.width, box.y + fy * box.height);
  };

  /** Draws a line through `a` and `b` with `inside` on its "in" side, saves, and waits for the store to hold `count` lines. */
  const drawAndSave = async (a: readonly [number, number], b: readonly [number, number], inside: readonly [number, number], count: number): Promise<StoredLine[]> => {
    await page.getByRole('button', { name: 'Draw line' }).click();
    await clickAt([a, b, inside]);
    await page.getByRole('button', { name: 'Save' }).click();
    try {
      await page.getByText(/^Saved\./).waitFor({ timeout: 15_000 });
      await waitFor(async () => (await storedLines()).length === count, 15_000, `${count} stored lines`);
    } catch (e) {
      throw new Error(`the editor did not save ${count} lines: ${JSON.stringify(await storedLines())}; the page says: ${await page.locator('main').innerText()}`, { cause: e });
    }
    return storedLines();
  };

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'sightline-editor-'));
    const config = serverConfigSchema.parse({ server: { port: 0 }, detect: { workers: 1 }, recording: { segmentSeconds: 2 } });
    server = await startServer({ config, dataDir: path.join(dir, 'data'), demo: { rtspPort: 0 }, hashParams: { memoryCost: 1024, timeCost: 1, parallelism: 1 }, httpLog: false, log: () => undefined });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    const ctx = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 1000 } });
    page = await ctx.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    const token = new URLSearchParams(new URL(server.setupUrl!).hash.slice(1)).get('token')!;
    await page.goto(server.url);
    cameraId = await page.evaluate(
      async ([t, admin]) => {
        const headers = { 'content-type': 'application/json' };
        const made = await fetch('/api/setup', { method: 'POST', headers, body: JSON.stringify({ token: t, name: admin!.name, password: admin!.password }) });
        if (made.status !== 201) throw new Error(`setup answered ${made.status}: ${await made.text()}`);
        const login = await fetch('/api/auth/login', { method: 'POST', headers, body: JSON.stringify(admin) });
        if (login.status !== 200) throw new Error(`login answered ${login.status}: ${await login.text()}`);
        localStorage.setItem('sightline.signedIn', '1');
        return ((await (await fetch('/api/cameras')).json()) as { cameras: { id: string; name: string }[] }).cameras.find((c) => c.name === 'demo')!.id;
      },
      [token, ADMIN] as const,
    );
    // Like a person would: open the editor once the camera shows a picture.
    await waitFor(async () => (await page.evaluate(async (id) => (await fetch(`/api/cameras/${id}/live.jpg`)).status, cameraId)) === 200, 30_000, 'the demo camera to show a picture');
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('lines drawn at fractions of the picture are stored at those fractions of the source, before and after a Save', { timeout: 90_000 }, async () => {
    await page.goto(`${server.url}/#/editor/${cameraId}`);
    await page.reload();
    const picture = page.getByAltText("The camera's current picture");
    await picture.waitFor().catch(async (e: unknown) => {
      throw new Error(`the editor shows no picture: ${await page.locator('main').innerText()}`, { cause: e });
    });
    await page.waitForFunction(() => [...document.querySelectorAll('img')].some((i) => i.complete && i.naturalWidth > 0));
    const before = (await storedLines()).map((l) => l.name);

    const first = { a: [0.25, 0.5], b: [0.75, 0.5], inside: [0.5, 0.75] } as const;
    const afterFirst = await drawAndSave(first.a, first.b, first.inside, before.length + 1);
    const line1 = afterFirst.find((l) => !before.includes(l.name));
    assert.ok(line1, `the first line is stored: ${afterFirst.map((l) => l.name).join(', ')}`);
    assertNear(line1.points[0], expected(first.a), 'first line, first point');
    assertNear(line1.points[1], expected(first.b), 'first line, second point');
    assertNear(line1.inside, expected(first.inside), 'first line, "in" point');

    // The Save restarted the camera's analysis; the editor must keep drawing in source pixels.
    const second = { a: [0.5, 0.2], b: [0.5, 0.8], inside: [0.75, 0.5] } as const;
    const afterSecond = await drawAndSave(second.a, second.b, second.inside, before.length + 2);
    const again1 = afterSecond.find((l) => l.name === line1.name);
    const line2 = afterSecond.find((l) => !before.includes(l.name) && l.name !== line1.name);
    assert.ok(again1 && line2, `both lines are stored: ${afterSecond.map((l) => l.name).join(', ')}`);
    assert.deepEqual(again1, line1, 'the first line did not move');
    assertNear(line2.points[0], expected(second.a), 'second line, first point');
    assertNear(line2.points[1], expected(second.b), 'second line, second point');
    assertNear(line2.inside, expected(second.inside), 'second line, "in" point');
    console.log(`stored lines: ${JSON.stringify([line1, line2].map((l) => ({ points: l.points, inside: l.inside })))}`);
    assert.deepEqual(pageErrors, []);
  });

  test('with no size known (the camera is off) the editor says it waits, and draws in source pixels once the camera runs', { timeout: 60_000 }, async () => {
    const setEnabled = (enabled: boolean): Promise<number> =>
      page.evaluate(
        async ([id, on]) => {
          const me = (await (await fetch('/api/auth/me')).json()) as { csrfToken: string };
          return (await fetch(`/api/cameras/${id}`, { method: 'PATCH', headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken }, body: JSON.stringify({ enabled: on }) })).status;
        },
        [cameraId, enabled] as const,
      );
    assert.equal(await setEnabled(false), 200);
    await page.goto(`${server.url}/#/editor/${cameraId}`);
    await page.reload();
    await page.getByText(/^Waiting for the camera’s picture/).waitFor();
    assert.equal(await page.getByAltText("The camera's current picture").count(), 0, 'no picture, so nothing to draw on');
    assert.equal(await setEnabled(true), 200);
    const svg = page.getByLabel('Rules drawn over the picture');
    await svg.waitFor({ timeout: 30_000 });
    assert.equal(await svg.getAttribute('viewBox'), `0 0 ${SOURCE.width} ${SOURCE.height}`, 'the rules are drawn in source pixels');
    assert.deepEqual(pageErrors, []);
  });

  test('a privacy mask drawn over the picture is saved as the camera’s privacyMasks in source pixels and listed again on reload', { timeout: 90_000 }, async () => {
    await openEditor();
    assert.deepEqual(await storedMasks(), [], 'the demo camera starts without masks');
    const corners = [[0.1, 0.1], [0.4, 0.1], [0.4, 0.3], [0.1, 0.3]] as const;
    await page.getByRole('button', { name: 'Draw mask' }).click();
    await clickAt(corners);
    await page.getByRole('button', { name: 'Finish mask' }).click();
    await page.getByRole('button', { name: 'Mask mask-1', exact: true }).waitFor();
    assert.equal(await page.locator('.editor-mask polygon').count(), 1, 'the canvas draws the mask');
    await page.getByRole('complementary', { name: 'Rules and masks' }).getByText(/is black in every recording, live view, snapshot and export of this camera, and hidden from detection/).waitFor();
    // A corner moved with the keyboard, as the handles allow: Shift+ArrowRight is 10 source pixels.
    await page.getByRole('button', { name: /^Mask mask-1, point 2: / }).focus();
    await page.keyboard.press('Shift+ArrowRight');
    await page.getByRole('button', { name: 'Save' }).click();
    try {
      await page.getByText(/^Saved\. The camera restarts with its privacy mask burned in/).waitFor({ timeout: 15_000 });
      await waitFor(async () => (await storedMasks()).length === 1, 15_000, 'one stored mask');
    } catch (e) {
      throw new Error(`the editor did not save the mask: ${JSON.stringify(await storedMasks())}; the page says: ${await page.locator('main').innerText()}`, { cause: e });
    }
    const [mask] = await storedMasks();
    assert.equal(mask?.name, 'mask-1');
    assert.equal(mask.polygon.length, corners.length);
    const want = corners.map(expected);
    want[1] = [want[1]![0] + 10, want[1]![1]];
    mask.polygon.forEach((p, k) => assertNear(p, want[k]!, `mask corner ${k + 1}`));
    console.log(`stored mask: ${JSON.stringify(mask)}`);

    await openEditor();
    await page.getByRole('button', { name: 'Mask mask-1', exact: true }).waitFor();
    assert.equal(await page.locator('.editor-mask polygon').count(), 1, 'the reloaded editor draws the mask');
    assert.deepEqual(pageErrors, []);
  });
});
