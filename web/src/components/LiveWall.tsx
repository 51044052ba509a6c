/**
 * The live wall (`#/live`): the cameras of a group (all of them by default) as tiles of a layout
 * (Auto, or a 1x1, 2x2, 3x3 or 4x4 grid with pages), each with its name, the local time and its
 * health over the picture; a double click or Enter enlarges a tile to the whole wall, a double
 * click, Escape or "Back to the wall" returns; the wall can go fullscreen. Layout, group, page and
 * the groups themselves are kept in this browser (localStorage), nowhere else.
 */
import { useCallback, useEffect, useRef, useState, type FormEvent, type KeyboardEvent, type ReactNode } from 'react';
import type { Camera } from '../api/types.ts';
import { href } from '../router.ts';
import { HealthBadge } from './HealthBadge.tsx';
import { LivePlayer } from './LivePlayer.tsx';
import { camerasOf, clockText, columnsOf, LAYOUTS, newGroupId, pageOf, parseWall, WALL_KEY, type CameraGroup, type Layout, type WallState } from './live-wall-model.ts';
import { purposeLine } from './purpose-text.ts';

function readWall(): WallState {
  try {
    return parseWall(localStorage.getItem(WALL_KEY));
  } catch {
    return parseWall(null);
  }
}

/** The wall's state, written to localStorage on every change. */
function useWallState(): [WallState, (change: (s: WallState) => WallState) => void] {
  const [state, setState] = useState(readWall);
  const update = useCallback((change: (s: WallState) => WallState) => {
    setState((s) => {
      const next = change(s);
      try {
        localStorage.setItem(WALL_KEY, JSON.stringify(next));
      } catch {
        // Storage may be full or refused; the wall still works for this visit.
      }
      return next;
    });
  }, []);
  return [state, update];
}

/** Local time, HH:MM:SS, ticking on each second. */
function TileClock(): ReactNode {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    let timer = 0;
    const tick = (): void => {
      const d = new Date();
      setNow(d);
      timer = window.setTimeout(tick, 1000 - d.getMilliseconds() + 5);
    };
    timer = window.setTimeout(tick, 1000 - new Date().getMilliseconds() + 5);
    return () => window.clearTimeout(timer);
  }, []);
  return (
    <time className="wall-osd-clock" dateTime={now.toISOString()}>
      {clockText(now)}
    </time>
  );
}

function layoutName(l: Layout): string {
  return l === 'auto' ? 'Auto' : l;
}
function layoutLabel(l: Layout): string {
  if (l === 'auto') return 'Auto layout: every camera, as many per row as fit';
  const n = Math.sqrt(Number(l));
  return `${l} ${l === '1' ? 'tile' : 'tiles'} (${n} by ${n})`;
}

interface GroupFormProps {
  readonly cameras: readonly Camera[];
  readonly group: CameraGroup | null;
  readonly onSave: (name: string, cameraIds: readonly string[]) => void;
  readonly onCancel: () => void;
}

/** The form of a new group or of one being edited: its name and a box per camera. */
function GroupForm({ cameras, group, onSave, onCancel }: GroupFormProps): ReactNode {
  const [name, setName] = useState(group?.name ?? '');
  const [chosen, setChosen] = useState<ReadonlySet<string>>(() => new Set(group?.cameraIds ?? []));
  const [problem, setProblem] = useState<string | null>(null);
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (name.trim() === '') return setProblem('Give the group a name.');
    if (chosen.size === 0) return setProblem('Choose at least one camera.');
    onSave(name.trim(), cameras.filter((c) => chosen.has(c.id)).map((c) => c.id));
  };
  const toggle = (id: string): void =>
    setChosen((s) => {
      const next = new Set(s);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  return (
    <form className="card wall-group-form" onSubmit={submit} aria-label={group === null ? 'New camera group' : `Edit camera group ${group.name}`}>
      <h2>{group === null ? 'New camera group' : `Edit group ${group.name}`}</h2>
      <p className="muted">Groups are kept in this browser only: other browsers and other users do not see them.</p>
      <label>
        Group name <input value={name} onChange={(e) => setName(e.target.value)} maxLength={60} autoFocus />
      </label>
      <fieldset>
        <legend>Cameras in the group</legend>
        {cameras.map((c) => (
          <label key={c.id} className="admin-check">
            <input type="checkbox" checked={chosen.has(c.id)} onChange={() => toggle(c.id)} /> {c.name}
          </label>
        ))}
      </fieldset>
      {problem !== null && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      <div className="admin-actions">
        <button type="submit">{group === null ? 'Create group' : 'Save group'}</button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

interface TileProps {
  readonly camera: Camera;
  readonly enlarged: boolean;
  readonly showPurpose: boolean;
  readonly onToggle: (id: string) => void;
}

function WallTile({ camera, enlarged, showPurpose, onToggle }: TileProps): ReactNode {
  const state = camera.health.state;
  const onKey = (e: KeyboardEvent<HTMLDivElement>): void => {
    if (e.key !== 'Enter' || e.target !== e.currentTarget) return;
    e.preventDefault();
    onToggle(camera.id);
  };
  return (
    <li className="card live-card wall-tile-card">
      <div
        className="wall-tile"
        data-camera-id={camera.id}
        role="group"
        tabIndex={0}
        aria-label={`${camera.name}, ${state}`}
        aria-describedby="wall-tile-hint"
        onDoubleClick={() => onToggle(camera.id)}
        onKeyDown={onKey}
        title={enlarged ? 'Double-click to go back to the wall' : 'Double-click to enlarge'}
      >
        <LivePlayer cameraId={camera.id} label={`Live video of ${camera.name}`} />
        <div className="wall-osd" aria-hidden="true">
          <span className="wall-osd-name">{camera.name}</span>
          <TileClock />
          {state !== 'connected' && <span className={`wall-osd-state live-${state}`}>{state}</span>}
        </div>
      </div>
      <div className="live-caption">
        <a href={href(`/live/${encodeURIComponent(camera.id)}`)}>{camera.name}</a>
        <HealthBadge health={camera.health} />
      </div>
      {state !== 'connected' && camera.health.lastError !== null && (
        <p className="wall-tile-error error" role="status">
          {camera.health.lastError}
        </p>
      )}
      {showPurpose && <p className="live-purpose">{purposeLine(camera.purpose)}</p>}
    </li>
  );
}

/** The wall of `cameras` (those the user may see, with their current health). */
export function LiveWall({ cameras }: { readonly cameras: readonly Camera[] | null }): ReactNode {
  const [wall, update] = useWallState();
  const [enlarged, setEnlarged] = useState<string | null>(null);
  const [editing, setEditing] = useState<'new' | 'edit' | null>(null);
  const [fullscreen, setFullscreen] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const wallRef = useRef<HTMLDivElement>(null);
  const returnTo = useRef<string | null>(null);

  useEffect(() => {
    const on = (): void => setFullscreen(document.fullscreenElement !== null && document.fullscreenElement === wallRef.current);
    document.addEventListener('fullscreenchange', on);
    return () => document.removeEventListener('fullscreenchange', on);
  }, []);

  const toggleTile = useCallback((id: string) => {
    returnTo.current = id;
    setEnlarged((e) => (e === id ? null : id));
  }, []);

  // Escape returns from an enlarged tile (in fullscreen the browser's first Escape leaves fullscreen).
  useEffect(() => {
    if (enlarged === null) return;
    const on = (e: globalThis.KeyboardEvent): void => {
      if (e.key === 'Escape') setEnlarged(null);
    };
    document.addEventListener('keydown', on);
    return () => document.removeEventListener('keydown', on);
  }, [enlarged]);

  // Focus follows the tile: onto the enlarged one, and back onto it on the wall.
  useEffect(() => {
    const id = returnTo.current;
    if (id === null) return;
    returnTo.current = null;
    wallRef.current?.querySelector<HTMLElement>(`.wall-tile[data-camera-id="${CSS.escape(id)}"]`)?.focus();
  }, [enlarged]);

  const all = cameras ?? [];
  const inGroup = camerasOf(all, wall.groups, wall.groupId);
  const paged = pageOf(inGroup, wall.layout, wall.page);
  const enlargedCamera = enlarged === null ? undefined : inGroup.find((c) => c.id === enlarged);
  const shown = enlargedCamera !== undefined ? [enlargedCamera] : paged.items;
  const columns = enlargedCamera !== undefined ? 1 : columnsOf(wall.layout);
  const group = wall.groups.find((g) => g.id === wall.groupId) ?? null;

  const setLayout = (layout: Layout): void => update((s) => ({ ...s, layout, page: 0 }));
  const setGroup = (groupId: string | null): void => {
    setEnlarged(null);
    update((s) => ({ ...s, groupId, page: 0 }));
  };
  const setPage = (page: number): void => update((s) => ({ ...s, page }));
  const toggleFullscreen = (): void => {
    const el = wallRef.current;
    if (el === null) return;
    const done = document.fullscreenElement !== null ? document.exitFullscreen() : el.requestFullscreen();
    done.catch((e: unknown) => setNotice(`Fullscreen is not available: ${e instanceof Error ? e.message : String(e)}`));
  };
  const saveGroup = (name: string, cameraIds: readonly string[]): void => {
    if (editing === 'edit' && group !== null) {
      update((s) => ({ ...s, groups: s.groups.map((g) => (g.id === group.id ? { ...g, name, cameraIds } : g)), page: 0 }));
      setNotice(`Group ${name} saved.`);
    } else {
      update((s) => {
        const id = newGroupId(s.groups);
        return { ...s, groups: [...s.groups, { id, name, cameraIds }], groupId: id, page: 0 };
      });
      setNotice(`Group ${name} created.`);
    }
    setEnlarged(null);
    setEditing(null);
  };
  const deleteGroup = (): void => {
    if (group === null) return;
    update((s) => ({ ...s, groups: s.groups.filter((g) => g.id !== group.id), groupId: null, page: 0 }));
    setNotice(`Group ${group.name} deleted.`);
  };

  return (
    <div ref={wallRef} className={`wall${fullscreen ? ' wall-fullscreen' : ''}`}>
      <div className="wall-toolbar" role="toolbar" aria-label="Live wall">
        <div role="group" aria-label="Layout" className="wall-layouts">
          <span className="wall-toolbar-label" aria-hidden="true">
            Layout
          </span>
          {LAYOUTS.map((l) => (
            <button key={l} type="button" aria-pressed={wall.layout === l} aria-label={layoutLabel(l)} onClick={() => setLayout(l)}>
              {layoutName(l)}
            </button>
          ))}
        </div>
        <label className="wall-group-pick">
          Camera group{' '}
          <select value={wall.groupId ?? ''} onChange={(e) => setGroup(e.target.value === '' ? null : e.target.value)}>
            <option value="">All cameras</option>
            {wall.groups.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => setEditing('new')} disabled={all.length === 0}>
          New group…
        </button>
        {group !== null && (
          <>
            <button type="button" onClick={() => setEditing('edit')}>
              Edit group…
            </button>
            <button type="button" onClick={deleteGroup}>
              Delete group
            </button>
          </>
        )}
        <button type="button" onClick={toggleFullscreen}>
          {fullscreen ? 'Exit fullscreen' : 'Fullscreen'}
        </button>
        {enlargedCamera === undefined && paged.pages > 1 && (
          <div className="wall-pages" role="group" aria-label="Pages">
            <button type="button" onClick={() => setPage(paged.page - 1)} disabled={paged.page === 0}>
              Previous
            </button>
            <span aria-live="polite">
              page {paged.page + 1} of {paged.pages}
            </span>
            <button type="button" onClick={() => setPage(paged.page + 1)} disabled={paged.page === paged.pages - 1}>
              Next
            </button>
          </div>
        )}
      </div>
      <p className="muted wall-note">
        Camera groups, the layout and the page are kept in this browser only. <span id="wall-tile-hint">Double-click a picture, or press Enter on it, to enlarge it; Escape goes back.</span>
      </p>
      {notice !== null && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      {editing !== null && <GroupForm key={editing === 'edit' ? (group?.id ?? 'new') : 'new'} cameras={all} group={editing === 'edit' ? group : null} onSave={saveGroup} onCancel={() => setEditing(null)} />}
      {cameras === null && <p className="muted">Loading…</p>}
      {cameras?.length === 0 && <p className="muted">No cameras to show.</p>}
      {cameras !== null && cameras.length > 0 && inGroup.length === 0 && <p className="muted">None of this group's cameras is here any more. Edit the group or choose another.</p>}
      {enlargedCamera !== undefined && (
        <p>
          <button type="button" onClick={() => toggleTile(enlargedCamera.id)}>
            Back to the wall
          </button>
        </p>
      )}
      <ul
        className={`wall-grid${columns === null ? ' grid live-grid' : ' wall-fixed'}${enlargedCamera !== undefined ? ' wall-enlarged' : ''}`}
        style={columns === null ? undefined : { gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))`, ...(fullscreen && { gridTemplateRows: `repeat(${columns}, minmax(0, 1fr))` }) }}
        data-layout={enlargedCamera !== undefined ? 'enlarged' : wall.layout}
        aria-label={group === null ? 'All cameras' : `Group ${group.name}`}
      >
        {shown.map((c) => (
          <WallTile key={c.id} camera={c} enlarged={enlargedCamera !== undefined} showPurpose={wall.layout === 'auto' && enlargedCamera === undefined} onToggle={toggleTile} />
        ))}
      </ul>
    </div>
  );
}
