/** A camera's purpose in words: the line the live view shows, and the analytics the camera form offers. */
import { ANALYTIC_WORDS, ANALYTICS, type Analytic } from '../../../src/core/purpose.ts';

/** The analytics the camera form offers: those an analytic of this version uses (faces and plates come later). */
export const OFFERED_ANALYTICS: readonly Analytic[] = ['counting', 'zones', 'heatmap'];

/** The line shown with a camera's live video: `Purpose: <statement>`, or that none was stated. */
export function purposeLine(purpose: { readonly statement: string }): string {
  const statement = purpose.statement.trim();
  return statement === '' ? 'Purpose: not stated by the operator' : `Purpose: ${statement}`;
}

/** The analytics a purpose allows, in words, e.g. "counting, zones"; "none" when it allows none. */
export function allowsText(allows: readonly Analytic[]): string {
  const known = ANALYTICS.filter((a) => allows.includes(a));
  return known.length === 0 ? 'none' : known.join(', ');
}

/** A label for an analytic's checkbox: its name and what it is. */
export function analyticLabel(analytic: Analytic): string {
  return `${analytic}: ${ANALYTIC_WORDS[analytic]}`;
}

/** The analytics picked in a form (checkbox values), in the canonical order, unknown values dropped. */
export function pickedAnalytics(values: readonly unknown[]): Analytic[] {
  return ANALYTICS.filter((a) => values.includes(a));
}
