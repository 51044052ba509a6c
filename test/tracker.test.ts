import { resolveTracker } from '../src/config/resolve.ts';
import { analyticsConfigSchema } from '../src/config/schema/index.ts';
import { createTracker } from '../src/core/tracker/byte-track.ts';
import { trackerContract } from './contracts/tracker-contract.ts';

/** The analysed frame rate the Sightline defaults are resolved for. */
const ANALYSED_FPS = 10;

trackerContract('ByteTrack (defaults)', () => createTracker());
trackerContract('ByteTrack (Sightline config defaults)', () => createTracker(resolveTracker(analyticsConfigSchema.parse({}), ANALYSED_FPS)));
