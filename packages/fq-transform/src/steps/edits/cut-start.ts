/** CutStart: drop the first `n` bases (and qualities) of each read of a segment; see keep-range-step.ts. */
import { keepRangeStep } from './keep-range-step.js';

export const cutStart = keepRangeStep('CutStart', 1, (length, n) => [Math.min(n, length), length], true);
