/**
 * Settings in the app, in a real browser (Debian's chromium via playwright-core) against the real API
 * app of the harness serving the built web app: an admin adds a webhook on the Notifications page,
 * saves it (applied at once) and sends a test, which a real local HTTP endpoint receives signed, and
 * the page says so in words; on the Settings page they change retention, an object filter and a
 * zone's arming schedule, all from the keyboard-usable forms, each applied and audited. Refreshes
 * docs/screenshots/notifications.png and settings.png.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import { verifyWebhookSignature } from '../src/notify/webhook-notifier.ts';
import { PASSWORD, type Harness } from './fixtures/api-harness.ts';
import { signedInPage, webAppInBrowser } from './fixtures/browser.ts';
import { ROOT } from './fixtures/data.ts';

const SHOTS = path.join(ROOT, 'docs', 'screenshots');
const SECRET = 'browser-test-secret-0123456789';

async function prepare(h: Harness): Promise<void> {
  await h.cameras.update('A', {
    purpose: { statement: 'The yard after hours', allows: ['zones'] },
    analytics: { zones: [{ name: 'yard', polygon: [[0, 0], [100, 0], [100, 100]], intrusion: { seconds: 2 } }] },
  });
}

const web = webAppInBrowser({ prepare });

test('notifications: add a webhook, save, send a test that arrives signed; settings: retention, object filters, arming', { timeout: 120_000 }, async (t) => {
  const seen: { headers: IncomingHttpHeaders; body: string }[] = [];
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => receiver.close(() => resolve())));
  const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/sightline`;

  const page = await signedInPage(web.browser, web.url, 'admin', PASSWORD, 'notifications');
  t.after(() => page.context().close());
  await page.getByRole('heading', { name: 'Notifications' }).waitFor();
  await page.getByRole('button', { name: 'Add a webhook' }).click();
  await page.getByLabel(/^Name/).fill('door');
  await page.getByLabel(/^URL/).fill(hookUrl);
  await page.getByLabel(/^Signing secret/).fill(SECRET);
  await page.getByRole('group', { name: 'Events sent (none ticked: all)' }).getByLabel('intrusion').check();
  // Saved from the keyboard: Enter in a field submits the form.
  await page.getByLabel(/^URL/).press('Enter');
  await page.getByRole('status').getByText(/^Saved and applied/).waitFor();
  assert.deepEqual(web.h.settings.notifications().webhooks.map((w) => [w.name, w.url, w.secret, w.types]), [['door', hookUrl, SECRET, ['intrusion']]]);
  // The secret is never shown again: the field is empty and says one is stored.
  assert.equal(await page.getByLabel(/^Signing secret/).inputValue(), '');
  await page.getByLabel(/stored; leave empty to keep it/).waitFor();

  await page.getByRole('button', { name: 'Send a test call' }).click();
  await page.getByRole('status').getByText(/^Test sent: webhook "door" .* answered 2xx/).waitFor();
  assert.equal(seen.length, 1);
  const call = seen[0]!;
  assert.equal(call.headers['x-sightline-event'], 'test');
  assert.ok(verifyWebhookSignature(SECRET, String(call.headers['x-sightline-timestamp']), call.body, String(call.headers['x-sightline-signature'])));
  mkdirSync(SHOTS, { recursive: true });
  writeFileSync(path.join(SHOTS, 'notifications.png'), await page.screenshot({ fullPage: false }));

  // A test that fails says why, in words.
  await receiver.close();
  await page.getByRole('button', { name: 'Send a test call' }).click();
  await page.getByRole('alert').getByText(/^Test failed: webhook "door" failed: .*ECONNREFUSED/).waitFor();

  // Settings: retention, an object filter and the arming of zone yard, each saved and applied.
  await page.goto(`${web.url}/#/settings`);
  await page.getByRole('heading', { name: 'Settings' }).waitFor();
  await page.getByLabel('Events, days').fill('14');
  await page.getByRole('button', { name: 'Save retention' }).click();
  await page.getByRole('status').getByText(/^Retention saved and applied: 1 limit/).waitFor();
  assert.equal(web.h.settings.retention().eventDays, 14);

  await page.getByLabel('Minimum score of person').fill('0.5');
  await page.getByLabel('Minimum size of car, % of the picture').fill('1');
  await page.getByRole('button', { name: 'Save object filters' }).click();
  await page.getByRole('status').getByText(/^Object filters saved/).waitFor();
  assert.deepEqual(web.h.settings.objectFilters(), { person: { minScore: 0.5 }, car: { minArea: 0.01 } });

  const yard = page.getByRole('group', { name: 'yard', exact: true });
  await yard.getByLabel('Always armed').uncheck();
  await yard.getByLabel('Sat').uncheck();
  await yard.getByLabel('Sun').uncheck();
  await page.getByRole('button', { name: 'Save arming of cam-A' }).click();
  await page.getByRole('status').getByText('Arming of cam-A saved; the camera restarted with it.').waitFor();
  assert.deepEqual((await web.h.cameras.get('A'))?.arming, { yard: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '22:00', to: '06:00' }] });
  writeFileSync(path.join(SHOTS, 'settings.png'), await page.screenshot({ fullPage: false }));

  // Every change is in the audit log, with what it changed and never the secret.
  const updates = web.h.audit.list({ action: 'settings_update' });
  assert.deepEqual(updates.map((e) => e.target).sort(), ['notifications', 'objectFilters', 'retention']);
  assert.ok(!JSON.stringify(web.h.audit.list({})).includes(SECRET), 'the secret is in the audit log');
  assert.deepEqual(web.h.audit.list({ action: 'settings_test' }).map((e) => e.details['ok']).sort(), [false, true]);
});
