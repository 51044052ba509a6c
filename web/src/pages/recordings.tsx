/**
 * Recordings: the timeline of one camera or a group (up to four, side by side) over a range from a
 * week to a minute, with recorded stretches, gaps and events; click or drag to play from any
 * moment; speeds 0.5x to 16x and frame steps; jump to a date and time (type it, press Enter); mark
 * a range and export it; the list of exports with their audit entries. Route:
 * `#/recordings?camera=<id>&t=<epoch ms>&span=<ms>` (or `cameras=<id>,<id>`).
 */
import { useEffect, useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { call, errorText } from '../api/client.ts';
import { api } from '../api/endpoints.ts';
import type { User } from '../api/types.ts';
import { formatTime, useCameras } from '../components/ChartCameraPicker.tsx';
import { camerasOf, parseWall, WALL_KEY } from '../components/live-wall-model.ts';
import { RecordingPlayer, type RecordingPlayerHandle } from '../components/RecordingPlayer.tsx';
import { RecordingTimeline, type TimelineData } from '../components/RecordingTimeline.tsx';
import { DEFAULT_SPAN, localDateTimeValue, nearestZoom, pan, parseLocalDateTime, playableFrom, rangeAround, ZOOMS, type Range } from '../components/timeline-model.ts';
import { useResource } from '../hooks/use-resource.ts';
import type { Route } from '../router.ts';
import type { PageEntry } from './registry.ts';

/** Cameras played side by side at most. */
const MAX_SHOWN = 4;
const SPEEDS = [0.5, 1, 2, 4, 8, 16] as const;

function initialRange(route: Route): Range {
  const span = Number(route.query.get('span')) || DEFAULT_SPAN;
  const t = Number(route.query.get('t'));
  if (Number.isFinite(t) && t > 0) return rangeAround(t, span);
  const now = Date.now();
  return { from: now - span, to: now };
}

function Exports({ user, names }: { readonly user: User; readonly names: ReadonlyMap<string, string> }): ReactNode {
  const { data, error, reload } = useResource('exports', (signal) => call(api.exports, { signal }));
  return (
    <section className="card recording-exports" aria-labelledby="exports-title">
      <h2 id="exports-title">Exports</h2>
      <p className="muted">
        {user.role === 'admin' ? 'Every export of the last 30 days' : 'Your exports of the last 30 days'}, from the audit log (each entry is part of its hash chain).{' '}
        <button type="button" onClick={reload}>
          Refresh
        </button>
      </p>
      {error !== null && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {data !== null && data.exports.length === 0 && <p>No exports yet.</p>}
      {data !== null && data.exports.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Camera</th>
              <th scope="col">Range</th>
              <th scope="col">Size</th>
              <th scope="col">Audit entry</th>
            </tr>
          </thead>
          <tbody>
            {data.exports.map((e) => {
              const from = typeof e.details.from === 'number' ? e.details.from : null;
              const to = typeof e.details.to === 'number' ? e.details.to : null;
              const bytes = typeof e.details.bytes === 'number' ? e.details.bytes : null;
              return (
                <tr key={e.seq}>
                  <td>{formatTime(e.time)}</td>
                  <td>{e.actor}</td>
                  <td>{e.cameraId === null ? '—' : (names.get(e.cameraId) ?? e.cameraId)}</td>
                  <td>{from !== null && to !== null ? `${formatTime(from)} – ${formatTime(to)}` : e.action === 'subject_export' ? 'subject-access export' : '—'}</td>
                  <td>{bytes !== null ? `${(bytes / 1e6).toFixed(1)} MB` : '—'}</td>
                  <td>
                    #{e.seq} <code title={e.hash}>{e.hash.slice(0, 12)}…</code>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Recordings({ route, user }: { readonly route: Route; readonly user: User }): ReactNode {
  const { cameras, error: camerasError } = useCameras();
  const [range, setRange] = useState<Range>(() => initialRange(route));
  const [data, setData] = useState<ReadonlyMap<string, TimelineData>>(new Map());
  const [loadError, setLoadError] = useState<string | null>(null);
  const [cursor, setCursor] = useState<number | null>(() => (Number(route.query.get('t')) > 0 ? Number(route.query.get('t')) : null));
  const [request, setRequest] = useState<{ at: number; seq: number } | null>(null);
  const [shownTime, setShownTime] = useState<number | null>(null);
  const [playing, setPlaying] = useState(false);
  const [rate, setRate] = useState(1);
  const [mark, setMark] = useState<{ from: number | null; to: number | null }>({ from: null, to: null });
  const [jump, setJump] = useState(() => localDateTimeValue(cursor ?? Date.now()));
  const [jumpError, setJumpError] = useState<string | null>(null);
  const players = useRef(new Map<string, RecordingPlayerHandle>());
  const [refresh, setRefresh] = useState(0);

  // Which cameras: `camera`, `cameras`, or a live-wall group (`group`), else the first.
  const groups = useMemo(() => parseWall(localStorage.getItem(WALL_KEY)).groups, []);
  const [groupId, setGroupId] = useState<string | null>(route.query.get('group'));
  const [chosen, setChosen] = useState<readonly string[]>(() => (route.query.get('cameras') ?? route.query.get('camera') ?? '').split(',').filter((c) => c !== ''));
  const shown = useMemo(() => {
    if (cameras === null) return [];
    const list = groupId !== null ? camerasOf(cameras, groups, groupId) : chosen.length > 0 ? cameras.filter((c) => chosen.includes(c.id)) : cameras.slice(0, 1);
    return list.slice(0, MAX_SHOWN).map((c) => ({ id: c.id, name: c.name }));
  }, [cameras, groups, groupId, chosen]);
  const shownKey = shown.map((c) => c.id).join(',');

  useEffect(() => {
    if (shown.length === 0) return;
    const abort = new AbortController();
    const buckets = Math.min(2000, Math.max(50, Math.round((document.querySelector('.recording-timeline')?.clientWidth ?? 800) / 3)));
    Promise.all(shown.map(async (c) => [c.id, await call(api.timeline, { params: { id: c.id }, query: { from: String(range.from), to: String(range.to), buckets: String(buckets) }, signal: abort.signal })] as const))
      .then((rows) => {
        setData(new Map(rows));
        setLoadError(null);
      })
      .catch((error: unknown) => {
        if (!abort.signal.aborted) setLoadError(errorText(error));
      });
    return () => abort.abort();
    // shownKey stands for `shown`.
  }, [shownKey, range.from, range.to, refresh]);

  // A range that reaches the present is redrawn as recording goes on.
  useEffect(() => {
    if (range.to < Date.now() - 60_000) return;
    const timer = setInterval(() => setRefresh((n) => n + 1), 15_000);
    return () => clearInterval(timer);
  }, [range.to]);

  const playhead = shownTime ?? cursor;
  const span = range.to - range.from;
  const zoom = (direction: 1 | -1): void => {
    const i = ZOOMS.findIndex((z) => z.ms === nearestZoom(span).ms);
    const next = ZOOMS[Math.min(ZOOMS.length - 1, Math.max(0, i + direction))]!;
    setRange(rangeAround(playhead ?? (range.from + range.to) / 2, next.ms));
  };
  const play = (t: number, cameraId?: string): void => {
    const spans = data.get(cameraId ?? shown[0]?.id ?? '')?.spans ?? [];
    const from = playableFrom(t, spans) ?? t;
    setCursor(from);
    setRequest((r) => ({ at: from, seq: (r?.seq ?? 0) + 1 }));
    history.replaceState(null, '', `#/recordings?${new URLSearchParams({ ...(groupId !== null ? { group: groupId } : { cameras: shownKey }), t: String(from), span: String(span) }).toString()}`);
  };
  const onJump = (e: FormEvent): void => {
    e.preventDefault();
    const t = parseLocalDateTime(jump);
    if (t === null) {
      setJumpError('Enter a date and a time, e.g. 2026-12-04 14:05.');
      return;
    }
    setJumpError(null);
    const target = span > 6 * 3_600_000 ? 3_600_000 : span;
    setRange(rangeAround(t, target));
    play(t);
  };
  const selection = mark.from !== null && mark.to !== null && mark.to > mark.from ? { from: mark.from, to: mark.to } : null;
  const exportCamera = shown[0];

  return (
    <section className="recordings" aria-labelledby="recordings-title">
      <h1 id="recordings-title">Recordings</h1>
      {(camerasError ?? loadError) !== null && (
        <p role="alert" className="error">
          {camerasError ?? loadError}
        </p>
      )}
      {cameras !== null && cameras.length === 0 && <p>No cameras yet.</p>}
      {cameras !== null && cameras.length > 0 && (
        <>
          <div className="recording-controls">
            <label>
              Cameras
              <select
                value={groupId !== null ? `group:${groupId}` : (chosen[0] ?? shown[0]?.id ?? '')}
                onChange={(e) => {
                  const v = e.target.value;
                  if (v.startsWith('group:')) {
                    setGroupId(v.slice(6));
                    setChosen([]);
                  } else {
                    setGroupId(null);
                    setChosen([v]);
                  }
                  setRequest(null);
                }}
              >
                {cameras.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
                {groups.map((g) => (
                  <option key={g.id} value={`group:${g.id}`}>
                    Group: {g.name}
                  </option>
                ))}
              </select>
            </label>
            <form className="recording-jump" onSubmit={onJump}>
              <label>
                Go to date and time
                <input type="datetime-local" step={60} value={jump} onChange={(e) => setJump(e.target.value)} aria-describedby={jumpError !== null ? 'jump-error' : undefined} />
              </label>
              <button type="submit">Go</button>
              {jumpError !== null && (
                <span id="jump-error" role="alert" className="error">
                  {jumpError}
                </span>
              )}
            </form>
            <div className="recording-zoom" role="group" aria-label="Zoom and move">
              <button type="button" onClick={() => setRange(pan(range, -0.5))} aria-label="Earlier">
                ◀
              </button>
              <label>
                Span
                <select value={nearestZoom(span).ms} onChange={(e) => setRange(rangeAround(playhead ?? (range.from + range.to) / 2, Number(e.target.value)))}>
                  {ZOOMS.map((z) => (
                    <option key={z.ms} value={z.ms}>
                      {z.label}
                    </option>
                  ))}
                </select>
              </label>
              <button type="button" onClick={() => zoom(1)} aria-label="Zoom in">
                +
              </button>
              <button type="button" onClick={() => zoom(-1)} aria-label="Zoom out">
                −
              </button>
              <button type="button" onClick={() => setRange(pan(range, 0.5))} aria-label="Later">
                ▶
              </button>
              <button
                type="button"
                onClick={() => {
                  const now = Date.now();
                  setRange({ from: now - span, to: now });
                }}
              >
                Now
              </button>
            </div>
          </div>
          <RecordingTimeline cameras={shown} range={range} data={data} playhead={playhead} selection={selection} onSeek={(t, id) => play(t, id)} onCursor={setCursor} onZoom={zoom} />
          <div className="recording-transport" role="group" aria-label="Playback">
            <button type="button" onClick={() => players.current.forEach((p) => p.step(-1))} aria-label="One frame back" disabled={request === null}>
              ‹ Frame
            </button>
            <button
              type="button"
              onClick={() => {
                if (request === null) {
                  if (playhead !== null) play(playhead);
                  return;
                }
                players.current.forEach((p) => p.toggle());
              }}
              aria-label={playing ? 'Pause' : 'Play'}
            >
              {playing ? 'Pause' : 'Play'}
            </button>
            <button type="button" onClick={() => players.current.forEach((p) => p.step(1))} aria-label="One frame forward" disabled={request === null}>
              Frame ›
            </button>
            <label>
              Speed
              <select value={rate} onChange={(e) => setRate(Number(e.target.value))}>
                {SPEEDS.map((s) => (
                  <option key={s} value={s}>
                    {s}x
                  </option>
                ))}
              </select>
            </label>
            <output className="recording-time" data-playhead={playhead ?? ''} aria-live="off">
              {playhead === null ? '—' : formatTime(playhead)}
            </output>
            {user.role !== 'viewer' && (
              <span className="recording-export">
                <button type="button" onClick={() => playhead !== null && setMark((m) => ({ ...m, from: playhead }))} disabled={playhead === null}>
                  Mark start
                </button>
                <button type="button" onClick={() => playhead !== null && setMark((m) => ({ ...m, to: playhead }))} disabled={playhead === null}>
                  Mark end
                </button>
                {selection !== null && exportCamera !== undefined ? (
                  <a className="link-button" href={`/api/cameras/${encodeURIComponent(exportCamera.id)}/export.mp4?from=${selection.from}&to=${selection.to}`} download>
                    Export {Math.round((selection.to - selection.from) / 1000)} s of {exportCamera.name}
                  </a>
                ) : (
                  <span className="muted">Mark a start and an end to export.</span>
                )}
              </span>
            )}
          </div>
          <div className={`recording-players n${shown.length}`}>
            {shown.map((c) => (
              <figure key={c.id}>
                <RecordingPlayer
                  ref={(h) => {
                    if (h === null) players.current.delete(c.id);
                    else players.current.set(c.id, h);
                  }}
                  cameraId={c.id}
                  cameraName={c.name}
                  request={request}
                  rate={rate}
                  onTime={c.id === shown[0]?.id ? setShownTime : undefined}
                  onPlaying={c.id === shown[0]?.id ? setPlaying : undefined}
                />
                <figcaption>{c.name}</figcaption>
              </figure>
            ))}
          </div>
          {user.role !== 'viewer' && <Exports user={user} names={new Map(cameras.map((c) => [c.id, c.name]))} />}
        </>
      )}
    </section>
  );
}

/** The Recordings page. */
export const recordingsPage: PageEntry = { path: 'recordings', title: 'Recordings', nav: true, adminOnly: false, render: ({ route, user }) => <Recordings route={route} user={user} /> };
