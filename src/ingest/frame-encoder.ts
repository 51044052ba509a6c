/**
 * Frames in, H.264 MP4 out: an ffmpeg that reads RGB24 frames on its standard input at a constant
 * rate and writes every one of them (no frame dropped or duplicated) to an MP4 file. What the
 * redaction writes its pixelated frames to.
 */
import type { ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { SightlineError } from '../core/errors.ts';
import { FFMPEG_INSTALL_HINT } from './frame-source.ts';
import { spawnTied } from './spawn-tied.ts';

/** What the encoder writes. */
export interface FrameEncoderOptions {
  readonly output: string;
  readonly width: number;
  readonly height: number;
  /** Frames per second of the output. */
  readonly fps: number;
  /** x264 constant rate factor: 18 is visually lossless, 23 x264's default. Default 20. */
  readonly crf?: number;
  /** The container: MP4 (default) or MPEG-TS (a recorded segment's). */
  readonly format?: 'mp4' | 'mpegts';
  readonly ffmpegPath?: string;
}

/** ffmpeg arguments that encode raw RGB24 frames from pipe:0 into an H.264 MP4 at `output`, frame for frame. */
export function frameEncoderArgs(o: FrameEncoderOptions): string[] {
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'error', '-y',
    '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${o.width}x${o.height}`, '-framerate', String(o.fps), '-i', 'pipe:0',
    '-an', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', String(o.crf ?? 20),
    // Odd sizes cannot be 4:2:0; padding one pixel would change the frame size, so those stay 4:4:4.
    '-pix_fmt', o.width % 2 === 0 && o.height % 2 === 0 ? 'yuv420p' : 'yuv444p',
    '-fps_mode', 'passthrough',
    ...(o.format === 'mpegts' ? ['-f', 'mpegts'] : ['-movflags', '+faststart', '-f', 'mp4']),
    o.output,
  ];
}

/** One encoding: `write` each frame in order (waiting when ffmpeg is behind), then `finish`; `abort` removes the partial file. */
export class FrameEncoder {
  readonly #o: FrameEncoderOptions;
  readonly #child: ChildProcess;
  readonly #exit: Promise<{ code: number | null; error: Error | null }>;
  #stderr = '';
  #frames = 0;

  constructor(options: FrameEncoderOptions) {
    this.#o = options;
    this.#child = spawnTied(options.ffmpegPath ?? 'ffmpeg', frameEncoderArgs(options), { stdio: ['pipe', 'ignore', 'pipe'] });
    this.#child.stderr!.setEncoding('utf8');
    this.#child.stderr!.on('data', (d: string) => {
      this.#stderr = (this.#stderr + d).slice(-4000);
    });
    // A write after ffmpeg died is reported by finish(), not as an unhandled stream error.
    this.#child.stdin!.on('error', () => undefined);
    this.#exit = new Promise((resolve) => {
      this.#child.once('error', (error) => resolve({ code: null, error }));
      this.#child.once('close', (code) => resolve({ code, error: null }));
    });
  }

  /** Frames written so far. */
  get frames(): number {
    return this.#frames;
  }

  /** Writes one frame of `width * height * 3` bytes. */
  async write(rgb: Uint8Array): Promise<void> {
    const need = this.#o.width * this.#o.height * 3;
    if (rgb.length !== need) throw new RangeError(`frame holds ${rgb.length} bytes, expected ${need}`);
    this.#frames++;
    const stdin = this.#child.stdin!;
    if (!stdin.write(rgb)) {
      await Promise.race([new Promise<void>((resolve) => stdin.once('drain', resolve)), this.#exit.then(() => undefined)]);
    }
  }

  /** Closes the input and waits for the file; OUTPUT_FAILED (the partial file removed) when ffmpeg failed. */
  async finish(): Promise<void> {
    this.#child.stdin!.end();
    const { code, error } = await this.#exit;
    if (error === null && code === 0) return;
    await rm(this.#o.output, { force: true });
    if ((error as NodeJS.ErrnoException | null)?.code === 'ENOENT') throw new SightlineError('FFMPEG_NOT_FOUND', `ffmpeg was not found; ${FFMPEG_INSTALL_HINT}`);
    const why = error?.message ?? (this.#stderr.trim().split('\n').slice(-3).join('; ') || `ffmpeg exited with ${code}`);
    throw new SightlineError('OUTPUT_FAILED', `could not write ${this.#o.output}: ${why}`);
  }

  /** Stops the encoder and removes what it wrote. */
  async abort(): Promise<void> {
    this.#child.stdin!.destroy();
    this.#child.kill('SIGTERM');
    await this.#exit;
    await rm(this.#o.output, { force: true });
  }
}
