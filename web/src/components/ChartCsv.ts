/** The line counts and the time spent in zones as CSV, and as a data: URL for a download link. */

/** One row of the counts route. */
export interface CountRow {
  readonly line: string;
  readonly start: number;
  readonly in: number;
  readonly out: number;
}

function cell(value: string): string {
  // Quote every text cell; a leading = + - @ is defused so spreadsheets do not run it as a formula.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

/** CSV text: camera, line, bucket start (ISO 8601, UTC), in, out. */
export function countsCsv(camera: string, rows: readonly CountRow[]): string {
  const lines = ['camera,line,bucket_start_utc,in,out'];
  for (const r of rows) lines.push([cell(camera), cell(r.line), new Date(r.start).toISOString(), r.in, r.out].join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** A data: URL of CSV text, for `<a download href>`. */
export function csvHref(csv: string): string {
  return `data:text/csv;charset=utf-8,${encodeURIComponent(csv)}`;
}

/** One dwell bin as the dwell route describes it. */
export interface DwellBinInfo {
  readonly fromSeconds: number;
  readonly toSeconds: number | null;
}

/** One zone's dwell rows as the dwell route answers them. */
export interface DwellRows {
  readonly rows: readonly { readonly start: number; readonly exits: number; readonly meanSeconds: number; readonly bins: readonly number[] }[];
}

/** The CSV column of a dwell bin: `exits_0_5s`, `exits_60_120s`, `exits_900s_or_more`. */
export function dwellBinColumn(bin: DwellBinInfo): string {
  return bin.toSeconds === null ? `exits_${bin.fromSeconds}s_or_more` : `exits_${bin.fromSeconds}_${bin.toSeconds}s`;
}

/** CSV text of the time spent in zones: camera, zone, bucket start (ISO 8601, UTC), exits, mean seconds, then the exits per dwell bin; by bucket, then zone. */
export function dwellCsv(camera: string, bins: readonly DwellBinInfo[], zones: Readonly<Record<string, DwellRows>>): string {
  const lines = [['camera', 'zone', 'bucket_start_utc', 'exits', 'mean_seconds', ...bins.map(dwellBinColumn)].join(',')];
  const rows = Object.entries(zones)
    .flatMap(([zone, z]) => z.rows.map((r) => ({ zone, ...r })))
    .sort((a, b) => a.start - b.start || (a.zone < b.zone ? -1 : a.zone > b.zone ? 1 : 0));
  for (const r of rows) lines.push([cell(camera), cell(r.zone), new Date(r.start).toISOString(), r.exits, r.meanSeconds, ...bins.map((_, i) => r.bins[i] ?? 0)].join(','));
  return `${lines.join('\r\n')}\r\n`;
}
