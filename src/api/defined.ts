/** Dropping undefined fields, which `exactOptionalPropertyTypes` treats differently from absent ones. */

/** A copy of the object without its undefined fields. */
export function definedOnly<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
