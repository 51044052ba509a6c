import { z } from 'zod';
import { OBJECT_CLASSES } from '../../core/detection.ts';
import { COCO_CLASS_NAMES } from '../../core/coco.ts';
import { forbiddenInferenceNames } from '../../core/forbidden-inference.ts';

/** Motion gating: frames in which nothing moved skip inference. */
export const motionSchema = z
  .object({
    enabled: z.boolean().default(true).describe('Skip inference on frames in which nothing moved; the previous detections carry over.'),
    minChangedFraction: z
      .number()
      .min(0)
      .max(1)
      .default(0.0005)
      .describe('Fraction of the frame (0..1) that must change for a frame to count as moving.'),
    maxSkipSeconds: z
      .number()
      .positive()
      .default(2)
      .describe('Run inference at least this often (seconds) even when nothing moves, so slow changes are still seen.'),
  })
  .strict()
  .describe('Cheap frame-difference motion detection ahead of the detector.');

/** A user-supplied YOLO-format ONNX model. */
export const yoloSchema = z
  .object({
    path: z.string().min(1).describe('Path of the YOLO-format ONNX model file.'),
    classes: z
      .array(z.string().min(1))
      .min(1)
      .default([...COCO_CLASS_NAMES])
      .refine((names) => forbiddenInferenceNames(names).length === 0, {
        message: 'Sightline never infers ethnicity, gender, age or emotion: a model with such a class cannot be used',
      })
      .describe('Class names in the order of the model\'s outputs (default: the 80 COCO names); classes Sightline does not know are ignored; a class naming an ethnicity, gender, age or emotion is refused.'),
    inputWidth: z.number().int().min(32).max(4096).optional().describe('Model input width; default: from the model, else 640.'),
    inputHeight: z.number().int().min(32).max(4096).optional().describe('Model input height; default: from the model, else 640.'),
    layout: z
      .enum(['auto', 'ultralytics', 'yolov5', 'yolox'])
      .default('auto')
      .describe('Output layout: `ultralytics` (YOLOv8/11, [1, 4+classes, N]), `yolov5`/`yolox` ([1, N, 5+classes] with objectness, decoded); `auto` tells them apart by shape.'),
    normalize: z.enum(['0-1', '0-255']).default('0-1').describe('Input pixel range the model expects.'),
    channelOrder: z.enum(['rgb', 'bgr']).default('rgb').describe('Channel order the model expects.'),
  })
  .strict()
  .describe('A user-supplied YOLO-format ONNX model, used when `backend` is `yolo`; frames are letterboxed into its input.');

/** Detection in overlapping tiles, for crowds of small, far people. */
export const tileGridSchema = z
  .object({
    columns: z.number().int().min(1).max(6).describe('Tiles across.'),
    rows: z.number().int().min(1).max(6).describe('Tiles down.'),
    overlap: z.number().min(0).max(0.5).default(0.2).describe('Fraction (0..0.5) of a tile\'s side its neighbour also covers, so that a person on a seam is whole in one tile.'),
  })
  .strict()
  .describe(
    'Detect in a grid of overlapping tiles, each the model\'s input: the frame is decoded at the size the grid covers (3x2 tiles of 512 with overlap 0.2 see a 640x480 camera at about twice its size) and each tile costs one inference. For dense scenes of small people (the `dense` preset uses 3x2); leave unset for one pass per frame.',
  );

/** What a detection of one class must reach to be tracked. */
export const objectFilterSchema = z
  .object({
    minScore: z.number().min(0).max(1).optional().describe('Detections of this class scoring below this (0..1) are dropped before tracking.'),
    minArea: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .describe('Detections of this class whose box covers less than this fraction (0..1) of the picture are dropped before tracking: 0.001 is 0.1%, about 30×30 pixels of 1280×720.'),
  })
  .strict()
  .describe('The smallest score and box size a detection of one class must have to be tracked.');

/** Object filters per class: classes not listed keep every detection. */
export const objectFiltersSchema = z
  .partialRecord(z.enum(OBJECT_CLASSES), objectFilterSchema)
  .default({})
  .describe('Per-class object filters (minimum score and size), e.g. `person: { minScore: 0.5, minArea: 0.001 }`; classes not listed keep every detection. The server-wide filters (top-level `detect.filters`, or the app\'s Settings) and a camera\'s own both apply: the stricter wins.');

/** Object detection settings. */
export const detectSchema = z
  .object({
    backend: z
      .enum(['auto', 'onnx', 'tfjs-wasm', 'yolo'])
      .default('auto')
      .describe(
        'Inference backend: `auto` runs the shipped CenterNet on onnxruntime when it loads and falls back to `tfjs-wasm` (the portable reference, ~3x slower) with one log line; `onnx` insists on onnxruntime; `yolo` runs the user model of `detect.yolo`.',
      ),
    threads: z
      .number()
      .int()
      .min(1)
      .max(64)
      .default(1)
      .describe('onnxruntime intra-op threads per worker. One thread per worker and one worker per core gives the most frames per second.'),
    yolo: yoloSchema.optional(),
    workers: z
      .number()
      .int()
      .min(1)
      .max(64)
      .optional()
      .describe('Inference worker threads, each with its own model. Default: one per CPU core.'),
    minScore: z.number().min(0).max(1).default(0.1).describe('Detections scoring below this (0..1) are dropped before tracking; the tracker uses weak ones only to keep existing tracks alive.'),
    nmsIou: z
      .number()
      .min(0)
      .max(1)
      .default(0.8)
      .describe('Two same-class boxes overlapping more than this (IoU) are merged into the better one.'),
    maxDetections: z.number().int().min(1).max(1000).default(100).describe('At most this many detections per frame.'),
    classes: z
      .array(z.enum(OBJECT_CLASSES))
      .min(1)
      .default([...OBJECT_CLASSES])
      .describe('Classes to detect and track.'),
    inputSize: z
      .number()
      .int()
      .min(64)
      .max(2048)
      .multipleOf(32)
      .optional()
      .describe(
        'Long side, in pixels, of the picture the detector sees (a multiple of 32), for models that take any size (the shipped CenterNet on onnxruntime): the short side follows the camera\'s aspect ratio. Default: the model\'s own (512). Larger finds smaller, farther people and costs about the square of the size; models of one fixed size ignore it.',
      ),
    tiles: tileGridSchema.optional(),
    adaptive: z
      .object({
        enabled: z.boolean().default(false).describe('Detect only as often as the scene needs.'),
        maxSkip: z.number().int().min(1).max(4).default(1).describe('Frames that may be skipped in a row while the scene is settled.'),
      })
      .strict()
      .prefault({})
      .describe(
        'Detection only as often as the scene needs: every analysed frame while a track is new, tentative or lost, the number of people changes, or someone is within 0.75 of their height of a counting line or a zone\'s edge; while everything in view is settled, `maxSkip` frames in a row are tracked on the motion model\'s prediction instead. Saves inference on busy servers; frames are then analysed one at a time, in order, so batch and live decide alike.',
      ),
    fit: z
      .enum(['stretch', 'letterbox'])
      .default('letterbox')
      .describe('How frames are fitted into the model input: `stretch` scales each axis, `letterbox` keeps the aspect ratio and pads.'),
    motion: motionSchema.prefault({}),
    filters: objectFiltersSchema,
  })
  .strict()
  .describe('Object detection: model backend, worker threads, thresholds and motion gating.');
