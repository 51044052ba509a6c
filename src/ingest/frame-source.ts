import { SightlineError, type ErrorCode } from '../core/errors.ts';

/**
 * The `FrameSource` seam: decoded RGB frames as an async iterable, whatever produces them
 * (ffmpeg on a file or a camera, a test double). Consumers pull; a source never buffers without bound.
 */

/** One decoded video frame, packed RGB24. */
export interface Frame {
  /** 1-based frame number in the source (for live sources it keeps counting across reconnects). */
  readonly index: number;
  /** Seconds from the stream's timestamps, relative to the source's first frame; never decreases. */
  readonly time: number;
  /** Width in pixels of `data` (the analysis size, not necessarily the source's). */
  readonly width: number;
  /** Height in pixels of `data`. */
  readonly height: number;
  /** Pixels row by row, 3 bytes (R, G, B) each: `width * height * 3` bytes, owned by the consumer. */
  readonly data: Uint8Array;
}

/** A stream of frames that a consumer iterates once and closes; breaking out of `for await` also closes it. */
export interface FrameSource extends AsyncIterable<Frame> {
  /** Stops decoding and releases the process or connection behind the source; safe to call more than once. */
  close(): Promise<void>;
}

/** A change in a live source's connection, reported for health monitoring. */
export type SourceState =
  | { readonly kind: 'connecting'; readonly attempt: number }
  | { readonly kind: 'connected' }
  | { readonly kind: 'disconnected'; readonly reason: string }
  | { readonly kind: 'retrying'; readonly attempt: number; readonly delayMs: number }
  | { readonly kind: 'closed' };

/** The error codes a source can fail with (documented in `ERROR_CODES`). */
export type IngestErrorCode = Extract<ErrorCode, 'FFMPEG_NOT_FOUND' | 'SOURCE_NOT_FOUND' | 'SOURCE_UNREACHABLE' | 'INVALID_MEDIA' | 'NO_VIDEO_STREAM' | 'DECODE_FAILED'>;

/** An expected failure of a source: a `SightlineError` with an ingest code and a message that never holds a secret. */
export class IngestError extends SightlineError {
  declare readonly code: IngestErrorCode;

  /** Builds the error; `message` must already be redacted. */
  constructor(code: IngestErrorCode, message: string, options?: { readonly cause?: unknown }) {
    super(code, message, options);
    this.name = 'IngestError';
  }
}

/** How to get ffmpeg, for messages about a missing binary. */
export const FFMPEG_INSTALL_HINT = 'install it with `apt-get install ffmpeg` (Debian/Ubuntu) or `brew install ffmpeg` (macOS)';

/**
 * Receives a live source's video copied as fragmented MP4 by the same ffmpeg that decodes its
 * frames (see `withMp4Output`). Each ffmpeg run writes a fresh MP4 (init segment first).
 */
export interface Mp4Sink {
  /** A new run starts; what came before belongs to the previous run. */
  start(): void;
  /** Bytes of the run's MP4, in order. */
  push(chunk: Buffer): void;
  /** The stream time (s) of the run's first decoded frame: the first sample of its MP4. */
  firstFrame(time: number): void;
  /** The run ended: `reason` in words, or null when the source was closed. */
  end(reason: string | null): void;
}
