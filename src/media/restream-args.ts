/**
 * ffmpeg arguments of a media hub's restream: read one camera stream once and publish it, copied
 * packet for packet (no re-encoding), to a path of the loopback RTSP relay, where the decoder, the
 * recorder and probes read it. Pure.
 */
import { inputArgs, sourceKind } from '../ingest/ffmpeg-args.ts';

/** How to restream. */
export interface RestreamArgsOptions {
  /** The stream to read: a loopback credential-proxy URL or the camera's own URL without credentials. */
  readonly input: string;
  /** The relay URL to publish to (rtsp://127.0.0.1:port/token/...). */
  readonly output: string;
  /** Network I/O timeout of the camera connection, ms. */
  readonly timeoutMs: number;
}

/**
 * The ffmpeg argument list: the first video stream and the first audio stream if there is one (the
 * recorder keeps audio), copied; RTSP over TCP both ways so no packet is lost on the loopback
 * interface; warnings on stderr so a camera's problem can be put in words.
 */
export function restreamArgs(o: RestreamArgsOptions): string[] {
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'level+warning',
    ...inputArgs(sourceKind(o.input), o.timeoutMs),
    '-i', o.input,
    '-map', '0:v:0', '-map', '0:a:0?', '-c', 'copy',
    '-f', 'rtsp', '-rtsp_transport', 'tcp', o.output,
  ];
}
