export { pointSchema, nameSchema, classesSchema } from './common.ts';
export { detectSchema, motionSchema } from './detect.ts';
export { trackerSchema } from './tracker.ts';
export { lineSchema, zoneSchema, heatmapSchema } from './rules.ts';
export { analyticsConfigSchema, PRESET_NAMES, PRESETS, type AnalyticsConfig, type AnalyticsConfigInput, type PresetName } from './root.ts';
