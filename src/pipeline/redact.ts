/**
 * Batch redaction of a video file (`sightline redact`): the frame loop every camera runs finds and
 * tracks the people of every frame, the plan (src/core/redaction.ts) bridges the gaps of their
 * tracks and extends them both ways, and a second decode pixelates each person's head region, and
 * every face the face detector finds in the full-size frame, before the frame goes to the encoder. Same size, same frame count, same rate
 * as the input.
 */
import type { AnalyticsConfig } from '../config/schema/index.ts';
import { SightlineError } from '../core/errors.ts';
import type { Box } from '../core/geometry.ts';
import { DEFAULT_PLAN, faceRect, planRedaction, redactPicture, type SeenFrame } from '../core/redaction.ts';
import { DEFAULT_SUBJECT_MATCH, matchSubject, type SubjectMatch, type SubjectSighting } from '../core/subject-match.ts';
import type { FaceDetector } from '../detect/blazeface.ts';
import { analysisSize } from '../detect/detect-options.ts';
import type { DetectorPool } from '../detect/worker-pool.ts';
import { FfmpegSource } from '../ingest/ffmpeg-source.ts';
import { FrameEncoder } from '../ingest/frame-encoder.ts';
import { FrameLoop } from './frame-loop.ts';

/** What one redaction needs. */
export interface RedactInput {
  readonly video: string;
  readonly output: string;
  readonly width: number;
  readonly height: number;
  /** The source's frame rate: every frame is analysed, and the output has this rate. */
  readonly fps: number;
  readonly config: AnalyticsConfig;
  readonly pool: DetectorPool;
  /** A track left visible, everyone else hidden: a subject-access export. */
  readonly keepTrack?: number;
  /** Finds the faces of every frame, hidden beside the heads (a face inside the kept track's box stays visible); none hides heads only. */
  readonly faces?: FaceDetector;
  /**
   * Instead of `keepTrack`: where and when the person to leave visible was seen (seconds into the
   * video, their box in source pixels), for a live event's person, whose live track id means
   * nothing here. The person track that overlaps that box best near that time is kept.
   */
  readonly keepAt?: SubjectSighting;
  /** Progress: the pass (1 analysis, 2 writing) and frames done in it. */
  readonly onProgress?: (pass: 1 | 2, frames: number) => void;
}

/** What a redaction did. */
export interface RedactResult {
  readonly frames: number;
  /** Distinct tracks of people found. */
  readonly tracks: number;
  /** Head regions pixelated, summed over frames. */
  readonly regions: number;
  /** Frames with at least one region pixelated. */
  readonly framesRedacted: number;
  /** Faces the face detector found, summed over frames (0 without one). */
  readonly faces: number;
  /** The track left visible (`keepTrack`, or the one `keepAt` found), null when everyone is hidden. */
  readonly keptTrack: number | null;
  /** Where `keepAt` found it: the frame, its box there and the overlap; null without `keepAt`. */
  readonly subject: SubjectMatch | null;
}

/** Redacts every person's head in `video` into `output` (MP4, H.264). */
export async function redactVideo(input: RedactInput): Promise<RedactResult> {
  const { pool, config } = input;
  const loop = new FrameLoop({ config, pool, sourceSize: { width: input.width, height: input.height }, analysedFps: input.fps });
  const seen: SeenFrame[] = [];
  const ids = new Set<number>();
  const analysed = new FfmpegSource({ url: input.video, live: false, size: analysisSize(pool.traits, config.detect, { width: input.width, height: input.height }), fit: config.detect.fit });
  try {
    for await (const r of loop.run(analysed)) {
      seen.push({ index: r.index, tracks: r.tracks, detections: r.detections });
      for (const t of r.tracks) if (t.class === 'person') ids.add(t.id);
      input.onProgress?.(1, seen.length);
    }
  } finally {
    await analysed.close();
  }
  if (seen.length === 0) throw new SightlineError('INVALID_MEDIA', `${input.video} holds no decodable video frame`);
  const subject = input.keepAt === undefined ? null : subjectTrack(seen, input.keepAt, input.fps);
  const keepTrack = subject?.trackId ?? input.keepTrack;
  if (input.keepTrack !== undefined && !ids.has(input.keepTrack)) {
    const sorted = [...ids].sort((a, b) => a - b);
    throw new SightlineError('USAGE', `--keep-track ${input.keepTrack}: no person track has that id in this video (${sorted.length === 0 ? 'no person was tracked' : `its ids are ${sorted[0]} to ${sorted.at(-1)}`}; \`sightline analyze\` lists them in tracks.txt)`);
  }
  const plan = planRedaction(seen, { ...DEFAULT_PLAN, fps: input.fps, ...(keepTrack !== undefined && { keepTrack }) });

  const keptBoxes = new Map<number, Box>();
  if (keepTrack !== undefined) {
    for (const f of seen) for (const t of f.tracks) if (t.id === keepTrack) keptBoxes.set(f.index, t.box);
  }

  const encoder = new FrameEncoder({ output: input.output, width: input.width, height: input.height, fps: input.fps });
  const full = new FfmpegSource({ url: input.video, live: false });
  let frames = 0;
  let regions = 0;
  let framesRedacted = 0;
  let faces = 0;
  try {
    for await (const frame of full) {
      if (frame.width !== input.width || frame.height !== input.height) throw new SightlineError('INVALID_MEDIA', `frame ${frame.index} is ${frame.width}x${frame.height}, the video ${input.width}x${input.height}: a video that changes size cannot be redacted`);
      const found = input.faces ? (await input.faces.detect(frame)).map((f) => f.box) : [];
      const kept = keptBoxes.get(frame.index);
      const hidden = kept === undefined ? found : found.filter((b) => !contains(kept, b.x + b.w / 2, b.y + b.h / 2));
      faces += found.length;
      const here = redactPicture(frame.data, frame.width, frame.height, 3, [...(plan.get(frame.index) ?? []), ...hidden.map(faceRect)]);
      regions += here;
      if (here > 0) framesRedacted++;
      await encoder.write(frame.data);
      frames++;
      input.onProgress?.(2, frames);
    }
    if (frames !== seen.length) throw new SightlineError('INVALID_MEDIA', `${input.video} decoded to ${seen.length} frames for the analysis and ${frames} for the output: it cannot be redacted frame for frame`);
    await encoder.finish();
  } catch (error) {
    await encoder.abort();
    throw error;
  } finally {
    await full.close();
  }
  return { frames, tracks: ids.size, regions, framesRedacted, faces, keptTrack: keepTrack ?? null, subject };
}

/** The person track of `seen` that `sighting` is; SUBJECT_NOT_FOUND when none is. */
function subjectTrack(seen: readonly SeenFrame[], sighting: SubjectSighting, fps: number): SubjectMatch {
  const found = matchSubject(seen, sighting, { ...DEFAULT_SUBJECT_MATCH, fps });
  if (found === null) {
    throw new SightlineError('SUBJECT_NOT_FOUND', `no person in the clip matches the event's person: no track within ${DEFAULT_SUBJECT_MATCH.windowSeconds} s of ${sighting.seconds.toFixed(1)} s into it overlaps their box by an IoU of ${DEFAULT_SUBJECT_MATCH.minIou} or more`);
  }
  return found;
}

function contains(box: Box, x: number, y: number): boolean {
  return x >= box.x && x <= box.x + box.w && y >= box.y && y <= box.y + box.h;
}
