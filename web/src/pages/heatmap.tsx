/** Heat map: where objects dwelled over a period, drawn by the server over the newest frame. */
import { useState, type ReactNode } from 'react';
import { call, urlOf } from '../api/client.ts';
import { api, type Answer } from '../api/endpoints.ts';
import { CameraPicker, PeriodPicker, useCameras, type Period } from '../components/ChartCameraPicker.tsx';
import { useResource } from '../hooks/use-resource.ts';
import type { PageEntry } from './registry.ts';

const PERIODS: readonly Period[] = [
  { id: '15m', label: 'Last 15 minutes', ms: 15 * 60_000 },
  { id: 'hour', label: 'Last hour', ms: 3_600_000 },
  { id: 'day', label: 'Last day', ms: 86_400_000 },
  { id: 'week', label: 'Last week', ms: 7 * 86_400_000 },
];

interface Totals {
  readonly maxSeconds: number;
  readonly totalSeconds: number;
  readonly cells: number;
}

function totalsOf(grid: Answer<typeof api.heatGrid>['grid']): Totals | null {
  if (grid === null) return null;
  let maxSeconds = 0;
  let totalSeconds = 0;
  let cells = 0;
  for (const s of grid.seconds) {
    if (s > 0) cells++;
    totalSeconds += s;
    maxSeconds = Math.max(maxSeconds, s);
  }
  return totalSeconds > 0 ? { maxSeconds, totalSeconds, cells } : null;
}

function seconds(s: number): string {
  return s < 120 ? `${s.toFixed(1)} s` : s < 7200 ? `${(s / 60).toFixed(1)} min` : `${(s / 3600).toFixed(1)} h`;
}

function HeatmapPage(): ReactNode {
  const { cameras, error } = useCameras();
  const [camera, setCamera] = useState('');
  const [period, setPeriod] = useState('hour');
  const [to, setTo] = useState(() => Date.now());
  const id = camera || cameras?.[0]?.id || '';
  const from = to - (PERIODS.find((p) => p.id === period)?.ms ?? 3_600_000);

  const request = { params: { id }, query: { from, to } };
  const heat = useResource(id === '' ? null : urlOf(api.heatGrid.path, request.params, request.query), (signal) => call(api.heatGrid, { ...request, signal }));
  const totals = heat.data === null ? undefined : totalsOf(heat.data.grid);
  const loadError = heat.error;

  return (
    <section className="heat">
      <h1>Heat map</h1>
      {error !== null && <p className="error">Could not load the cameras: {error}</p>}
      {cameras !== null && cameras.length === 0 && <p className="notice">There are no cameras you may see.</p>}
      {cameras !== null && cameras.length > 0 && (
        <>
          <div className="heat-controls form">
            <CameraPicker cameras={cameras} value={id} onChange={setCamera} />
            <PeriodPicker periods={PERIODS} value={period} onChange={setPeriod} />
            <button type="button" onClick={() => setTo(Date.now())}>
              Refresh
            </button>
          </div>
          {loadError !== null && <p className="error">Could not load the heat map: {loadError}</p>}
          {totals === null && <p className="notice">No heat yet for this period: nobody has been seen by this camera, or its heat map is still being gathered (it is saved every few minutes).</p>}
          {totals !== null && totals !== undefined && (
            <p>
              Longest dwell in one spot: <strong>{seconds(totals.maxSeconds)}</strong> · total dwell: {seconds(totals.totalSeconds)} over {totals.cells} cells
            </p>
          )}
          <img className="heat-image" src={`/api/cameras/${encodeURIComponent(id)}/heatmap.png?from=${from}&to=${to}`} alt={`Heat map of ${cameras.find((c) => c.id === id)?.name ?? id} over the chosen period`} />
        </>
      )}
    </section>
  );
}

/** The Heat map page. */
export const heatmapPage: PageEntry = { path: 'heatmap', title: 'Heat map', nav: true, adminOnly: false, render: () => <HeatmapPage /> };
