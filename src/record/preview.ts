/** One small picture of a recorded segment at a moment: what the timeline's scrubber shows. */
import { execFile } from 'node:child_process';
import { rm, stat } from 'node:fs/promises';
import { SightlineError } from '../core/errors.ts';

/** ffmpeg arguments that write the frame at `offsetSeconds` of `file`, scaled to `width` pixels wide, as a JPEG at `output`. */
export function previewArgs(file: string, offsetSeconds: number, width: number, output: string): string[] {
  return [
    '-nostdin', '-hide_banner', '-nostats', '-loglevel', 'error',
    // After the input: decoded from the segment's start (its key frame) and counted from its first
    // frame. Seeking the input instead goes by the MPEG-TS clock, which does not start at zero.
    '-i', file, '-ss', Math.max(0, offsetSeconds).toFixed(3),
    '-map', '0:v:0', '-frames:v', '1', '-vf', `scale=${width}:-2`, '-q:v', '5', '-f', 'image2', '-c:v', 'mjpeg', '-y', output,
  ];
}

/** Writes the preview; PLAYBACK_FAILED with ffmpeg's message when it cannot. */
export async function previewPicture(file: string, offsetSeconds: number, width: number, output: string, options: { readonly ffmpegPath?: string } = {}): Promise<void> {
  const bin = options.ffmpegPath ?? 'ffmpeg';
  const failure = await new Promise<string | null>((resolve) => {
    execFile(bin, previewArgs(file, offsetSeconds, width, output), { timeout: 20_000, killSignal: 'SIGKILL', windowsHide: true }, (error, _stdout, stderr) => {
      resolve(error === null ? null : stderr.trim().split(/\r?\n/).slice(-2).join('; ') || error.message);
    });
  });
  const empty = failure === null && ((await stat(output).catch(() => null))?.size ?? 0) === 0;
  if (failure !== null || empty) {
    await rm(output, { force: true });
    throw new SightlineError('PLAYBACK_FAILED', `ffmpeg could not take a picture of the recording: ${failure ?? `no frame at ${offsetSeconds.toFixed(3)} s into the segment`}`);
  }
}
