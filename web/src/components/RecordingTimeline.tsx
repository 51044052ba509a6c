/**
 * The recordings timeline of one or more cameras over a range: a time axis, one row per camera with
 * its recorded stretches (gaps hatched) and its events per bucket (alarms red, detections blue), the
 * playhead, and the range marked for export. Click or drag on it to play from any moment; while
 * dragging (or hovering) a preview picture of that moment shows. From the keyboard the track is a
 * slider: arrows move the playhead (Shift: ten times as far), Enter plays from it, + and - zoom.
 */
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type PointerEvent, type ReactNode } from 'react';
import type { Answer } from '../api/endpoints.ts';
import type { api } from '../api/endpoints.ts';
import { formatTime } from './ChartCameraPicker.tsx';
import { ticks, timeOf, xOf, type Range } from './timeline-model.ts';

/** One camera's timeline data. */
export type TimelineData = Answer<typeof api.timeline>;

interface Props {
  readonly cameras: readonly { readonly id: string; readonly name: string }[];
  readonly range: Range;
  /** By camera id: the data of `range` (a stale range's data is not drawn). */
  readonly data: ReadonlyMap<string, TimelineData>;
  readonly playhead: number | null;
  readonly selection: Range | null;
  /** Plays camera `cameraId` (the row clicked; the first for the keyboard) from `time`. */
  readonly onSeek: (time: number, cameraId: string) => void;
  /** Moves the playhead without playing (keyboard). */
  readonly onCursor: (time: number) => void;
  readonly onZoom: (direction: 1 | -1) => void;
}

const AXIS = 22;
const ROW = 30;
const MARK = 9;

/** The preview picture under the pointer: one picture loading at a time, the latest position next (the browser caches each). */
function usePreview(): { readonly preview: { cameraId: string; time: number; x: number; url: string | null } | null; show(cameraId: string, time: number, x: number): void; hide(): void } {
  const [preview, setPreview] = useState<{ cameraId: string; time: number; x: number; url: string | null } | null>(null);
  const busy = useRef(false);
  const wanted = useRef<{ cameraId: string; time: number } | null>(null);
  const load = (): void => {
    const w = wanted.current;
    if (w === null || busy.current) return;
    busy.current = true;
    wanted.current = null;
    // Whole tenths of a second: scrubbing back and forth reuses the pictures already fetched.
    const url = `/api/cameras/${encodeURIComponent(w.cameraId)}/preview.jpg?at=${Math.round(w.time / 100) * 100}&width=192`;
    const img = new Image();
    const done = (ok: boolean): void => {
      busy.current = false;
      setPreview((p) => (p === null || p.cameraId !== w.cameraId ? p : { ...p, url: ok ? url : null }));
      load();
    };
    img.onload = () => done(true);
    img.onerror = () => done(false);
    img.src = url;
  };
  return {
    preview,
    show: (cameraId, time, x) => {
      setPreview((p) => ({ cameraId, time, x, url: p?.cameraId === cameraId ? p.url : null }));
      wanted.current = { cameraId, time };
      load();
    },
    hide: () => {
      wanted.current = null;
      setPreview(null);
    },
  };
}

/** The timeline. */
export function RecordingTimeline({ cameras, range, data, playhead, selection, onSeek, onCursor, onZoom }: Props): ReactNode {
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(800);
  const drag = useRef<{ cameraId: string; moved: boolean } | null>(null);
  const { preview, show, hide } = usePreview();

  useLayoutEffect(() => {
    const el = box.current;
    if (el === null) return;
    const measure = (): void => setWidth(Math.max(200, Math.round(el.clientWidth)));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const complete = cameras.length > 0 && cameras.every((c) => { const d = data.get(c.id); return d !== undefined && d.from === range.from && d.to === range.to; });
  useEffect(() => {
    if (complete) performance.mark('sightline:timeline-rendered', { detail: { cameraIds: cameras.map((c) => c.id), from: range.from, to: range.to } });
  }, [complete, cameras, range.from, range.to]);

  const height = AXIS + ROW * cameras.length;
  const x = (t: number): number => xOf(t, range, width);
  const rowAt = (y: number): string | null => cameras[Math.floor((y - AXIS) / ROW)]?.id ?? cameras[0]?.id ?? null;
  const at = (e: PointerEvent<HTMLDivElement>): { time: number; cameraId: string | null; px: number } => {
    const r = e.currentTarget.getBoundingClientRect();
    const px = e.clientX - r.left;
    return { time: timeOf(px, range, r.width), cameraId: rowAt(e.clientY - r.top), px };
  };

  const onPointerDown = (e: PointerEvent<HTMLDivElement>): void => {
    const p = at(e);
    if (p.cameraId === null) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { cameraId: p.cameraId, moved: false };
    show(p.cameraId, p.time, p.px);
    onCursor(p.time);
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>): void => {
    const p = at(e);
    if (p.cameraId === null) return;
    if (drag.current !== null) {
      drag.current.moved = true;
      onCursor(p.time);
      show(drag.current.cameraId, p.time, p.px);
    } else if (e.pointerType === 'mouse') {
      show(p.cameraId, p.time, p.px);
    }
  };
  const onPointerUp = (e: PointerEvent<HTMLDivElement>): void => {
    const d = drag.current;
    drag.current = null;
    if (d === null) return;
    const p = at(e);
    onSeek(p.time, d.cameraId);
    if (e.pointerType !== 'mouse') hide();
  };

  const step = (range.to - range.from) / 96;
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    const now = playhead ?? Math.round((range.from + range.to) / 2);
    const k = e.shiftKey ? 10 : 1;
    let next: number | null = null;
    if (e.key === 'ArrowLeft') next = now - k * step;
    else if (e.key === 'ArrowRight') next = now + k * step;
    else if (e.key === 'Home') next = range.from;
    else if (e.key === 'End') next = range.to - 1;
    else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      if (cameras[0] !== undefined) onSeek(now, cameras[0].id);
      return;
    } else if (e.key === '+' || e.key === '=') {
      e.preventDefault();
      onZoom(1);
      return;
    } else if (e.key === '-') {
      e.preventDefault();
      onZoom(-1);
      return;
    }
    if (next === null) return;
    e.preventDefault();
    onCursor(Math.round(Math.min(range.to - 1, Math.max(range.from, next))));
  };

  const axis = ticks(range, Math.max(3, Math.floor(width / 90)));
  return (
    <div className="recording-timeline" ref={box}>
      <svg width={width} height={height} role="img" aria-label={`Timeline from ${formatTime(range.from)} to ${formatTime(range.to)}`}>
        <defs>
          <pattern id="timeline-gap" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="6" height="6" className="timeline-gap-bg" />
            <line x1="0" y1="0" x2="0" y2="6" className="timeline-gap-line" />
          </pattern>
        </defs>
        {axis.map((t) => (
          <g key={t.time} className="timeline-tick">
            <line x1={x(t.time)} x2={x(t.time)} y1={AXIS - 5} y2={height} />
            <text x={x(t.time) + 3} y={AXIS - 8}>
              {t.label}
            </text>
          </g>
        ))}
        {cameras.map((c, i) => {
          const d = data.get(c.id);
          const y = AXIS + i * ROW;
          const fresh = d !== undefined && d.from === range.from && d.to === range.to;
          const most = fresh ? Math.max(1, ...d.marks.map((m) => m.alarms + m.detections)) : 1;
          return (
            <g key={c.id} className={fresh ? 'timeline-row' : 'timeline-row loading'}>
              <rect x={0} y={y + 2} width={width} height={ROW - 4} fill="url(#timeline-gap)" />
              {fresh &&
                d.spans.map((s) => <rect key={s.start} className="timeline-recorded" x={x(s.start)} y={y + MARK + 2} width={Math.max(1, x(s.end) - x(s.start))} height={ROW - MARK - 6} />)}
              {fresh &&
                d.marks.map((m) => {
                  const mx = x(d.from + m.bucket * d.bucketMs);
                  const w = Math.max(2, x(d.from + (m.bucket + 1) * d.bucketMs) - mx);
                  const h = Math.max(2, Math.round((MARK * Math.log1p(m.alarms + m.detections)) / Math.log1p(most)));
                  return <rect key={m.bucket} className={m.alarms > 0 ? 'timeline-alarm' : 'timeline-detection'} x={mx} y={y + 2 + MARK - h} width={w} height={h} />;
                })}
              <text className="timeline-row-name" x={4} y={y + ROW - 8}>
                {c.name}
              </text>
            </g>
          );
        })}
        {selection !== null && <rect className="timeline-selection" x={x(selection.from)} y={AXIS} width={Math.max(2, x(selection.to) - x(selection.from))} height={height - AXIS} />}
        {playhead !== null && playhead >= range.from && playhead < range.to && <line className="timeline-playhead" x1={x(playhead)} x2={x(playhead)} y1={AXIS - 4} y2={height} />}
      </svg>
      <div
        className="timeline-track"
        data-timeline-track=""
        data-from={range.from}
        data-to={range.to}
        style={{ height }}
        role="slider"
        tabIndex={0}
        aria-label="Playhead: arrows move it, Enter plays from it, + and - zoom"
        aria-valuemin={range.from}
        aria-valuemax={range.to}
        aria-valuenow={playhead ?? range.from}
        aria-valuetext={playhead === null ? 'not set' : formatTime(playhead)}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerLeave={() => drag.current === null && hide()}
        onKeyDown={onKeyDown}
      />
      {preview !== null && (
        <div className="timeline-preview" style={{ left: Math.min(Math.max(0, preview.x - 96), width - 192) }} aria-hidden="true">
          {preview.url !== null ? <img src={preview.url} alt="" /> : <div className="timeline-preview-empty">…</div>}
          <span>{formatTime(preview.time)}</span>
        </div>
      )}
      <ul className="timeline-legend" aria-label="Legend">
        <li>
          <span className="swatch recorded" /> recorded
        </li>
        <li>
          <span className="swatch gap" /> not recorded
        </li>
        <li>
          <span className="swatch alarm" /> alarms
        </li>
        <li>
          <span className="swatch detection" /> detections
        </li>
        <li>
          <span className="swatch selection" /> marked for export
        </li>
      </ul>
    </div>
  );
}
