/** The line counts as CSV, and as a data: URL for a download link. */

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
