/**
 * Low-latency live video of one camera: fragmented MP4 from the WebSocket `/api/cameras/<id>/live`
 * fed to Media Source Extensions. The buffer is trimmed and playback jumps to the live edge when it
 * falls more than a second behind; a closed stream reconnects after a short backoff. The server
 * states the stream time of the first fragment (`clock`); once it is buffered, the player reports
 * how the video's media time maps to stream time, the clock of the analysed frames' boxes.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { liveStreamMessageOf } from '../api/live-messages.ts';

/** What the end-to-end tests read: per camera, seconds behind the buffered live edge and frames decoded. */
export interface LiveStats {
  readonly latencySeconds: number;
  readonly frames: number;
}

declare global {
  interface Window {
    /** Read-only live statistics by camera id (for tests and diagnostics). */
    readonly __sightlineLive?: Readonly<Record<string, LiveStats>>;
  }
}

const stats: Record<string, LiveStats> = {};
if (!('__sightlineLive' in window)) Object.defineProperty(window, '__sightlineLive', { value: stats, writable: false, enumerable: false });

/** Seconds behind the live edge after which playback jumps forward. */
const MAX_LAG_SECONDS = 1;
/** Where a jump lands, seconds before the live edge. */
const JUMP_TO_SECONDS = 0.15;
/** Seconds of played video kept in the buffer. */
const KEEP_BEHIND_SECONDS = 4;
/** Unappended fragments beyond which the viewer reconnects (the browser cannot keep up). */
const MAX_QUEUE = 60;
/** Reconnection delays, ms; the last repeats. */
const BACKOFF_MS = [500, 1000, 2000, 4000, 8000];

/** Whether this browser can play fragmented MP4 through Media Source Extensions. */
export function mseSupported(): boolean {
  return typeof window.MediaSource === 'function' && typeof window.MediaSource.isTypeSupported === 'function';
}

/** How the video's timeline maps to stream time: `streamTime` (s) is at media time `mediaTime` (s) of `video`. */
export interface VideoClock {
  readonly video: HTMLVideoElement;
  readonly streamTime: number;
  readonly mediaTime: number;
}

/** The stream time (s) of the picture at media time `mediaTime` (s) of the clock's video. */
export function streamTimeAt(clock: VideoClock, mediaTime: number): number {
  return clock.streamTime + (mediaTime - clock.mediaTime);
}

interface Props {
  readonly cameraId: string;
  /** Accessible name of the video. */
  readonly label: string;
  /** Called with the video's intrinsic size once known. */
  readonly onSize?: (size: { width: number; height: number }) => void;
  /** Called with the video's clock once its first fragment is buffered, and with null when the stream goes. */
  readonly onClock?: (clock: VideoClock | null) => void;
  /** Seconds behind the live edge after which playback jumps forward; default 1 (more where it is held back to its boxes). */
  readonly maxLagSeconds?: number;
}

/** A muted, auto-playing live video of one camera, with a message when it cannot play. */
export function LivePlayer({ cameraId, label, onSize, onClock, maxLagSeconds = MAX_LAG_SECONDS }: Props): ReactNode {
  const video = useRef<HTMLVideoElement>(null);
  const [message, setMessage] = useState<string | null>(mseSupported() ? 'Connecting…' : 'This browser cannot play live video (Media Source Extensions are not supported).');
  const sizeCallback = useRef(onSize);
  sizeCallback.current = onSize;
  const clockCallback = useRef(onClock);
  clockCallback.current = onClock;

  useEffect(() => {
    const el = video.current;
    if (el === null || !mseSupported()) return;
    let stopped = false;
    let attempt = 0;
    let socket: WebSocket | null = null;
    let retry: number | undefined;
    let objectUrl: string | null = null;
    let media: MediaSource | null = null;
    let buffer: SourceBuffer | null = null;
    let queue: ArrayBuffer[] = [];
    let fragments = 0;
    /** The stream time of the first fragment, from the server's `clock` message, until that fragment is buffered. */
    let firstStreamTime: number | null = null;
    let clocked = false;

    const teardown = (): void => {
      queue = [];
      buffer = null;
      firstStreamTime = null;
      if (clocked) clockCallback.current?.(null);
      clocked = false;
      if (media !== null && media.readyState === 'open') {
        try {
          media.endOfStream();
        } catch {
          // Already ending.
        }
      }
      media = null;
      el.removeAttribute('src');
      el.load();
      if (objectUrl !== null) URL.revokeObjectURL(objectUrl);
      objectUrl = null;
    };

    const chaseLiveEdge = (): void => {
      const b = el.buffered;
      if (b.length === 0) return;
      const end = b.end(b.length - 1);
      if (end - el.currentTime > maxLagSeconds || el.currentTime < b.start(0)) el.currentTime = Math.max(b.start(b.length - 1), end - JUMP_TO_SECONDS);
      if (el.paused) void el.play().catch(() => undefined);
    };

    const pump = (): void => {
      const sb = buffer;
      if (sb === null || sb.updating) return;
      const b = el.buffered;
      if (b.length > 0 && el.currentTime - b.start(0) > KEEP_BEHIND_SECONDS * 2) {
        sb.remove(b.start(0), el.currentTime - KEEP_BEHIND_SECONDS);
        return;
      }
      const next = queue.shift();
      if (next === undefined) return;
      try {
        sb.appendBuffer(next);
      } catch (error) {
        if (error instanceof DOMException && error.name === 'QuotaExceededError' && b.length > 0) {
          queue.unshift(next);
          sb.remove(b.start(0), Math.max(b.start(0) + 0.1, el.currentTime - 1));
          return;
        }
        fail('The browser could not play this stream.');
      }
    };

    const startMedia = (mime: string): void => {
      if (!MediaSource.isTypeSupported(mime)) {
        fail(`This browser cannot play this camera's video (${mime}).`, false);
        return;
      }
      const ms = new MediaSource();
      media = ms;
      objectUrl = URL.createObjectURL(ms);
      ms.addEventListener(
        'sourceopen',
        () => {
          if (media !== ms) return;
          const sb = ms.addSourceBuffer(mime);
          sb.mode = 'segments';
          sb.addEventListener('updateend', () => {
            if (!clocked && firstStreamTime !== null && el.buffered.length > 0) {
              // The first fragment starts with its key frame: the earliest picture buffered.
              clocked = true;
              clockCallback.current?.({ video: el, streamTime: firstStreamTime, mediaTime: el.buffered.start(0) });
            }
            chaseLiveEdge();
            pump();
          });
          buffer = sb;
          pump();
        },
        { once: true },
      );
      el.src = objectUrl;
    };

    function fail(text: string, reconnect = true): void {
      setMessage(text);
      const s = socket;
      socket = null;
      if (s !== null) s.close();
      teardown();
      if (reconnect && !stopped) schedule();
    }

    const schedule = (): void => {
      window.clearTimeout(retry);
      const delay = BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)]!;
      attempt += 1;
      retry = window.setTimeout(connect, delay);
    };

    function connect(): void {
      if (stopped) return;
      teardown();
      const s = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/cameras/${encodeURIComponent(cameraId)}/live`);
      s.binaryType = 'arraybuffer';
      socket = s;
      let lastError: string | null = null;
      s.onmessage = (e: MessageEvent<ArrayBuffer | string>) => {
        if (socket !== s) return;
        if (typeof e.data === 'string') {
          const m = liveStreamMessageOf(e.data);
          if (m === null) return;
          if (m.type === 'init') startMedia(m.mime);
          else if (m.type === 'clock' && !clocked && firstStreamTime === null) firstStreamTime = m.streamTime;
          else if (m.type === 'error') lastError = m.message;
          return;
        }
        if (media === null) return;
        queue.push(e.data);
        fragments += 1;
        if (fragments > 1) {
          attempt = 0;
          setMessage(null);
        }
        if (queue.length > MAX_QUEUE) {
          fail('The video fell behind; reconnecting…');
          return;
        }
        pump();
      };
      s.onclose = (e: CloseEvent) => {
        if (socket !== s) return;
        socket = null;
        teardown();
        if (stopped) return;
        if (e.code === 1008) {
          setMessage('Live view is not allowed: sign in again.');
          return;
        }
        setMessage(`${lastError ?? (e.reason !== '' ? e.reason : 'The live stream stopped.')} Reconnecting…`);
        schedule();
      };
    }

    const onMeta = (): void => {
      if (el.videoWidth > 0) sizeCallback.current?.({ width: el.videoWidth, height: el.videoHeight });
    };
    el.addEventListener('loadedmetadata', onMeta);
    const tick = window.setInterval(() => {
      const b = el.buffered;
      const latency = b.length > 0 ? Math.max(0, b.end(b.length - 1) - el.currentTime) : 0;
      const decoded = typeof el.getVideoPlaybackQuality === 'function' ? el.getVideoPlaybackQuality().totalVideoFrames : fragments;
      stats[cameraId] = Object.freeze({ latencySeconds: Math.round(latency * 1000) / 1000, frames: decoded });
      if (b.length > 0) chaseLiveEdge();
    }, 500);
    connect();

    return () => {
      stopped = true;
      window.clearTimeout(retry);
      window.clearInterval(tick);
      el.removeEventListener('loadedmetadata', onMeta);
      const s = socket;
      socket = null;
      s?.close();
      teardown();
      Reflect.deleteProperty(stats, cameraId);
    };
  }, [cameraId, maxLagSeconds]);

  return (
    <div className="live-player">
      <video ref={video} muted autoPlay playsInline aria-label={label} />
      {message !== null && (
        <p className="live-player-message" role="status">
          {message}
        </p>
      )}
    </div>
  );
}
