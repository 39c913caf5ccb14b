/**
 * JSON objects whose key order is the data's, not JavaScript's. mbf writes its report with
 * serde_json's insertion-ordered maps, so a tag histogram keyed "1", "10", "2" (a BTreeMap of
 * strings) or "-3", "0", "7" (of integers) keeps that order; a plain JavaScript object would move
 * every integer-like key to the front in numeric order. Such objects travel between threads and
 * into the report files as `{ "\u0000entries": [[key, value], ...] }` and are written out as
 * ordinary JSON objects by `prettyJson`.
 */

export const ENTRIES_KEY = '\u0000entries';

export interface OrderedObject {
  [ENTRIES_KEY]: [string, unknown][];
}

export function ordered(entries: [string, unknown][]): OrderedObject {
  return { [ENTRIES_KEY]: entries };
}

export function isOrdered(value: unknown): value is OrderedObject {
  return value !== null && typeof value === 'object' && Array.isArray((value as Record<string, unknown>)[ENTRIES_KEY]);
}

/** The key/value pairs of an ordered or a plain object, in order. */
export function entriesOf(value: unknown): [string, unknown][] {
  if (isOrdered(value)) return value[ENTRIES_KEY];
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return Object.entries(value);
  return [];
}

/** JSON.stringify(value, null, 2)'s layout (serde_json's pretty layout too), ordered objects written in their order. */
export function prettyJson(value: unknown, indent = ''): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((item) => inner + prettyJson(item, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = entriesOf(value).filter(([, item]) => item !== undefined);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([key, item]) => `${inner}${JSON.stringify(key)}: ${prettyJson(item, inner)}`).join(',\n')}\n${indent}}`;
}
