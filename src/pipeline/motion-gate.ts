import { detectMotion, hasMotion, type MotionState } from '../core/motion.ts';
import type { Frame } from '../ingest/frame-source.ts';

/** Settings of the gate, as the `detect.motion` config section holds them. */
export interface MotionGateOptions {
  readonly enabled: boolean;
  readonly minChangedFraction: number;
  readonly maxSkipSeconds: number;
}

/** Decides per frame whether the detector must run: when something moved, or when it has not run for a while. */
export interface MotionGate {
  shouldDetect(frame: Frame): boolean;
}

/** Creates a gate over the core motion detector; with `enabled: false` every frame is detected. */
export function createMotionGate(options: MotionGateOptions): MotionGate {
  let state: MotionState | null = null;
  let lastDetected = -Infinity;
  return {
    shouldDetect(frame) {
      if (!options.enabled) return true;
      const step = detectMotion(state, frame);
      const first = state === null;
      state = step.state;
      const due = first || frame.time - lastDetected >= options.maxSkipSeconds || hasMotion(step.result, options.minChangedFraction);
      if (due) lastDetected = frame.time;
      return due;
    },
  };
}
