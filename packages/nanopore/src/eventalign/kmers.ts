/** k-mer ranks along a sequence, rolled one base at a time (pore-model.ts's rank: base 4, first base most significant). */
import { BASE_RANK } from '../pore-model.js';

/**
 * Ranks of the k-mers starting at `sequence[from]`, …, `sequence[to - k]` (`to - from - k + 1` of them, none when
 * the range is shorter than k); -1 for a k-mer holding a base other than ACGTU.
 */
export function kmerRanksOf(sequence: string, k: number, from = 0, to = sequence.length): Int32Array {
  const count = Math.max(0, to - from - k + 1);
  const ranks = new Int32Array(count);
  const modulus = 4 ** (k - 1);
  let rank = 0;
  // Bases since the last non-ACGTU base: a k-mer is valid once k of them are in.
  let validBases = 0;
  for (let position = from; position < to; position++) {
    const code = BASE_RANK[sequence.charCodeAt(position) & 0xff];
    if (code < 0) {
      validBases = 0;
      rank = 0;
    } else {
      rank = (rank % modulus) * 4 + code;
      validBases++;
    }
    const kmerStart = position - k + 1;
    if (kmerStart >= from) ranks[kmerStart - from] = validBases >= k ? rank : -1;
  }
  return ranks;
}
