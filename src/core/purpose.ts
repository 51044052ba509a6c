/**
 * Purpose limitation, the pure part: which analytics a camera's configuration asks for, which ones
 * its stated purpose allows, and what is refused when the two disagree. A camera's purpose lists the
 * analytics it allows; a configuration that asks for another one (counting lines on a camera whose
 * purpose allows only zones) is refused with a message naming the field and the fix.
 */

/**
 * The analytics a purpose can allow: `counting` (counting lines), `zones` (zones with their
 * entrances, exits, occupancy, dwell time and intrusion, loitering or crowd alarms), `heatmap` (the dwell heat
 * map), and `faces` and `plates`, which no analytic of this version uses yet.
 */
export const ANALYTICS = ['counting', 'zones', 'heatmap', 'faces', 'plates'] as const;

/** One analytic a purpose can allow. */
export type Analytic = (typeof ANALYTICS)[number];

/** What each analytic is, in words for people (the transparency page, the web app). */
export const ANALYTIC_WORDS: Readonly<Record<Analytic, string>> = {
  counting: 'counting people or vehicles crossing lines',
  zones: 'zones: presence, occupancy, time spent inside and intrusion, loitering or crowd alarms',
  heatmap: 'a heat map of where people spend time',
  faces: 'face recognition',
  plates: 'licence plate recognition',
};

/** The parts of a camera's analytics configuration that need an analytic. */
export interface AnalyticsUse {
  readonly lines: readonly { readonly name: string }[];
  readonly zones: readonly { readonly name: string }[];
}

/** One analytic a configuration asks for, and where. */
export interface AnalyticRequest {
  readonly analytic: Analytic;
  /** The field that asks for it, relative to the camera, e.g. `analytics.lines`. */
  readonly field: string;
  /** Names of the lines or zones that ask for it. */
  readonly rules: readonly string[];
}

/** A request that the purpose does not allow, with a message for people. */
export interface PurposeViolation extends AnalyticRequest {
  readonly message: string;
}

/**
 * The analytics a configuration asks for, in the order of {@link ANALYTICS}: counting lines need
 * `counting`, zones need `zones`. The heat map is not asked for by configuration: it runs when the
 * purpose allows it (see {@link runningAnalytics}).
 */
export function requestedAnalytics(use: AnalyticsUse): AnalyticRequest[] {
  const out: AnalyticRequest[] = [];
  if (use.lines.length > 0) out.push({ analytic: 'counting', field: 'analytics.lines', rules: use.lines.map((l) => l.name) });
  if (use.zones.length > 0) out.push({ analytic: 'zones', field: 'analytics.zones', rules: use.zones.map((z) => z.name) });
  return out;
}

function inOrder(set: ReadonlySet<Analytic>): Analytic[] {
  return ANALYTICS.filter((a) => set.has(a));
}

/**
 * The analytics a purpose allows, in the order of {@link ANALYTICS}: its stated `allows`; a purpose
 * that states none (a configuration written before purposes existed) allows what the configuration
 * asks for, plus the heat map that every camera kept then.
 */
export function allowedAnalytics(allows: readonly Analytic[] | undefined, use: AnalyticsUse): Analytic[] {
  if (allows !== undefined) return inOrder(new Set(allows));
  return inOrder(new Set<Analytic>([...requestedAnalytics(use).map((r) => r.analytic), 'heatmap']));
}

/** The analytics that run on a camera: those its configuration asks for, and the heat map when its purpose allows it. */
export function runningAnalytics(allows: readonly Analytic[] | undefined, use: AnalyticsUse): Analytic[] {
  const allowed = allowedAnalytics(allows, use);
  const running = new Set<Analytic>(requestedAnalytics(use).map((r) => r.analytic));
  if (allowed.includes('heatmap')) running.add('heatmap');
  return inOrder(running);
}

function quoted(names: readonly string[]): string {
  const shown = names.slice(0, 5).map((n) => `"${n}"`).join(', ');
  return names.length > 5 ? `${shown} and ${names.length - 5} more` : shown;
}

const RULE_WORD: Readonly<Record<string, readonly [string, string]>> = { 'analytics.lines': ['line', 'lines'], 'analytics.zones': ['zone', 'zones'] };

/**
 * What the configuration asks for that the purpose does not allow, each with a message such as
 * `analytics.zones (zone "door") needs "zones", which the purpose does not allow (it allows: counting);
 * add "zones" to purpose.allows or remove the zones`. Empty when everything asked for is allowed.
 */
export function purposeViolations(allows: readonly Analytic[] | undefined, use: AnalyticsUse): PurposeViolation[] {
  const allowed = allowedAnalytics(allows, use);
  return requestedAnalytics(use)
    .filter((r) => !allowed.includes(r.analytic))
    .map((r) => {
      const [one, many] = RULE_WORD[r.field] ?? ['rule', 'rules'];
      const which = `${r.rules.length === 1 ? one : many} ${quoted(r.rules)}`;
      const has = allowed.length === 0 ? 'it allows no analytics' : `it allows: ${allowed.join(', ')}`;
      return { ...r, message: `${r.field} (${which}) needs "${r.analytic}", which the purpose does not allow (${has}); add "${r.analytic}" to purpose.allows or remove the ${many}` };
    });
}
