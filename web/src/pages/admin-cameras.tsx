/** Cameras, for admins: the list with health, adding (with a connection test), editing and deleting. */
import type { ReactNode } from 'react';
import { call } from '../api/client.ts';
import { api } from '../api/endpoints.ts';
import { AdminCameraForm } from '../components/AdminCameraForm.tsx';
import { AdminCameraRow } from '../components/AdminCameraRow.tsx';
import { useResource } from '../hooks/use-resource.ts';
import type { PageEntry } from './registry.ts';

function AdminCameras(): ReactNode {
  const { data, error, reload } = useResource(api.cameras.path, (signal) => call(api.cameras, { signal }));
  const cameras = data?.cameras ?? [];
  const fromConfig = cameras.some((c) => c.managedBy === 'config');
  return (
    <section className="admin">
      <h1>Cameras</h1>
      {error !== null && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {fromConfig && (
        <p className="notice">
          Cameras marked “config file” are defined in sightline.yml: they are shown read-only here; change them in that file and restart the server.
        </p>
      )}
      {data !== null && cameras.length === 0 && <p className="muted">No cameras yet: add one below.</p>}
      {cameras.length > 0 && (
        <div className="admin-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">URL</th>
                <th scope="col">Managed by</th>
                <th scope="col">Enabled</th>
                <th scope="col">Recording</th>
                <th scope="col">Health</th>
                <th scope="col">fps (in / analysed)</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {cameras.map((c) => (
                <AdminCameraRow key={c.id} camera={c} onChanged={reload} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <AdminCameraForm onAdded={reload} />
    </section>
  );
}

/** The Cameras page. */
export const adminCamerasPage: PageEntry = { path: 'cameras', title: 'Cameras', nav: true, adminOnly: true, render: () => <AdminCameras /> };
