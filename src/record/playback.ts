/**
 * Playback of recorded video from any moment: the segments of a range joined by ffmpeg's concat
 * demuxer without re-encoding and streamed as fragmented MP4 (`empty_moov`, a fragment per key
 * frame), which a browser appends to Media Source Extensions while it arrives. The player starts on
 * the key frame at or before the moment asked for (as an export does, see export-range.ts) and is
 * told its epoch time, so it can seek to the exact moment and map its media time to the clock.
 * Segment boundaries are invisible to the player: the concat demuxer makes one continuous stream.
 */
import type { ChildProcess } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { PassThrough, type Readable } from 'node:stream';
import { SightlineError } from '../core/errors.ts';
import { avcCodecString } from '../media/mp4-boxes.ts';
import { spawnTied } from '../ingest/spawn-tied.ts';
import { concatScript, probeSegment, type ExportPart } from './export-range.ts';

/** The longest stretch one playback request streams, ms: the player asks for the next one as it plays on. */
export const MAX_PLAYBACK_MS = 60 * 60 * 1000;

/** A playback stream: fragmented MP4 starting on the key frame at `startTime`. */
export interface PlaybackStream {
  /** Fragmented MP4: its init segment (ftyp, moov) first, then a fragment per key frame. */
  readonly stream: Readable;
  /** Epoch ms of the first frame (the key frame at or before the moment asked for). */
  readonly startTime: number;
  /** The RFC 6381 codec string of the video (`avc1.PPCCLL`), for the player's Media Source. */
  readonly codec: string;
  /** Seconds between frames, as the first segment's packets say. */
  readonly frameSeconds: number;
  /** The picture's size, as the first segment says (0 when unknown). */
  readonly width: number;
  readonly height: number;
  /** Stops ffmpeg (when the viewer goes away before the end). */
  close(): void;
}

/** How playback runs ffmpeg. */
export interface PlaybackOptions {
  readonly ffmpegPath?: string;
  readonly ffprobePath?: string;
}

/** ffmpeg arguments that stream the files of `script` from `startSeconds` for `durationSeconds` as fragmented MP4 (video only) on pipe:1. */
export function playbackArgs(script: string, startSeconds: number, durationSeconds: number): string[] {
  return [
    '-nostdin', '-hide_banner', '-nostats', '-loglevel', 'level+warning',
    ...(startSeconds > 0 ? ['-ss', startSeconds.toFixed(6)] : []),
    '-f', 'concat', '-safe', '0', '-i', script,
    '-t', durationSeconds.toFixed(6),
    // Video only: a Media Source's one source buffer takes one track, and the players are muted.
    '-map', '0:v:0', '-an', '-c', 'copy',
    '-f', 'mp4', '-movflags', 'empty_moov+default_base_moof+frag_keyframe', 'pipe:1',
  ];
}

/** Reads `stream` until it holds the init segment; resolves with the bytes read so far and the codec string, or null when it ends first. */
function readInit(child: ChildProcess): Promise<{ readonly head: Buffer; readonly codec: string } | null> {
  const out = child.stdout!;
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      const head = Buffer.concat(chunks);
      const codec = avcCodecString(head);
      if (codec === null) return;
      done();
      out.pause();
      resolve({ head, codec });
    };
    const onEnd = (): void => {
      done();
      resolve(null);
    };
    const done = (): void => {
      out.off('data', onData);
      out.off('end', onEnd);
      child.off('close', onEnd);
    };
    out.on('data', onData);
    out.once('end', onEnd);
    child.once('close', onEnd);
  });
}

/**
 * Streams [from, to) of `parts` (oldest first, overlapping the range) as fragmented MP4. Resolves
 * once ffmpeg has written the init segment; PLAYBACK_FAILED with ffmpeg's last lines when it
 * cannot start.
 */
export async function playParts(parts: readonly ExportPart[], from: number, to: number, scriptFile: string, options: PlaybackOptions = {}): Promise<PlaybackStream> {
  const first = parts[0];
  if (first === undefined) throw new SightlineError('RECORDING_NOT_FOUND', 'nothing to play');
  const wanted = Math.max(0, (from - first.startTime) / 1000);
  const { key, frameSeconds, width, height } = await probeSegment(first.file, wanted, options.ffprobePath);
  const start = Math.max(0, key - 0.001);
  const duration = (to - first.startTime) / 1000 - start;
  await writeFile(scriptFile, concatScript(parts.map((p) => p.file)), { mode: 0o600 });
  const child = spawnTied(options.ffmpegPath ?? 'ffmpeg', playbackArgs(scriptFile, start, duration), { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  const removeScript = (): void => void rm(scriptFile, { force: true }).catch(() => undefined);
  child.once('close', removeScript);
  const init = await Promise.race([readInit(child), spawnError]);
  if (init === null || init instanceof Error) {
    child.kill('SIGKILL');
    removeScript();
    const why = init instanceof Error ? init.message : stderr.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '').slice(-3).join('; ');
    throw new SightlineError('PLAYBACK_FAILED', `ffmpeg could not stream ${parts.length} segment(s): ${why || 'no video came out'}`);
  }
  const stream = new PassThrough();
  stream.write(init.head);
  child.stdout!.pipe(stream);
  child.stdout!.resume();
  const close = (): void => {
    // An ffmpeg blocked writing to a full pipe never sees SIGTERM: closing our end fails its write.
    child.stdout!.destroy();
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  };
  stream.once('close', close);
  return { stream, startTime: Math.round(first.startTime + key * 1000), codec: init.codec, frameSeconds, width, height, close };
}
