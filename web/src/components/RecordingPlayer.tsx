/**
 * Recorded video of one camera from any moment: the server's playback stream (fragmented MP4 from
 * the key frame before the moment, GET /api/cameras/:id/playback.mp4) appended to a Media Source as
 * it arrives, the video set to the exact moment once its first pictures are in. It plays on across
 * segments without a stall (one stream), asks for the next ten minutes before these run out, placed
 * on the same media timeline, and steps over gaps in the recording. Speeds and frame steps act on
 * the video element; `onTime` reports the epoch ms of the picture shown.
 */
import { forwardRef, useEffect, useImperativeHandle, useRef, useState, type ReactNode } from 'react';

/** How much one playback request asks for, ms. */
const WINDOW_MS = 10 * 60_000;
/** Seconds of video kept behind the playhead. */
const KEEP_BEHIND_S = 30;
/** Seconds of video buffered ahead before reading waits (scaled by the speed). */
const AHEAD_S = 90;

/** What the page can do to a player. */
export interface RecordingPlayerHandle {
  /** Pauses and moves one frame forward (1) or back (-1). */
  step(direction: 1 | -1): void;
  /** Plays or pauses; returns whether it now plays. */
  toggle(): boolean;
}

interface Props {
  readonly cameraId: string;
  readonly cameraName: string;
  /** Where to play from: a new `seq` starts over from `at` (epoch ms); null: nothing yet. */
  readonly request: { readonly at: number; readonly seq: number } | null;
  readonly rate: number;
  /** The epoch ms of the picture shown, as it plays (null when nothing plays). */
  readonly onTime?: ((epochMs: number | null) => void) | undefined;
  /** Playing or paused, as the video is. */
  readonly onPlaying?: ((playing: boolean) => void) | undefined;
}

async function errorText(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string } };
    if (body.error?.code === 'RECORDING_NOT_FOUND') return 'Nothing is recorded from this moment on.';
    return body.error?.message ?? `the server answered ${res.status}`;
  } catch {
    return `the server answered ${res.status}`;
  }
}

const once = (target: EventTarget, name: string, signal: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    const done = (): void => {
      target.removeEventListener(name, done);
      signal.removeEventListener('abort', stop);
      resolve();
    };
    const stop = (): void => {
      target.removeEventListener(name, done);
      reject(new DOMException('aborted', 'AbortError'));
    };
    target.addEventListener(name, done);
    signal.addEventListener('abort', stop, { once: true });
  });

/** The player of one camera's recordings. */
export const RecordingPlayer = forwardRef<RecordingPlayerHandle, Props>(function RecordingPlayer({ cameraId, cameraName, request, rate, onTime, onPlaying }, ref): ReactNode {
  const video = useRef<HTMLVideoElement>(null);
  const [message, setMessage] = useState<string | null>(request === null ? 'Click the timeline to play.' : 'Loading…');
  /** Epoch ms at media time 0, and the spacing of frames. */
  const clock = useRef<{ origin: number; frameSeconds: number } | null>(null);
  const timeCallback = useRef(onTime);
  timeCallback.current = onTime;
  const playingCallback = useRef(onPlaying);
  playingCallback.current = onPlaying;
  const rateRef = useRef(rate);
  rateRef.current = rate;

  useImperativeHandle(ref, () => ({
    step: (direction) => {
      const el = video.current;
      if (el === null || clock.current === null) return;
      el.pause();
      el.currentTime = Math.max(0, el.currentTime + direction * clock.current.frameSeconds);
    },
    toggle: () => {
      const el = video.current;
      if (el === null) return false;
      if (el.paused) {
        void el.play().catch(() => undefined);
        return true;
      }
      el.pause();
      return false;
    },
  }));

  useEffect(() => {
    const el = video.current;
    if (el !== null) el.playbackRate = rate;
  }, [rate]);

  useEffect(() => {
    const el = video.current;
    if (el === null) return;
    const report = (): void => {
      const c = clock.current;
      timeCallback.current?.(c === null || el.readyState < 2 ? null : Math.round(c.origin + el.currentTime * 1000));
    };
    const playing = (): void => playingCallback.current?.(true);
    const paused = (): void => playingCallback.current?.(false);
    // At the end of what is buffered, with more buffered later (a gap in the recording): go on from there.
    const overGap = (): void => {
      const b = el.buffered;
      for (let i = 0; i < b.length; i++) {
        if (b.start(i) > el.currentTime + 0.05) {
          el.currentTime = b.start(i);
          return;
        }
      }
    };
    el.addEventListener('timeupdate', report);
    el.addEventListener('seeked', report);
    el.addEventListener('playing', playing);
    el.addEventListener('pause', paused);
    el.addEventListener('waiting', overGap);
    return () => {
      el.removeEventListener('timeupdate', report);
      el.removeEventListener('seeked', report);
      el.removeEventListener('playing', playing);
      el.removeEventListener('pause', paused);
      el.removeEventListener('waiting', overGap);
    };
  }, []);

  const at = request?.at;
  const seq = request?.seq;
  useEffect(() => {
    const el = video.current;
    if (el === null || at === undefined) return;
    if (typeof MediaSource === 'undefined') {
      setMessage('This browser cannot play recordings (Media Source Extensions are not supported).');
      return;
    }
    const abort = new AbortController();
    const { signal } = abort;
    let objectUrl: string | null = null;
    clock.current = null;
    setMessage('Loading…');

    const append = async (sb: SourceBuffer, data: Uint8Array): Promise<void> => {
      // Keep memory bounded: drop what lies well behind the playhead, wait while far ahead.
      for (;;) {
        const b = el.buffered;
        if (b.length > 0 && el.currentTime - b.start(0) > KEEP_BEHIND_S * 2) {
          sb.remove(b.start(0), el.currentTime - KEEP_BEHIND_S);
          await once(sb, 'updateend', signal);
          continue;
        }
        if (b.length > 0 && b.end(b.length - 1) - el.currentTime > AHEAD_S * Math.max(1, rateRef.current) && !el.paused) {
          await once(el, 'timeupdate', signal);
          continue;
        }
        break;
      }
      sb.appendBuffer(data as Uint8Array<ArrayBuffer>);
      await once(sb, 'updateend', signal);
    };

    const run = async (): Promise<void> => {
      const media = new MediaSource();
      objectUrl = URL.createObjectURL(media);
      el.src = objectUrl;
      await once(media, 'sourceopen', signal);
      let sb: SourceBuffer | null = null;
      let from = at;
      let first = true;
      for (;;) {
        const res = await fetch(`/api/cameras/${encodeURIComponent(cameraId)}/playback.mp4?from=${from}&to=${from + WINDOW_MS}`, { credentials: 'same-origin', signal });
        if (!res.ok || res.body === null) {
          if (first) setMessage(await errorText(res));
          else if (media.readyState === 'open') media.endOfStream();
          return;
        }
        const start = Number(res.headers.get('x-sightline-start'));
        const frameSeconds = Number(res.headers.get('x-sightline-frame-seconds')) || 0.1;
        const mime = `video/mp4; codecs="${res.headers.get('x-sightline-codec') ?? 'avc1.42e01e'}"`;
        if (sb === null) {
          if (!MediaSource.isTypeSupported(mime)) {
            setMessage(`This browser cannot play this camera's recordings (${mime}).`);
            return;
          }
          sb = media.addSourceBuffer(mime);
          sb.mode = 'segments';
          clock.current = { origin: start, frameSeconds };
        } else {
          // The next stretch goes where its first picture belongs on the same media timeline.
          sb.timestampOffset = (start - clock.current!.origin) / 1000;
        }
        const reader = res.body.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          await append(sb, value);
          if (first && el.buffered.length > 0) {
            first = false;
            const target = (at - start) / 1000;
            el.currentTime = Math.max(el.buffered.start(0), target);
            el.playbackRate = rateRef.current;
            setMessage(null);
            void el.play().catch(() => undefined);
          }
        }
        from += WINDOW_MS;
      }
    };

    run().catch((error: unknown) => {
      if (signal.aborted) return;
      setMessage(`The recording stopped: ${error instanceof Error ? error.message : String(error)}`);
    });
    return () => {
      abort.abort();
      clock.current = null;
      timeCallback.current?.(null);
      el.removeAttribute('src');
      el.load();
      if (objectUrl !== null) URL.revokeObjectURL(objectUrl);
    };
  }, [cameraId, at, seq]);

  return (
    <div className="recording-player">
      <video ref={video} muted playsInline aria-label={`Recording of ${cameraName}`} />
      {message !== null && (
        <p className="recording-message" role="status">
          {message}
        </p>
      )}
    </div>
  );
});
