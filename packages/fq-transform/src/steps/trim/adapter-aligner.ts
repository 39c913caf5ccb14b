/**
 * cutadapt's semiglobal aligner (cutadapt 4.2, src/cutadapt/_align.pyx, Aligner.locate), ported
 * line by line because "equal to cutadapt read for read" depends on its exact tie rules: unit
 * costs (indels cost 100,000 under --no-indels), Ukkonen's cut-off, scores (+1 match, -1
 * mismatch, -2 indel), and its rule for replacing the best alignment so far (a first acceptable
 * one; then a higher score that overlaps it or is longer). The reference is the adapter, the query the read. Only the
 * 3' adapter's flags are used (cutadapt's Where.BACK: the adapter may start anywhere in the read
 * and run past its end).
 */

/** cutadapt's EndSkip flags: which ends of the adapter (reference) or read (query) may be skipped at no cost. */
export const REFERENCE_START = 1;
export const QUERY_START = 2;
export const REFERENCE_END = 4;
export const QUERY_STOP = 8;
/** A 3' adapter (`cutadapt -a`). */
export const BACK = QUERY_START | QUERY_STOP | REFERENCE_END;

const A = 1;
const C = 2;
const G = 4;
const T = 8;

/** cutadapt's _acgt_table: A/C/G/T/U (either case) to one bit each, everything else 0x80. */
const ACGT_TABLE = new Uint8Array(256).fill(0x80);
/** cutadapt's _iupac_table: IUPAC letters to their bases' bits; N also matches 0x80; others 0. */
const IUPAC_TABLE = new Uint8Array(256);
/**
 * cutadapt's plain mode compares the upper-cased read byte with an adapter of A, C, G and T only;
 * that is the same as AND-ing these bits (a/A 1, c/C 2, g/G 4, t/T 8, anything else 0, U included),
 * which lets one inner loop serve every mode.
 */
const PLAIN_TABLE = new Uint8Array(256);
for (const [k, letter] of ['A', 'C', 'G', 'T'].entries()) {
  PLAIN_TABLE[letter.charCodeAt(0)] = 1 << k;
  PLAIN_TABLE[letter.toLowerCase().charCodeAt(0)] = 1 << k;
}
{
  for (const [letter, bits] of Object.entries({ A, C, G, T, U: T })) {
    ACGT_TABLE[letter.charCodeAt(0)] = bits;
    ACGT_TABLE[letter.toLowerCase().charCodeAt(0)] = bits;
  }
  const iupac: Record<string, number> = {
    X: 0, A, C, G, T, U: T, R: A | G, Y: C | T, S: G | C, W: A | T, K: G | T, M: A | C,
    B: C | G | T, D: A | G | T, H: A | C | T, V: A | C | G, N: (A | C | G | T) + 0x80,
  }; // prettier-ignore
  for (const [letter, bits] of Object.entries(iupac)) {
    IUPAC_TABLE[letter.charCodeAt(0)] = bits;
    IUPAC_TABLE[letter.toLowerCase().charCodeAt(0)] = bits;
  }
}

/** The letters cutadapt accepts in an adapter (after upper-casing, U→T and I→N). */
const IUPAC_LETTERS = 'ABCDGHKMNRSTUVWXY';

/** The adapter as cutadapt normalises it, or the first letter it refuses. */
export function normaliseAdapter(text: string): { sequence: string } | { badLetter: string } {
  const sequence = text.toUpperCase().replaceAll('U', 'T').replaceAll('I', 'N');
  for (const letter of sequence) if (!IUPAC_LETTERS.includes(letter)) return { badLetter: letter };
  return { sequence };
}

/** (ref_start, ref_stop, query_start, query_stop, score, errors), as cutadapt's locate returns. */
export interface AdapterAlignment {
  refStart: number;
  refStop: number;
  queryStart: number;
  queryStop: number;
  score: number;
  errors: number;
}

export interface AlignerOptions {
  /** cutadapt -e: a rate below 1; from 1 on, a count of errors, divided by the adapter's non-N length. */
  maxErrors: number;
  minOverlap: number;
  indels: boolean;
  flags: number;
  /** cutadapt -N (--match-read-wildcards). */
  readWildcards?: boolean;
  /** Skip the alignment of reads that cannot hold an acceptable match (exact; default true; tests turn it off to compare). */
  prefilter?: boolean;
}

/**
 * The pieces an acceptable alignment must contain exactly (pigeonhole: an alignment with e edits
 * of a stretch split into e + 1 pieces leaves one piece unedited), for the plain mode only.
 * Acceptable alignments (cutadapt's rule: ref part length L ≥ min_overlap, cost ≤ L × rate) are
 * (a) the whole adapter anywhere in the read, cost ≤ floor(m × rate), or (b) an adapter prefix
 * ending at the read's end. (b) is grouped by the edits e = floor(L × rate) its lengths allow:
 * for e = 0 the read must end in the prefix itself; otherwise one piece of the group's shortest
 * prefix lies in the read's last Lmax + e bases. Cells of the alignment at or below the error
 * bound are computed exactly under cutadapt's band (a stale cell beyond it is above the bound),
 * so every candidate the aligner could accept is a real alignment and holds such a piece: a read
 * with none is a read the aligner rejects, and skipping it changes no result.
 */
interface Prefilter {
  fullPieces: Buffer[];
  exactSuffixLengths: number[];
  tailGroups: { pieces: Buffer[]; window: number }[];
  /**
   * Every piece by its first K_MER bases (2 bits a base): the pieces starting with that k-mer,
   * each with the window it must lie in (Infinity for the whole read). One pass over the read
   * finds the candidates; undefined when a piece is shorter than K_MER (then indexOf per piece).
   */
  byKmer?: { piece: Buffer; window: number }[][];
  /** Per k-mer value: 1 when some piece starts with it (the one lookup made for most bases). */
  kmerStarts?: Uint8Array;
}

const K_MER = 5;
/** PLAIN_TABLE's bit codes (1, 2, 4, 8) to 0..3; 255 for anything else. */
const CODE_INDEX = new Uint8Array(256).fill(255);
CODE_INDEX[1] = 0;
CODE_INDEX[2] = 1;
CODE_INDEX[4] = 2;
CODE_INDEX[8] = 3;

function kmerOf(codes: Uint8Array, at: number): number {
  let value = 0;
  for (let k = 0; k < K_MER; k++) value = (value << 2) | CODE_INDEX[codes[at + k]!]!;
  return value;
}

/** `codes` split into `count` contiguous pieces, as even as possible. */
function splitPieces(codes: Uint8Array, count: number): Buffer[] {
  const pieces: Buffer[] = [];
  for (let k = 0; k < count; k++) {
    const from = Math.floor((k * codes.length) / count);
    const to = Math.floor(((k + 1) * codes.length) / count);
    pieces.push(Buffer.from(codes.subarray(from, to)));
  }
  return pieces;
}

function makePrefilter(codes: Uint8Array, rate: number, minOverlap: number): Prefilter | undefined {
  const m = codes.length;
  const errors = (length: number): number => Math.floor(length * rate);
  if (errors(m) + 1 > m) return undefined; // pieces would be empty: no filter
  const prefilter: Prefilter = { fullPieces: splitPieces(codes, errors(m) + 1), exactSuffixLengths: [], tailGroups: [] };
  const groups = new Map<number, number[]>();
  for (let length = minOverlap; length <= m; length++) {
    const e = errors(length);
    if (!groups.has(e)) groups.set(e, []);
    groups.get(e)!.push(length);
  }
  for (const [e, lengths] of groups) {
    if (e === 0) prefilter.exactSuffixLengths.push(...lengths);
    else {
      const shortest = lengths[0]!;
      if (e + 1 > shortest) return undefined;
      prefilter.tailGroups.push({ pieces: splitPieces(codes.subarray(0, shortest), e + 1), window: lengths[lengths.length - 1]! + e });
    }
  }
  const all = [
    ...prefilter.fullPieces.map((piece) => ({ piece, window: Infinity })),
    ...prefilter.tailGroups.flatMap((group) => group.pieces.map((piece) => ({ piece, window: group.window }))),
  ];
  if (all.every(({ piece }) => piece.length >= K_MER)) {
    prefilter.byKmer = Array.from({ length: 1 << (2 * K_MER) }, () => []);
    prefilter.kmerStarts = new Uint8Array(1 << (2 * K_MER));
    for (const entry of all) {
      const key = kmerOf(entry.piece, 0);
      prefilter.byKmer[key]!.push(entry);
      prefilter.kmerStarts[key] = 1;
    }
  }
  return prefilter;
}

export class AdapterAligner {
  private readonly m: number;
  private readonly reference: Uint8Array;
  private readonly maxErrorRate: number;
  private readonly minOverlap: number;
  private readonly indelCost: number;
  private readonly wildcardRef: boolean;
  private readonly wildcardQuery: boolean;
  private readonly effectiveLength: number;
  /** nCounts[i]: Ns in reference[0, i). */
  private readonly nCounts: Int32Array;
  private readonly cost: Int32Array;
  private readonly score: Int32Array;
  private readonly origin: Int32Array;
  private readonly flags: number;
  private translated = new Uint8Array(256);
  private readonly prefilter: Prefilter | undefined;

  constructor(adapter: string, options: AlignerOptions) {
    const sequence = adapter;
    const m = sequence.length;
    const nTotal = sequence.length - sequence.replaceAll('N', '').length;
    let maxErrors = options.maxErrors;
    if (maxErrors >= 1 && nTotal !== m) maxErrors /= m - nTotal;
    this.m = m;
    this.maxErrorRate = maxErrors;
    this.minOverlap = Math.min(options.minOverlap, m);
    this.indelCost = options.indels ? 1 : 100000;
    this.flags = options.flags;
    // cutadapt uses wildcard matching for the adapter only when it has a letter other than ACGT
    this.wildcardRef = !/^[ACGT]*$/.test(sequence);
    this.wildcardQuery = options.readWildcards ?? false;
    this.nCounts = new Int32Array(m + 1);
    let n = 0;
    for (let i = 0; i < m; i++) {
      this.nCounts[i] = n;
      if (sequence[i] === 'N') n++;
    }
    this.nCounts[m] = n;
    this.effectiveLength = m;
    const bytes = new TextEncoder().encode(sequence);
    if (this.wildcardRef) {
      this.effectiveLength = m - n;
      if (this.effectiveLength === 0) throw new Error('Cannot have only N wildcards in the sequence');
      this.reference = bytes.map((b) => IUPAC_TABLE[b]!);
    } else if (this.wildcardQuery) this.reference = bytes.map((b) => ACGT_TABLE[b]!);
    else this.reference = bytes.map((b) => PLAIN_TABLE[b]!);
    this.cost = new Int32Array(m + 1);
    this.score = new Int32Array(m + 1);
    this.origin = new Int32Array(m + 1);
    this.prefilter =
      options.prefilter !== false && !this.wildcardRef && !this.wildcardQuery
        ? makePrefilter(this.reference, this.maxErrorRate, this.minOverlap)
        : undefined;
  }

  /** Whether the translated read holds a piece every acceptable alignment needs (see Prefilter). */
  private mightMatch(codes: Uint8Array, n: number): boolean {
    const prefilter = this.prefilter!;
    const reference = this.reference;
    for (const length of prefilter.exactSuffixLengths) {
      if (length > n) break;
      let k = 0;
      while (k < length && codes[n - length + k] === reference[k]) k++;
      if (k === length) return true;
    }
    const byKmer = prefilter.byKmer;
    const kmerStarts = prefilter.kmerStarts;
    if (byKmer && kmerStarts) {
      // one pass: a rolling k-mer (reset by any base other than A/C/G/T), candidates verified in full
      const mask = (1 << (2 * K_MER)) - 1;
      let value = 0;
      let valid = 0;
      for (let j = 0; j < n; j++) {
        const index = CODE_INDEX[codes[j]!]!;
        if (index === 255) {
          valid = 0;
          continue;
        }
        value = ((value << 2) | index) & mask;
        if (++valid < K_MER || kmerStarts[value] === 0) continue;
        const candidates = byKmer[value]!;
        const start = j - K_MER + 1;
        for (const { piece, window } of candidates) {
          if (start + piece.length > n || start < n - window) continue;
          let k = K_MER;
          while (k < piece.length && codes[start + k] === piece[k]) k++;
          if (k === piece.length) return true;
        }
      }
      return false;
    }
    const read = Buffer.from(codes.buffer, codes.byteOffset, n);
    for (const piece of prefilter.fullPieces) if (read.indexOf(piece) >= 0) return true;
    for (const group of prefilter.tailGroups) {
      const from = Math.max(0, n - group.window);
      for (const piece of group.pieces) if (read.indexOf(piece, from) >= 0) return true;
    }
    return false;
  }

  /** The best alignment of the adapter to `read`, or undefined for none within the error rate and overlap. */
  locate(read: Uint8Array): AdapterAlignment | undefined {
    const table = this.wildcardQuery ? IUPAC_TABLE : this.wildcardRef ? ACGT_TABLE : PLAIN_TABLE;
    const n = read.length;
    if (this.translated.length < n) this.translated = new Uint8Array(Math.max(n, this.translated.length * 2));
    const s2 = this.translated;
    for (let j = 0; j < n; j++) s2[j] = table[read[j]!]!;
    if (this.prefilter && !this.mightMatch(s2, n)) return undefined;
    const s1 = this.reference;
    const m = this.m;
    const { cost: colCost, score: colScore, origin: colOrigin } = this;
    const maxErrorRate = this.maxErrorRate;
    const startInReference = (this.flags & REFERENCE_START) !== 0;
    const startInQuery = (this.flags & QUERY_START) !== 0;
    const stopInReference = (this.flags & REFERENCE_END) !== 0;
    const stopInQuery = (this.flags & QUERY_STOP) !== 0;
    const insertionCost = this.indelCost;
    const deletionCost = this.indelCost;

    const k = Math.trunc(maxErrorRate * m);
    let maxN = n;
    let minN = 0;
    if (!startInQuery) maxN = Math.min(n, m + k);
    if (!stopInQuery) minN = Math.max(0, n - m - k);

    for (let i = 0; i <= m; i++) {
      colScore[i] = 0;
      if (!startInReference && !startInQuery) {
        colCost[i] = Math.max(i, minN) * insertionCost;
        colOrigin[i] = 0;
      } else if (startInReference && !startInQuery) {
        colCost[i] = minN * insertionCost;
        colOrigin[i] = Math.min(0, minN - i);
      } else if (!startInReference && startInQuery) {
        colCost[i] = i * insertionCost;
        colOrigin[i] = Math.max(0, minN - i);
      } else {
        colCost[i] = Math.min(i, minN) * insertionCost;
        colOrigin[i] = minN - i;
      }
    }

    const unset = m + n + 1;
    let bestRefStop = m;
    let bestQueryStop = n;
    let bestCost = unset;
    let bestOrigin = 0;
    let bestScore = 0;

    let last = Math.min(m, k + 1);
    if (startInReference) last = m;
    let lastFilledI = 0;
    /**
     * cutadapt's rule, the same in the column loop and the last-column scan: an acceptable
     * alignment (overlap ≥ min_overlap, cost within the rate) replaces the best so far when there
     * is none, when it starts near it with a higher score, or when it is longer with a higher score.
     */
    const beats = (length: number, effective: number, cost: number, score: number, start: number, bestLength: number): boolean =>
      length >= this.minOverlap &&
      cost <= effective * maxErrorRate &&
      (bestCost === unset || (start <= bestOrigin + Math.floor(m / 2) && score > bestScore) || (length > bestLength && score > bestScore));
    // cutadapt's `origin` is one variable for the whole function: the last-column scan below reads
    // it without assigning it first (the origin of the last cell computed), and so does this port
    let origin = 0;

    for (let j = minN + 1; j <= maxN; j++) {
      let diagCost = colCost[0]!;
      let diagScore = colScore[0]!;
      let diagOrigin = colOrigin[0]!;
      if (startInQuery) colOrigin[0] = j;
      else colCost[0] = j * insertionCost;
      // the cell above (row i - 1 of this column) and the diagonal (row i - 1 of the last) are kept
      // in locals: one read and three writes of the column per cell
      let upCost = colCost[0]!;
      let upScore = colScore[0]!;
      let upOrigin = colOrigin[0]!;
      const readByte = s2[j - 1]!;
      for (let i = 1; i <= last; i++) {
        const leftCost = colCost[i]!;
        const leftScore = colScore[i]!;
        const leftOrigin = colOrigin[i]!;
        const refByte = s1[i - 1]!;
        let cost: number;
        let score: number;
        if ((refByte & readByte) !== 0) {
          cost = diagCost;
          origin = diagOrigin;
          score = diagScore + 1;
        } else {
          const costDiag = diagCost + 1;
          const costDeletion = leftCost + deletionCost;
          const costInsertion = upCost + insertionCost;
          if (costDiag <= costDeletion && costDiag <= costInsertion) {
            cost = costDiag;
            origin = diagOrigin;
            score = diagScore - 1;
          } else if (costInsertion <= costDeletion) {
            cost = costInsertion;
            origin = upOrigin;
            score = upScore - 2;
          } else {
            cost = costDeletion;
            origin = leftOrigin;
            score = leftScore - 2;
          }
        }
        diagCost = leftCost;
        diagScore = leftScore;
        diagOrigin = leftOrigin;
        colCost[i] = cost;
        colOrigin[i] = origin;
        colScore[i] = score;
        upCost = cost;
        upScore = score;
        upOrigin = origin;
      }
      lastFilledI = last;
      while (last >= 0 && colCost[last]! > k) last--;
      if (last < m) last++;
      else if (stopInQuery) {
        const cost = colCost[m]!;
        const score = colScore[m]!;
        origin = colOrigin[m]!;
        const length = m + Math.min(origin, 0);
        let effective = length;
        if (this.wildcardRef) {
          effective = length < m ? length - (this.nCounts[m]! - this.nCounts[m - length]!) : this.effectiveLength;
        }
        if (beats(length, effective, cost, score, origin, m + Math.min(bestOrigin, 0))) {
          bestScore = score;
          bestCost = cost;
          bestOrigin = origin;
          bestRefStop = m;
          bestQueryStop = j;
          if (cost === 0 && origin >= 0) break; // exact match: cutadapt stops early
        }
      }
    }

    if (maxN === n) {
      const firstI = stopInReference ? 0 : m;
      for (let i = lastFilledI; i >= firstI; i--) {
        const length = i + Math.min(colOrigin[i]!, 0);
        const cost = colCost[i]!;
        const score = colScore[i]!;
        let effective = length;
        if (this.wildcardRef) {
          if (length < m) {
            const refStart = -Math.min(colOrigin[i]!, 0);
            effective = length - (this.nCounts[i]! - this.nCounts[refStart]!);
          } else effective = this.effectiveLength;
        }
        if (beats(length, effective, cost, score, origin, bestRefStop + Math.min(bestOrigin, 0))) {
          bestScore = score;
          bestCost = cost;
          bestOrigin = colOrigin[i]!;
          bestRefStop = i;
          bestQueryStop = n;
        }
      }
    }
    if (bestCost === unset) return undefined;
    const refStart = bestOrigin >= 0 ? 0 : -bestOrigin;
    const queryStart = bestOrigin >= 0 ? bestOrigin : 0;
    return { refStart, refStop: bestRefStop, queryStart, queryStop: bestQueryStop, score: bestScore, errors: bestCost };
  }
}
