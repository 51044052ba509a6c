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
 */
import { mkdir, mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { redactPicture, RedactionTimeline, DEFAULT_CARRY, type UnitRect } from '../core/redaction.ts';
import type { Box } from '../core/geometry.ts';
import { FfmpegSource } from '../ingest/ffmpeg-source.ts';
import { FrameEncoder } from '../ingest/frame-encoder.ts';
import { probe } from '../ingest/probe.ts';
import { SightlineError } from '../core/errors.ts';
import type { LiveStream } from './live-stream.ts';
import type { Showable, ShowVideo, Viewer } from './viewing.ts';

/** One analysed frame's rectangles, as the store keeps them. */
export interface BoxFrame {
  /** Epoch ms. */
  readonly time: number;
  readonly rects: readonly UnitRect[];
}

/** What redaction reads and decides with. */
export interface RedactorOptions {
  /** The stored boxes of a camera with `from <= time <= to`, in time order. */
  readonly boxes: (cameraId: string, from: number, to: number) => BoxFrame[] | Promise<BoxFrame[]>;
  /** The newest analysed frame's boxes of a running camera (what live.jpg shows), or null. */
  readonly latest: (cameraId: string) => BoxFrame | null;
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

/** How far from an analysed frame a picture may be and still use its boxes, ms. */
const NEAR_MS = DEFAULT_CARRY.maxGapSeconds * 1000;
/** A whole picture hidden: what is shown when no analysed frame says where the people are. */
const EVERYTHING: readonly Box[] = [{ x: 0, y: 0, w: Number.MAX_SAFE_INTEGER, h: Number.MAX_SAFE_INTEGER }];

/** The boxes (pixels of a `width` x `height` picture) to hide at `time` from the frames of `timeline`; everything when none is near. */
function boxesAt(timeline: RedactionTimeline, timeMs: number, width: number, height: number): readonly Box[] {
  const { before, after } = timeline.around(timeMs / 1000);
  const near = (before !== null && timeMs / 1000 - before.time <= NEAR_MS / 1000) || (after !== null && after.time - timeMs / 1000 <= NEAR_MS / 1000);
  if (!near) return EVERYTHING;
  // The timeline holds fractions of the picture: scaled to its pixels here.
  return timeline.boxesAt(timeMs / 1000).map((b) => ({ x: b.x * width, y: b.y * height, w: b.w * width, h: b.h * height }));
}

/** A timeline (seconds) of unit rectangles, carried as boxes are. */
function timelineOf(frames: readonly BoxFrame[]): RedactionTimeline {
  const t = new RedactionTimeline();
  for (const f of frames) t.add({ time: f.time / 1000, boxes: f.rects.map(([x, y, w, h]) => ({ x, y, w, h })) });
  return t;
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
      await sharp(await redactJpeg(await sharp(item.file).toBuffer(), timelineOf(frames), item.time)).toFile(out);
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
        redactPicture(frame.data, frame.width, frame.height, 3, boxesAt(timeline, item.time + frame.time * 1000, frame.width, frame.height));
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
      case 'live': {
        const stream = options.redactedLive(item.cameraId);
        if (stream === null) throw new SightlineError('CAMERA_NOT_FOUND', `camera ${item.cameraId} is not running`);
        return { ...item, stream };
      }
    }
  };
}
