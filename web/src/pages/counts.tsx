/** Counting: crossings in and out per line, occupancy per zone, and the counts as CSV. */
import { useMemo, useState, type ReactNode } from 'react';
import { call, errorText, urlOf } from '../api/client.ts';
import { api, type Answer } from '../api/endpoints.ts';
import { rulesOf } from '../api/types.ts';
import { bucketStarts, type Bucket } from '../components/chart-scales.ts';
import { ChartBars } from '../components/ChartBars.tsx';
import { CameraPicker, PeriodPicker, formatTime, useCameras, type Period } from '../components/ChartCameraPicker.tsx';
import { countsCsv, csvHref } from '../components/ChartCsv.ts';
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
}

/** The counts and the occupancy of one camera over one range; the counts page still shows when only the occupancy fails. */
async function loadCounts(id: string, query: { from: number; to: number; bucket: Bucket }, signal: AbortSignal): Promise<Loaded> {
  const params = { id };
  const [counts, occupancy] = await Promise.all([
    call(api.counts, { params, query, signal }),
    call(api.occupancy, { params, query, signal }).then(
      (o) => ({ o, e: null }),
      (e: unknown) => ({ o: null, e: errorText(e) }),
    ),
  ]);
  return { counts, occupancy: occupancy.o, occupancyError: occupancy.e };
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
                <a className="link-button" download={`counts-${cameraName.replace(/[^A-Za-z0-9_-]/g, '_')}-${new Date(from).toISOString().slice(0, 16).replace(':', '')}.csv`} href={csvHref(countsCsv(cameraName, current.counts.rows))}>
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
        </>
      )}
    </section>
  );
}

/** The Counting page. */
export const countsPage: PageEntry = { path: 'counts', title: 'Counting', nav: true, adminOnly: false, render: () => <CountsPage /> };
