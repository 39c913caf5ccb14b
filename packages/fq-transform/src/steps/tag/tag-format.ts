/**
 * Tag values as text, exactly as mbf writes them:
 * - tables (StoreTagsInTable): numbers in Rust's f64 Display (`3` for 3.0, shortest round-trip
 *   digits, never an exponent, `NaN`, `inf`), bools `1`/`0`, locations as their sequences joined
 *   by the region separator, Missing as empty;
 * - read comments (StoreTagInComment): numbers through mbf's format_numeric_for_comment (integers
 *   as i64, 4 decimals in [1e-3, 1e6], else `{:.4e}` with trailing zeros trimmed — from the whole
 *   string, as mbf does);
 * - locations (StoreTagLocationInComment): `segment:start-end`, comma separated.
 */
import type { Hit, TagValue } from '../../block.js';

/** Rust's `format!("{}", x)` for an f64. */
export function rustF64Display(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const sign = x < 0 ? '-' : '';
  const [mantissa, exponentText] = Math.abs(x).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const exponent = Number(exponentText);
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  if (digits.length <= exponent + 1) return sign + digits + '0'.repeat(exponent + 1 - digits.length);
  return `${sign}${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
}

/** Significant digits of |x|'s exact decimal expansion (up to 100), for tie detection. */
function exactDigits(x: number): string {
  const text = Math.abs(x).toPrecision(100);
  const mantissa = text.split('e')[0]!;
  return mantissa.replace('.', '').replace(/^0+/, '');
}

/** `format!("{:.N}", x)` (Rust rounds exact ties to even; JS's toFixed rounds them up). */
export function rustFixed(x: number, decimals: number): string {
  if (!Number.isFinite(x)) return rustF64Display(x);
  const js = x.toFixed(decimals);
  // exact expansion, to decide ties: toFixed(decimals + 30) is exact for every double that is a tie
  const long = Math.abs(x).toFixed(Math.min(100, decimals + 30));
  const [whole, fraction] = long.split('.') as [string, string];
  const rest = fraction.slice(decimals);
  if (/^50*$/.test(rest)) {
    const kept = fraction.slice(0, decimals);
    const lastDigit = Number((decimals > 0 ? kept : whole).slice(-1));
    if (lastDigit % 2 === 0) {
      return (x < 0 ? '-' : '') + (decimals > 0 ? `${whole}.${kept}` : whole);
    }
  }
  return js;
}

/** `format!("{:.N e}", x)`: mantissa with N decimals, `e`, exponent without `+` (ties to even). */
export function rustExponential(x: number, decimals: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  let text = x.toExponential(decimals);
  const digits = exactDigits(x);
  const rest = digits.slice(decimals + 1);
  if (x !== 0 && /^50*$/.test(rest)) {
    const kept = digits.slice(0, decimals + 1);
    if (Number(kept.slice(-1)) % 2 === 0) {
      // rounding down keeps the leading digit, so the shortest form's exponent is the one
      const e = Number(Math.abs(x).toExponential().split('e')[1]);
      text = `${x < 0 ? '-' : ''}${kept[0]}${decimals > 0 ? '.' + kept.slice(1) : ''}e${e}`;
    }
  }
  return text.replace('e+', 'e');
}

/** mbf's format_numeric_for_comment. */
export function formatNumericForComment(value: number): string {
  const fract = value - Math.trunc(value);
  if (fract === 0) {
    // Rust `as i64` saturates. 9223372036854775808 = 2^63: the double nearest i64::MAX (2^63 - 1).
    const clamped =
      value >= 9223372036854775808 ? 9223372036854775807n : value <= -9223372036854775808 ? -9223372036854775808n : BigInt(value);
    return clamped.toString();
  }
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-3 && magnitude <= 1e6) return rustFixed(value, 4);
  return rustExponential(value, 4).replace(/0+$/, '').replace(/\.+$/, '');
}

/** A location tag's hits as `segment:start-end`, comma separated (hits without location are left out). */
export function formatLocations(hits: Hit[], segments: readonly string[]): string {
  const parts: string[] = [];
  for (const hit of hits)
    if (hit.location) parts.push(`${segments[hit.location.segment]}:${hit.location.start}-${hit.location.start + hit.location.len}`);
  return parts.join(',');
}

/** A tag value as StoreTagsInTable writes it. */
export function formatTagForTable(value: TagValue, regionSeparator: string): string {
  if (value === null) return '';
  if (Array.isArray(value)) return value.map((h) => h.sequence).join(regionSeparator);
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return rustF64Display(value);
  return value ? '1' : '0';
}

/** A tag value as StoreTagInComment writes it. */
export function formatTagForComment(value: TagValue, regionSeparator: string): string {
  if (value === null) return '';
  if (Array.isArray(value)) return value.map((h) => h.sequence).join(regionSeparator);
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return formatNumericForComment(value);
  return value ? '1' : '0';
}
