/** Shapes and small helpers shared by the administration pages: API types, byte sizes and a status line. */
import type { ReactNode } from 'react';
import { API_TOKEN_SCOPES } from '../../../src/core/access.ts';
import type { api, Answer } from '../api/endpoints.ts';
import type { UserWithCameras } from '../api/types.ts';

/** A user with the cameras granted to them. */
export type AdminUser = UserWithCameras;

/** Scopes an API token may hold (the server's list). */
export const TOKEN_SCOPES = API_TOKEN_SCOPES;

/** An API token's record (never its value). */
export type AdminToken = Answer<typeof api.revokeToken>;

/** The answer of GET /api/system. */
export type AdminSystem = Answer<typeof api.system>;

/** Bytes as a short human size (decimal units). */
export function formatBytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let v = n;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v.toFixed(v >= 100 || i === 0 ? 0 : 1)} ${units[i]}`;
}

/** Epoch ms as local date and time, or a dash. */
export function formatTime(ms: number | null): string {
  return ms === null ? '—' : new Date(ms).toLocaleString();
}

/** A result line: green for success, red for failure, announced to screen readers. */
export interface AdminNote {
  readonly ok: boolean;
  readonly text: string;
}

/** Shows a note (or nothing). */
export function AdminStatus({ note }: { readonly note: AdminNote | null }): ReactNode {
  if (note === null) return null;
  return (
    <p role={note.ok ? 'status' : 'alert'} className={note.ok ? 'ok' : 'error'}>
      {note.text}
    </p>
  );
}

/** A horizontal bar of `used` out of `total`, with its label. */
export function AdminBar({ used, total, label }: { readonly used: number; readonly total: number; readonly label: string }): ReactNode {
  const ratio = total > 0 ? Math.min(1, Math.max(0, used / total)) : 0;
  return (
    <div className="admin-bar-wrap">
      <div className="admin-bar" role="meter" aria-label={label} aria-valuemin={0} aria-valuemax={total} aria-valuenow={used}>
        <div className={ratio > 0.9 ? 'admin-bar-fill admin-bar-high' : 'admin-bar-fill'} style={{ width: `${(ratio * 100).toFixed(1)}%` }} />
      </div>
      <span className="muted">
        {formatBytes(used)} of {formatBytes(total)} ({(ratio * 100).toFixed(0)}%)
      </span>
    </div>
  );
}
