/** A camera's health in one badge: state, frames per second received and analysed. */
import type { ReactNode } from 'react';
import type { CameraHealth } from '../api/types.ts';

export function HealthBadge({ health }: { readonly health: CameraHealth }): ReactNode {
  return (
    <span className={`live-badge live-${health.state}`}>
      {health.state} · {health.fps.toFixed(1)} fps · {health.analysedFps.toFixed(1)} analysed
    </span>
  );
}
