/**
 * The one mapping between the camera's picture as displayed (CSS pixels on the page) and source
 * pixels, the space lines and zones are stored in: the analysed stream's own size, as the server
 * states it in the camera's health (`frameSize`). The picture the editor shows (live.jpg) is the
 * detector-sized frame with its letterbox padding cut off, so it covers the source's whole field of
 * view but not at the source's size: only its fractions carry over, never its pixel counts.
 */

/** A width and a height in pixels. */
export interface Size {
  readonly width: number;
  readonly height: number;
}

/** A rectangle on the page, in CSS pixels (as `getBoundingClientRect()` gives it). */
export interface Rect {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/** A point on the page, in CSS pixels (as a mouse event's `clientX`, `clientY`). */
export interface PagePoint {
  readonly x: number;
  readonly y: number;
}

/** Whether a size is usable: positive and finite on both sides. */
export function isSize(s: Size | null | undefined): s is Size {
  return s != null && Number.isFinite(s.width) && Number.isFinite(s.height) && s.width > 0 && s.height > 0;
}

/**
 * The part of `box` a picture of the given aspect covers when drawn centred and whole (CSS
 * `object-fit: contain`, SVG `preserveAspectRatio="xMidYMid meet"`): the box itself when the
 * aspects match, else the box less its letterbox bars.
 */
export function containRect(box: Rect, picture: Size): Rect {
  const scale = Math.min(box.width / picture.width, box.height / picture.height);
  const width = picture.width * scale;
  const height = picture.height * scale;
  return { left: box.left + (box.width - width) / 2, top: box.top + (box.height - height) / 2, width, height };
}

/** A point on the page in source pixels: its place on the displayed picture `shown`, kept inside the picture and rounded to whole pixels. */
export function pageToSource(p: PagePoint, shown: Rect, source: Size): [number, number] {
  const fx = (p.x - shown.left) / shown.width;
  const fy = (p.y - shown.top) / shown.height;
  return [Math.round(Math.min(1, Math.max(0, fx)) * source.width), Math.round(Math.min(1, Math.max(0, fy)) * source.height)];
}

/** Where a point in source pixels lies on the displayed picture `shown`, in CSS pixels. */
export function sourceToPage(p: readonly [number, number], shown: Rect, source: Size): PagePoint {
  return { x: shown.left + (p[0] / source.width) * shown.width, y: shown.top + (p[1] / source.height) * shown.height };
}

/**
 * The size rules are drawn in: the source size the server states now, else the one it stated
 * last (a camera that restarts, as it does after a Save, states none until it has probed its
 * stream again), else null: unknown, and the editor waits rather than guess from the picture.
 */
export function ruleSpace(stated: Size | null | undefined, known: Size | null): Size | null {
  if (isSize(stated)) return known !== null && known.width === stated.width && known.height === stated.height ? known : { width: stated.width, height: stated.height };
  return isSize(known) ? known : null;
}
