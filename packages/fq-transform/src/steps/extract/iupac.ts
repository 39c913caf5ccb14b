/** IUPAC nucleotide codes: which read bases a pattern letter accepts, and mbf's Hamming search for a pattern (ExtractIUPAC). */
import type { Table } from '../../table.js';

const IUPAC_SETS: Record<string, string> = {
  R: 'AGag',
  Y: 'CTct',
  S: 'GCgc',
  W: 'ATat',
  K: 'GTgt',
  M: 'ACac',
  B: 'CGTcgt',
  D: 'AGTagt',
  H: 'ACTact',
  V: 'ACGacg',
};
/** MATCH[a * 256 + b]: pattern letter a accepts read letter b (mbf's iupac_hamming_distance). */
const MATCH = new Uint8Array(256 * 256);
for (let a = 0; a < 256; a++) MATCH[a * 256 + a] = 1;
for (const [upper, lower] of ['Aa', 'Cc', 'Gg', 'Tt']) {
  MATCH[upper!.charCodeAt(0) * 256 + lower!.charCodeAt(0)] = 1;
  MATCH[lower!.charCodeAt(0) * 256 + upper!.charCodeAt(0)] = 1;
}
for (const [code, accepted] of Object.entries(IUPAC_SETS)) {
  for (const c of [code, code.toLowerCase()]) for (const b of accepted) MATCH[c.charCodeAt(0) * 256 + b.charCodeAt(0)] = 1;
}
for (const n of ['N', 'n']) for (let b = 0; b < 256; b++) MATCH[n.charCodeAt(0) * 256 + b] = 1;

/** IUPAC distance of `pattern` against `read` at `offset` (pattern N matches anything; read N is a mismatch), stopping at `limit`. */
export function iupacDistance(pattern: Uint8Array, read: Uint8Array, offset: number, limit = Infinity): number {
  let distance = 0;
  for (let k = 0; k < pattern.length; k++) {
    if (!MATCH[pattern[k]! * 256 + read[offset + k]!]) {
      distance++;
      if (distance >= limit) return distance;
    }
  }
  return distance;
}

/** mbf's all_iupac: upper-case DNA + IUPAC letters only (U allowed). */
export function allIupac(text: string): boolean {
  return /^[ATUCGRYSWKMBVDHN]*$/.test(text);
}

/** The `search` key of ExtractIUPAC and ExtractIUPACWithIndel: one pattern or a list, IUPAC letters only (aliases query, pattern). */
export function iupacSearchKey(table: Table): string[] {
  const search = table.stringList('search', { aliases: ['query', 'pattern'] });
  for (const pattern of search)
    if (!allIupac(pattern))
      throw table.error(`Invalid IUPAC base in '${pattern}' (allowed letters are AGTCU RYSWKMBDHVN, upper case)`, 'search');
  return search;
}

export type IupacAnchor = 'Left' | 'Right' | 'Anywhere';

/** mbf's find_iupac: the start of the hit, or -1. */
export function findIupac(read: Uint8Array, pattern: Uint8Array, anchor: IupacAnchor, maxMismatches: number): number {
  if (read.length < pattern.length) return -1;
  if (anchor === 'Left') return iupacDistance(pattern, read, 0) <= maxMismatches ? 0 : -1;
  if (anchor === 'Right') {
    const start = read.length - pattern.length;
    return iupacDistance(pattern, read, start) <= maxMismatches ? start : -1;
  }
  let best = -1;
  let bestSoFar = maxMismatches + 1;
  for (let start = 0; start <= read.length - pattern.length; start++) {
    const distance = iupacDistance(pattern, read, start, bestSoFar);
    if (distance === 0) return start;
    if (distance < bestSoFar) {
      bestSoFar = distance;
      best = start;
    }
  }
  return bestSoFar <= maxMismatches ? best : -1;
}
