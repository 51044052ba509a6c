/**
 * The camera's picture with the rules and privacy masks drawn over it in an SVG whose viewBox is the
 * source size (the rules' pixel space, which masks share). The stage takes the source's aspect and
 * the picture fills it, so the picture shows the source's whole field of view where the SVG draws it; pointer positions go to source
 * pixels through picture-coords.ts, the same mapping. Clicks add points while drawing; handles of
 * the selected shape are dragged with the pointer or moved with the arrow keys once focused; they
 * are drawn last, above every shape, so a shape drawn over another never hides them. Masks are
 * drawn under zones and lines, near-opaque black with a hatch and a dashed white outline, so they
 * read as "this area is blanked" and never as a zone.
 */
import { useRef, type KeyboardEvent, type MouseEvent, type PointerEvent, type ReactNode } from 'react';
import type { LineRule, MaskRule, Point, ZoneRule } from '../api/types.ts';
import { clampPoint, handlePoint, isPolygonTool, maskLabel, type FrameSize, type HandleRef, type ShapeRef, type Tool } from './EditorModel.ts';
import { containRect, pageToSource } from './picture-coords.ts';

/** What the canvas draws and reports. */
export interface EditorCanvasProps {
  readonly imageSrc: string;
  readonly imageKey: number;
  /** The source size: the rules' pixel space, never the picture's own size. */
  readonly size: FrameSize;
  readonly lines: readonly LineRule[];
  readonly zones: readonly ZoneRule[];
  readonly masks: readonly MaskRule[];
  readonly tool: Tool;
  readonly draft: readonly Point[];
  readonly selected: ShapeRef | null;
  readonly onAddPoint: (p: Point) => void;
  readonly onFinish: () => void;
  readonly onSelect: (s: ShapeRef | null) => void;
  readonly onMove: (h: HandleRef, p: Point) => void;
}

const STEP = { small: 1, large: 10 } as const;

/** The id of the masks' hatch pattern (one canvas per page). */
const HATCH = 'editor-mask-hatch';

/** The picture and its overlay. */
export function EditorCanvas(props: EditorCanvasProps): ReactNode {
  const { size, lines, zones, masks, tool, draft, selected } = props;
  const svg = useRef<SVGSVGElement>(null);
  const drag = useRef<HandleRef | null>(null);
  const r = Math.max(size.width, size.height) / 110;
  const font = Math.max(size.width, size.height) / 50;

  const toFrame = (e: { clientX: number; clientY: number }): Point | null => {
    const box = svg.current?.getBoundingClientRect();
    if (!box || box.width <= 0 || box.height <= 0) return null;
    // The SVG draws the source space centred and whole in its box (xMidYMid meet): the same rectangle.
    return pageToSource({ x: e.clientX, y: e.clientY }, containRect(box, size), size);
  };

  const onBackgroundClick = (e: MouseEvent<SVGSVGElement>): void => {
    if (tool === 'select') {
      if (e.target === svg.current || (e.target as Element).classList.contains('editor-bg')) props.onSelect(null);
      return;
    }
    const p = toFrame(e);
    if (p !== null) props.onAddPoint(p);
  };

  const startDrag = (h: HandleRef) => (e: PointerEvent<SVGCircleElement>) => {
    if (tool !== 'select') return;
    e.stopPropagation();
    (e.currentTarget as Element).setPointerCapture(e.pointerId);
    drag.current = h;
  };
  const moveDrag = (e: PointerEvent<SVGCircleElement>): void => {
    if (drag.current === null) return;
    const p = toFrame(e);
    if (p !== null) props.onMove(drag.current, p);
  };
  const endDrag = (e: PointerEvent<SVGCircleElement>): void => {
    drag.current = null;
    if ((e.currentTarget as Element).hasPointerCapture(e.pointerId)) (e.currentTarget as Element).releasePointerCapture(e.pointerId);
  };
  const keyMove = (h: HandleRef) => (e: KeyboardEvent<SVGCircleElement>) => {
    const d = e.shiftKey ? STEP.large : STEP.small;
    const delta: Record<string, Point> = { ArrowLeft: [-d, 0], ArrowRight: [d, 0], ArrowUp: [0, -d], ArrowDown: [0, d] };
    const move = delta[e.key];
    const p = handlePoint({ lines, zones, masks }, h);
    if (move === undefined || p === undefined) return;
    e.preventDefault();
    props.onMove(h, clampPoint([p[0] + move[0], p[1] + move[1]], size));
  };

  const handle = (h: HandleRef, p: Point, label: string, inside = false): ReactNode => (
    <circle
      key={`${h.kind}${h.index}-${h.point}`}
      className={`editor-handle${inside ? ' editor-inside' : ''}`}
      cx={p[0]}
      cy={p[1]}
      r={r}
      tabIndex={0}
      role="button"
      aria-label={`${label}: x ${p[0]}, y ${p[1]}. Arrow keys move it, Shift for 10 pixels.`}
      onPointerDown={startDrag(h)}
      onPointerMove={moveDrag}
      onPointerUp={endDrag}
      onPointerCancel={endDrag}
      onClick={(e) => e.stopPropagation()}
      onKeyDown={keyMove(h)}
    />
  );

  const pick = (s: ShapeRef) => (e: MouseEvent) => {
    if (tool !== 'select') return;
    e.stopPropagation();
    props.onSelect(s);
  };

  /** The handles of the selected shape. */
  const selectedHandles = (): ReactNode => {
    if (selected === null) return null;
    const { kind, index } = selected;
    if (kind === 'line') {
      const l = lines[index];
      if (l === undefined) return null;
      return [handle({ kind, index, point: 0 }, l.points[0], `Line ${l.name}, first point`), handle({ kind, index, point: 1 }, l.points[1], `Line ${l.name}, second point`), handle({ kind, index, point: 2 }, l.inside, `Line ${l.name}, “in” side`, true)];
    }
    const vertices = (polygon: readonly Point[], name: string): ReactNode => polygon.map((p, k) => handle({ kind, index, point: k }, p, `${name}, point ${k + 1}`));
    if (kind === 'zone') {
      const z = zones[index];
      return z === undefined ? null : vertices(z.polygon, `Zone ${z.name}`);
    }
    const m = masks[index];
    return m === undefined ? null : vertices(m.polygon, `Mask ${maskLabel(m, index)}`);
  };

  return (
    <div className={`editor-stage editor-tool-${tool}`} style={{ aspectRatio: `${size.width} / ${size.height}` }}>
      <img key={props.imageKey} src={props.imageSrc} alt="The camera's current picture" />
      <svg
        ref={svg}
        viewBox={`0 0 ${size.width} ${size.height}`}
        preserveAspectRatio="xMidYMid meet"
        onClick={onBackgroundClick}
        onDoubleClick={() => isPolygonTool(tool) && props.onFinish()}
        aria-label="Rules drawn over the picture"
        role="group"
      >
        <defs>
          <pattern id={HATCH} patternUnits="userSpaceOnUse" width={r * 2} height={r * 2} patternTransform="rotate(45)">
            <rect width={r * 2} height={r * 2} fill="#000" />
            <line x1={0} y1={0} x2={0} y2={r * 2} stroke="#6b7280" strokeWidth={r * 0.6} />
          </pattern>
        </defs>
        <rect className="editor-bg" width={size.width} height={size.height} />
        {masks.map((m, i) => {
          const sel = selected?.kind === 'mask' && selected.index === i;
          const first = m.polygon[0];
          const label = `Mask ${maskLabel(m, i)}`;
          return (
            <g key={`m${i}`} className={`editor-mask${sel ? ' selected' : ''}`}>
              <polygon points={m.polygon.map((p) => p.join(',')).join(' ')} fill={`url(#${HATCH})`} vectorEffect="non-scaling-stroke" onClick={pick({ kind: 'mask', index: i })}>
                <title>{`Privacy mask ${maskLabel(m, i)}: black in every recording, live view, snapshot and export`}</title>
              </polygon>
              {first && (
                <text x={first[0] + r} y={first[1] + r + font} fontSize={font}>
                  {label}
                </text>
              )}
            </g>
          );
        })}
        {zones.map((z, i) => {
          const sel = selected?.kind === 'zone' && selected.index === i;
          const first = z.polygon[0];
          return (
            <g key={`z${i}`} className={`editor-zone${sel ? ' selected' : ''}`}>
              <polygon points={z.polygon.map((p) => p.join(',')).join(' ')} vectorEffect="non-scaling-stroke" onClick={pick({ kind: 'zone', index: i })} />
              {first && (
                <text x={first[0] + r} y={first[1] - r} fontSize={font}>
                  {z.name}
                </text>
              )}
            </g>
          );
        })}
        {lines.map((l, i) => {
          const sel = selected?.kind === 'line' && selected.index === i;
          const [a, b] = l.points;
          return (
            <g key={`l${i}`} className={`editor-line${sel ? ' selected' : ''}`}>
              <line className="editor-hit" x1={a[0]} y1={a[1]} x2={b[0]} y2={b[1]} strokeWidth={r * 2} onClick={pick({ kind: 'line', index: i })} />
              <line x1={a[0]} y1={a[1]} x2={b[0]} y2={b[1]} vectorEffect="non-scaling-stroke" onClick={pick({ kind: 'line', index: i })} />
              <line className="editor-in-arrow" x1={(a[0] + b[0]) / 2} y1={(a[1] + b[1]) / 2} x2={l.inside[0]} y2={l.inside[1]} vectorEffect="non-scaling-stroke" />
              <text x={l.inside[0] + r} y={l.inside[1]} fontSize={font}>
                in
              </text>
              <text x={a[0] + r} y={a[1] - r} fontSize={font}>
                {l.name}
              </text>
            </g>
          );
        })}
        <g className="editor-handles">{selectedHandles()}</g>
        {draft.length > 0 && (
          <g className={`editor-draft${tool === 'mask' ? ' editor-draft-mask' : ''}`}>
            <polyline points={draft.map((p) => p.join(',')).join(' ')} vectorEffect="non-scaling-stroke" />
            {draft.map((p, k) => (
              <circle key={k} cx={p[0]} cy={p[1]} r={r * 0.8} />
            ))}
          </g>
        )}
      </svg>
    </div>
  );
}
