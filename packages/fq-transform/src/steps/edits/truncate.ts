/** Truncate: keep at most the first `n` bases (and qualities) of each read of a segment; see keep-range-step.ts. */
import { keepRangeStep } from './keep-range-step.js';

// mbf accepts n = 0 for Truncate (every read becomes empty).
export const truncate = keepRangeStep('Truncate', 0, (length, n) => [0, Math.min(length, n)], false);
