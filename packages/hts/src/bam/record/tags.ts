/**
 * Optional fields (SAM spec §1.5, §4.2.4): a table of types instead of if/else chains.
 * In an owned record a tag is `{ name, type, value }` with type the BAM type letter ('A', 'c', 'C',
 * 's', 'S', 'i', 'I', 'f', 'Z', 'H') or `B:<subtype>` for arrays; this is also the NDJSON form.
 */
export type IntegerTagType = 'c' | 'C' | 's' | 'S' | 'i' | 'I';
export type ArrayTagType = `B:${IntegerTagType | 'f'}`;
export type TagType = 'A' | IntegerTagType | 'f' | 'Z' | 'H' | ArrayTagType;

export interface Tag {
  name: string;
  type: TagType;
  value: number | string | number[];
}

/** Byte size of a fixed-size value of each type letter (by char code); 0 for Z, H, B and unknown. */
export const TAG_VALUE_SIZE = (() => {
  const table = new Uint8Array(128);
  for (const [letter, size] of [
    ['A', 1],
    ['c', 1],
    ['C', 1],
    ['s', 2],
    ['S', 2],
    ['i', 4],
    ['I', 4],
    ['f', 4],
  ] as const) {
    table[letter.charCodeAt(0)] = size;
  }
  return table;
})();

export const INTEGER_RANGES: Record<IntegerTagType, [number, number]> = {
  c: [-128, 127],
  C: [0, 255],
  s: [-32768, 32767],
  S: [0, 65535],
  i: [-2147483648, 2147483647],
  I: [0, 4294967295],
};

/** The smallest integer type holding `value`, as samtools picks for SAM `i` fields. */
export function smallestIntegerType(value: number): IntegerTagType | undefined {
  if (!Number.isInteger(value)) return undefined;
  if (value >= 0) return value <= 255 ? 'C' : value <= 65535 ? 'S' : value <= 4294967295 ? 'I' : undefined;
  return value >= -128 ? 'c' : value >= -32768 ? 's' : value >= -2147483648 ? 'i' : undefined;
}

/** The smallest array subtype holding all of `values` (samtools' rule for SAM `B:i` is per-type as written; this is for JSON input). */
export function smallestArrayType(values: readonly number[]): IntegerTagType | undefined {
  let min = 0;
  let max = 0;
  for (const v of values) {
    if (!Number.isInteger(v)) return undefined;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const forMin = smallestIntegerType(min);
  const forMax = smallestIntegerType(max);
  if (!forMin || !forMax) return undefined;
  if (min < 0) {
    for (const t of ['c', 's', 'i'] as const) if (INTEGER_RANGES[t][0] <= min && max <= INTEGER_RANGES[t][1]) return t;
    return undefined;
  }
  return forMax;
}

/** Shortest decimal text that reads back as the same float32 (for 'f' tags in JSON). */
export function formatFloat32(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  if (Object.is(value, -0)) return '-0';
  for (let digits = 1; digits <= 9; digits++) {
    const text = value.toPrecision(digits);
    if (Math.fround(Number(text)) === value) return String(Number(text));
  }
  return String(value);
}
