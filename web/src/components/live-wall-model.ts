/**
 * The live wall's state, pure: its layout (Auto or a grid of 1, 4, 9 or 16 tiles), its camera
 * groups (kept in this browser), the page shown, how the cameras of a group fall into pages, and
 * the clock text of a tile. The wall keeps it in localStorage under `WALL_KEY`.
 */

/** The layouts: Auto (every camera, as many columns as fit) or a square grid of that many tiles. */
export const LAYOUTS = ['auto', '1', '4', '9', '16'] as const;
export type Layout = (typeof LAYOUTS)[number];

/** A named set of cameras, kept in this browser. */
export interface CameraGroup {
  readonly id: string;
  readonly name: string;
  readonly cameraIds: readonly string[];
}

/** What the wall remembers across reloads. `groupId` null: all cameras. */
export interface WallState {
  readonly layout: Layout;
  readonly groupId: string | null;
  /** Zero-based. */
  readonly page: number;
  readonly groups: readonly CameraGroup[];
}

/** The localStorage key of the wall's state. */
export const WALL_KEY = 'sightline.liveWall';

export const DEFAULT_WALL: WallState = { layout: 'auto', groupId: null, page: 0, groups: [] };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function groupOf(v: unknown): CameraGroup | null {
  if (!isRecord(v) || typeof v['id'] !== 'string' || typeof v['name'] !== 'string' || !Array.isArray(v['cameraIds'])) return null;
  const name = v['name'].trim();
  if (v['id'] === '' || name === '') return null;
  return { id: v['id'], name, cameraIds: [...new Set(v['cameraIds'].filter((c): c is string => typeof c === 'string'))] };
}

/** The state stored as `text` (JSON), the defaults for whatever is missing or malformed. */
export function parseWall(text: string | null): WallState {
  if (text === null) return DEFAULT_WALL;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return DEFAULT_WALL;
  }
  if (!isRecord(v)) return DEFAULT_WALL;
  const layout = (LAYOUTS as readonly unknown[]).includes(v['layout']) ? (v['layout'] as Layout) : DEFAULT_WALL.layout;
  const groups: CameraGroup[] = [];
  for (const g of Array.isArray(v['groups']) ? v['groups'] : []) {
    const group = groupOf(g);
    if (group !== null && !groups.some((o) => o.id === group.id)) groups.push(group);
  }
  const groupId = typeof v['groupId'] === 'string' && groups.some((g) => g.id === v['groupId']) ? v['groupId'] : null;
  const page = typeof v['page'] === 'number' && Number.isInteger(v['page']) && v['page'] >= 0 ? v['page'] : 0;
  return { layout, groupId, page, groups };
}

/** Tiles on one page: every camera for Auto. */
export function tilesPerPage(layout: Layout, cameras: number): number {
  return layout === 'auto' ? Math.max(1, cameras) : Number(layout);
}

/** Columns of a fixed layout (1, 2, 3, 4); null for Auto (as many as fit). */
export function columnsOf(layout: Layout): number | null {
  return layout === 'auto' ? null : Math.sqrt(Number(layout));
}

/** The items of page `page` (clamped into range) of `items` laid out as `layout`, with that page and the count of pages (at least 1). */
export function pageOf<T>(items: readonly T[], layout: Layout, page: number): { readonly items: readonly T[]; readonly page: number; readonly pages: number } {
  const per = tilesPerPage(layout, items.length);
  const pages = Math.max(1, Math.ceil(items.length / per));
  const p = Math.min(Math.max(0, Math.floor(page)), pages - 1);
  return { items: items.slice(p * per, (p + 1) * per), page: p, pages };
}

/** The cameras of a group, in the order of `cameras` (all of them with no group, or a group that is gone). */
export function camerasOf<T extends { readonly id: string }>(cameras: readonly T[], groups: readonly CameraGroup[], groupId: string | null): readonly T[] {
  const group = groups.find((g) => g.id === groupId);
  if (group === undefined) return cameras;
  const ids = new Set(group.cameraIds);
  return cameras.filter((c) => ids.has(c.id));
}

/** A group id not yet used by `groups`. */
export function newGroupId(groups: readonly CameraGroup[], random: () => number = Math.random): string {
  for (;;) {
    const id = `g${Math.floor(random() * 36 ** 6).toString(36)}`;
    if (!groups.some((g) => g.id === id)) return id;
  }
}

/** Local time as an NVR's on-screen clock shows it: HH:MM:SS, 24 hours. */
export function clockText(d: Date): string {
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}
