/** Live view: a grid of cameras (placeholder until the live player lands). */
import { useEffect, useState, type ReactNode } from 'react';
import { getJson, type Camera } from '../api.ts';
import type { PageEntry } from './registry.ts';

function LiveGrid(): ReactNode {
  const [cameras, setCameras] = useState<readonly Camera[]>([]);
  useEffect(() => {
    void getJson<{ cameras: Camera[] }>('/api/cameras').then((r) => setCameras(r.cameras));
  }, []);
  return (
    <section>
      <h1>Live</h1>
      <ul className="grid">
        {cameras.map((c) => (
          <li key={c.id} className="card">
            <h2>{c.name}</h2>
            <p>{c.health.state}</p>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The live page. */
export const livePage: PageEntry = { path: 'live', title: 'Live', nav: true, adminOnly: false, render: () => <LiveGrid /> };
