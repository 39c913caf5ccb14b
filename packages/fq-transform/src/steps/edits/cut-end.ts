/** CutEnd: drop the last `n` bases (and qualities) of each read of a segment; see keep-range-step.ts. */
import { keepRangeStep } from './keep-range-step.js';

export const cutEnd = keepRangeStep('CutEnd', 1, (length, n) => [0, Math.max(0, length - n)], false);
