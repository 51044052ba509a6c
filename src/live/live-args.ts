/** ffmpeg arguments of a live camera's decoder: files loop forever at their own pace, streams as they come. */
import { decodeArgs, FILE_AS_CAMERA, sourceKind, type DecodeOptions } from '../ingest/ffmpeg-args.ts';

/** `decodeArgs` for a live camera: a file source is read at its native rate (`-re`) and looped (`-stream_loop -1`), like a camera. */
export function liveDecodeArgs(url: string, options: DecodeOptions): string[] {
  const args = decodeArgs(url, options);
  if (sourceKind(url) !== 'file') return args;
  const i = args.indexOf('-i');
  return [...args.slice(0, i), ...FILE_AS_CAMERA, ...args.slice(i)];
}

