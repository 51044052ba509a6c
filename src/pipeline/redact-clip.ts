/**
 * Batch redaction of a recorded clip with the server's own detector: what a subject-access export
 * (POST /api/events/:id/subject-export.mp4) runs. The clip is probed, analysed in full with the
 * camera's detection and tracking settings, and written with every person's head pixelated except
 * the one person of the event (see `keepAt` of {@link redactVideo}).
 *
 * When the person was seen is known on the live camera's clock, and the clip's frames on the
 * recorder's, which can be a second or two apart (the recorder's segments are stamped from when
 * ffmpeg opened them, after probing the stream). So when the event's own picture (its snapshot:
 * the analysed frame its box is from) is at hand, the frame of the clip most like it, near the
 * time the clocks give, is where the person is looked for.
 */
import { analyticsConfigSchema, type AnalyticsConfig } from '../config/schema/index.ts';
import { mostAlike, type SubjectSighting } from '../core/subject-match.ts';
import type { FaceDetector } from '../detect/blazeface.ts';
import type { DetectorPool } from '../detect/worker-pool.ts';
import { FfmpegSource } from '../ingest/ffmpeg-source.ts';
import { probe } from '../ingest/probe.ts';
import { redactVideo, type RedactResult } from './redact.ts';

/** One clip to redact, leaving one person visible. */
export interface ClipRedaction {
  /** The clip (an MP4 export of a recording). */
  readonly video: string;
  /** Where the redacted MP4 goes. */
  readonly output: string;
  /** The camera's detection and tracking settings (its rules play no part); default the defaults. */
  readonly analytics?: Pick<AnalyticsConfig, 'detect' | 'tracker'>;
  /** The person to leave visible: seconds into the clip (by the clocks) and their box. */
  readonly keepAt: SubjectSighting;
  /** The size of the picture the box was measured in (the camera's analysed stream, maybe a sub-stream); default the clip's own. */
  readonly boxFrame?: { readonly width: number; readonly height: number } | null;
  /** The picture the box was measured on (the event's snapshot, a JPEG), to find its moment in the clip; null or absent: the clocks' time is taken. */
  readonly picture?: string | null;
}

/** What a clip redaction did, and where in the clip the person was looked for. */
export interface ClipRedactResult extends RedactResult {
  /** Seconds into the clip where the person was looked for. */
  readonly soughtAt: number;
  /** How far that is from the clocks' time (s), from the event's picture; null when the clocks' time was taken. */
  readonly clockOffset: number | null;
}

/** Redacts a clip leaving one person visible; SUBJECT_NOT_FOUND when no person of the clip is at `keepAt`. */
export type ClipRedactor = (job: ClipRedaction) => Promise<ClipRedactResult>;

/** Pictures are compared this small: enough to tell moments apart by the people who moved. */
const ALIGN_SIZE = { width: 96, height: 72 } as const;

/** How far (s) from the clocks' time the event's picture is looked for. */
export const ALIGN_WINDOW_S = 5;

/**
 * When the frame most like the event's picture is taken as its moment: it differs from it by at
 * most `maxDiff` (mean per value, 0 to 255) and by at most `ofMedian` of what the frames of the
 * window differ by in the median. On the PETS camera the JPEG snapshot and the H.264 frame of one
 * moment differ by about 1, other moments by 4 to 8 and the median by 5 to 8; a picture of a moment
 * outside the window comes closest at 4 to 7, barely under the median. A still scene, where every
 * frame is alike, leaves the clocks' time.
 */
export const ALIGN_ACCEPT = { maxDiff: 4, ofMedian: 0.5 } as const;

/** Every frame of a video or picture file, tiny. */
async function tinyFrames(file: string): Promise<Uint8Array[]> {
  const source = new FfmpegSource({ url: file, live: false, size: ALIGN_SIZE, fit: 'stretch' });
  const out: Uint8Array[] = [];
  try {
    for await (const f of source) out.push(f.data);
  } finally {
    await source.close();
  }
  return out;
}

/** The moment (s into the clip) of the frame most like `picture`, within the window around `seconds`; null when none is alike enough. */
async function momentOf(video: string, picture: string, seconds: number, fps: number): Promise<number | null> {
  const [still] = await tinyFrames(picture);
  if (still === undefined) return null;
  const frames = await tinyFrames(video);
  const found = mostAlike(frames, still, Math.floor((seconds - ALIGN_WINDOW_S) * fps), Math.ceil((seconds + ALIGN_WINDOW_S) * fps));
  if (found === null || found.meanDiff > ALIGN_ACCEPT.maxDiff || found.meanDiff > ALIGN_ACCEPT.ofMedian * found.medianDiff) return null;
  return found.index / fps;
}

/** The clip redactor over a detector pool (the server's, shared with its cameras), and its face detector when it has one. */
export function createClipRedactor(pool: DetectorPool, faces?: FaceDetector): ClipRedactor {
  return async (job) => {
    const media = await probe(job.video);
    const fps = media.frameRate ?? 25;
    const defaults = analyticsConfigSchema.parse({});
    const config: AnalyticsConfig = { ...defaults, detect: job.analytics?.detect ?? defaults.detect, tracker: job.analytics?.tracker ?? defaults.tracker };
    const { box, seconds } = job.keepAt;
    const sx = job.boxFrame ? media.width / job.boxFrame.width : 1;
    const sy = job.boxFrame ? media.height / job.boxFrame.height : 1;
    // A snapshot that cannot be read (deleted by retention meanwhile, damaged) leaves the clocks' time.
    const moment = job.picture ? await momentOf(job.video, job.picture, seconds, fps).catch(() => null) : null;
    const soughtAt = moment ?? seconds;
    const result = await redactVideo({
      video: job.video,
      output: job.output,
      width: media.width,
      height: media.height,
      fps,
      config,
      pool,
      ...(faces && { faces }),
      keepAt: { seconds: soughtAt, box: { x: box.x * sx, y: box.y * sy, w: box.w * sx, h: box.h * sy } },
    });
    return { ...result, soughtAt, clockOffset: moment === null ? null : moment - seconds };
  };
}
