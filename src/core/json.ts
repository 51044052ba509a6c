/**
 * JSON values as the store keeps them (event data, camera config, audit details), and the one
 * canonical serialisation that the audit log hashes.
 */

/** A value that survives a JSON round trip unchanged. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** A JSON object, the shape of every JSON column of the store. */
export type JsonObject = { readonly [key: string]: JsonValue };

/** True when `v` is a plain JSON object (not null, not an array). */
export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The canonical JSON text of a value: object keys sorted by code unit, no whitespace, numbers as
 * JavaScript prints them. Equal values give equal text, whatever the key order they were built in.
 * Throws a RangeError on a value JSON cannot hold (a non-finite number, undefined, a function).
 */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`JSON cannot hold the number ${value}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${(value as readonly JsonValue[]).map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const obj = value as JsonObject;
    const keys = Object.keys(obj).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k]!)}`).join(',')}}`;
  }
  throw new RangeError(`JSON cannot hold a value of type ${typeof value}`);
}

/** Parses a JSON column that the store wrote from a JsonObject; anything else means the row was damaged. */
export function parseJsonObject(text: string, what: string): JsonObject {
  const v: unknown = JSON.parse(text);
  if (!isJsonObject(v)) throw new TypeError(`${what} is not a JSON object`);
  return v as JsonObject;
}
