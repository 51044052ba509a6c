/** Counting: crossings in and out per line, occupancy per zone, the time spent in each zone, and the counts and dwell as CSV. */
import { useMemo, useState, type ReactNode } from 'react';
import { call, errorText, urlOf } from '../api/client.ts';
import { api, type Answer } from '../api/endpoints.ts';
import { rulesOf } from '../api/types.ts';
import { bucketStarts, formatDwell, medianText, type Bucket } from '../components/chart-scales.ts';
import { ChartBars } from '../components/ChartBars.tsx';
import { CameraPicker, PeriodPicker, formatTime, useCameras, type Period } from '../components/ChartCameraPicker.tsx';
import { countsCsv, csvHref, dwellCsv } from '../components/ChartCsv.ts';
import { ChartDwell } from '../components/ChartDwell.tsx';
import { ChartLines } from '../components/ChartLines.tsx';
import { useResource } from '../hooks/use-resource.ts';
import type { PageEntry } from './registry.ts';

const PERIODS: readonly (Period & { readonly bucket: Bucket })[] = [
  { id: 'hour', label: 'Last hour (per minute)', ms: 3_600_000, bucket: 'minute' },
  { id: 'day', label: 'Last day (per hour)', ms: 86_400_000, bucket: 'hour' },
  { id: 'week', label: 'Last week (per day)', ms: 7 * 86_400_000, bucket: 'day' },
];

interface Loaded {
  readonly counts: Answer<typeof api.counts>;
  readonly occupancy: Answer<typeof api.occupancy> | null;
  readonly occupancyError: string | null;
  readonly dwell: Answer<typeof api.dwell> | null;
  readonly dwellError: string | null;
}

/** An answer, or the error text that kept it from loading. */
function settle<T>(p: Promise<T>): Promise<{ readonly value: T | null; readonly error: string | null }> {
  return p.then(
    (value) => ({ value, error: null }),
    (e: unknown) => ({ value: null, error: errorText(e) }),
  );
}

/** The counts, occupancy and dwell of one camera over one range; the counts page still shows when only the occupancy or the dwell fails. */
async function loadCounts(id: string, query: { from: number; to: number; bucket: Bucket }, signal: AbortSignal): Promise<Loaded> {
  const params = { id };
  const [counts, occupancy, dwell] = await Promise.all([
    call(api.counts, { params, query, signal }),
    settle(call(api.occupancy, { params, query, signal })),
    settle(call(api.dwell, { params, query, signal })),
  ]);
  return { counts, occupancy: occupancy.value, occupancyError: occupancy.error, dwell: dwell.value, dwellError: dwell.error };
}

/** A file name for a download of this camera's figures from `from`: `counts-Gate-2024-06-01T1200.csv`. */
function csvName(kind: string, camera: string, from: number): string {
  return `${kind}-${camera.replace(/[^A-Za-z0-9_-]/g, '_')}-${new Date(from).toISOString().slice(0, 16).replace(':', '')}.csv`;
}

function CountsPage(): ReactNode {
  const { cameras, error } = useCameras();
  const [camera, setCamera] = useState('');
  // The last hour first: a new camera has one bar in a day, sixty in an hour.
  const [periodId, setPeriodId] = useState('hour');
  const [to, setTo] = useState(() => Date.now());
  const id = camera || cameras?.[0]?.id || '';
  const period = PERIODS.find((p) => p.id === periodId) ?? PERIODS[1]!;
  const from = to - period.ms;
  const query = { from, to, bucket: period.bucket };
  const loaded = useResource(id === '' ? null : urlOf(api.counts.path, { id }, query), (signal) => loadCounts(id, query, signal));
  const loadError = loaded.error;

  const starts = useMemo(() => bucketStarts(from, to, period.bucket), [from, to, period.bucket]);
  const current = loaded.data;
  const chosen = cameras?.find((c) => c.id === id);
  // Every line the camera counts on, those with no crossing in the period too (at zero), and lines of the period since removed.
  const configured = useMemo(() => {
    const rules = chosen === undefined ? null : rulesOf(chosen);
    return rules?.ok === true ? rules.lines.map((l) => l.name) : [];
  }, [chosen]);
  const lines = current === null ? [] : [...new Set([...configured, ...Object.keys(current.counts.totals)])].sort();
  const cameraName = chosen?.name ?? id;

  return (
    <section className="counts">
      <h1>Counting</h1>
      {error !== null && <p className="error">Could not load the cameras: {error}</p>}
      {cameras !== null && cameras.length === 0 && <p className="notice">There are no cameras you may see.</p>}
      {cameras !== null && cameras.length > 0 && (
        <div className="chart-controls form">
          <CameraPicker cameras={cameras} value={id} onChange={setCamera} />
          <PeriodPicker periods={PERIODS} value={periodId} onChange={setPeriodId} />
          <button type="button" onClick={() => setTo(Date.now())}>
            Refresh
          </button>
        </div>
      )}
      {loadError !== null && <p className="error">Could not load the counts: {loadError}</p>}
      {id !== '' && current === null && loadError === null && <p className="muted">Loading…</p>}
      {current !== null && (
        <>
          <p className="muted">
            {formatTime(from)} – {formatTime(to)}
          </p>
          <h2>Line crossings</h2>
          {lines.length === 0 ? (
            <p className="notice">No crossings in this period. Lines are drawn in the zone and line editor (admins).</p>
          ) : (
            <>
              <table className="counts-totals">
                <thead>
                  <tr>
                    <th scope="col">Line</th>
                    <th scope="col">In</th>
                    <th scope="col">Out</th>
                  </tr>
                </thead>
                <tbody>
                  {lines.map((l) => (
                    <tr key={l}>
                      <td>{l}</td>
                      <td>{current.counts.totals[l]?.in ?? 0}</td>
                      <td>{current.counts.totals[l]?.out ?? 0}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <p>
                <a className="link-button" download={csvName('counts', cameraName, from)} href={csvHref(countsCsv(cameraName, current.counts.rows))}>
                  Download CSV
                </a>
              </p>
              {lines.map((l) => {
                const byStart = new Map(current.counts.rows.filter((r) => r.line === l).map((r) => [r.start, r]));
                return <ChartBars key={l} line={l} starts={starts} bucket={period.bucket} values={starts.map((s) => ({ in: byStart.get(s)?.in ?? 0, out: byStart.get(s)?.out ?? 0 }))} />;
              })}
            </>
          )}
          <h2>Occupancy (peak per {period.bucket})</h2>
          {current.occupancyError !== null && <p className="error">Could not load the occupancy: {current.occupancyError}</p>}
          {current.occupancy !== null && Object.keys(current.occupancy.zones).length === 0 && <p className="notice">No zones, or nobody entered one in this period.</p>}
          {current.occupancy !== null && Object.keys(current.occupancy.zones).length > 0 && (
            <ChartLines
              starts={starts}
              bucket={period.bucket}
              series={Object.fromEntries(
                Object.entries(current.occupancy.zones).map(([zone, rows]) => {
                  const byStart = new Map(rows.map((r) => [r.start, r.peak]));
                  return [zone, starts.map((s) => byStart.get(s) ?? 0)];
                }),
              )}
            />
          )}
          <h2>Time spent in zones</h2>
          {current.dwellError !== null && <p className="error">Could not load the time spent in zones: {current.dwellError}</p>}
          {current.dwell !== null && <DwellSection dwell={current.dwell} camera={cameraName} from={from} />}
        </>
      )}
    </section>
  );
}

/** The time spent in each zone over the period: a table of the figures, the dwell CSV, and each zone's distribution. */
function DwellSection({ dwell, camera, from }: { readonly dwell: Answer<typeof api.dwell>; readonly camera: string; readonly from: number }): ReactNode {
  const zones = Object.entries(dwell.zones);
  if (zones.length === 0) return <p className="notice">No zones on this camera. Zones are drawn in the zone and line editor (admins).</p>;
  const lastFrom = dwell.bins.at(-1)?.fromSeconds ?? 900;
  const visited = zones.filter(([, z]) => z.total.exits > 0);
  return (
    <>
      <table className="counts-totals dwell-totals">
        <thead>
          <tr>
            <th scope="col">Zone</th>
            <th scope="col">Left the zone</th>
            <th scope="col">Average time inside</th>
            <th scope="col">Median (estimated)</th>
          </tr>
        </thead>
        <tbody>
          {zones.map(([zone, z]) => (
            <tr key={zone}>
              <td>{zone}</td>
              <td>{z.total.exits}</td>
              <td>{formatDwell(z.total.meanSeconds)}</td>
              <td>{medianText(z.total.medianSeconds, lastFrom)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">Each object is counted when it leaves a zone, with the time since it entered. The average is exact; the median is estimated from the durations charted below.</p>
      {visited.length === 0 ? (
        <p className="notice">Nobody left a zone in this period.</p>
      ) : (
        <>
          <p>
            <a className="link-button" download={csvName('dwell', camera, from)} href={csvHref(dwellCsv(camera, dwell.bins, dwell.zones))}>
              Download dwell CSV
            </a>
          </p>
          <div className="dwell-charts">
            {visited.map(([zone, z]) => (
              <ChartDwell key={zone} zone={zone} total={z.total} bins={dwell.bins} />
            ))}
          </div>
        </>
      )}
    </>
  );
}

/** The Counting page. */
export const countsPage: PageEntry = { path: 'counts', title: 'Counting', nav: true, adminOnly: false, render: () => <CountsPage /> };
