/**
 * Checks of what callers give an EventStore, shared by every implementation so that all of them
 * refuse the same inputs with the same STORE_INPUT_INVALID messages.
 */
import { OBJECT_CLASSES, type ObjectClass } from '../core/detection.ts';
import { SightlineError } from '../core/errors.ts';
import type { HeatGrid } from '../core/rules/heat-grid.ts';
import { EVENT_TYPES, type RuleEventType } from '../core/rules/types.ts';
import { DEFAULT_EVENT_LIMIT, MAX_EVENT_LIMIT, type CameraPatch, type NewCamera, type NewEvent, type ZoneOccupancyMinute } from './event-store.ts';
export { EVENT_TYPES } from '../core/rules/types.ts';
import { canonicalJson, isJsonObject, type JsonObject } from '../core/json.ts';


/** Longest name, rule, id or path the store accepts, in characters. */
export const MAX_TEXT_LENGTH = 1024;

/** A STORE_INPUT_INVALID error with this message. */
export function invalid(message: string): SightlineError {
  return new SightlineError('STORE_INPUT_INVALID', message);
}

/** Checks a time: an integer number of epoch milliseconds, not negative. */
export function checkTime(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw invalid(`${name} must be a whole, non-negative number of epoch milliseconds, got ${String(value)}`);
  return value;
}

/** Checks optional range bounds: each a time, and `to` after `from` when both are given. */
export function checkRange(from: number | undefined, to: number | undefined): void {
  if (from !== undefined) checkTime('from', from);
  if (to !== undefined) checkTime('to', to);
  if (from !== undefined && to !== undefined && to <= from) throw invalid(`the time range is empty or reversed: to (${to}) must be after from (${from})`);
}

/** Checks a page size and returns it, or the default when absent. */
export function checkLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_EVENT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_EVENT_LIMIT) throw invalid(`limit must be a whole number from 1 to ${MAX_EVENT_LIMIT}, got ${String(limit)}`);
  return limit;
}

/** Checks a non-empty text field of bounded length and returns it. */
export function checkText(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw invalid(`${name} must be a non-empty string`);
  if (value.length > MAX_TEXT_LENGTH) throw invalid(`${name} is longer than ${MAX_TEXT_LENGTH} characters`);
  return value;
}

/** Checks an optional text field: absent and null both give null. */
export function checkOptionalText(name: string, value: unknown): string | null {
  return value === undefined || value === null ? null : checkText(name, value);
}

/** Checks a JSON object field and returns its canonical text; absent gives `{}`. */
export function checkJson(name: string, value: unknown): string {
  if (value === undefined) return '{}';
  if (!isJsonObject(value)) throw invalid(`${name} must be a JSON object`);
  try {
    return canonicalJson(value as JsonObject);
  } catch (cause) {
    throw new SightlineError('STORE_INPUT_INVALID', `${name} is not valid JSON: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/**
 * Checks a camera URL: credentials must not be part of it (they go in the encrypted credentials).
 * The message never repeats the URL, since it may hold a secret.
 */
export function checkCameraUrl(value: unknown): string {
  const url = checkText('url', value);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    let parsed: URL | null = null;
    try {
      parsed = new URL(url);
    } catch {
      parsed = null;
    }
    const authority = url.slice(url.indexOf('://') + 3).split(/[/?#]/, 1)[0] ?? '';
    if (parsed === null ? authority.includes('@') : parsed.username !== '' || parsed.password !== '') {
      throw invalid('the camera url holds credentials (user:password@); give the url without them and store the credentials apart');
    }
  }
  return url;
}

/** Checks a camera to add. */
export function checkNewCamera(camera: NewCamera): void {
  if (camera.id !== undefined) checkText('id', camera.id);
  checkText('name', camera.name);
  checkCameraUrl(camera.url);
  if (camera.enabled !== undefined && typeof camera.enabled !== 'boolean') throw invalid('enabled must be true or false');
  checkJson('config', camera.config);
}

/** Checks a camera patch. */
export function checkCameraPatch(patch: CameraPatch): void {
  if (patch.name !== undefined) checkText('name', patch.name);
  if (patch.url !== undefined) checkCameraUrl(patch.url);
  if (patch.enabled !== undefined && typeof patch.enabled !== 'boolean') throw invalid('enabled must be true or false');
  if (patch.config !== undefined) checkJson('config', patch.config);
}

/** Checks that a value is one of the object classes. */
export function checkClass(value: unknown): ObjectClass {
  if (!(OBJECT_CLASSES as readonly unknown[]).includes(value)) throw invalid(`class must be one of ${OBJECT_CLASSES.join(', ')}, got ${String(value)}`);
  return value as ObjectClass;
}

/** Checks that a value is one of the event types. */
export function checkEventType(value: unknown): RuleEventType {
  if (!(EVENT_TYPES as readonly unknown[]).includes(value)) throw invalid(`type must be one of ${EVENT_TYPES.join(', ')}, got ${String(value)}`);
  return value as RuleEventType;
}

/** Checks an event to append; the message names the event and the field. */
export function checkNewEvent(e: NewEvent): void {
  const id = checkText('event id', e.id);
  const at = (msg: string): SightlineError => invalid(`event ${id}: ${msg}`);
  try {
    checkText('cameraId', e.cameraId);
    checkEventType(e.type);
    checkText('rule', e.rule);
    checkClass(e.class);
    checkTime('startTime', e.startTime);
    if (e.endTime !== undefined && e.endTime !== null && checkTime('endTime', e.endTime) < e.startTime) throw invalid('endTime is before startTime');
    if (e.trackId !== undefined && e.trackId !== null && !Number.isSafeInteger(e.trackId)) throw invalid('trackId must be a whole number or null');
    if (!Number.isSafeInteger(e.frame) || e.frame < 0) throw invalid('frame must be a whole, non-negative number');
    if (e.direction !== undefined && e.direction !== null && e.direction !== 'in' && e.direction !== 'out') throw invalid('direction must be in, out or null');
    if (e.type === 'line_crossing' && (e.direction === undefined || e.direction === null)) throw invalid('a line_crossing needs a direction');
    checkJson('data', e.data);
    checkOptionalText('snapshotPath', e.snapshotPath);
    checkOptionalText('recording', e.recording);
  } catch (err) {
    if (err instanceof SightlineError) throw at(err.message);
    throw err;
  }
}

/** Checks a zone occupancy row: a zone name, a whole minute, and whole non-negative counts (at most one minute observed). */
export function checkZoneOccupancyMinute(r: ZoneOccupancyMinute): void {
  checkText('zone', r.zone);
  checkTime('minute', r.minute);
  if (r.minute % 60_000 !== 0) throw invalid(`minute must be the start of a minute, got ${r.minute}`);
  for (const [field, v, max] of [['peak', r.peak, 1_000_000], ['objectMs', r.objectMs, 1e12], ['observedMs', r.observedMs, 60_000]] as const) {
    if (!Number.isInteger(v) || v < 0 || v > max) throw invalid(`${field} must be a whole number from 0 to ${max}, got ${String(v)}`);
  }
}

/** Checks a heat grid: positive whole cols and rows, positive cell sizes, one finite non-negative value per cell. */
export function checkHeatGrid(grid: HeatGrid): void {
  if (!Number.isSafeInteger(grid.cols) || grid.cols < 1 || !Number.isSafeInteger(grid.rows) || grid.rows < 1) throw invalid(`heat grid cols and rows must be positive whole numbers, got ${grid.cols}x${grid.rows}`);
  if (!(grid.cellWidth > 0 && Number.isFinite(grid.cellWidth) && grid.cellHeight > 0 && Number.isFinite(grid.cellHeight))) throw invalid('heat grid cell sizes must be positive');
  if (!(grid.seconds instanceof Float64Array) || grid.seconds.length !== grid.cols * grid.rows) throw invalid(`heat grid must hold ${grid.cols * grid.rows} cells`);
  for (const v of grid.seconds) if (!(v >= 0 && Number.isFinite(v))) throw invalid('heat grid cells must be finite and non-negative');
}
