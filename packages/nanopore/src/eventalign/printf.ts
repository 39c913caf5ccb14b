/**
 * C's `%.Nf` and `%g` as glibc prints them, for output that must match nanopolish byte for byte.
 *
 * JavaScript's toFixed and toExponential round the exact binary value correctly except on an exact tie (a value
 * that lies exactly halfway between two decimals, e.g. 0.125 to two places), which they round away from zero;
 * glibc rounds it to the even digit (0.12). Ties are rare but real for float32 values (multiples of 1/8, 1/16), so
 * both functions detect them exactly (BigInt arithmetic on the double's mantissa and exponent, only when a cheap
 * floating-point test says a tie is possible) and round them to even. Non-finite values print as glibc does:
 * `inf`, `-inf`, `nan`. A negative zero keeps its sign (`-0.00`), as in C.
 */

const float64 = new Float64Array(1);
const float64Bits = new BigUint64Array(float64.buffer);

/** value = mantissa · 2^exponent exactly, for a finite non-zero double. */
function decompose(value: number): { mantissa: bigint; exponent: number } {
  float64[0] = Math.abs(value);
  const bits = float64Bits[0];
  const biasedExponent = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & 0xfffffffffffffn;
  // Subnormals have no implicit leading 1 and the smallest exponent.
  return biasedExponent === 0
    ? { mantissa: fraction, exponent: -1074 }
    : { mantissa: fraction | 0x10000000000000n, exponent: biasedExponent - 1075 };
}

/** Whether |value| · 10^decimals lies exactly halfway between two integers. */
function isExactTie(magnitude: number, decimals: number): boolean {
  // Cheap filter: every exact tie passes it for the magnitudes printed here (|value| · 10^decimals · 2 is then exact).
  const scaled = decimals >= 0 ? magnitude * 10 ** decimals : magnitude / 10 ** -decimals;
  const twice = scaled * 2;
  if (!Number.isInteger(twice) || twice % 2 === 0) return false;
  // Exact: 2 · mantissa · 2^(exponent + decimals) · 5^decimals must be an odd integer.
  const { mantissa, exponent } = decompose(magnitude);
  let numerator = 2n * mantissa;
  let denominator = 1n;
  const twos = exponent + decimals;
  if (twos >= 0) numerator <<= BigInt(twos);
  else denominator <<= BigInt(-twos);
  if (decimals >= 0) numerator *= 5n ** BigInt(decimals);
  else denominator *= 5n ** BigInt(-decimals);
  if (numerator % denominator !== 0n) return false;
  return (numerator / denominator) % 2n === 1n;
}

/** `text` (digits of a rounded-up tie) with its last digit made even: the last digit is odd, so no borrow. */
function lastDigitDown(text: string): string {
  const last = text.charCodeAt(text.length - 1);
  return text.slice(0, -1) + String.fromCharCode(last - 1);
}

function lastDigitIsOdd(text: string): boolean {
  return (text.charCodeAt(text.length - 1) & 1) === 1;
}

function nonFinite(value: number): string {
  return Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf';
}

function isNegative(value: number): boolean {
  return value < 0 || Object.is(value, -0);
}

/** C's `%.<decimals>f` (glibc rounding). */
export function formatFixed(value: number, decimals: number): string {
  if (!Number.isFinite(value)) return nonFinite(value);
  const magnitude = Math.abs(value);
  // toFixed switches to exponent notation from 1e21; those doubles are integers, written out exactly.
  let text =
    magnitude >= 1e21 ? `${BigInt(magnitude).toString()}${decimals > 0 ? '.' + '0'.repeat(decimals) : ''}` : magnitude.toFixed(decimals);
  if (magnitude !== 0 && lastDigitIsOdd(text) && isExactTie(magnitude, decimals)) text = lastDigitDown(text);
  return isNegative(value) ? `-${text}` : text;
}

/** C's `%g` with `precision` significant digits (6, as C++ streams print a float by default). */
export function formatGeneral(value: number, precision = 6): string {
  if (!Number.isFinite(value)) return nonFinite(value);
  const sign = isNegative(value) ? '-' : '';
  if (value === 0) return `${sign}0`;
  const magnitude = Math.abs(value);
  const exponential = magnitude.toExponential(precision - 1);
  const e = exponential.indexOf('e');
  const exponent = Number(exponential.slice(e + 1));
  // The significant digits, without the point.
  let digits = precision > 1 ? exponential[0]! + exponential.slice(2, e) : exponential.slice(0, e);
  if (lastDigitIsOdd(digits) && isExactTie(magnitude, precision - 1 - exponent)) digits = lastDigitDown(digits);
  if (exponent < -4 || exponent >= precision) {
    const fraction = trimZeros(digits.slice(1));
    const mantissa = fraction === '' ? digits[0]! : `${digits[0]!}.${fraction}`;
    const exponentText = String(Math.abs(exponent)).padStart(2, '0');
    return `${sign}${mantissa}e${exponent < 0 ? '-' : '+'}${exponentText}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${trimZeros(digits)}`;
  const fraction = trimZeros(digits.slice(exponent + 1));
  const whole = digits.slice(0, exponent + 1);
  return fraction === '' ? `${sign}${whole}` : `${sign}${whole}.${fraction}`;
}

/** `digits` without trailing zeros (a loop, not a regular expression: this runs once per signal sample). */
function trimZeros(digits: string): string {
  let end = digits.length;
  while (end > 0 && digits.charCodeAt(end - 1) === 48) end--;
  return end === digits.length ? digits : digits.slice(0, end);
}
