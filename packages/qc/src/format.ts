/**
 * Numbers as the two output layouts print them.
 *
 * Picard (htsjdk 3.0.4 FormatUtil): doubles with at most 6 fraction digits, HALF_DOWN rounding
 * (exact ties go toward zero: 15.5859375 → 15.585937, checked against htsjdk), no trailing zeros,
 * no grouping; NaN and ±Infinity as `?`.
 * riker: fixed decimals per column (its serialize_f64_2dp/5dp/6dp helpers).
 */

/**
 * Rounding of `value` to `digits` fraction digits on its exact decimal expansion; exact ties go to even or down.
 * Number#toFixed already rounds the exact value, with ties away from zero, so it is the answer whenever the value is
 * not an exact tie. A tie's expansion ends with a 5 at digit `digits + 1`, so `toFixed(digits + 3)` of a tie ends in
 * "500"; only those values (a tie, or about 1 in 1,000 others) take the exact path. The exact path for every value cost
 * ~1.9 s on a million-row cycle table.
 */
export function roundExact(value: number, digits: number, ties: 'even' | 'down'): string {
  const magnitude = Math.abs(value);
  if (magnitude < 1e21 && !magnitude.toFixed(digits + 3).endsWith('500')) {
    const text = magnitude.toFixed(digits);
    return (value < 0 || Object.is(value, -0)) && /[1-9]/.test(text) ? `-${text}` : text;
  }
  return roundExactSlow(value, digits, ties);
}

/** roundExact on the exact decimal expansion, for every value (ties included). */
export function roundExactSlow(value: number, digits: number, ties: 'even' | 'down'): string {
  const negative = value < 0 || Object.is(value, -0);
  // toFixed(100) gives the exact decimal expansion of a double below 1e21 (ECMA-262 Number#toFixed); from 1e21 on
  // toFixed writes an exponent, but every such double is an integer, which BigInt writes exactly.
  const exact = Math.abs(value) < 1e21 ? Math.abs(value).toFixed(100) : `${BigInt(Math.abs(value))}.${'0'.repeat(digits + 2)}`;
  const point = exact.indexOf('.');
  const whole = exact.slice(0, point);
  const fraction = exact.slice(point + 1);
  let kept = BigInt(whole + fraction.slice(0, digits));
  const next = fraction.charCodeAt(digits) - 48;
  const rest = fraction.slice(digits + 1);
  const aboveHalf = next > 5 || (next === 5 && /[1-9]/.test(rest));
  const exactlyHalf = next === 5 && !/[1-9]/.test(rest);
  if (aboveHalf || (exactlyHalf && ties === 'even' && kept % 2n === 1n)) kept += 1n;
  let text = kept.toString().padStart(digits + 1, '0');
  text = digits > 0 ? `${text.slice(0, -digits)}.${text.slice(-digits)}` : text;
  return negative && /[1-9]/.test(text) ? `-${text}` : text;
}

/** A double as htsjdk's FormatUtil writes it in a Picard metrics file. */
export function formatPicardDouble(value: number): string {
  if (!Number.isFinite(value)) return '?';
  let text = roundExact(value, 6, 'down');
  if (text.includes('.')) text = text.replace(/0+$/, '').replace(/\.$/, '');
  return text === '-0' ? '0' : text;
}

/** A value in a Picard metrics file: integers plain, doubles per FormatUtil, null/undefined empty. */
export function formatPicardValue(value: unknown, kind: 'int' | 'double' | 'text'): string {
  if (value === null || value === undefined) return '';
  if (kind === 'double') return formatPicardDouble(value as number);
  return String(value as number | string); // an int cell is a number, a text cell a string
}

/** A double with fixed decimals, as riker writes it (NaN as "NaN", like Rust's format). */
export function formatFixed(value: number, decimals: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  return roundExact(value, decimals, 'even');
}
