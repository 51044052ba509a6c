/** ffmpeg arguments of a live camera's decoder: files loop forever at their own pace, streams as they come. */
import { decodeArgs, FILE_AS_CAMERA, sourceKind, type DecodeOptions } from '../ingest/ffmpeg-args.ts';

/**
 * Decoder options of a live camera: slice threads, not frame threads. Frame threading holds a
 * frame back per thread (measured: 1.2 s more glass-to-glass latency on the live page, whose video
 * waits for its boxes); the frames decoded are the same.
 */
export const LOW_DELAY_DECODE: readonly string[] = ['-thread_type', 'slice'];

/** `decodeArgs` for a live camera, decoding with {@link LOW_DELAY_DECODE}: a file source is read at its native rate (`-re`) and looped (`-stream_loop -1`), like a camera. */
export function liveDecodeArgs(url: string, options: DecodeOptions): string[] {
  const args = decodeArgs(url, options);
  const i = args.indexOf('-i');
  return [...args.slice(0, i), ...LOW_DELAY_DECODE, ...(sourceKind(url) === 'file' ? FILE_AS_CAMERA : []), ...args.slice(i)];
}

