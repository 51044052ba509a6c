/**
 * What the public transparency page says, put together from the configuration, the cameras and the
 * audit log: who operates the cameras, what each is for, records and analyses, how long each kind
 * of data is kept, how often video was watched, played, exported or erased per month, and when the
 * audit chain was last verified. It holds no picture, no stream URL and no user name: the audit log
 * is only counted, by action.
 */
import type { ServerConfig } from '../config/schema/server.ts';
import { runningAnalytics } from '../core/purpose.ts';
import type { CameraView } from '../live/camera-service.ts';
import type { AuditLog } from '../store/audit-log.ts';
import type { RETENTION_KINDS, Transparency } from './schemas/transparency.ts';

/** One line of the retention summary. */
export interface RetentionLine {
  readonly kind: (typeof RETENTION_KINDS)[number];
  readonly what: string;
  /** Deleted once older than this many hours; null when no automatic limit applies. */
  readonly hours: number | null;
  readonly keptFor: string;
}

/** A duration in hours in words: hours up to four days ("72 hours"), then days ("14 days"), whole years ("1 year"). */
export function durationWords(hours: number): string {
  const plural = (n: number, unit: string): string => `${Number.isInteger(n) ? n : n.toFixed(1)} ${unit}${n === 1 ? '' : 's'}`;
  if (hours < 96) return plural(Math.round(hours * 10) / 10, 'hour');
  const days = hours / 24;
  if (days >= 365 && days % 365 === 0) return plural(days / 365, 'year');
  return plural(Math.round(days * 10) / 10, 'day');
}

/**
 * How long each kind of data is kept, from the configuration (`retention`): video, event snapshots
 * and the redaction boxes kept with the video by `videoHours` (sooner when the disk quota is
 * reached), events, aggregates and the audit log by their own limits. The one place that turns
 * retention settings into words: a new setting is one more line here.
 */
export function retentionSummary(config: Pick<ServerConfig, 'recording' | 'retention'>): RetentionLine[] {
  const r = config.retention;
  const videoHours = r.videoHours;
  const video = `${durationWords(videoHours)}, sooner when the recordings fill their disk quota (${config.recording.maxDiskGb} GB)`;
  const days = (d: number): { hours: number; keptFor: string } => ({ hours: d * 24, keptFor: durationWords(d * 24) });
  return [
    { kind: 'video', what: 'Recorded video', hours: videoHours, keptFor: video },
    { kind: 'snapshots', what: 'Still pictures kept with events, and where the people in the video are (to hide them)', hours: videoHours, keptFor: video },
    { kind: 'events', what: 'Events (what the analytics noticed, when, without pictures)', ...days(r.eventDays) },
    { kind: 'aggregates', what: 'Counts, occupancy, time spent in zones and heat maps (totals per minute or hour, no pictures, no identities)', ...days(r.aggregateDays) },
    { kind: 'audit', what: 'The audit log of every use (sign-ins, views, playbacks, exports, changes)', ...days(r.auditDays) },
  ];
}

/**
 * Which audit actions each monthly total counts. Unredacted grants and erasures count the actions
 * their features write; exports count subject-access exports (one person visible) as well.
 */
export const USAGE_ACTIONS = {
  liveViews: ['live_view'],
  playbacks: ['playback'],
  exports: ['export', 'subject_export'],
  unredactedGrants: ['unredacted_grant'],
  erasures: ['erase'],
} as const satisfies Record<keyof Omit<Transparency['usage']['months'][number], 'month'>, readonly string[]>;

/** How many months the page counts, the current one included. */
export const USAGE_MONTHS = 12;

/** The UTC calendar months `[from, to)` that end with the one holding `now`, newest first. */
export function monthsBefore(now: number, count: number): { readonly month: string; readonly from: number; readonly to: number }[] {
  const d = new Date(now);
  const out: { month: string; from: number; to: number }[] = [];
  for (let i = 0; i < count; i++) {
    const from = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - i, 1);
    const to = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - i + 1, 1);
    const start = new Date(from);
    out.push({ month: `${start.getUTCFullYear()}-${String(start.getUTCMonth() + 1).padStart(2, '0')}`, from, to });
  }
  return out;
}

/** The monthly totals of the audit log, newest month first. */
export function usageMonths(audit: Pick<AuditLog, 'countByAction'>, now: number, count = USAGE_MONTHS): Transparency['usage']['months'] {
  return monthsBefore(now, count).map(({ month, from, to }) => {
    const counts = audit.countByAction(from, to);
    const total = (actions: readonly string[]): number => actions.reduce((n, a) => n + (counts[a] ?? 0), 0);
    return {
      month,
      liveViews: total(USAGE_ACTIONS.liveViews),
      playbacks: total(USAGE_ACTIONS.playbacks),
      exports: total(USAGE_ACTIONS.exports),
      unredactedGrants: total(USAGE_ACTIONS.unredactedGrants),
      erasures: total(USAGE_ACTIONS.erasures),
    };
  });
}

/** A camera as the public sees it: no URL, no health, no rules' geometry. */
export function publicCamera(c: CameraView): Transparency['cameras'][number] {
  return {
    name: c.name,
    enabled: c.enabled,
    purpose: { statement: c.purpose.statement, allows: [...c.purpose.allows] },
    recording: { mode: c.enabled ? c.record.mode : 'off', preRollSeconds: c.record.preRollSeconds, postRollSeconds: c.record.postRollSeconds },
    snapshots: c.enabled && c.snapshots,
    analytics: c.enabled ? runningAnalytics(c.purpose.allows, c.analytics) : [],
  };
}

/** How long the audit-derived parts (the chain's verification and the monthly totals) are kept before they are worked out again, ms. */
export const AUDIT_CACHE_MS = 5 * 60_000;

type AuditPart = Pick<Transparency, 'usage' | 'auditChain'>;

/**
 * The transparency report of one server. The audit chain is verified, and the log counted, at most
 * once per {@link AUDIT_CACHE_MS} (the page is public: nobody can make the server walk the chain on
 * every request); the cameras are read fresh each time.
 */
export class TransparencyReport {
  #audit: { readonly at: number; readonly part: AuditPart } | null = null;

  constructor(
    private readonly deps: {
      readonly config: Pick<ServerConfig, 'recording' | 'retention' | 'transparency'>;
      readonly cameras: { list(): Promise<readonly CameraView[]> };
      readonly audit: Pick<AuditLog, 'verify' | 'countByAction'>;
      readonly now: () => number;
    },
  ) {}

  /** The report, for the page at `url`. */
  async build(url: string): Promise<Transparency> {
    const now = this.deps.now();
    const cameras = (await this.deps.cameras.list()).map(publicCamera).sort((a, b) => a.name.localeCompare(b.name));
    const t = this.deps.config.transparency;
    return {
      generatedAt: now,
      url,
      operator: { name: t.operator ?? null, contact: t.contact ?? null },
      cameras,
      retention: retentionSummary(this.deps.config),
      ...this.auditPart(now),
    };
  }

  private auditPart(now: number): AuditPart {
    const cached = this.#audit;
    if (cached !== null && now - cached.at < AUDIT_CACHE_MS && now >= cached.at) return cached.part;
    const v = this.deps.audit.verify();
    const part: AuditPart = {
      usage: { months: usageMonths(this.deps.audit, now), countedAt: now },
      auditChain: { verifiedAt: now, intact: v.ok, entries: v.ok ? v.entries : null, firstBadEntry: v.ok ? null : v.firstBadSeq },
    };
    this.#audit = { at: now, part };
    return part;
  }
}
