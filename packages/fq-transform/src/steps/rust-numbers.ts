/** Rust's rounding where mbf's numbers depend on it (JS's Math.round sends halves up, not away from zero). */

/** Rust's `f64::round`: halves away from zero (2.5 → 3, -2.5 → -3). */
export function roundHalfAwayFromZero(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}
