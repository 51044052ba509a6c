/**
 * The byte layout of a heat grid's cells in the store: row-major little-endian Float64, 8 bytes per
 * cell, the same on every machine.
 */

/** The cells as little-endian Float64 bytes. */
export function encodeHeatCells(seconds: Float64Array): Buffer {
  const out = Buffer.alloc(seconds.length * 8);
  for (let i = 0; i < seconds.length; i++) out.writeDoubleLE(seconds[i]!, i * 8);
  return out;
}

/** The cells of bytes written by {@link encodeHeatCells}; throws a RangeError when the length is not `cells * 8`. */
export function decodeHeatCells(bytes: Uint8Array, cells: number): Float64Array {
  if (bytes.length !== cells * 8) throw new RangeError(`a heat grid of ${cells} cells needs ${cells * 8} bytes, got ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float64Array(cells);
  for (let i = 0; i < cells; i++) out[i] = view.getFloat64(i * 8, true);
  return out;
}
