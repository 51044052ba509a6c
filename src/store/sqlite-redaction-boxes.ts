/**
 * Redaction boxes on SQLite: the `redaction_boxes` table holds chunks of consecutive frames of one
 * camera (one row per append), each frame `[time, [[x, y, w, h], ...]]` in JSON, so a camera
 * analysed at 5 fps costs a row every few seconds, not five a second; see ./redaction-boxes.ts.
 */
import type { Database } from 'better-sqlite3';
import { SightlineError } from '../core/errors.ts';
import type { RedactionBoxFrame, RedactionBoxStore, UnitRect } from './redaction-boxes.ts';

type StoredFrame = [number, number[][]];

function unit(v: number): boolean {
  return Number.isFinite(v) && v >= 0 && v <= 1;
}

function checkFrames(frames: readonly RedactionBoxFrame[]): void {
  let last = -Infinity;
  for (const f of frames) {
    if (!Number.isSafeInteger(f.time) || f.time < 0) throw new SightlineError('STORE_INPUT_INVALID', `redaction frame time must be epoch ms, got ${f.time}`);
    if (f.time < last) throw new SightlineError('STORE_INPUT_INVALID', `redaction frames must be in time order: ${f.time} after ${last}`);
    last = f.time;
    for (const r of f.rects) {
      if (r.length !== 4 || !r.every(unit)) throw new SightlineError('STORE_INPUT_INVALID', `a redaction rectangle is four fractions of the picture in 0..1, got [${r.join(', ')}]`);
    }
  }
}

/** Rounds a fraction to 1/10,000 (a tenth of a pixel of a 1000-pixel picture): a third of the bytes. */
const round4 = (v: number): number => Math.round(v * 10_000) / 10_000;

/** The redaction boxes of one database; the connection stays the caller's. */
export class SqliteRedactionBoxes implements RedactionBoxStore {
  readonly #db: Database;
  readonly #s;

  constructor(db: Database) {
    this.#db = db;
    this.#s = {
      insert: db.prepare<[string, number, number, string]>('INSERT INTO redaction_boxes (camera_id, start_time, end_time, frames) VALUES (?, ?, ?, ?)'),
      overlapping: db.prepare<[string, number, number], { frames: string }>(
        'SELECT frames FROM redaction_boxes WHERE camera_id = ? AND start_time <= ? AND end_time >= ? ORDER BY start_time, rowid',
      ),
      olderRows: db.prepare<[number], { rowid: number; frames: string; end_time: number }>('SELECT rowid, frames, end_time FROM redaction_boxes WHERE start_time < ?'),
      cameraRows: db.prepare<[string, number, number], { rowid: number; frames: string }>('SELECT rowid, frames FROM redaction_boxes WHERE camera_id = ? AND start_time <= ? AND end_time >= ?'),
      drop: db.prepare<[number]>('DELETE FROM redaction_boxes WHERE rowid = ?'),
      rewrite: db.prepare<[number, number, string, number]>('UPDATE redaction_boxes SET start_time = ?, end_time = ?, frames = ? WHERE rowid = ?'),
    };
  }

  append(cameraId: string, frames: readonly RedactionBoxFrame[]): void {
    if (frames.length === 0) return;
    checkFrames(frames);
    const stored: StoredFrame[] = frames.map((f) => [f.time, f.rects.map((r) => r.map(round4))]);
    try {
      this.#s.insert.run(cameraId, frames[0]!.time, frames.at(-1)!.time, JSON.stringify(stored));
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') throw new SightlineError('CAMERA_NOT_FOUND', `no camera has id ${cameraId}`);
      throw error;
    }
  }

  read(cameraId: string, from: number, to: number): RedactionBoxFrame[] {
    const out: RedactionBoxFrame[] = [];
    for (const row of this.#s.overlapping.all(cameraId, to, from)) {
      for (const [time, rects] of JSON.parse(row.frames) as StoredFrame[]) {
        if (time >= from && time <= to) out.push({ time, rects: rects as unknown as UnitRect[] });
      }
    }
    return out.sort((a, b) => a.time - b.time);
  }

  deleteBefore(time: number): number {
    return this.#db.transaction(() => {
      let gone = 0;
      for (const row of this.#s.olderRows.all(time)) gone += this.#keepOnly(row.rowid, row.frames, (t) => t >= time);
      return gone;
    })();
  }

  deleteRange(cameraId: string, from: number, to: number): number {
    return this.#db.transaction(() => {
      let gone = 0;
      for (const row of this.#s.cameraRows.all(cameraId, to, from)) gone += this.#keepOnly(row.rowid, row.frames, (t) => t < from || t > to);
      return gone;
    })();
  }

  /** Keeps the frames of one row that `keep` accepts (the row goes when none is left); returns how many were dropped. */
  #keepOnly(rowid: number, json: string, keep: (time: number) => boolean): number {
    const frames = JSON.parse(json) as StoredFrame[];
    const kept = frames.filter(([t]) => keep(t));
    if (kept.length === frames.length) return 0;
    if (kept.length === 0) this.#s.drop.run(rowid);
    else this.#s.rewrite.run(kept[0]![0], kept.at(-1)![0], JSON.stringify(kept), rowid);
    return frames.length - kept.length;
  }
}
