import { z } from 'zod';
import { OBJECT_CLASSES } from '../../core/detection.ts';

/** A point in pixels of the original video, `[x, y]`. */
export const pointSchema = z
  .tuple([z.number().finite(), z.number().finite()])
  .describe('A point [x, y] in pixels of the original video, x to the right, y down.');

/** A rule or line name: short, unique, safe in file names and MQTT topics. */
export const nameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'expected 1-64 letters, digits, "-" or "_", starting with a letter or digit')
  .describe('Unique name: 1-64 letters, digits, "-" or "_".');

/** The object classes a rule applies to. */
export const classesSchema = z
  .array(z.enum(OBJECT_CLASSES))
  .min(1)
  .default(['person'])
  .describe(`Object classes the rule applies to, any of: ${OBJECT_CLASSES.join(', ')}.`);
