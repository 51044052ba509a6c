/// <reference lib="dom" />
/**
 * Glass-to-glass latency of the live view, measured in a real browser: a camera whose picture
 * carries the wall-clock time it was made (ffmpeg stamps each frame with RTCTIME and paints it as
 * 16 black/white blocks: deciseconds since the camera started), published over RTSP to our relay,
 * analysed and served live by a real server; the page reads the blocks back from the video it
 * displays and compares them with its own clock (same machine, same clock). Target: under 2 s.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { chromium } from 'playwright-core';
import { serverConfigSchema } from '../src/config/schema/server.ts';
import { RtspRelay } from '../src/rtsp/rtsp-server.ts';
import { startServer, type RunningServer } from '../src/server/server.ts';
import { CHROMIUM, openFirstCameraLive } from './fixtures/browser.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sightline-latency-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('live view glass-to-glass latency is under 2 s', { skip: !existsSync(CHROMIUM) && `no ${CHROMIUM}`, timeout: 120_000 }, async () => {
  const relay = new RtspRelay();
  await relay.listen(0, '127.0.0.1');
  const t0us = Date.now() * 1000;
  // Bit i (block i, 20 px wide, top 40 rows) of floor(deciseconds since t0) is white when set.
  const paint = `setpts='(RTCTIME-${t0us})/(TB*1000000)',geq=lum='if(lt(Y,40),if(eq(mod(floor(T*10/pow(2,floor(X/20))),2),1),235,16),90)':cb=128:cr=128`;
  const publisher: ChildProcess = spawn(
    'ffmpeg',
    ['-nostdin', '-v', 'error', '-re', '-f', 'lavfi', '-i', 'color=c=black:s=320x240:r=10', '-vf', paint, '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '10', '-pix_fmt', 'yuv420p', '-f', 'rtsp', '-rtsp_transport', 'tcp', relay.url('clock')],
    { stdio: 'ignore' },
  );
  let server: RunningServer | null = null;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--autoplay-policy=no-user-gesture-required'] });
  try {
    const deadline = Date.now() + 15_000;
    while (!relay.isLive('clock') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.ok(relay.isLive('clock'), 'the clock camera publishes');
    const config = serverConfigSchema.parse({ server: { port: 0 }, detect: { workers: 1 }, cameras: [{ name: 'clock', url: relay.url('clock'), fps: 2, record: { mode: 'off' } }] });
    server = await startServer({ config, dataDir: path.join(dir, 'data'), hashParams: { memoryCost: 1024, timeCost: 1, parallelism: 1 }, httpLog: false, log: () => undefined });
    const { page } = await openFirstCameraLive(browser, server);
    try {
      await page.waitForFunction(() => {
        const v = document.querySelector('video');
        return v !== null && v.readyState >= 2 && v.currentTime > 1;
      }, undefined, { timeout: 40_000 });
    } catch (e) {
      throw new Error(`the live video did not play: ${await page.locator('main').innerText()}`, { cause: e });
    }
    const samples: number[] = [];
    for (let i = 0; i < 20; i++) {
      const ms = await page.evaluate((t0ms) => {
        const v = document.querySelector('video')!;
        const c = document.createElement('canvas');
        c.width = v.videoWidth;
        c.height = v.videoHeight;
        const g = c.getContext('2d', { willReadFrequently: true })!;
        g.drawImage(v, 0, 0);
        const sx = v.videoWidth / 320;
        let ds = 0;
        for (let bit = 0; bit < 16; bit++) {
          const px = g.getImageData(Math.round((bit * 20 + 10) * sx), Math.round(20 * (v.videoHeight / 240)), 1, 1).data;
          if (px[0]! > 128) ds += 2 ** bit;
        }
        // The frame was made within the decisecond it shows: take its middle.
        return Date.now() - (t0ms + ds * 100 + 50);
      }, t0us / 1000);
      samples.push(ms);
      await page.waitForTimeout(200);
    }
    samples.sort((a, b) => a - b);
    const median = samples[Math.floor(samples.length / 2)]!;
    const worst = samples.at(-1)!;
    console.log(`live glass-to-glass latency: median ${median} ms, max ${worst} ms over ${samples.length} samples`);
    assert.ok(samples[0]! >= 0, `a frame from the future (${samples[0]} ms): the stamp was misread`);
    assert.ok(median < 2000, `median latency ${median} ms`);
  } finally {
    await browser.close();
    await server?.close();
    publisher.kill('SIGTERM');
    await relay.close();
  }
});
