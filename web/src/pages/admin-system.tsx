/** System, for admins: host load and memory, the data directory's disk, recording use and per-camera health, refreshed every 5 s. */
import { useEffect, type ReactNode } from 'react';
import { call } from '../api/client.ts';
import { api } from '../api/endpoints.ts';
import { AdminBar, formatBytes } from '../components/AdminShared.tsx';
import { useResource } from '../hooks/use-resource.ts';
import type { PageEntry } from './registry.ts';

const REFRESH_MS = 5000;

function uptime(seconds: number): string {
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return d > 0 ? `${d} d ${h} h` : h > 0 ? `${h} h ${m} min` : `${m} min`;
}

function AdminSystemPage(): ReactNode {
  const { data, error, reload } = useResource(api.system.path, (signal) => call(api.system, { signal }));
  useEffect(() => {
    const timer = setInterval(reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);
  return (
    <section className="admin">
      <h1>System</h1>
      {error !== null && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {data !== null && (
        <>
          <p className="muted">
            Sightline {data.version}, up {uptime(data.uptimeSeconds)}. Refreshed every 5 seconds.
          </p>
          <div className="grid">
            <div className="card">
              <h2>Host</h2>
              <dl className="admin-dl">
                <dt>CPU cores</dt>
                <dd>{data.host.cpus}</dd>
                <dt>Load (1 / 5 / 15 min)</dt>
                <dd>{data.host.loadAverage.map((l) => l.toFixed(2)).join(' / ')}</dd>
                <dt>Detector</dt>
                <dd>
                  {data.detector.running ?? data.detector.backend}, {data.detector.workers} worker(s)
                  {data.detector.pending !== null && `, ${data.detector.pending} frame(s) waiting${data.detector.pending > data.detector.workers ? ' (saturated)' : ''}`}
                </dd>
                <dt>Server process memory</dt>
                <dd>{formatBytes(data.host.processRss)}</dd>
              </dl>
              <h3>Memory in use</h3>
              <AdminBar used={data.host.memory.total - data.host.memory.free} total={data.host.memory.total} label="Memory in use" />
            </div>
            <div className="card">
              <h2>Storage</h2>
              <h3>Disk of the data directory</h3>
              {data.disk === null ? (
                <p className="muted">Unknown.</p>
              ) : (
                <>
                  <p className="muted admin-small admin-url">{data.disk.path}</p>
                  <AdminBar used={data.disk.total - data.disk.free} total={data.disk.total} label="Disk in use" />
                </>
              )}
              <h3>Recordings against their quota</h3>
              <AdminBar used={data.recordings.bytes} total={data.recordings.quotaBytes} label="Recordings against quota" />
              <p className="muted admin-small">{data.recordings.segments} segment(s)</p>
            </div>
          </div>
          <h2>Cameras</h2>
          <div className="admin-scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">Camera</th>
                  <th scope="col">State</th>
                  <th scope="col">fps in</th>
                  <th scope="col">fps analysed</th>
                  <th scope="col">Dropped frames</th>
                  <th scope="col">Reconnects</th>
                  <th scope="col">Recording</th>
                </tr>
              </thead>
              <tbody>
                {data.cameras.map((c) => (
                  <tr key={c.id}>
                    <th scope="row">{c.name}</th>
                    <td>
                      <span className={`admin-state admin-state-${c.health.state}`}>{c.enabled ? c.health.state : 'disabled'}</span>
                      {c.health.lastError !== null && <div className="error admin-small">{c.health.lastError}</div>}
                    </td>
                    <td>{c.health.fps.toFixed(1)}</td>
                    <td>{c.health.analysedFps.toFixed(1)}</td>
                    <td>{c.health.droppedFrames}</td>
                    <td>{c.health.reconnects}</td>
                    <td>{c.health.recording ? 'yes' : 'no'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

/** The System page. */
export const adminSystemPage: PageEntry = { path: 'system', title: 'System', nav: true, adminOnly: true, render: () => <AdminSystemPage /> };
