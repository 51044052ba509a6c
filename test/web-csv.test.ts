/** The counts and dwell CSVs: header, quoting, doubled quotes, defused formula prefixes, UTC times, and the download URL. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DWELL_BINS } from '../src/core/rules/dwell.ts';
import { countsCsv, csvHref, dwellCsv } from '../web/src/components/ChartCsv.ts';

const T = Date.UTC(2024, 5, 1, 12);

test('countsCsv writes a header and one row per bucket, CRLF line ends', () => {
  assert.equal(countsCsv('Gate', []), 'camera,line,bucket_start_utc,in,out\r\n');
  assert.equal(
    countsCsv('Gate', [
      { line: 'door', start: T, in: 3, out: 1 },
      { line: 'door', start: T + 3_600_000, in: 0, out: 2 },
    ]),
    'camera,line,bucket_start_utc,in,out\r\n"Gate","door",2024-06-01T12:00:00.000Z,3,1\r\n"Gate","door",2024-06-01T13:00:00.000Z,0,2\r\n',
  );
});

test('text cells are quoted, quotes doubled, and formula prefixes defused', () => {
  const cases: [string, string][] = [
    ['plain', '"plain"'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['line\nbreak', '"line\nbreak"'],
    ['=SUM(A1)', '"\'=SUM(A1)"'],
    ['+1', '"\'+1"'],
    ['-1', '"\'-1"'],
    ['@cmd', '"\'@cmd"'],
    ['\tx', '"\'\tx"'],
    ['\rx', '"\'\rx"'],
    ['a=b', '"a=b"'],
    ['=" quote', '"\'="" quote"'],
  ];
  for (const [name, want] of cases) {
    const row = countsCsv(name, [{ line: 'l', start: T, in: 0, out: 0 }]).split('\r\n')[1];
    assert.equal(row, `${want},"l",2024-06-01T12:00:00.000Z,0,0`, JSON.stringify(name));
  }
  const lineRow = countsCsv('cam', [{ line: '=1+1', start: T, in: 1, out: 1 }]).split('\r\n')[1];
  assert.equal(lineRow, '"cam","\'=1+1",2024-06-01T12:00:00.000Z,1,1');
});

test('csvHref is a data: URL that decodes back to the CSV', () => {
  const csv = countsCsv('Gate #1 ünïcode', [{ line: 'door', start: T, in: 1, out: 0 }]);
  const href = csvHref(csv);
  assert.ok(href.startsWith('data:text/csv;charset=utf-8,'));
  assert.equal(decodeURIComponent(href.slice('data:text/csv;charset=utf-8,'.length)), csv);
  assert.ok(!href.includes('#') && !href.includes(' '), 'no raw # or space in the URL');
});

test('dwellCsv: one row per zone and bucket with exits, by bucket then zone, a column per dwell bin', () => {
  const header = 'camera,zone,bucket_start_utc,exits,mean_seconds,exits_0_5s,exits_5_15s,exits_15_30s,exits_30_60s,exits_60_120s,exits_120_300s,exits_300_900s,exits_900s_or_more';
  assert.equal(dwellCsv('Gate', DWELL_BINS, {}), `${header}\r\n`);
  const csv = dwellCsv('Gate', DWELL_BINS, {
    yard: { rows: [{ start: T, exits: 1, meanSeconds: 1000, bins: [0, 0, 0, 0, 0, 0, 0, 1] }] },
    '=plaza': { rows: [{ start: T, exits: 2, meanSeconds: 5, bins: [1, 1, 0, 0, 0, 0, 0, 0] }, { start: T + 60_000, exits: 1, meanSeconds: 40.5, bins: [0, 0, 0, 1, 0, 0, 0, 0] }] },
    empty: { rows: [] },
  });
  assert.equal(
    csv,
    [
      header,
      '"Gate","\'=plaza",2024-06-01T12:00:00.000Z,2,5,1,1,0,0,0,0,0,0',
      '"Gate","yard",2024-06-01T12:00:00.000Z,1,1000,0,0,0,0,0,0,0,1',
      '"Gate","\'=plaza",2024-06-01T12:01:00.000Z,1,40.5,0,0,0,1,0,0,0,0',
      '',
    ].join('\r\n'),
  );
});
