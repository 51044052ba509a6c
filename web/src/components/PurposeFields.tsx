/** The purpose of a camera in a form: its statement (required) and the analytics it allows, as checkboxes. */
import type { ReactNode } from 'react';
import type { Analytic } from '../../../src/core/purpose.ts';
import { analyticLabel, OFFERED_ANALYTICS, pickedAnalytics } from './purpose-text.ts';

interface Props {
  readonly statement: string;
  readonly allows: readonly Analytic[];
  readonly onStatement: (statement: string) => void;
  readonly onAllows: (allows: readonly Analytic[]) => void;
}

/** A camera's purpose fields; analytics the form does not offer (faces, plates) that are already allowed stay allowed. */
export function PurposeFields({ statement, allows, onStatement, onAllows }: Props): ReactNode {
  const toggle = (analytic: Analytic, on: boolean): void => onAllows(pickedAnalytics(on ? [...allows, analytic] : allows.filter((a) => a !== analytic)));
  return (
    <>
      <label className="purpose-statement">
        Purpose (what the camera is for; shown with its live video and on the public transparency page)
        <input value={statement} onChange={(e) => onStatement(e.target.value)} required maxLength={500} placeholder="Count visitors at the main entrance" />
      </label>
      <fieldset className="purpose-allows">
        <legend>Analytics this purpose allows (anything else is refused)</legend>
        {OFFERED_ANALYTICS.map((a) => (
          <label key={a} className="admin-check">
            <input type="checkbox" checked={allows.includes(a)} onChange={(e) => toggle(a, e.target.checked)} /> {analyticLabel(a)}
          </label>
        ))}
      </fieldset>
    </>
  );
}
