/**
 * Time buckets of the store (minutes for counts, hours for heat, UTC days for reports) and the
 * grouping of line crossings into per-minute counts and of zone exits into per-minute dwell,
 * shared by every EventStore implementation.
 */
import { dwellBin, emptyDwellBins } from '../core/rules/dwell.ts';
import type { RuleEvent } from '../core/rules/types.ts';
import type { CountBucket } from './event-store.ts';
import { checkText, invalid } from './store-input.ts';

/** One minute in milliseconds. */
export const MINUTE_MS = 60_000;

/** One hour in milliseconds. */
export const HOUR_MS = 3_600_000;

/** One UTC day in milliseconds. */
export const DAY_MS = 86_400_000;

/** Width of each count bucket in milliseconds. */
export const BUCKET_MS: Readonly<Record<CountBucket, number>> = { minute: MINUTE_MS, hour: HOUR_MS, day: DAY_MS };

/** Start of the bucket of width `size` that holds `time`. */
export function bucketStart(time: number, size: number): number {
  return Math.floor(time / size) * size;
}

/** Crossings of one line in one minute. */
export interface MinuteCount {
  readonly line: string;
  /** Start of the minute, epoch ms. */
  readonly minute: number;
  readonly in: number;
  readonly out: number;
}

/**
 * Groups the line crossings among rule events by line and minute (other event types are skipped);
 * a rule event's `time` is seconds after `streamStartMs`. Throws STORE_INPUT_INVALID for a crossing
 * without direction, a rule without a name, or a time that is not a finite, non-negative instant.
 */
export function crossingsByMinute(streamStartMs: number, events: readonly RuleEvent[]): MinuteCount[] {
  const byKey = new Map<string, { line: string; minute: number; in: number; out: number }>();
  for (const e of events) {
    if (e.type !== 'line_crossing') continue;
    const line = checkText('rule', e.rule);
    if (e.direction !== 'in' && e.direction !== 'out') throw invalid(`line crossing on ${line} at frame ${e.frame} has no direction`);
    const at = streamStartMs + e.time * 1000;
    if (!Number.isFinite(at) || at < 0) throw invalid(`line crossing on ${line} at frame ${e.frame} has time ${e.time}, which is not a valid instant`);
    const minute = bucketStart(at, MINUTE_MS);
    const key = `${minute}\u0000${line}`;
    let c = byKey.get(key);
    if (c === undefined) {
      c = { line, minute, in: 0, out: 0 };
      byKey.set(key, c);
    }
    c[e.direction] += 1;
  }
  return [...byKey.values()];
}

/** The exits of one zone in one minute: how many, their dwell added up and their histogram. */
export interface MinuteDwell {
  readonly zone: string;
  /** Start of the minute, epoch ms. */
  readonly minute: number;
  readonly exits: number;
  /** The exits' dwell added up, ms (each rounded to the ms). */
  readonly dwellMs: number;
  /** Exits per dwell bin, in the order of DWELL_BINS. */
  readonly bins: readonly number[];
}

/**
 * Groups the zone exits among rule events by zone and the minute of the exit (other event types are
 * skipped), with their dwell (`seconds`) summed and binned; a rule event's `time` is seconds after
 * `streamStartMs`. Throws STORE_INPUT_INVALID for an exit without a finite, non-negative `seconds`,
 * a rule without a name, or a time that is not a finite, non-negative instant.
 */
export function exitsByMinute(streamStartMs: number, events: readonly RuleEvent[]): MinuteDwell[] {
  const byKey = new Map<string, { zone: string; minute: number; exits: number; dwellMs: number; bins: number[] }>();
  for (const e of events) {
    if (e.type !== 'zone_exit') continue;
    const zone = checkText('rule', e.rule);
    const seconds = e.seconds;
    if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) throw invalid(`zone exit of ${zone} at frame ${e.frame} has no dwell (seconds ${String(seconds)})`);
    const at = streamStartMs + e.time * 1000;
    if (!Number.isFinite(at) || at < 0) throw invalid(`zone exit of ${zone} at frame ${e.frame} has time ${e.time}, which is not a valid instant`);
    const minute = bucketStart(at, MINUTE_MS);
    const key = `${minute}\u0000${zone}`;
    let d = byKey.get(key);
    if (d === undefined) {
      d = { zone, minute, exits: 0, dwellMs: 0, bins: emptyDwellBins() };
      byKey.set(key, d);
    }
    d.exits += 1;
    d.dwellMs += Math.round(seconds * 1000);
    d.bins[dwellBin(seconds)]! += 1;
  }
  return [...byKey.values()];
}
