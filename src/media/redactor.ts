/**
 * The server's `ShowVideo` (viewing.ts) with redaction: every picture and recording shown to a
 * person has the people's heads pixelated, from the redaction boxes each camera keeps per analysed
 * frame (src/store/redaction-boxes.ts), unless the viewer holds an unredacted grant for the camera.
 * Irreversible (each block one flat colour) and fail-closed: a picture for which no analysed frame
 * is near enough to know where the people are is pixelated all over.
 *
 * - Pictures (live.jpg, the heat map's background): the camera's newest analysed frame's boxes.
 * - Snapshots: the boxes of the analysed frames around the event's time.
 * - Segments, clips and exports: decoded, each frame pixelated from the boxes around its own time
 *   (the file's start plus the frame's timestamp), and encoded again, frame for frame.
 * - Playback streams: the same, frame by frame while the stream plays (redacted-playback.ts), the
 *   boxes read a minute at a time.
 */
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { RECORDING_CLOCK_SLACK_S, redactPicture, type RedactionBoxFrame, type RedactionTimeline } from '../core/redaction.ts';
import { boxesAt, NEAR_MS, timelineOf } from './redaction-times.ts';
import { FfmpegSource } from '../ingest/ffmpeg-source.ts';
import { FrameEncoder } from '../ingest/frame-encoder.ts';
import { probe } from '../ingest/probe.ts';
import { SightlineError } from '../core/errors.ts';
import type { LiveStream } from './live-stream.ts';
import type { Showable, ShowVideo, Viewer } from './viewing.ts';
import { redactPlayback } from './redacted-playback.ts';

/** What redaction reads and decides with. */
export interface RedactorOptions {
  /** The stored boxes of a camera with `from <= time <= to`, in time order. */
  readonly boxes: (cameraId: string, from: number, to: number) => RedactionBoxFrame[] | Promise<RedactionBoxFrame[]>;
  /** The newest analysed frame's boxes of a running camera (what live.jpg shows), or null. */
  readonly latest: (cameraId: string) => RedactionBoxFrame | null;
  /** The camera's shared redacted live stream (redacted-live.ts), or null when it does not run. */
  readonly redactedLive: (cameraId: string) => LiveStream | null;
  /** Whether the viewer holds an unredacted grant for the camera now; default nobody does. */
  readonly unredacted?: (viewer: Viewer, cameraId: string) => boolean | Promise<boolean>;
  /** Called for each item shown unredacted under a grant (for the audit log). */
  readonly onUnredacted?: (viewer: Viewer, item: Showable) => void;
  /** Folder for the redacted copies of files (the caller deletes each once sent). */
  readonly tempDir: string;
  readonly now?: () => number;
  readonly ffmpegPath?: string;
  readonly ffprobePath?: string;
}

/** Pixelates a JPEG's people (boxes from `timeline` at `timeMs`) and encodes it again. */
async function redactJpeg(jpeg: Buffer, timeline: RedactionTimeline, timeMs: number): Promise<Buffer> {
  const { data, info } = await sharp(jpeg).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  redactPicture(data, info.width, info.height, info.channels, boxesAt(timeline, timeMs, info.width, info.height));
  return sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } }).jpeg({ quality: 80 }).toBuffer();
}

/** The redacting `ShowVideo`. */
export function createRedactor(options: RedactorOptions): ShowVideo {
  const now = options.now ?? Date.now;
  let dir: Promise<string> | null = null;
  let made = 0;
  const tempFile = async (ext: string): Promise<string> => {
    dir ??= mkdir(options.tempDir, { recursive: true, mode: 0o700 }).then(() => mkdtemp(path.join(options.tempDir, 'redacted-')));
    return path.join(await dir, `${process.pid}-${++made}${ext}`);
  };

  const redactFile = async (item: Extract<Showable, { kind: 'file' }>): Promise<string> => {
    if (item.mime === 'image/jpeg') {
      const frames = await options.boxes(item.cameraId, item.time - NEAR_MS, item.time + NEAR_MS);
      const out = await tempFile('.jpg');
      await writeFile(out, await redactJpeg(await readFile(item.file), timelineOf(frames), item.time), { mode: 0o600 });
      return out;
    }
    const info = await probe(item.file, { ...(options.ffprobePath !== undefined && { ffprobePath: options.ffprobePath }) });
    const span = (info.duration ?? 3600) * 1000;
    const timeline = timelineOf(await options.boxes(item.cameraId, item.time - NEAR_MS, item.time + span + NEAR_MS));
    const out = await tempFile(item.mime === 'video/mp2t' ? '.ts' : '.mp4');
    const encoder = new FrameEncoder({
      output: out,
      width: info.width,
      height: info.height,
      fps: info.frameRate ?? 10,
      format: item.mime === 'video/mp2t' ? 'mpegts' : 'mp4',
      ...(options.ffmpegPath !== undefined && { ffmpegPath: options.ffmpegPath }),
    });
    const source = new FfmpegSource({ url: item.file, live: false, ...(options.ffmpegPath !== undefined && { ffmpegPath: options.ffmpegPath }) });
    try {
      for await (const frame of source) {
        redactPicture(frame.data, frame.width, frame.height, 3, boxesAt(timeline, item.time + frame.time * 1000, frame.width, frame.height, RECORDING_CLOCK_SLACK_S));
        await encoder.write(frame.data);
      }
      await encoder.finish();
    } catch (error) {
      await encoder.abort();
      throw error;
    } finally {
      await source.close();
    }
    return out;
  };

  return async <T extends Showable>(viewer: Viewer, item: T): Promise<T> => {
    if (options.unredacted !== undefined && (await options.unredacted(viewer, item.cameraId))) {
      options.onUnredacted?.(viewer, item);
      return item;
    }
    switch (item.kind) {
      case 'image': {
        const latest = options.latest(item.cameraId);
        const at = latest?.time ?? now();
        return { ...item, jpeg: await redactJpeg(item.jpeg, timelineOf(latest === null ? [] : [latest]), at) };
      }
      case 'file':
        return { ...item, file: await redactFile(item) };
      case 'playback':
        return { ...item, ...(await redactPlayback(item, { boxes: options.boxes, ...(options.ffmpegPath !== undefined && { ffmpegPath: options.ffmpegPath }) })) };
      case 'live': {
        const stream = options.redactedLive(item.cameraId);
        if (stream === null) throw new SightlineError('CAMERA_NOT_FOUND', `camera ${item.cameraId} is not running`);
        return { ...item, stream };
      }
    }
  };
}
