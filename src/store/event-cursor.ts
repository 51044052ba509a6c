/**
 * Page cursors of event queries: the (startTime, id) of the last event of a page, opaque to callers
 * (base64url JSON), so the next page starts strictly after it whatever was appended meanwhile.
 */
import { invalid } from './store-input.ts';

/** The position a cursor stands for: the sort key of the last event returned. */
export interface CursorPosition {
  readonly startTime: number;
  readonly id: string;
}

/** The opaque cursor of a position. */
export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.startTime, position.id]), 'utf8').toString('base64url');
}

/** The position of a cursor; STORE_INPUT_INVALID for anything `encodeCursor` did not make. */
export function decodeCursor(cursor: string): CursorPosition {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  if (!Array.isArray(value) || value.length !== 2 || !Number.isSafeInteger(value[0]) || typeof value[1] !== 'string') {
    throw invalid('the cursor is not one this store gave out; start again without a cursor');
  }
  return { startTime: value[0] as number, id: value[1] };
}
