/**
 * Privacy masks burned in at ingest. A camera with masks has each of its streams re-encoded once,
 * in its media hub, by an ffmpeg that reads the camera's stream (the hub's raw relay path), lays an
 * opaque black picture of the masks over every frame and publishes the result on the relay path
 * every consumer reads. So motion, detection, recording, snapshots, live view and exports never
 * see a masked pixel: there is no path to the unmasked stream outside the hub. A camera without
 * masks is not re-encoded.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import type { Point } from '../core/geometry.ts';
import { cameraProblemInWords } from '../ingest/camera-words.ts';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from '../ingest/ffmpeg-source.ts';
import { cameraInputArgs } from '../ingest/ffmpeg-args.ts';
import { probe } from '../ingest/probe.ts';
import { redactText } from '../ingest/redact-url.ts';
import { spawnTied } from '../ingest/spawn-tied.ts';
import type { RtspRelay } from '../rtsp/rtsp-server.ts';

/** A privacy mask: a polygon whose pixels are blanked, in pixels of the picture it was drawn on. */
export interface PrivacyMask {
  readonly name?: string | undefined;
  readonly polygon: readonly Point[];
}

/** The size of a picture, pixels. */
export interface PictureSize {
  readonly width: number;
  readonly height: number;
}

/**
 * An SVG of `size` with the masks filled opaque black on a transparent ground, each polygon scaled
 * from `space` (the picture the masks were drawn on) to `size`, and grown by `growPx` pixels so the
 * codec's blocks at a mask's edge cannot smear the masked pixels back out.
 */
export function maskSvg(masks: readonly PrivacyMask[], space: PictureSize, size: PictureSize, growPx = 2): string {
  const sx = size.width / space.width;
  const sy = size.height / space.height;
  const polygons = masks
    .map((m) => `<polygon points="${m.polygon.map(([x, y]) => `${(x * sx).toFixed(2)},${(y * sy).toFixed(2)}`).join(' ')}"/>`)
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size.width}" height="${size.height}" viewBox="0 0 ${size.width} ${size.height}">` +
    `<g fill="#000" stroke="#000" stroke-width="${2 * growPx}" stroke-linejoin="round">${polygons}</g></svg>`
  );
}

/** The masks as an RGBA PNG of `size`: black and opaque where masked, transparent elsewhere. */
export function maskPng(masks: readonly PrivacyMask[], space: PictureSize, size: PictureSize): Promise<Buffer> {
  return sharp(Buffer.from(maskSvg(masks, space, size))).ensureAlpha().png().toBuffer();
}

/** ffmpeg arguments that read `input`, lay the mask picture `maskFile` over every frame and publish H.264 on `publishUrl` (RTSP over TCP). */
export function burnArgs(input: string, maskFile: string, publishUrl: string): string[] {
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'error',
    ...cameraInputArgs(input),
    '-i', input, '-i', maskFile,
    '-filter_complex', '[0:v:0][1:v]overlay=0:0:eof_action=repeat:format=auto,format=yuv420p[v]',
    '-map', '[v]', '-an', '-sn', '-dn',
    // No look-ahead and no B-frames: the masked stream is as live as the camera's. A key frame every
    // 2 s keeps live view quick to start and segments close to their planned length.
    '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-crf', '23', '-bf', '0',
    '-force_key_frames', 'expr:gte(t,n_forced*2)',
    '-fps_mode', 'passthrough',
    '-f', 'rtsp', '-rtsp_transport', 'tcp', publishUrl,
  ];
}

/** How to burn masks into one stream. */
export interface MaskBurnerOptions {
  /** What is read: the hub's raw relay URL, a credential proxy's URL or a file. */
  readonly input: string;
  /** Resolves when `input` can be read (the raw restream is live). */
  readonly inputReady: () => Promise<void>;
  readonly masks: readonly PrivacyMask[];
  /** The size of the picture the masks were drawn on; default the size of this stream. */
  readonly space?: () => Promise<PictureSize>;
  readonly relay: RtspRelay;
  /** The relay path the masked stream is published on. */
  readonly path: string;
  readonly backoff?: BackoffOptions;
  readonly ffmpegPath?: string;
  readonly ffprobePath?: string;
  /** The camera's URL, redacted: what problems name. */
  readonly displayUrl: string;
  /** Receives each problem, in words, when it changes. */
  readonly onProblem?: (words: string) => void;
}

/** One stream's masks kept burned in until `close()`. */
export class MaskBurner {
  readonly #o: MaskBurnerOptions;
  #child: ChildProcess | null = null;
  #closed = false;
  #attempt = 0;
  #timer: NodeJS.Timeout | null = null;
  #dir: string | null = null;
  #size: PictureSize | null = null;
  #problem: string | null = null;
  #waiters: Array<() => void> = [];
  /** Encoder runs started so far (tests, metrics). */
  runs = 0;
  readonly #onPublish = (p: string): void => {
    if (p !== this.#o.path) return;
    this.#attempt = 0;
    this.#problem = null;
    for (const w of this.#waiters.splice(0)) w();
  };

  constructor(options: MaskBurnerOptions) {
    this.#o = options;
    options.relay.on('publish', this.#onPublish);
    void this.#run();
  }

  /** The loopback URL of the masked stream. */
  get url(): string {
    return this.#o.relay.url(this.#o.path);
  }

  /** The size of this stream, once probed. */
  size(): Promise<PictureSize> {
    if (this.#size !== null) return Promise.resolve(this.#size);
    return this.ready().then(() => this.#size ?? { width: 0, height: 0 });
  }

  /** Resolves once the masked stream is live, or when the burner is closed. */
  ready(): Promise<void> {
    if (this.#closed || this.#o.relay.isLive(this.#o.path)) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Why the masked stream is not live, in words; null while it is. */
  problem(): string | null {
    return this.#o.relay.isLive(this.#o.path) ? null : this.#problem;
  }

  /** Stops the encoder and the retries. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#o.relay.off('publish', this.#onPublish);
    if (this.#timer !== null) clearTimeout(this.#timer);
    for (const w of this.#waiters.splice(0)) w();
    const child = this.#child;
    if (child !== null && child.exitCode === null) {
      const gone = new Promise((resolve) => child.once('close', resolve));
      child.kill('SIGTERM');
      await gone;
    }
    if (this.#dir !== null) await rm(this.#dir, { recursive: true, force: true });
  }

  async #run(): Promise<void> {
    const o = this.#o;
    await o.inputReady();
    if (this.#closed) return;
    let maskFile: string;
    try {
      const info = await probe(o.input, { ...(o.ffprobePath !== undefined && { ffprobePath: o.ffprobePath }) });
      this.#size = { width: info.width, height: info.height };
      const space = o.space ? await o.space() : this.#size;
      this.#dir ??= await mkdtemp(path.join(os.tmpdir(), 'sightline-mask-'));
      maskFile = path.join(this.#dir, 'mask.png');
      await writeFile(maskFile, await maskPng(o.masks, space.width > 0 ? space : this.#size, this.#size), { mode: 0o600 });
    } catch (error) {
      return this.#fail(error instanceof Error ? error.message : String(error));
    }
    if (this.#closed) return;
    this.runs++;
    const publishUrl = o.relay.url(o.path);
    const child = spawnTied(o.ffmpegPath ?? 'ffmpeg', burnArgs(o.input, maskFile, publishUrl), { stdio: ['ignore', 'ignore', 'pipe'], windowsHide: true });
    this.#child = child;
    let last = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (t: string) => {
      last = (last + t).slice(-2000);
    });
    child.stderr?.on('error', () => undefined);
    child.once('error', (error) => {
      if (child.pid === undefined) this.#fail(error.message);
    });
    child.once('close', (code) => {
      if (this.#child === child) this.#child = null;
      const line = redactText(last.trim().split('\n').at(-1) ?? '', [o.input, publishUrl]);
      this.#fail(`the privacy-mask encoder stopped (${line || `exit ${code}`})`);
    });
  }

  #fail(reason: string): void {
    if (this.#closed) return;
    const words = cameraProblemInWords(reason, this.#o.displayUrl);
    if (words !== this.#problem) this.#o.onProblem?.(words);
    this.#problem = words;
    if (this.#timer !== null) return;
    const delay = backoffDelay(this.#attempt++, this.#o.backoff ?? DEFAULT_BACKOFF, Math.random());
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#run();
    }, delay);
  }
}
