/** Recording: the segment index, the recorder per camera, retention and the RecordingService. */
export { eventKeepFromStore, EVENT_LOOKBACK_MS, type CameraRecordMode } from './event-keep.ts';
export { exportParts, type ExportOptions, type ExportPart } from './export-range.ts';
export { Recorder, type RecorderOptions, type RecorderState } from './recorder.ts';
export { LocalRecordingService, type RecordingServiceLimits, type RecordingServiceOptions } from './recording-service.ts';
export { fileSegment, recoverSegments, type RecoverOptions, type RecoveryReport } from './recover-segments.ts';
export { planRetention, type EventKeep, type EventSpan, type RetentionDeletion, type RetentionInput, type RetentionReason, type RetentionSegment } from './retention-plan.ts';
export { RetentionRunner, type KeepProvider, type RetentionDeleted, type RetentionLimits, type RetentionReport, type RetentionRunnerOptions } from './retention-runner.ts';
export { MAX_SEGMENT_MS, type NewSegment, type SegmentIndex, type SegmentTotals, type StoredSegment } from '../store/segment-index.ts';
export { cameraFolder, EXPORTS_DIR, RECORDINGS_DIR, resolveInside, segmentPath } from './segment-paths.ts';
