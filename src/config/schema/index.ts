export { pointSchema, nameSchema, classesSchema } from './common.ts';
export { detectSchema, motionSchema } from './detect.ts';
export { trackerSchema } from './tracker.ts';
export { lineSchema, zoneSchema, heatmapSchema } from './rules.ts';
export { analyticsConfigSchema, type AnalyticsConfig, type AnalyticsConfigInput } from './root.ts';
