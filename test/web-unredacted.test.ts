/**
 * The web app's side of unredacted video, in a real browser (Debian's chromium driven by
 * playwright-core) against the real API app of the harness serving the built web app (web/dist):
 * an operator holding the permission asks from the live view with a reason, reads "Unredacted
 * until HH:MM — reason: …" and ends it; a viewer only reads that faces and heads are hidden; an
 * admin takes the permission away on the Users page.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { PASSWORD } from './fixtures/api-harness.ts';
import { signedInPage, webAppInBrowser } from './fixtures/browser.ts';

const REASON = 'Incident 2024-0611: identify who forced the back door';

const web = webAppInBrowser({
  prepare: async (h) => {
    await h.users.update(h.ids.operator, { unredactedVideo: true });
  },
});

/** A page signed in as `name`, showing `#/<route>`. */
function signedIn(name: string, route: string): Promise<Page> {
  return signedInPage(web.browser, web.url, name, PASSWORD, route);
}

test('an operator with the permission asks with a reason, sees until when, and ends it', { timeout: 60_000 }, async () => {
  const page = await signedIn('operator', 'live/A');
  await page.getByText('Faces and heads are hidden (redacted).').waitFor();
  await page.getByRole('button', { name: 'View unredacted…' }).click();
  await page.getByLabel(/Why do you need to see faces and heads/).fill(REASON);
  await page.getByLabel(/For how many minutes/).fill('20');
  await page.getByRole('button', { name: 'View unredacted', exact: true }).click();
  const status = page.getByText(/^Unredacted until \d\d:\d\d — reason: /);
  await status.waitFor();
  assert.equal(await status.innerText(), `Unredacted until ${clock(web.h.clock.t + 20 * 60_000)} — reason: ${REASON}`);
  const grant = web.h.unredacted!.unredactedGrantFor({ userId: web.h.ids.operator }, 'A', web.h.clock.t);
  assert.ok(grant !== null, 'the grant is in force for the code that shows video');
  assert.deepEqual(web.h.audit.list({ action: 'unredacted_grant' }).map((e) => [e.actor, e.target, e.details.reason, e.details.minutes]), [['operator', 'A', REASON, 20]]);

  await page.getByRole('button', { name: 'End now' }).click();
  await page.getByRole('button', { name: 'View unredacted…' }).waitFor();
  assert.equal(web.h.unredacted!.unredactedGrantFor({ userId: web.h.ids.operator }, 'A', web.h.clock.t), null);
  assert.deepEqual(web.h.audit.list({ action: 'unredacted_grant_end' }).map((e) => [e.actor, e.details.grant, e.details.reason]), [['operator', grant.id, REASON]]);
  await page.context().close();
});

test('a viewer reads that faces and heads are hidden, with no way to ask', { timeout: 60_000 }, async () => {
  const page = await signedIn('viewer', 'live/A');
  // Once the panel knows who is watching (aria-busy false), it offers nothing to a viewer.
  await page.locator('.live-redaction[aria-busy="false"]').waitFor();
  assert.equal(await page.locator('.live-redaction').innerText(), 'Faces and heads are hidden (redacted).');
  assert.equal(await page.getByRole('button', { name: /unredacted/i }).count(), 0);
  await page.context().close();
});

test('an admin takes the permission away on the Users page', { timeout: 60_000 }, async () => {
  const page = await signedIn('admin', 'users');
  const card = page.locator('li.admin-user', { has: page.getByRole('heading', { name: /^operator/ }) });
  const box = card.getByRole('checkbox', { name: /May ask for unredacted video/ });
  await box.waitFor();
  assert.equal(await box.isChecked(), true);
  // The box shows what the server holds: it clears once the server has taken the permission.
  await box.click();
  await card.getByText(/may no longer ask for unredacted video/).waitFor();
  await card.getByRole('checkbox', { name: /May ask for unredacted video/, checked: false }).waitFor();
  assert.equal(web.h.users.findById(web.h.ids.operator)!.unredactedVideo, false);
  const viewerCard = page.locator('li.admin-user', { has: page.getByRole('heading', { name: /^viewer/ }) });
  await viewerCard.getByText('Viewers always see faces and heads redacted.').waitFor();
  assert.equal(await viewerCard.getByRole('checkbox', { name: /unredacted/ }).count(), 0);
  await page.context().close();
});

/** Epoch ms as the browser shows it, HH:MM in local time (the test and the browser share the machine's zone). */
function clock(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}
