/**
 * The live wall (issue 13 item 4), in a real browser (Debian's chromium via playwright-core)
 * against the real API app of the harness serving the built web app (three cameras A, B, C playing
 * a looped clip): layouts 4 and 1 with pages, a group of two cameras kept in this browser, a
 * double click or Enter to enlarge and Escape or "Back to the wall" to return, each tile's name,
 * ticking clock and health over the picture, the choices surviving a reload, and the Fullscreen
 * button. And the pure model: paging, the stored state read defensively, the clock text.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { camerasOf, clockText, columnsOf, DEFAULT_WALL, pageOf, parseWall } from '../web/src/components/live-wall-model.ts';
import { PASSWORD } from './fixtures/api-harness.ts';
import { CHROMIUM, signedInPage, webAppInBrowser } from './fixtures/browser.ts';

test('pages of a layout, groups and the stored state', () => {
  const cams = ['A', 'B', 'C'].map((id) => ({ id }));
  assert.deepEqual(pageOf(cams, 'auto', 0), { items: cams, page: 0, pages: 1 });
  assert.deepEqual(pageOf(cams, '4', 0), { items: cams, page: 0, pages: 1 });
  assert.deepEqual(pageOf(cams, '1', 1), { items: [{ id: 'B' }], page: 1, pages: 3 });
  assert.deepEqual(pageOf(cams, '1', 7), { items: [{ id: 'C' }], page: 2, pages: 3 }, 'a page past the end is the last');
  assert.deepEqual(pageOf([], '9', 2), { items: [], page: 0, pages: 1 });
  assert.deepEqual(['auto', '1', '4', '9', '16'].map((l) => columnsOf(l as 'auto')), [null, 1, 2, 3, 4]);
  const groups = [{ id: 'g1', name: 'Gate', cameraIds: ['C', 'A', 'gone'] }];
  assert.deepEqual(camerasOf(cams, groups, 'g1'), [{ id: 'A' }, { id: 'C' }], 'in the cameras order, missing ones skipped');
  assert.deepEqual(camerasOf(cams, groups, 'other'), cams);
  assert.deepEqual(parseWall(JSON.stringify({ layout: '9', groupId: 'g1', page: 2, groups })), { layout: '9', groupId: 'g1', page: 2, groups });
  assert.deepEqual(parseWall('{"layout":"5","groupId":"nope","page":-1,"groups":[{"id":"x","name":" ","cameraIds":[]},7]}'), DEFAULT_WALL);
  assert.deepEqual(parseWall('not json'), DEFAULT_WALL);
  assert.deepEqual(parseWall(null), DEFAULT_WALL);
  assert.equal(clockText(new Date(2024, 0, 2, 3, 4, 5)), '03:04:05');
  assert.equal(clockText(new Date(2024, 0, 2, 23, 59, 9)), '23:59:09');
});

describe('the live wall in a real browser', { skip: !existsSync(CHROMIUM) && `no ${CHROMIUM}` }, () => {
  const web = webAppInBrowser({ chromiumArgs: ['--autoplay-policy=no-user-gesture-required'] });


  const open = (): Promise<Page> => signedInPage(web.browser, web.url, 'admin', PASSWORD, 'live');
  const tile = (page: Page, name: string): Locator => page.getByRole('group', { name: new RegExp(`^${name},`) });
  const names = (page: Page): Promise<string[]> => page.locator('.wall-osd-name').allInnerTexts();
  const layout = (page: Page, n: string): Locator => page.getByRole('group', { name: 'Layout' }).getByRole('button', { name: n === 'auto' ? /^Auto layout/ : new RegExp(`^${n} tiles? \\(`) });
  const count = async (page: Page, n: number): Promise<void> => {
    await page.waitForFunction((k) => document.querySelectorAll('.wall-tile').length === k, n);
  };

  test('layout 4 puts three cameras in a 2x2 grid; layout 1 pages through them; both survive a reload', { timeout: 60_000 }, async () => {
    const page = await open();
    await tile(page, 'cam-C').waitFor();
    assert.equal(await layout(page, 'auto').getAttribute('aria-pressed'), 'true', 'Auto by default');
    await layout(page, '4').click();
    assert.equal(await layout(page, '4').getAttribute('aria-pressed'), 'true');
    assert.equal(await layout(page, 'auto').getAttribute('aria-pressed'), 'false');
    await count(page, 3);
    const [a, b, c] = await Promise.all(['cam-A', 'cam-B', 'cam-C'].map(async (n) => (await tile(page, n).boundingBox())!));
    assert.ok(Math.abs(a!.y - b!.y) < 2 && b!.x > a!.x + a!.width - 2, 'A and B side by side');
    assert.ok(Math.abs(c!.x - a!.x) < 2 && c!.y > a!.y + a!.height - 2, 'C under A');
    const wall = (await page.locator('.wall-grid').boundingBox())!;
    assert.ok(a!.width > wall.width * 0.4 && a!.width < wall.width * 0.5, `a tile is half the wall wide (${a!.width} of ${wall.width})`);
    assert.equal(await page.getByText(/^page \d+ of \d+$/).count(), 0, 'one page, no pager');

    await layout(page, '1').click();
    await count(page, 1);
    assert.deepEqual(await names(page), ['cam-A']);
    await page.getByText('page 1 of 3').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Previous' }).isDisabled(), true);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('page 2 of 3').waitFor();
    assert.deepEqual(await names(page), ['cam-B']);

    await page.reload();
    await page.getByText('page 2 of 3').waitFor();
    assert.equal(await layout(page, '1').getAttribute('aria-pressed'), 'true');
    assert.deepEqual(await names(page), ['cam-B']);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('page 3 of 3').waitFor();
    assert.deepEqual(await names(page), ['cam-C']);
    assert.equal(await page.getByRole('button', { name: 'Next' }).isDisabled(), true);
    await page.context().close();
  });

  test('a group of two cameras shows only those, is kept in this browser, and can be edited and deleted', { timeout: 60_000 }, async () => {
    const page = await open();
    await tile(page, 'cam-C').waitFor();
    await page.getByRole('button', { name: 'New group…' }).click();
    const form = page.getByRole('form', { name: 'New camera group' });
    await form.getByText('Groups are kept in this browser only').waitFor();
    await form.getByLabel('Group name').fill('Gate');
    await form.getByRole('checkbox', { name: 'cam-A' }).check();
    await form.getByRole('checkbox', { name: 'cam-C' }).check();
    await form.getByRole('button', { name: 'Create group' }).click();
    await count(page, 2);
    assert.deepEqual(await names(page), ['cam-A', 'cam-C']);
    const picker = page.getByLabel('Camera group');
    assert.equal(await picker.locator('option:checked').innerText(), 'Gate');

    await page.reload();
    await count(page, 2);
    assert.deepEqual(await names(page), ['cam-A', 'cam-C'], 'the group and its choice survive a reload');

    await page.getByRole('button', { name: 'Edit group…' }).click();
    const edit = page.getByRole('form', { name: 'Edit camera group Gate' });
    await edit.getByRole('checkbox', { name: 'cam-C' }).uncheck();
    await edit.getByRole('checkbox', { name: 'cam-B' }).check();
    await edit.getByRole('button', { name: 'Save group' }).click();
    await page.waitForFunction(() => [...document.querySelectorAll('.wall-osd-name')].map((e) => e.textContent).join() === 'cam-A,cam-B');

    await picker.selectOption({ label: 'All cameras' });
    await count(page, 3);
    await picker.selectOption({ label: 'Gate' });
    await count(page, 2);
    await page.getByRole('button', { name: 'Delete group' }).click();
    await count(page, 3);
    assert.deepEqual(await picker.locator('option').allInnerTexts(), ['All cameras']);
    await page.context().close();
  });

  test('a double click or Enter enlarges a tile to the whole wall; Escape, a double click or "Back to the wall" returns', { timeout: 60_000 }, async () => {
    const page = await open();
    await layout(page, '4').click();
    await count(page, 3);
    const width = (await tile(page, 'cam-A').boundingBox())!.width;
    await tile(page, 'cam-B').dblclick();
    await count(page, 1);
    assert.deepEqual(await names(page), ['cam-B']);
    const big = (await tile(page, 'cam-B').boundingBox())!;
    assert.ok(big.width > width * 1.8, `the enlarged tile is the wall's width (${big.width} vs ${width})`);
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-camera-id')), 'B', 'focus on the enlarged tile');
    await page.getByRole('button', { name: 'Back to the wall' }).waitFor();
    await page.keyboard.press('Escape');
    await count(page, 3);
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-camera-id')), 'B', 'focus back on its tile');

    await tile(page, 'cam-C').focus();
    await page.keyboard.press('Enter');
    await count(page, 1);
    assert.deepEqual(await names(page), ['cam-C']);
    await page.getByRole('button', { name: 'Back to the wall' }).click();
    await count(page, 3);
    await tile(page, 'cam-A').dblclick();
    await count(page, 1);
    await tile(page, 'cam-A').dblclick();
    await count(page, 3);
    // The link to the single-camera page stays on each tile.
    await page.getByRole('link', { name: 'cam-A' }).click();
    await page.waitForURL(/#\/live\/A$/);
    await page.context().close();
  });

  test('each tile shows its camera name, a ticking HH:MM:SS clock, and its health when not connected', { timeout: 60_000 }, async () => {
    await web.h.cameras.update('C', { enabled: false });
    try {
      const page = await open();
      await tile(page, 'cam-A').waitFor();
      const osd = tile(page, 'cam-A').locator('.wall-osd');
      assert.equal(await osd.locator('.wall-osd-name').innerText(), 'cam-A');
      const clock = osd.locator('.wall-osd-clock');
      const first = await clock.innerText();
      assert.match(first, /^\d\d:\d\d:\d\d$/);
      await page.waitForFunction((t) => document.querySelector('.wall-osd-clock')?.textContent !== t, first, { timeout: 5000 });
      assert.match(await clock.innerText(), /^\d\d:\d\d:\d\d$/);
      assert.equal(await osd.locator('.wall-osd-state').count(), 0, 'a connected camera shows no state');
      assert.equal(await tile(page, 'cam-C').locator('.wall-osd-state').innerText(), 'stopped');
      assert.equal(await tile(page, 'cam-C').getAttribute('aria-label'), 'cam-C, stopped');
      // A camera that fails says why, in words, under its tile (health comes over the page's bus socket: published until it has connected).
      const why = 'The camera refused the user name or password: check them under Cameras.';
      const card = page.locator('li.wall-tile-card', { has: tile(page, 'cam-B') });
      for (let i = 0; i < 40 && (await card.getByText(why).count()) === 0; i++) {
        web.h.bus.publish('health', { cameraId: 'B', cameraName: 'cam-B', state: 'failed', fps: 0, analysedFps: 0, lastFrameAt: null, lastError: why, reconnects: 3, droppedFrames: 0, frameSize: null, recording: false });
        await card.getByText(why).waitFor({ timeout: 500 }).catch(() => undefined);
      }
      await card.getByText(why).waitFor();
      assert.equal(await tile(page, 'cam-B').locator('.wall-osd-state').innerText(), 'failed');
      // Legible on any picture: white text on a dark box.
      const style = await clock.evaluate((e) => ({ color: getComputedStyle(e).color, bg: getComputedStyle(e).backgroundColor }));
      assert.deepEqual(style, { color: 'rgb(255, 255, 255)', bg: 'rgba(0, 0, 0, 0.667)' });
      await page.context().close();
    } finally {
      await web.h.cameras.update('C', { enabled: true });
    }
  });

  test('the Fullscreen button puts the wall in fullscreen and its label follows', { timeout: 60_000 }, async () => {
    const page = await open();
    await tile(page, 'cam-A').waitFor();
    const button = page.getByRole('button', { name: 'Fullscreen', exact: true });
    await button.click();
    const exit = page.getByRole('button', { name: 'Exit fullscreen' });
    await exit.waitFor();
    assert.equal(await page.evaluate(() => document.fullscreenElement?.classList.contains('wall')), true, 'the wall is the fullscreen element');
    await exit.click();
    await button.waitFor();
    assert.equal(await page.evaluate(() => document.fullscreenElement), null);
    await page.context().close();
  });
});
