/**
 * How much of a file an analysis covered, against what its container claims: a truncated or
 * damaged file decodes fewer frames than its header promises, and ffmpeg still exits 0. Pure.
 */

/** What the container says about the video stream (from `probe`); null where it says nothing. */
export interface ContainerClaim {
  /** Duration in seconds. */
  readonly seconds: number | null;
  /** Frames at the source rate. */
  readonly frames: number | null;
  /** Frames per second of the source. */
  readonly fps: number | null;
}

/** What the analysis actually went through. */
export interface AnalysedPart {
  /** Frames analysed. */
  readonly frames: number;
  /** Time of the last analysed frame, seconds from the first (0 for none). */
  readonly lastTime: number;
  /** Frames analysed per second (the source rate, or the lower `--fps` chosen). */
  readonly fps: number;
  /** Error lines ffmpeg printed while decoding. */
  readonly decodeErrors?: number;
  /** The last of those lines, redacted. */
  readonly lastDecodeErrors?: readonly string[];
}

/** The comparison of the analysed part with the container's claim. */
export interface InputCoverage {
  /** Seconds the container claims, null when it claims neither a duration nor frames and a rate. */
  readonly claimedSeconds: number | null;
  /** Seconds the analysed frames span: the last frame's time plus one analysed frame interval. */
  readonly analysedSeconds: number;
  /** Frames the container's claim implies at the analysed rate, null when unknown. */
  readonly claimedFrames: number | null;
  /** Frames analysed. */
  readonly analysedFrames: number;
  /** False when the analysed part falls short of the claim by more than the tolerance; null when there is no claim. */
  readonly complete: boolean | null;
  /** Error lines ffmpeg printed while decoding (0 when none or not known). */
  readonly decodeErrors: number;
  /** The last of those lines, redacted. */
  readonly lastDecodeErrors: readonly string[];
}

/** Frames of slack at the analysed rate before a shortfall counts; the larger of this and `TOLERANCE_FRACTION` applies. */
export const TOLERANCE_FRAMES = 2;
/** Fraction of the claim that may be missing before a shortfall counts. */
export const TOLERANCE_FRACTION = 0.01;

const positive = (n: number | null): n is number => n !== null && Number.isFinite(n) && n > 0;
const round3 = (n: number): number => Math.round(n * 1000) / 1000;

/**
 * Compares the analysed part with the container's claim. A shortfall in frames or in seconds larger
 * than the larger of `TOLERANCE_FRAMES` analysed frames and `TOLERANCE_FRACTION` of the claim makes
 * the input incomplete; more than claimed is fine (containers under-report too).
 */
export function inputCoverage(claim: ContainerClaim, analysed: AnalysedPart): InputCoverage {
  const fps = analysed.fps;
  const sourceFps = positive(claim.fps) ? claim.fps : null;
  const claimedSeconds = positive(claim.seconds) ? claim.seconds : positive(claim.frames) && sourceFps !== null ? claim.frames / sourceFps : null;
  let claimedFrames: number | null = null;
  // With a lower --fps, the frames kept are one per 1/fps slot of the duration; at the source rate, the container's count.
  if (positive(claim.frames) && sourceFps !== null && fps >= sourceFps) claimedFrames = claim.frames;
  else if (claimedSeconds !== null) claimedFrames = Math.round(claimedSeconds * fps);
  else if (positive(claim.frames) && sourceFps !== null) claimedFrames = Math.round((claim.frames * fps) / sourceFps);
  const analysedSeconds = analysed.frames > 0 ? analysed.lastTime + 1 / fps : 0;

  let complete: boolean | null = null;
  if (claimedSeconds !== null || claimedFrames !== null) {
    const shortSeconds = claimedSeconds !== null && claimedSeconds - analysedSeconds > Math.max(TOLERANCE_FRAMES / fps, TOLERANCE_FRACTION * claimedSeconds);
    const shortFrames = claimedFrames !== null && claimedFrames - analysed.frames > Math.max(TOLERANCE_FRAMES, TOLERANCE_FRACTION * claimedFrames);
    complete = !shortSeconds && !shortFrames;
  }
  return {
    claimedSeconds: claimedSeconds === null ? null : round3(claimedSeconds),
    analysedSeconds: round3(analysedSeconds),
    claimedFrames,
    analysedFrames: analysed.frames,
    complete,
    decodeErrors: analysed.decodeErrors ?? 0,
    lastDecodeErrors: analysed.lastDecodeErrors ?? [],
  };
}

/**
 * What is wrong with the input, in one sentence for a warning or an error, or null when nothing is:
 * a shortfall against the claim, and ffmpeg's decode errors (the count and the last line).
 */
export function coverageProblem(c: InputCoverage): string | null {
  const errors = c.decodeErrors > 0 ? `ffmpeg reported ${c.decodeErrors} decode error${c.decodeErrors === 1 ? '' : 's'}${lastLine(c)}` : '';
  if (c.complete === false) {
    const frames = c.claimedFrames === null ? `${c.analysedFrames} frames` : `${c.analysedFrames} of ${c.claimedFrames} frames`;
    const seconds = c.claimedSeconds === null ? `${c.analysedSeconds.toFixed(1)} s` : `${c.analysedSeconds.toFixed(1)} of ${c.claimedSeconds.toFixed(1)} s`;
    return `input looks truncated or damaged: analysed ${frames} (${seconds}) the container claims; results cover only the analysed part${errors === '' ? '' : `; ${errors}`}`;
  }
  if (errors !== '') return `input looks damaged: ${errors}; some frames may be missing or wrong`;
  return null;
}

function lastLine(c: InputCoverage): string {
  const last = c.lastDecodeErrors[c.lastDecodeErrors.length - 1];
  return last === undefined ? '' : ` (last: ${last})`;
}
