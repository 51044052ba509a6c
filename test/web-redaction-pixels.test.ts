/// <reference lib="dom" />
/**
 * Whether the live video a person sees in the browser has the tracked people's heads pixelated,
 * read from the video's own pixels, against a real server analysing a real camera (PETS09-S2L1
 * published over RTSP, as in web-overlay-sync.test.ts) in a real browser.
 *
 * A viewer, and then an admin who holds the video:unredacted permission but no grant, watch the
 * live page; an admin who asks from the page with a written reason watches it again. Each sample
 * is taken inside one animation frame: the frame on screen drawn into a canvas (its luma sent back)
 * and the overlay's person boxes read from the DOM. Detail is the share of neighbouring pixel pairs
 * (across and down) whose luma differs by more than DETAIL_STEP: inside a pixelation block every
 * pixel has one colour, so only the pairs across a block's edge (blocks are 8 px or more) can
 * differ, and H.264 keeps a flat block flat. It is measured in each person's head core (the middle
 * 70% of the box's width, from a twentieth of its height above its top to a quarter below: well
 * inside the padded head rectangle that is pixelated, even with the overlay a little off the
 * person) and, as a control, over the rest of the picture
 * (outside every head rectangle, grown): the redacted video hides heads, not the whole picture.
 * The audit log then holds the grant with its reason and the unredacted live views under it, and
 * no unredacted view before it.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { serverConfigSchema } from '../src/config/schema/server.ts';
import type { Box } from '../src/core/geometry.ts';
import { grow, headRect, toPixels, type PixelRect } from '../src/core/redaction.ts';
import { RtspRelay } from '../src/rtsp/rtsp-server.ts';
import { startServer, type RunningServer } from '../src/server/server.ts';
import { CHROMIUM } from './fixtures/browser.ts';
import { NO_SHARED_DATA, PETS } from './fixtures/data.ts';
import { call, json } from './fixtures/https.ts';
import { waitFor } from './fixtures/wait.ts';

const OWNER = { name: 'owner', password: 'tr0mbone-kettle-sunrise' };
const VIEWER = { name: 'viewer', password: 'lantern-quarry-h0neycomb' };
const REASON = 'Incident 2024-0611: identify who forced the back door';
/** Samples per view, each at least MIN_SPACING_S of video after the last, each with an observed person box. */
const SAMPLES = 20;
const MIN_SPACING_S = 0.4;
/** Head cores measured per view, at least. */
const MIN_HEADS = 40;
/** The unredacted heads' median detail is at least this many times the redacted heads'. */
const MIN_DETAIL_RATIO = 3;
/** Outside the heads, the redacted video keeps at least this share of the unredacted video's detail. */
const MIN_REST_RATIO = 0.5;
/** Luma steps up to this are noise (H.264, the camera's own grain); above it, detail. */
const DETAIL_STEP = 6;
/** A head core narrower or lower than this (video px) holds too few pixels to judge. */
const MIN_CORE_PX = 10;

const skip = NO_SHARED_DATA || (!existsSync(CHROMIUM) && `no ${CHROMIUM}`);
const dir = mkdtempSync(path.join(os.tmpdir(), 'sightline-redaction-pixels-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** One animation frame as the page saw it. */
interface Sample {
  readonly currentTime: number;
  /** The video frame's size. */
  readonly width: number;
  readonly height: number;
  /** The overlay's viewBox size: the analysed frame size. */
  readonly viewW: number;
  readonly viewH: number;
  /** Person tracks, `[x, y, w, h]` in viewBox units, observed or coasting. */
  readonly boxes: { readonly box: [number, number, number, number]; readonly observed: boolean }[];
  /** The frame's luma (one byte a pixel, rows top to bottom), base64. */
  readonly luma: string;
}

/** Detail of one region: neighbouring pairs that differ by more than DETAIL_STEP, of all pairs. */
interface Detail {
  readonly detailed: number;
  readonly pairs: number;
}

/** Counts the neighbouring pairs (across and down) inside `rect` and those among them that differ by more than DETAIL_STEP; `skip` leaves pixels out. */
function detailOf(luma: Uint8Array, width: number, rect: PixelRect, skipPixel: (x: number, y: number) => boolean = () => false): Detail {
  let detailed = 0;
  let pairs = 0;
  for (let y = rect.y; y < rect.y + rect.h; y++) {
    for (let x = rect.x; x < rect.x + rect.w; x++) {
      if (skipPixel(x, y)) continue;
      const v = luma[y * width + x]!;
      if (x + 1 < rect.x + rect.w && !skipPixel(x + 1, y)) {
        pairs++;
        if (Math.abs(v - luma[y * width + x + 1]!) > DETAIL_STEP) detailed++;
      }
      if (y + 1 < rect.y + rect.h && !skipPixel(x, y + 1)) {
        pairs++;
        if (Math.abs(v - luma[(y + 1) * width + x]!) > DETAIL_STEP) detailed++;
      }
    }
  }
  return { detailed, pairs };
}

/** What one view showed: detail per head core, per sample in the rest of the picture. */
interface Measured {
  /** Share of detailed pairs in each head core (one entry per usable person box). */
  readonly heads: number[];
  /** Share of detailed pairs outside every head rectangle, per sample. */
  readonly rest: number[];
  readonly samples: number;
  readonly span: number;
}

/** A person's box (viewBox units) in the video's pixels. */
function toVideo(s: Sample, [x, y, w, h]: readonly number[]): Box {
  const sx = s.width / s.viewW;
  const sy = s.height / s.viewH;
  return { x: x! * sx, y: y! * sy, w: w! * sx, h: h! * sy };
}

/** The head core of a person's box: the middle 70% of its width, from a twentieth of its height above its top to a quarter below. */
function headCore(b: Box, width: number, height: number): PixelRect | null {
  // Boxes cut by the picture's edge are left out: the head may not be where the box's top is.
  if (b.x < 0 || b.y < 0 || b.x + b.w > width || b.y + b.h > height) return null;
  const core = toPixels({ x: b.x + 0.15 * b.w, y: b.y - 0.05 * b.h, w: 0.7 * b.w, h: 0.3 * b.h }, width, height);
  return core !== null && core.w >= MIN_CORE_PX && core.h >= MIN_CORE_PX ? core : null;
}

function measure(samples: readonly Sample[]): Measured {
  const heads: number[] = [];
  const rest: number[] = [];
  for (const s of samples) {
    const luma = new Uint8Array(Buffer.from(s.luma, 'base64'));
    assert.equal(luma.length, s.width * s.height, 'one luma byte per pixel');
    const boxes = s.boxes.map((b) => ({ ...b, px: toVideo(s, b.box) }));
    for (const b of boxes) {
      if (!b.observed) continue;
      const core = headCore(b.px, s.width, s.height);
      if (core === null) continue;
      const d = detailOf(luma, s.width, core);
      heads.push(d.detailed / d.pairs);
    }
    // Everything but the head rectangles (grown by half a box height: carried boxes grow, weak
    // detections the overlay does not show are hidden too) is left as the camera sent it.
    const hidden = boxes.map((b) => toPixels(grow(headRect(b.px), 0.5 * b.px.h), s.width, s.height)).filter((r): r is PixelRect => r !== null);
    const inHidden = (x: number, y: number): boolean => hidden.some((r) => x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h);
    const d = detailOf(luma, s.width, { x: 0, y: 0, w: s.width, h: s.height }, inHidden);
    rest.push(d.detailed / d.pairs);
  }
  const times = samples.map((s) => s.currentTime);
  return { heads, rest, samples: samples.length, span: Math.max(...times) - Math.min(...times) };
}

const median = (values: readonly number[]): number => {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;
const summary = (m: Measured): string =>
  `${m.samples} frames over ${m.span.toFixed(1)} s of video, ${m.heads.length} heads: head detail median ${pct(median(m.heads))} (max ${pct(Math.max(...m.heads))}), rest of the picture median ${pct(median(m.rest))}`;

/** Waits until the page's video plays with person boxes on it (a `video` element not marked `data-old`). */
async function playing(page: Page, what: string): Promise<void> {
  try {
    await page.waitForFunction(
      () => {
        const v = document.querySelector('video:not([data-old])') as HTMLVideoElement | null;
        return v !== null && v.readyState >= 2 && v.currentTime > 1 && document.querySelector('svg.live-overlay g.overlay-track') !== null;
      },
      undefined,
      { timeout: 90_000 },
    );
  } catch (e) {
    throw new Error(`${what}: the live video did not play with overlay boxes: ${await page.locator('main').innerText()}`, { cause: e });
  }
}

/**
 * Takes `n` samples, each in one animation frame at least `spacing` s of video after the last and
 * with at least one observed person box on it; fails after `timeoutMs`.
 */
function takeSamples(page: Page, n: number, spacing: number, timeoutMs: number): Promise<Sample[]> {
  return page.evaluate(
    async ({ n, spacing, timeoutMs }) => {
      // Inline code only: the TypeScript loader would wrap a named function in a helper the page does not have.
      const v = document.querySelector('video')!;
      const c = document.createElement('canvas');
      const g = c.getContext('2d', { willReadFrequently: true })!;
      const out: Sample[] = [];
      const deadline = performance.now() + timeoutMs;
      let last = -Infinity;
      while (out.length < n) {
        if (performance.now() > deadline) throw new Error(`only ${out.length} of ${n} samples in ${timeoutMs} ms: video at ${v.currentTime.toFixed(1)} s, ${document.querySelectorAll('svg.live-overlay g.overlay-track').length} boxes on it`);
        // The frame on screen and the overlay's boxes, read in the same animation frame.
        const sample = await new Promise<Sample | null>((resolve) =>
          requestAnimationFrame(() => {
            if (v.currentTime < last + spacing || v.videoWidth === 0) return resolve(null);
            const view = document.querySelector('svg.live-overlay')?.getAttribute('viewBox')?.split(/\s+/).map(Number) ?? [0, 0, 0, 0];
            const boxes: Sample['boxes'] = [];
            for (const track of document.querySelectorAll('svg.live-overlay g.overlay-track')) {
              const r = track.querySelector('rect');
              if (r === null || !(track.querySelector('text')?.textContent ?? '').startsWith('person ')) continue;
              boxes.push({ box: [Number(r.getAttribute('x')), Number(r.getAttribute('y')), Number(r.getAttribute('width')), Number(r.getAttribute('height'))], observed: !track.classList.contains('coasting') });
            }
            if (!((view[2] ?? 0) > 0 && boxes.some((b) => b.observed))) return resolve(null);
            c.width = v.videoWidth;
            c.height = v.videoHeight;
            g.drawImage(v, 0, 0);
            const rgba = g.getImageData(0, 0, c.width, c.height).data;
            const luma = new Uint8Array(c.width * c.height);
            for (let i = 0; i < luma.length; i++) luma[i] = Math.round(0.299 * rgba[4 * i]! + 0.587 * rgba[4 * i + 1]! + 0.114 * rgba[4 * i + 2]!);
            let bin = '';
            for (let i = 0; i < luma.length; i += 0x8000) bin += String.fromCharCode(...luma.subarray(i, i + 0x8000));
            resolve({ currentTime: v.currentTime, width: c.width, height: c.height, viewW: view[2]!, viewH: view[3]!, boxes, luma: btoa(bin) });
          }),
        );
        if (sample === null) continue;
        last = sample.currentTime;
        out.push(sample);
      }
      return out;
    },
    { n, spacing, timeoutMs },
  );
}

/** A browser page signed in as `user`, showing the camera's live view. */
async function signedIn(browser: Browser, server: RunningServer, user: { name: string; password: string }, cameraId: string): Promise<Page> {
  const ctx = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 1000 } });
  const page = await ctx.newPage();
  await page.goto(server.url);
  await page.evaluate(async (u) => {
    const login = await fetch('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(u) });
    if (login.status !== 200) throw new Error(`login answered ${login.status}: ${await login.text()}`);
    localStorage.setItem('sightline.signedIn', '1');
  }, user);
  await page.goto(`${server.url}/#/live/${cameraId}`);
  // The page loaded signed out; load it again now that the session cookie is set.
  await page.reload();
  return page;
}

interface AuditEntry {
  readonly actor: string;
  readonly action: string;
  readonly target: string;
  readonly details: Record<string, unknown>;
}

test('live video: heads pixelated for a viewer and an admin without a grant, unredacted under a grant asked with a reason, audited', { skip, timeout: 420_000 }, async (t) => {
  const relay = new RtspRelay();
  await relay.listen(0, '127.0.0.1');
  // The PETS sequence re-timed to the 7 fps it was captured at (its container says 10), looped, paced in real time.
  const publisher: ChildProcess = spawn(
    'ffmpeg',
    ['-nostdin', '-v', 'error', '-r', '7', '-stream_loop', '-1', '-i', path.join(PETS, 'vtest.avi'), '-vf', 'realtime,format=yuv420p', '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '7', '-f', 'rtsp', '-rtsp_transport', 'tcp', relay.url('pets')],
    { stdio: 'ignore' },
  );
  let server: RunningServer | null = null;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--autoplay-policy=no-user-gesture-required'] });
  try {
    await waitFor(() => relay.isLive('pets'), 15_000, 'the PETS camera to publish');
    const config = serverConfigSchema.parse({ server: { port: 0 }, detect: { workers: 1 }, cameras: [{ name: 'pets', url: relay.url('pets'), record: { mode: 'off' } }] });
    server = await startServer({ config, dataDir: path.join(dir, 'data'), hashParams: { memoryCost: 1024, timeCost: 1, parallelism: 1 }, httpLog: false, log: () => undefined });
    const srv = server;

    // The owner (an admin) is made through the setup link; it makes a viewer of the camera.
    const token = new URLSearchParams(new URL(srv.setupUrl!).hash.slice(1)).get('token')!;
    assert.equal((await call(srv, 'POST', '/api/setup', {}, { token, ...OWNER })).status, 201);
    const login = await call(srv, 'POST', '/api/auth/login', {}, OWNER);
    assert.equal(login.status, 200);
    const { user: owner, csrfToken } = json<{ user: { id: string }; csrfToken: string }>(login);
    const auth = { cookie: login.cookie!, 'x-csrf-token': csrfToken };
    const [camera] = await srv.cameras.list();
    assert.ok(camera, 'the camera is configured');
    const made = await call(srv, 'POST', '/api/users', auth, { ...VIEWER, role: 'viewer', cameras: [camera.id] });
    assert.equal(made.status, 201, made.body.toString());
    const audit = async (action: string): Promise<AuditEntry[]> => {
      const a = await call(srv, 'GET', `/api/audit?action=${action}`, auth);
      assert.equal(a.status, 200, a.body.toString());
      return json<{ entries: AuditEntry[] }>(a).entries;
    };

    // 1. A viewer.
    const viewerPage = await signedIn(browser, srv, VIEWER, camera.id);
    await viewerPage.locator('.live-redaction[aria-busy="false"]').waitFor();
    assert.equal(await viewerPage.locator('.live-redaction').innerText(), 'Faces and heads are hidden (redacted).');
    await playing(viewerPage, 'viewer');
    const viewer = measure(await takeSamples(viewerPage, SAMPLES, MIN_SPACING_S, 120_000));
    t.diagnostic(`viewer (redacted): ${summary(viewer)}`);
    await viewerPage.context().close();

    // 2. The owner, an admin holding the permission to ask, without a grant.
    assert.equal((await call(srv, 'PATCH', `/api/users/${owner.id}`, auth, { unredactedVideo: true })).status, 200);
    const adminPage = await signedIn(browser, srv, OWNER, camera.id);
    const ask = adminPage.getByRole('button', { name: 'View unredacted…' });
    await ask.waitFor();
    await playing(adminPage, 'admin without a grant');
    const adminRedacted = measure(await takeSamples(adminPage, SAMPLES, MIN_SPACING_S, 120_000));
    t.diagnostic(`admin without a grant (redacted): ${summary(adminRedacted)}`);
    assert.deepEqual(await audit('unredacted_view'), [], 'nothing was shown unredacted before the grant');
    assert.deepEqual(await audit('unredacted_grant'), []);

    // 3. The admin asks from the page with a reason; the player reconnects to the unredacted stream.
    await adminPage.evaluate(() => document.querySelector('video')?.setAttribute('data-old', ''));
    await ask.click();
    await adminPage.getByLabel(/Why do you need to see faces and heads/).fill(REASON);
    await adminPage.getByLabel(/For how many minutes/).fill('20');
    await adminPage.getByRole('button', { name: 'View unredacted', exact: true }).click();
    const status = adminPage.getByText(/^Unredacted until \d\d:\d\d — reason: /);
    await status.waitFor();
    assert.ok((await status.innerText()).endsWith(`reason: ${REASON}`), 'the page shows the grant with its reason');
    await playing(adminPage, 'admin under a grant');
    const unredacted = measure(await takeSamples(adminPage, SAMPLES, MIN_SPACING_S, 120_000));
    t.diagnostic(`admin under a grant (unredacted): ${summary(unredacted)}`);

    // 4. The audit log: the grant with its reason, and the unredacted live view under it.
    const grants = await audit('unredacted_grant');
    assert.deepEqual(
      grants.map((e) => [e.actor, e.target, e.details.reason, e.details.minutes]),
      [[OWNER.name, camera.id, REASON, 20]],
    );
    const views = await audit('unredacted_view');
    assert.ok(views.length >= 1, 'the unredacted live view is audited');
    for (const e of views) assert.deepEqual([e.actor, e.target, e.details.grant, e.details.kind], [OWNER.name, camera.id, grants[0]!.details.grant, 'live']);
    const liveViews = (await audit('live_view')).filter((e) => e.target === camera.id).map((e) => e.actor);
    assert.ok(liveViews.includes(VIEWER.name) && liveViews.includes(OWNER.name), `live views audited for both: ${liveViews.join(', ')}`);
    await adminPage.context().close();

    // Heads: pixelated (flat blocks) for the viewer and the admin without a grant, with detail under the grant.
    const open = median(unredacted.heads);
    for (const [who, m] of [['viewer', viewer], ['admin without a grant', adminRedacted]] as const) {
      assert.ok(m.heads.length >= MIN_HEADS && unredacted.heads.length >= MIN_HEADS, `only ${m.heads.length} (${who}) and ${unredacted.heads.length} (unredacted) head cores to measure`);
      const hidden = median(m.heads);
      assert.ok(open >= MIN_DETAIL_RATIO * hidden, `${who}: head detail ${pct(hidden)} redacted against ${pct(open)} unredacted: not pixelated (or the unredacted video not shown)`);
      // Nearly every head, not just the median: the redacted ones below half way, the unredacted ones above it.
      const cut = (hidden + open) / 2;
      const shown = m.heads.filter((d) => d >= cut).length;
      assert.ok(shown <= 0.1 * m.heads.length, `${who}: ${shown} of ${m.heads.length} heads show detail (at least ${pct(cut)})`);
      const flat = unredacted.heads.filter((d) => d < cut).length;
      assert.ok(flat <= 0.25 * unredacted.heads.length, `under the grant, ${flat} of ${unredacted.heads.length} heads show little detail (under ${pct(cut)})`);
      // The rest of the picture is not pixelated: redaction hides heads, not everything.
      const rest = median(m.rest);
      assert.ok(rest >= MIN_REST_RATIO * median(unredacted.rest), `${who}: detail outside the heads ${pct(rest)} against ${pct(median(unredacted.rest))} unredacted: the whole picture is pixelated`);
    }
    console.log(`head detail (pairs over ${DETAIL_STEP} luma steps): viewer ${pct(median(viewer.heads))}, admin without grant ${pct(median(adminRedacted.heads))}, unredacted ${pct(median(unredacted.heads))}; rest of picture ${pct(median(viewer.rest))} / ${pct(median(adminRedacted.rest))} / ${pct(median(unredacted.rest))}`);
  } finally {
    await browser.close();
    await server?.close();
    publisher.kill('SIGTERM');
    await relay.close();
  }
});
