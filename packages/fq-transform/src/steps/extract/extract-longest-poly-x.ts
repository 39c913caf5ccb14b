/** ExtractLongestPolyX: the longest homopolymer stretch anywhere (base A/C/G/T/N, or `.` for any of A/C/G/T), leftmost on ties. */
import { seqOf } from '@shoal/hts';

import { setOneHitPerRead } from '../hits.js';
import { defineStep } from '../types.js';
import { polyKeys, type PolyConfig } from './extract-poly-tail.js';

type Run = [start: number, length: number] | undefined;

function pickBetter(current: Run, candidate: Run): Run {
  if (!candidate) return current;
  if (!current) return candidate;
  return candidate[1] > current[1] || (candidate[1] === current[1] && candidate[0] < current[0]) ? candidate : current;
}

/** mbf's find_best_for_base (start positions 0 .. len - min_length, exclusive, as mbf loops). */
function longestRun(seq: Uint8Array, base: number, minLength: number, maxRate: number, maxConsecutive: number): Run {
  let best: Run;
  for (let start = 0; start < seq.length - minLength; start++) {
    // No run from here on can be longer than what is left, and a tie loses to the earlier start:
    // without this stop a read of one long homopolymer cost its length squared.
    if (best && seq.length - start <= best[1]) break;
    let mismatches = 0;
    let consecutive = 0;
    const maxPossible = seq.length - start;
    for (let end = start; end < seq.length; end++) {
      if (seq[end] === base) consecutive = 0;
      else {
        mismatches++;
        consecutive++;
        if (consecutive >= maxConsecutive) break;
      }
      const length = end - start + 1;
      if (length >= minLength && mismatches / length <= maxRate) best = pickBetter(best, [start, length]);
      if (mismatches / maxPossible > maxRate) break;
    }
  }
  return best;
}

export function findLongestPolyX(seq: Uint8Array, config: PolyConfig): Run {
  const run = (b: number) => longestRun(seq, b, config.minLength, config.maxMismatchRate, config.maxConsecutiveMismatches);
  if (config.base !== 46) return run(config.base);
  let best: Run;
  for (const b of 'ACGT') best = pickBetter(best, run(b.charCodeAt(0)));
  return best;
}

export const extractLongestPolyX = defineStep<PolyConfig>({
  action: 'ExtractLongestPolyX',
  parse: (table, env) => polyKeys(table, env, true),
  declares: (config) => [{ label: config.label, kind: 'location' }],
  apply(block, config) {
    setOneHitPerRead(block, config.label, config.segment, (reads, i) => {
      const found = findLongestPolyX(seqOf(reads, i), config);
      return found ? [found[0], found[0] + found[1]] : undefined;
    });
  },
});
