import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import jpeg from 'jpeg-js';
import { smtpSink } from './fixtures/notify-targets.ts';
import { InProcessBus } from '../src/events/bus.ts';
import type { LiveEventBody, LiveEventKind } from '../src/events/live-event.ts';
import { ManualClock } from '../src/notify/clock.ts';
import { smtpTransportOptions, type SmtpConfig } from '../src/notify/email-notifier.ts';
import { startNotifications } from '../src/notify/notifications.ts';
import { openDatabase } from '../src/store/database.ts';
import { SqliteOutbox } from '../src/store/sqlite-outbox.ts';

const T0 = Date.UTC(2024, 0, 1, 12, 0, 0);

function body(over: Partial<LiveEventBody> = {}): LiveEventBody {
  return {
    id: 'ev-1', cameraId: 'cam-1', cameraName: 'front', type: 'intrusion', rule: 'yard', trackId: 7, class: 'person',
    startTime: T0, endTime: null, direction: null, data: { seconds: 5 }, snapshotPath: null, recording: null, armed: true,
    ...over,
  };
}

/** The decoded parts of a multipart message: content type and body. */
function parts(raw: string): { type: string; body: Buffer }[] {
  const boundary = /boundary="?([^"\r\n;]+)"?/.exec(raw)?.[1];
  assert.ok(boundary, 'a multipart message');
  return raw
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((part) => {
      const split = part.indexOf('\r\n\r\n');
      const head = part.slice(0, split);
      const text = part.slice(split + 4);
      const type = /content-type:\s*([^;\r\n]+)/i.exec(head)?.[1]?.trim() ?? '';
      const encoding = /content-transfer-encoding:\s*(\S+)/i.exec(head)?.[1]?.toLowerCase();
      if (encoding === 'base64') return { type, body: Buffer.from(text.replace(/\s+/g, ''), 'base64') };
      if (encoding === 'quoted-printable') {
        const decoded = text.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
        return { type, body: Buffer.from(decoded, 'latin1') };
      }
      return { type, body: Buffer.from(text) };
    });
}

function start(t: TestContext, smtp: SmtpConfig) {
  const dir = mkdtempSync(path.join(tmpdir(), 'sightline-email-'));
  const db = openDatabase(path.join(dir, 'sightline.db'));
  const bus = new InProcessBus();
  const clock = new ManualClock(T0);
  const logs: string[] = [];
  const n = startNotifications({
    config: { smtp }, outbox: new SqliteOutbox(db), bus, dataDir: dir, now: clock.now, schedule: clock.schedule, timeZone: 'Europe/Paris', log: (level, m) => logs.push(`${level}: ${m}`),
  });
  t.after(async () => {
    await n.stop();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const publish = (b: LiveEventBody, kind: LiveEventKind = 'new'): void => bus.publish('event', { kind, event: b, frameTime: b.startTime });
  return { n, dir, publish, db, logs };
}

async function until(cond: () => boolean, what: string, logs: readonly string[] = []): Promise<void> {
  const deadline = Date.now() + 8000;
  while (!cond()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}; log:\n${logs.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const config = (port: number, over: Partial<SmtpConfig> = {}): SmtpConfig => ({
  host: '127.0.0.1', port, secure: false, from: 'sightline@example.test', to: ['guard@example.test', 'boss@example.test'], types: ['intrusion', 'loitering', 'crowd'], ...over,
});

test('email: an armed intrusion sends one plain-text mail with the snapshot attached', async (t) => {
  const sink = await smtpSink(t);
  const s = start(t, config(sink.port));
  const pixels = Buffer.alloc(32 * 24 * 4, 200);
  const snapshot = Buffer.from(jpeg.encode({ data: pixels, width: 32, height: 24 }, 80).data);
  mkdirSync(path.join(s.dir, 'snapshots', 'front'), { recursive: true });
  writeFileSync(path.join(s.dir, 'snapshots', 'front', 'ev-1.jpg'), snapshot);

  s.publish(body({ snapshotPath: 'snapshots/front/ev-1.jpg' }));
  s.publish(body(), 'update');
  s.publish(body({ endTime: T0 + 9000 }), 'end');
  await until(() => sink.mails.length === 1 && s.n.pending() === 0, 'the mail', s.logs);
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(sink.mails.length, 1, 'only the start of the alarm mails');

  const mail = sink.mails[0]!;
  assert.equal(mail.from, 'sightline@example.test');
  assert.deepEqual(mail.to, ['guard@example.test', 'boss@example.test']);
  assert.match(mail.raw, /^Subject: Sightline intrusion: front \/ yard\r$/m);
  const [text, image] = parts(mail.raw);
  assert.equal(text?.type, 'text/plain');
  const words = text!.body.toString('utf8');
  for (const want of ['Camera: front', 'Rule:   yard', 'Type:   intrusion', 'Object: person', 'Time:   2024-01-01T12:00:00.000Z (1 Jan 2024, 13:00:00 CET)', 'Event:  ev-1']) {
    assert.ok(words.includes(want), `mail text has "${want}":\n${words}`);
  }
  assert.ok(!/https?:\/\//.test(words), 'no links');
  assert.equal(image?.type, 'image/jpeg');
  assert.deepEqual(image.body, snapshot, 'the snapshot arrives byte for byte');
});

test('email: other types, unarmed alarms and missing snapshots', async (t) => {
  const sink = await smtpSink(t);
  const s = start(t, config(sink.port, { host: 'localhost', types: ['crowd'] }));
  s.publish(body({ id: 'a', type: 'intrusion' }));
  s.publish(body({ id: 'b', type: 'crowd', armed: false }));
  s.publish(body({ id: 'c', type: 'line_crossing', rule: 'door', direction: 'in' }));
  s.publish(body({ id: 'd', type: 'crowd', trackId: null, data: { count: 6 }, snapshotPath: 'snapshots/gone.jpg' }));
  s.publish(body({ id: 'e', type: 'crowd', snapshotPath: '../../etc/passwd' }));
  await until(() => sink.mails.length === 2 && s.n.pending() === 0, 'two mails', s.logs);
  assert.equal((s.db.prepare('SELECT count(*) AS n FROM outbox').get() as { n: number }).n, 2, 'only d and e were queued');
  for (const mail of sink.mails) {
    assert.ok(!mail.raw.includes('multipart/mixed'), 'no attachment when the snapshot is missing or outside the data directory');
    assert.match(mail.raw, /Type: +crowd/);
  }
  assert.match(sink.mails[0]!.raw, /Count: +6/);
});

test('email: STARTTLS is required unless the connection is TLS already or stays on this machine', async (t) => {
  const cases: { host: string; secure: boolean; requireTLS: boolean }[] = [
    { host: 'smtp.example.com', secure: false, requireTLS: true },
    { host: 'smtp.example.com', secure: true, requireTLS: false },
    { host: '127.0.0.1', secure: false, requireTLS: false },
    { host: 'LocalHost', secure: false, requireTLS: false },
    { host: '::1', secure: false, requireTLS: false },
    { host: '10.0.0.5', secure: false, requireTLS: true },
  ];
  for (const c of cases) {
    await t.test(`${c.host}, secure: ${c.secure}`, () => {
      const opts = smtpTransportOptions(config(25, { host: c.host, secure: c.secure, username: 'u', password: 'p' }));
      assert.equal(opts.requireTLS, c.requireTLS, c.host);
      assert.deepEqual(opts.auth, { user: 'u', pass: 'p' });
      assert.equal(opts.disableFileAccess, true);
    });
  }
});
