/** Zones and lines: draw a camera's counting lines, zones and privacy masks over its picture and save them. */
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { ApiError, call, urlOf } from '../api/client.ts';
import { api } from '../api/endpoints.ts';
import { masksOf, rulesOf, type Camera, type LineRule, type MaskRule, type Point, type ZoneRule } from '../api/types.ts';
import { EditorCanvas } from '../components/EditorCanvas.tsx';
import { freeName, isPolygonTool, MASK_LIMITS, maskLabel, movePoint, POLYGON_MIN_POINTS, problemsOf, removeShape, sameMasks, sideOf, type FrameSize, type HandleRef, type Shapes, type ShapeRef, type Tool } from '../components/EditorModel.ts';
import { EditorLinePanel, EditorMaskPanel, EditorZonePanel } from '../components/EditorPanel.tsx';
import { ruleSpace } from '../components/picture-coords.ts';
import { useResource } from '../hooks/use-resource.ts';
import { href } from '../router.ts';
import type { Route } from '../router.ts';
import type { PageEntry } from './registry.ts';

/** Points closer than this (source pixels) to the last one are the same click (a double-click's clicks). */
const SAME_POINT = 3;

/** How often the page asks again for a camera whose source size is not known yet, ms. */
const SIZE_POLL_MS = 1000;

/** The tools, with their buttons' words. */
const TOOLS: readonly (readonly [Tool, string])[] = [
  ['select', 'Select'],
  ['line', 'Draw line'],
  ['zone', 'Draw zone'],
  ['mask', 'Draw mask'],
];

/** What to do next with the tool in hand, `points` drawn so far. */
function hintOf(tool: Tool, points: number): string {
  if (tool === 'line') return points < 2 ? `Click the ${points === 0 ? 'first' : 'second'} point of the line.` : 'Click on the side of the line that counts as “in”.';
  if (tool === 'zone') return `Click the corners of the zone (${points} so far); finish with a double-click, Enter or Finish.`;
  if (tool === 'mask') {
    if (points >= MASK_LIMITS.maxPoints) return `The mask has ${MASK_LIMITS.maxPoints} corners, the most it can have: finish it with a double-click, Enter or Finish.`;
    return `Click the corners of the privacy mask (${points} so far, at most ${MASK_LIMITS.maxPoints}); finish with a double-click, Enter or Finish. The area will be black in every recording, live view, snapshot and export.`;
  }
  return 'Select a line, zone or mask to move its points (drag, or focus a point and use the arrow keys) or delete it.';
}

/** What a successful Save says: masks are burned into the streams, so a change of them says so. */
function savedText(masksChanged: boolean, masks: number): string {
  if (!masksChanged) return 'Saved. The camera’s analysis restarts with the new rules.';
  if (masks === 0) return 'Saved. The camera restarts without privacy masks: from now on its whole picture is recorded and shown.';
  return `Saved. The camera restarts with its ${masks === 1 ? 'privacy mask' : `${masks} privacy masks`} burned in: from now on ${masks === 1 ? 'that area is' : 'those areas are'} black in every recording, live view, snapshot and export, and hidden from detection.`;
}

function saveError(e: unknown): string {
  if (e instanceof ApiError && e.code === 'CAMERA_MANAGED_BY_CONFIG') {
    return 'This camera is defined in the configuration file, so its rules and privacy masks cannot be changed here. Edit the lines, zones and privacyMasks of this camera in the YAML configuration file and restart the server, or add the camera through the web app instead.';
  }
  if (e instanceof ApiError) return `${e.message} (${e.code})`;
  return e instanceof Error ? e.message : String(e);
}

/** A camera with the lines, zones and privacy masks it holds, as the editor starts from. */
interface Loaded {
  readonly camera: Camera;
  readonly lines: LineRule[];
  readonly zones: ZoneRule[];
  readonly masks: MaskRule[];
}

/** Loads the camera and checks its rules; failures come as the message to show. */
async function loadCamera(cameraId: string, signal: AbortSignal): Promise<Loaded> {
  let camera: Camera;
  try {
    camera = await call(api.camera, { params: { id: cameraId }, signal });
  } catch (e) {
    throw new Error(e instanceof ApiError && e.status === 404 ? 'There is no camera with this id.' : saveError(e), { cause: e });
  }
  const rules = rulesOf(camera);
  if (!rules.ok) throw new Error(rules.error);
  return { camera, lines: rules.lines, zones: rules.zones, masks: masksOf(camera) };
}

function EditorLoader({ cameraId }: { readonly cameraId: string }): ReactNode {
  const loaded = useResource(urlOf(api.camera.path, { id: cameraId }), (signal) => loadCamera(cameraId, signal));
  if (loaded.error !== null) return <section><h1>Zones and lines</h1><p className="error" role="alert">{loaded.error}</p><p><a href={href('/cameras')}>Back to the cameras</a></p></section>;
  if (loaded.data === null) return <section><h1>Zones and lines</h1><p className="muted">Loading…</p></section>;
  return <EditorPage initial={loaded.data} />;
}

function EditorPage({ initial }: { readonly initial: Loaded }): ReactNode {
  const cameraId = initial.camera.id;
  const [camera, setCamera] = useState<Camera>(initial.camera);
  const [lines, setLines] = useState<LineRule[]>(initial.lines);
  const [zones, setZones] = useState<ZoneRule[]>(initial.zones);
  const [masks, setMasks] = useState<MaskRule[]>(initial.masks);
  // The rules' pixel space: the analysed stream's size as the server states it (health.frameSize),
  // kept while a restarted camera states none. Never the picture's own size: live.jpg is the
  // detector-sized frame, not the source (see picture-coords.ts).
  const [size, setSize] = useState<FrameSize | null>(() => ruleSpace(initial.camera.health.frameSize, null));
  const [imageKey, setImageKey] = useState(0);
  const [tool, setTool] = useState<Tool>('select');
  const [draft, setDraft] = useState<Point[]>([]);
  const [selected, setSelected] = useState<ShapeRef | null>(null);
  const [dirty, setDirty] = useState(false);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const [saving, setSaving] = useState(false);

  // Until the camera states its size (it has not probed its stream yet), ask again; then load the picture afresh.
  const waiting = size === null;
  useEffect(() => {
    if (!waiting) return;
    let live = true;
    const timer = setInterval(() => {
      call(api.camera, { params: { id: cameraId } })
        .then((c) => {
          if (!live || ruleSpace(c.health.frameSize, null) === null) return;
          setSize((known) => ruleSpace(c.health.frameSize, known));
          setImageKey((k) => k + 1);
        })
        .catch(() => undefined);
    }, SIZE_POLL_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [waiting, cameraId]);

  const taken = [...lines.map((l) => l.name), ...zones.map((z) => z.name)];

  const change = (next: Partial<{ lines: LineRule[]; zones: ZoneRule[]; masks: MaskRule[] }>): void => {
    if (next.lines) setLines(next.lines);
    if (next.zones) setZones(next.zones);
    if (next.masks) setMasks(next.masks);
    setDirty(true);
    setStatus(null);
  };

  const chooseTool = (t: Tool): void => {
    setTool(t);
    setDraft([]);
    if (t !== 'select') setSelected(null);
  };

  const finishPolygon = useCallback((): void => {
    if (!isPolygonTool(tool) || draft.length < POLYGON_MIN_POINTS) return;
    if (tool === 'zone') {
      change({ zones: [...zones, { name: freeName('zone', taken), polygon: draft, classes: ['person'] }] });
      setSelected({ kind: 'zone', index: zones.length });
    } else {
      change({ masks: [...masks, { name: freeName('mask', masks.flatMap((m) => (m.name === undefined ? [] : [m.name]))), polygon: draft }] });
      setSelected({ kind: 'mask', index: masks.length });
    }
    setDraft([]);
    setTool('select');
  }, [tool, draft, taken, zones, masks]);

  const addPoint = (p: Point): void => {
    const last = draft[draft.length - 1];
    if (last && Math.hypot(last[0] - p[0], last[1] - p[1]) < SAME_POINT) return;
    if (tool === 'line' && draft.length === 2) {
      const pts: [Point, Point] = [draft[0]!, draft[1]!];
      if (sideOf(pts, p) === 0) return;
      change({ lines: [...lines, { name: freeName('line', taken), points: pts, inside: p, classes: ['person'] }] });
      setSelected({ kind: 'line', index: lines.length });
      setDraft([]);
      setTool('select');
      return;
    }
    if (tool === 'mask' && draft.length >= MASK_LIMITS.maxPoints) return;
    setDraft([...draft, p]);
  };

  const removeSelected = useCallback((): void => {
    if (selected === null) return;
    change(removeShape({ lines, zones, masks }, selected));
    setSelected(null);
  }, [selected, lines, zones, masks]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const t = e.target as HTMLElement | null;
      if (t && (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA')) return;
      if (e.key === 'Enter' && isPolygonTool(tool)) {
        e.preventDefault();
        finishPolygon();
      } else if (e.key === 'Escape') {
        setDraft([]);
        setTool('select');
      } else if ((e.key === 'Delete' || e.key === 'Backspace') && selected !== null) {
        e.preventDefault();
        removeSelected();
      }
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [tool, selected, finishPolygon, removeSelected]);

  const save = async (): Promise<void> => {
    setSaving(true);
    setStatus(null);
    try {
      // One change, so the camera restarts once: its rules and its masks.
      const masksChanged = !sameMasks(masks, masksOf(camera));
      const updated = await call(api.updateCamera, { params: { id: camera.id }, body: { analytics: { ...camera.analytics, lines, zones }, privacyMasks: masks } });
      setCamera(updated);
      // The camera restarts on Save and states no size until it probes its stream again: keep the known one.
      setSize((known) => ruleSpace(updated.health.frameSize, known));
      setDirty(false);
      setStatus({ ok: true, text: savedText(masksChanged, masks.length) });
    } catch (e) {
      setStatus({ ok: false, text: saveError(e) });
    } finally {
      setSaving(false);
    }
  };

  const shapes: Shapes = { lines, zones, masks };
  const problems = problemsOf(shapes);
  const line = selected?.kind === 'line' ? lines[selected.index] : undefined;
  const zone = selected?.kind === 'zone' ? zones[selected.index] : undefined;
  const mask = selected?.kind === 'mask' ? masks[selected.index] : undefined;
  const imageSrc = `/api/cameras/${encodeURIComponent(camera.id)}/live.jpg?t=${imageKey}`;

  return (
    <section className="editor">
      <h1>Zones and lines: {camera.name}</h1>
      {camera.managedBy === 'config' && <p className="notice">This camera is defined in the configuration file: its rules and privacy masks are shown here but can only be changed in that file.</p>}
      <div className="editor-toolbar" role="toolbar" aria-label="Editor tools">
        {TOOLS.map(([t, label]) => (
          <button key={t} type="button" aria-pressed={tool === t} onClick={() => chooseTool(t)}>
            {label}
          </button>
        ))}
        {isPolygonTool(tool) && (
          <button type="button" disabled={draft.length < POLYGON_MIN_POINTS} onClick={finishPolygon}>
            {tool === 'zone' ? 'Finish zone' : 'Finish mask'}
          </button>
        )}
        {draft.length > 0 && (
          <button type="button" onClick={() => setDraft(draft.slice(0, -1))}>
            Undo point
          </button>
        )}
        <button type="button" disabled={selected === null} onClick={removeSelected}>
          Delete selected
        </button>
        <button type="button" onClick={() => setImageKey((k) => k + 1)}>
          Refresh picture
        </button>
      </div>
      <p className="muted" aria-live="polite">{hintOf(tool, draft.length)}</p>
      <div className="editor-body">
        {size === null ? (
          <div className="notice">
            <p role="status">Waiting for the camera’s picture: the editor draws in the pixels of the camera’s stream and does not know their size until the camera has connected. This page carries on by itself once it has.</p>
          </div>
        ) : (
          <EditorCanvas
            imageSrc={imageSrc}
            imageKey={imageKey}
            size={size}
            lines={lines}
            zones={zones}
            masks={masks}
            tool={tool}
            draft={draft}
            selected={selected}
            onAddPoint={addPoint}
            onFinish={finishPolygon}
            onSelect={setSelected}
            onMove={(h: HandleRef, p: Point) => {
              change(movePoint(shapes, h, p));
            }}
          />
        )}
        <aside className="editor-panel card" aria-label="Rules and masks">
          <h2>Rules and masks</h2>
          <ul className="editor-shapes">
            {lines.map((l, i) => (
              <li key={`l${i}`}>
                <button type="button" aria-pressed={selected?.kind === 'line' && selected.index === i} onClick={() => (chooseTool('select'), setSelected({ kind: 'line', index: i }))}>
                  Line {l.name}
                </button>
              </li>
            ))}
            {zones.map((z, i) => (
              <li key={`z${i}`}>
                <button type="button" aria-pressed={selected?.kind === 'zone' && selected.index === i} onClick={() => (chooseTool('select'), setSelected({ kind: 'zone', index: i }))}>
                  Zone {z.name}
                </button>
              </li>
            ))}
            {masks.map((m, i) => (
              <li key={`m${i}`}>
                <button type="button" className="editor-mask-item" aria-pressed={selected?.kind === 'mask' && selected.index === i} onClick={() => (chooseTool('select'), setSelected({ kind: 'mask', index: i }))}>
                  Mask {maskLabel(m, i)}
                </button>
              </li>
            ))}
          </ul>
          {lines.length === 0 && zones.length === 0 && masks.length === 0 && <p className="muted">No lines, zones or masks yet: use “Draw line”, “Draw zone” or “Draw mask”.</p>}
          {line && selected && <EditorLinePanel line={line} onChange={(l) => change({ lines: lines.map((x, i) => (i === selected.index ? l : x)) })} />}
          {zone && selected && <EditorZonePanel zone={zone} onChange={(z) => change({ zones: zones.map((x, i) => (i === selected.index ? z : x)) })} />}
          {mask && selected && <EditorMaskPanel mask={mask} onChange={(m) => change({ masks: masks.map((x, i) => (i === selected.index ? m : x)) })} />}
          {problems.length > 0 && (
            <ul className="error" aria-label="Problems">
              {problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          )}
          <button type="button" className="editor-save" disabled={saving || !dirty || problems.length > 0} onClick={() => void save()}>
            {saving ? 'Saving…' : 'Save'}
          </button>
          {status !== null && (
            <p className={status.ok ? 'ok' : 'error'} role={status.ok ? 'status' : 'alert'}>
              {status.text}
            </p>
          )}
        </aside>
      </div>
    </section>
  );
}

function Editor({ route }: { readonly route: Route }): ReactNode {
  const id = route.parts[1];
  if (id === undefined) return <section><h1>Zones and lines</h1><p className="notice">Pick a camera to edit from the <a href={href('/cameras')}>cameras page</a>.</p></section>;
  return <EditorLoader key={id} cameraId={id} />;
}

/** The Zones and lines page (#/editor/<cameraId>). */
export const editorPage: PageEntry = { path: 'editor', title: 'Zones and lines', nav: false, adminOnly: true, render: ({ route }) => <Editor route={route} /> };
