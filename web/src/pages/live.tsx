/**
 * Live view: `#/live` is the live wall of the cameras the user may see (components/LiveWall.tsx:
 * layouts, groups, fullscreen, name and time on each tile); `#/live/<id>` is one camera large with
 * its health details and an overlay of zones, lines and tracked objects (from the `tracks` topic
 * of /api/ws), drawn for the picture on screen: each message carries its frame's stream time, the
 * player says which stream time it shows. Under it, whether faces and heads are redacted, and for
 * users who may, the request for unredacted video.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { z } from 'zod';
import type { tracksMessageSchema } from '../../../src/api/schemas/live.ts';
import { call } from '../api/client.ts';
import { api } from '../api/endpoints.ts';
import type { BusMessage } from '../api/live-messages.ts';
import { rulesOf, type Camera, type CameraHealth } from '../api/types.ts';
import { HealthBadge } from '../components/HealthBadge.tsx';
import { LivePlayer, streamTimeAt, type VideoClock } from '../components/LivePlayer.tsx';
import { LiveWall } from '../components/LiveWall.tsx';
import { Overlay, type OverlayLayers } from '../components/Overlay.tsx';
import { purposeLine } from '../components/purpose-text.ts';
import { UnredactedPanel } from '../components/UnredactedPanel.tsx';
import { addTracks, pace, tracksAt, type OverlayTrack, type TimedTracks } from '../components/track-timeline.ts';
import { useBusFeed } from '../hooks/bus-feed.tsx';
import { useResource } from '../hooks/use-resource.ts';
import { href } from '../router.ts';
import type { PageEntry } from './registry.ts';

type Size = { readonly width: number; readonly height: number };

/** A `tracks` message (kept with the time it arrived here, epoch ms, as its frame time). */
type TracksMessage = z.output<typeof tracksMessageSchema>;

/** Without a video clock: boxes older than this (no new `tracks` message) are hidden, ms. */
const TRACKS_STALE_MS = 2000;

/** How far behind the live edge the single-camera video may fall before it jumps, s: it is held back to its boxes. */
const HELD_MAX_LAG_SECONDS = 2.5;
/**
 * The boxes for the picture the video shows, redrawn whenever it shows another one
 * (`requestVideoFrameCallback`, else every animation frame), from the recent `tracks` messages.
 * While boxes are shown (`holdBack`) the video is paced just behind its analysis; without them it
 * plays at its own pace, at the live edge.
 */
function useShownTracks(clock: VideoClock | null, history: { readonly current: readonly TimedTracks[] }, holdBack: boolean): readonly OverlayTrack[] | null {
  const [shown, setShown] = useState<readonly OverlayTrack[] | null>(null);
  useEffect(() => {
    if (clock === null) {
      setShown(null);
      return;
    }
    const video = clock.video;
    let stopped = false;
    let handle = 0;
    const draw = (mediaTime: number): void => {
      const t = streamTimeAt(clock, mediaTime);
      setShown(tracksAt(history.current, t));
      video.playbackRate = holdBack ? pace(t, history.current.at(-1)?.streamTime ?? null, video.playbackRate) : 1;
    };
    const onVideoFrame = (_now: number, meta: VideoFrameCallbackMetadata): void => {
      if (stopped) return;
      draw(meta.mediaTime);
      handle = video.requestVideoFrameCallback(onVideoFrame);
    };
    const onAnimationFrame = (): void => {
      if (stopped) return;
      draw(video.currentTime);
      handle = window.requestAnimationFrame(onAnimationFrame);
    };
    const byVideoFrame = typeof video.requestVideoFrameCallback === 'function';
    handle = byVideoFrame ? video.requestVideoFrameCallback(onVideoFrame) : window.requestAnimationFrame(onAnimationFrame);
    return () => {
      stopped = true;
      if (byVideoFrame) video.cancelVideoFrameCallback(handle);
      else window.cancelAnimationFrame(handle);
    };
  }, [clock, history, holdBack]);
  return shown;
}

/** Cameras from the API, with health kept current by the bus. */
function useCameras(): { cameras: readonly Camera[] | null; error: string | null; onBus: (m: BusMessage) => void } {
  const list = useResource(api.cameras.path, (signal) => call(api.cameras, { signal }));
  const [health, setHealth] = useState<ReadonlyMap<string, CameraHealth>>(new Map());
  const cameras = useMemo(() => list.data?.cameras.map((c) => ({ ...c, health: health.get(c.id) ?? c.health })) ?? null, [list.data, health]);
  const onBus = useCallback((m: BusMessage) => {
    if (m.topic !== 'health') return;
    const h = m.message;
    setHealth((known) => new Map(known).set(h.cameraId, h));
  }, []);
  return { cameras, error: list.error === null ? null : `Could not load the cameras: ${list.error}`, onBus };
}

function LiveGrid(): ReactNode {
  const { cameras, error, onBus } = useCameras();
  useBusFeed(onBus);
  if (error !== null) return <p className="error">{error}</p>;
  return (
    <section>
      <h1>Live</h1>
      <LiveWall cameras={cameras} />
    </section>
  );
}

function ago(at: number | null, now: number): string {
  if (at === null) return 'never';
  const s = Math.max(0, (now - at) / 1000);
  return s < 60 ? `${s.toFixed(1)} s ago` : `${Math.round(s / 60)} min ago`;
}

function HealthDetails({ health }: { readonly health: CameraHealth }): ReactNode {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(t);
  }, []);
  const rows: [string, string][] = [
    ['State', health.state],
    ['Frames per second', health.fps.toFixed(1)],
    ['Analysed per second', health.analysedFps.toFixed(1)],
    ['Last frame', ago(health.lastFrameAt, now)],
    ['Reconnects', String(health.reconnects)],
    ['Dropped frames', String(health.droppedFrames)],
    ['Recording', health.recording ? 'yes' : 'no'],
    ['Last error', health.lastError ?? 'none'],
  ];
  return (
    <dl className="live-health">
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd className={k === 'Last error' && health.lastError !== null ? 'error' : undefined}>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

function LiveSingle({ id, admin }: { readonly id: string; readonly admin: boolean }): ReactNode {
  const { cameras, error, onBus } = useCameras();
  const [tracks, setTracks] = useState<TracksMessage | null>(null);
  const history = useRef<readonly TimedTracks[]>([]);
  const [clock, setClock] = useState<VideoClock | null>(null);
  const [videoSize, setVideoSize] = useState<Size | null>(null);
  const [layers, setLayers] = useState<OverlayLayers>({ boxes: true, zones: true, lines: true });
  const shown = useShownTracks(clock, history, layers.boxes);
  const [, setTick] = useState(0);
  // The caller's running grant of unredacted video: the player reconnects when it starts or ends.
  const [grantId, setGrantId] = useState<string | null>(null);
  const onFeed = useCallback(
    (bus: BusMessage) => {
      if (bus.topic === 'tracks') {
        const m = bus.message;
        if (m.cameraId !== id) return;
        setTracks({ ...m, frameTime: Date.now() });
        history.current = addTracks(history.current, { streamTime: m.streamTime, tracks: m.tracks });
        return;
      }
      onBus(bus);
    },
    [id, onBus],
  );
  useBusFeed(onFeed);
  useEffect(() => {
    const t = window.setInterval(() => setTick((n) => n + 1), 1000);
    return () => window.clearInterval(t);
  }, []);
  if (error !== null) return <p className="error">{error}</p>;
  if (cameras === null) return <p className="muted">Loading…</p>;
  const camera = cameras.find((c) => c.id === id);
  if (camera === undefined) {
    return (
      <section>
        <p className="error">No camera has the id {id}, or you may not see it.</p>
        <a href={href('/live')}>All cameras</a>
      </section>
    );
  }
  const size = camera.health.frameSize ?? (tracks ? { width: tracks.width, height: tracks.height } : null) ?? videoSize;
  const fresh = shown ?? (tracks !== null && Date.now() - tracks.frameTime < TRACKS_STALE_MS ? tracks.tracks : []);
  const toggle = (key: keyof OverlayLayers) => () => setLayers((l) => ({ ...l, [key]: !l[key] }));
  const rules = rulesOf(camera);
  return (
    <section className="live-single">
      <p>
        <a href={href('/live')}>← All cameras</a>
      </p>
      <h1>
        {camera.name} <HealthBadge health={camera.health} />
      </h1>
      <p className="live-purpose">{purposeLine(camera.purpose)}</p>
      <div className="live-stage" style={size ? { aspectRatio: `${size.width} / ${size.height}` } : undefined}>
        <LivePlayer key={grantId ?? 'redacted'} cameraId={camera.id} label={`Live video of ${camera.name}`} onSize={setVideoSize} onClock={setClock} maxLagSeconds={HELD_MAX_LAG_SECONDS} />
        {size && <Overlay width={size.width} height={size.height} zones={rules.ok ? rules.zones : []} lines={rules.ok ? rules.lines : []} tracks={fresh} layers={layers} />}
      </div>
      <UnredactedPanel cameraId={camera.id} onGrant={setGrantId} />
      <fieldset className="live-layers">
        <legend>Show</legend>
        {(['boxes', 'zones', 'lines'] as const).map((key) => (
          <label key={key}>
            <input type="checkbox" checked={layers[key]} onChange={toggle(key)} /> {key === 'boxes' ? 'Tracked objects' : key === 'zones' ? 'Zones' : 'Lines'}
          </label>
        ))}
      </fieldset>
      {admin && (
        <p>
          <a href={href(`/editor/${encodeURIComponent(camera.id)}`)}>Edit zones and lines</a>
        </p>
      )}
      <h2>Health</h2>
      <HealthDetails health={camera.health} />
    </section>
  );
}

/** The live page. */
export const livePage: PageEntry = {
  path: 'live',
  title: 'Live',
  nav: true,
  adminOnly: false,
  render: ({ route, user }) => {
    const id = route.parts[1];
    return id === undefined ? <LiveGrid /> : <LiveSingle key={id} id={id} admin={user.role === 'admin'} />;
  },
};
