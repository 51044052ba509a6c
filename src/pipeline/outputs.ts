import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ObjectClass } from '../core/detection.ts';
import { SightlineError } from '../core/errors.ts';
import { formatMot } from '../core/metrics/mot-format.ts';
import type { RuleEvent } from '../core/rules/types.ts';
import { interpolateGaps, type TrackRow } from '../core/track-rows.ts';

/**
 * Serialises events as JSON Lines, one event per line with `type`, `rule`, `trackId`, `class`,
 * `frame`, `time` (and `seconds`, the dwell of zone exits and the duration of alarms), times to the ms.
 */
export function eventsJsonl(events: readonly RuleEvent[]): string {
  const ms = (v: number): number => Math.round(v * 1000) / 1000;
  return events.map((e) => JSON.stringify({ ...e, time: ms(e.time), ...(e.seconds !== undefined && { seconds: ms(e.seconds) }) })).join('\n') + (events.length > 0 ? '\n' : '');
}

/**
 * The occupancy series as CSV, `frame,time,zone,count`: one row per analysed frame and zone (the
 * 1-based source frame number, seconds to the ms, the zone's name quoted when it needs to be, the
 * objects of the zone's classes inside), so that a count can be checked frame by frame.
 */
export function occupancyCsv(series: readonly { readonly frame: number; readonly time: number; readonly zones: Readonly<Record<string, number>> }[]): string {
  const quote = (name: string): string => (/[",\r\n]/.test(name) ? `"${name.replace(/"/g, '""')}"` : name);
  const lines = ['frame,time,zone,count'];
  for (const o of series) for (const [zone, count] of Object.entries(o.zones)) lines.push(`${o.frame},${(Math.round(o.time * 1000) / 1000).toFixed(3)},${quote(zone)},${count}`);
  return `${lines.join('\n')}\n`;
}

/**
 * Track rows grouped into MOTChallenge files by class: `tracks.txt` for people (always written,
 * possibly empty), `tracks-<class>.txt` for each other class seen. Short gaps of each track are
 * filled by interpolation first (`maxGapFrames`, 0 for none).
 */
export function trackFiles(rows: readonly TrackRow[], maxGapFrames: number): Map<string, string> {
  const filled = maxGapFrames > 0 ? interpolateGaps(rows, maxGapFrames) : [...rows].sort((a, b) => a.frame - b.frame || a.id - b.id);
  const byClass = new Map<ObjectClass, Map<number, TrackRow[]>>([['person', new Map()]]);
  for (const r of filled) {
    let frames = byClass.get(r.class);
    if (!frames) byClass.set(r.class, (frames = new Map()));
    const list = frames.get(r.frame);
    if (list) list.push(r);
    else frames.set(r.frame, [r]);
  }
  const files = new Map<string, string>();
  for (const [cls, frames] of byClass) {
    const name = cls === 'person' ? 'tracks.txt' : `tracks-${cls}.txt`;
    files.set(name, formatMot([...frames].map(([frame, tracks]) => ({ frame, tracks }))));
  }
  return files;
}

/** Writes files into `dir` (created if needed), each through a temporary name so none is left half-written. */
export async function writeOutputs(dir: string, files: ReadonlyMap<string, string | Buffer>): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    for (const [name, content] of files) {
      const target = path.join(dir, name);
      const tmp = `${target}.tmp-${process.pid}`;
      await writeFile(tmp, content);
      await rename(tmp, target);
    }
  } catch (cause) {
    throw new SightlineError('OUTPUT_FAILED', `cannot write results to ${dir}: ${(cause as Error).message}`, { cause });
  }
}
