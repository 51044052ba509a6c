/** Shapes and small helpers shared by the administration pages: API types, error text, byte sizes, a status line and a loader hook. */
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { ApiError, getJson } from '../api.ts';

/** A user with the cameras granted to them. */
export interface AdminUser {
  readonly id: string;
  readonly name: string;
  readonly role: 'admin' | 'operator' | 'viewer';
  readonly createdAt: number;
  readonly disabled: boolean;
  readonly cameras: readonly string[];
}

/** Scopes an API token may hold. */
export const TOKEN_SCOPES = ['metrics:read', 'events:read', 'cameras:read', 'recordings:read'] as const;

/** An API token's record (never its value). */
export interface AdminToken {
  readonly id: string;
  readonly name: string;
  readonly scopes: readonly string[];
  readonly createdBy: string;
  readonly createdAt: number;
  readonly expiresAt: number | null;
  readonly lastUsedAt: number | null;
  readonly revokedAt: number | null;
}

/** One audit log entry. */
export interface AdminAuditEntry {
  readonly seq: number;
  readonly time: number;
  readonly actor: string;
  readonly action: string;
  readonly target: string | null;
  readonly details: Record<string, unknown>;
}

/** The audit log's hash chain check. */
export type AdminAuditVerify = { readonly ok: true; readonly entries: number } | { readonly ok: false; readonly firstBadSeq: number; readonly reason: string };

/** A camera's health as /api/system shows it. */
export interface AdminHealth {
  readonly state: string;
  readonly fps: number;
  readonly analysedFps: number;
  readonly droppedFrames: number;
  readonly reconnects: number;
  readonly lastError: string | null;
  readonly recording: boolean;
}

/** Notification targets, without secrets. */
export interface AdminNotifications {
  readonly mqtt: { readonly url: string; readonly prefix: string; readonly hasCredentials: boolean } | null;
  readonly webhooks: readonly { readonly name: string; readonly url: string; readonly types: readonly string[] | null; readonly cameras: readonly string[] | null }[];
  readonly smtp: { readonly host: string; readonly port: number; readonly secure: boolean; readonly from: string; readonly to: readonly string[]; readonly types: readonly string[] } | null;
  readonly outboxPending: number;
}

/** The answer of GET /api/system. */
export interface AdminSystem {
  readonly version: string;
  readonly uptimeSeconds: number;
  readonly host: { readonly cpus: number; readonly loadAverage: readonly number[]; readonly memory: { readonly total: number; readonly free: number }; readonly processRss: number };
  readonly disk: { readonly path: string; readonly total: number; readonly free: number } | null;
  readonly detector: { readonly backend: string; readonly workers: number; readonly running: string | null; readonly pending: number | null };
  readonly recordings: { readonly bytes: number; readonly segments: number; readonly quotaBytes: number };
  readonly cameras: readonly { readonly id: string; readonly name: string; readonly enabled: boolean; readonly health: AdminHealth }[];
  readonly notifications: AdminNotifications;
}

/** The message to show for a failure: the server's own when it sent one. */
export function errorText(err: unknown): string {
  return err instanceof ApiError || err instanceof Error ? err.message : String(err);
}

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

/** Loads a JSON resource: the data, the failure, and a reload function. */
export function useAdminLoad<T>(url: string | null): { readonly data: T | null; readonly error: string | null; readonly reload: () => Promise<void> } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(async (): Promise<void> => {
    if (url === null) return;
    try {
      setData(await getJson<T>(url));
      setError(null);
    } catch (err) {
      setError(errorText(err));
    }
  }, [url]);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, error, reload };
}
