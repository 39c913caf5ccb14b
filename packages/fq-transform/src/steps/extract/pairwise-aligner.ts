/**
 * Port of rust-bio 3.0.0's `bio::alignment::pairwise::Aligner::custom` (src/alignment/pairwise/mod.rs,
 * Copyright 2014-2015 Johannes Köster, Vadim Nazarov, Patrick Marks, MIT license), plus mbf's
 * `find_iupac_with_indel` (dna.rs), which ExtractIUPACWithIndel uses to locate a pattern in a read
 * allowing mismatches and indels.
 *
 * The port keeps rust-bio's structure statement by statement because its tie-breaking decides which of
 * several equally scored alignments is reported, and we must report the same one as mbf:
 * - every comparison is a strict `>`, so on equal scores the candidate tested first wins. For S the order is
 *   x-suffix-clip (the pre-set default), match/subst, ins, del, x-prefix-clip, y-prefix-clip; for I and D,
 *   opening a gap from S beats extending one on a tie;
 * - the initial row and column are computed twice (`k` loop), as rust-bio does; the second pass changes nothing
 *   except re-running the x-suffix-clip bookkeeping;
 * - Match versus Subst is decided by byte equality of the two letters, not by the score: an IUPAC pattern letter
 *   that accepts a different read letter (e.g. N against A) scores as a match but is reported as Subst, and mbf
 *   counts it as a mismatch;
 * - `Lx` keeps one x-suffix-clip length per column and `Ly` one y-suffix-clip length per row (the last improvement
 *   wins), and the traceback cells keep 4-bit I/D/S moves packed in a u16, exactly like rust-bio's TracebackCell.
 * Scores live in Int32Array; intermediate sums are plain numbers. rust-bio's MIN_SCORE (~0.4 * i32::MIN) is
 * chosen so sums of two of them plus small penalties never overflow i32, so the two agree for sane parameters.
 */
import { iupacDistance, type IupacAnchor } from './iupac.js';

/** rust-bio's 'negative infinity' score, ~0.4 * i32::MIN so that adding two of them does not underflow. */
export const MIN_SCORE = -858_993_459;

/** rust-bio's AlignmentOperation, shaped like its serde form: unit variants as strings, clips as `{ Xclip: n }`. */
export type AlignmentOperation = 'Match' | 'Subst' | 'Del' | 'Ins' | { Xclip: number } | { Yclip: number };

export interface Scoring {
  gapOpen: number;
  gapExtend: number;
  match: (a: number, b: number) => number;
  xclipPrefix: number;
  xclipSuffix: number;
  yclipPrefix: number;
  yclipSuffix: number;
}

export interface Alignment {
  score: number;
  xstart: number;
  xend: number;
  ystart: number;
  yend: number;
  xlen: number;
  ylen: number;
  operations: AlignmentOperation[];
}

// Traceback moves, 4 bits each for the I, D and S layers of a cell (rust-bio's TB_* constants).
const TB_START = 0b0000;
const TB_INS = 0b0001;
const TB_DEL = 0b0010;
const TB_SUBST = 0b0011;
const TB_MATCH = 0b0100;
const TB_XCLIP_PREFIX = 0b0101;
const TB_XCLIP_SUFFIX = 0b0110;
const TB_YCLIP_PREFIX = 0b0111;
const TB_YCLIP_SUFFIX = 0b1000;

const I_POS = 0;
const D_POS = 4;
const S_POS = 8;

function setBits(cell: number, pos: number, value: number): number {
  return (cell & ~(0b1111 << pos)) | (value << pos);
}
const setI = (cell: number, value: number): number => setBits(cell, I_POS, value);
const setD = (cell: number, value: number): number => setBits(cell, D_POS, value);
const setS = (cell: number, value: number): number => setBits(cell, S_POS, value);
const getI = (cell: number): number => (cell >> I_POS) & 0b1111;
const getD = (cell: number): number => (cell >> D_POS) & 0b1111;
const getS = (cell: number): number => (cell >> S_POS) & 0b1111;

/** rust-bio's Aligner::with_capacity_and_scoring checks. */
function assertScoring(scoring: Scoring): void {
  if (scoring.gapOpen > 0) throw new Error("gap_open can't be positive");
  if (scoring.gapExtend > 0) throw new Error("gap_extend can't be positive");
  if (scoring.xclipPrefix > 0) throw new Error("Clipping penalty (x prefix) can't be positive");
  if (scoring.xclipSuffix > 0) throw new Error("Clipping penalty (x suffix) can't be positive");
  if (scoring.yclipPrefix > 0) throw new Error("Clipping penalty (y prefix) can't be positive");
  if (scoring.yclipSuffix > 0) throw new Error("Clipping penalty (y suffix) can't be positive");
}

/**
 * rust-bio's `Aligner::custom(x, y)`: alignment of x against y with affine gaps (gap of length k scores
 * gapOpen + gapExtend * k) and clipping of prefixes/suffixes of x and y for the given clip penalties
 * (MIN_SCORE forbids a clip). Ins consumes x only, Del consumes y only.
 */
export function alignCustom(x: Uint8Array, y: Uint8Array, scoring: Scoring): Alignment {
  assertScoring(scoring);
  const { gapOpen, gapExtend, xclipPrefix, xclipSuffix, yclipPrefix, yclipSuffix } = scoring;
  const matchFn = scoring.match;
  const m = x.length;
  const n = y.length;

  // traceback[i * cols + j] is the packed TracebackCell of (i, j); zero is TB_START in every layer.
  const cols = n + 1;
  const traceback = new Uint16Array((m + 1) * cols);
  // Two columns (previous and current j) of the I, D and S matrices.
  const I = [new Int32Array(m + 1), new Int32Array(m + 1)];
  const D = [new Int32Array(m + 1), new Int32Array(m + 1)];
  const S = [new Int32Array(m + 1), new Int32Array(m + 1)];
  const Lx = new Int32Array(n + 1);
  const Ly = new Int32Array(m + 1);
  const Sn = new Int32Array(m + 1);

  // Initial conditions, computed for both column buffers (rust-bio repeats the work on purpose).
  for (let k = 0; k < 2; k++) {
    const Ik = I[k]!;
    const Dk = D[k]!;
    const Sk = S[k]!;
    Dk.fill(MIN_SCORE);
    Ik.fill(MIN_SCORE);
    Sk.fill(MIN_SCORE);
    Sk[0] = 0;

    if (k === 0) {
      traceback[0] = TB_START;
      Lx.fill(0);
      Ly.fill(0);
      Sn.fill(MIN_SCORE);
      Sn[0] = yclipSuffix;
      Ly[0] = n;
    }

    for (let i = 1; i <= m; i++) {
      let tb = TB_START;
      if (i === 1) {
        Ik[i] = gapOpen + gapExtend;
        tb = setI(tb, TB_START);
      } else {
        // Insert all i characters, or clip then insert.
        const iScore = gapOpen + gapExtend * i;
        const cScore = xclipPrefix + gapOpen + gapExtend;
        if (iScore > cScore) {
          Ik[i] = iScore;
          tb = setI(tb, TB_INS);
        } else {
          Ik[i] = cScore;
          tb = setI(tb, TB_XCLIP_PREFIX);
        }
      }

      if (i === m) {
        tb = setS(tb, TB_XCLIP_SUFFIX);
      } else {
        Sk[i] = MIN_SCORE;
      }

      if (Ik[i]! > Sk[i]!) {
        Sk[i] = Ik[i]!;
        tb = setS(tb, TB_INS);
      }

      if (xclipPrefix > Sk[i]!) {
        Sk[i] = xclipPrefix;
        tb = setS(tb, TB_XCLIP_PREFIX);
      }

      // Score of an x suffix clip after this character.
      if (i !== m && Sk[i]! + xclipSuffix > Sk[m]!) {
        Sk[m] = Sk[i]! + xclipSuffix;
        Lx[0] = m - i;
      }

      if (k === 0) traceback[i * cols] = tb;

      // Score of a y suffix clip from here.
      if (Sk[i]! + yclipSuffix > Sn[i]!) {
        Sn[i] = Sk[i]! + yclipSuffix;
        Ly[i] = n;
      }
    }
  }

  for (let j = 1; j <= n; j++) {
    const curr = j % 2;
    const prev = 1 - curr;
    const Ic = I[curr]!;
    const Dc = D[curr]!;
    const Sc = S[curr]!;
    const Dp = D[prev]!;
    const Sp = S[prev]!;

    {
      // i = 0
      let tb = TB_START;
      Ic[0] = MIN_SCORE;

      if (j === 1) {
        Dc[0] = gapOpen + gapExtend;
        tb = setD(tb, TB_START);
      } else {
        // Delete all j characters, or clip then delete.
        const dScore = gapOpen + gapExtend * j;
        const cScore = yclipPrefix + gapOpen + gapExtend;
        if (dScore > cScore) {
          Dc[0] = dScore;
          tb = setD(tb, TB_DEL);
        } else {
          Dc[0] = cScore;
          tb = setD(tb, TB_YCLIP_PREFIX);
        }
      }
      if (Dc[0]! > yclipPrefix) {
        Sc[0] = Dc[0]!;
        tb = setS(tb, TB_DEL);
      } else {
        Sc[0] = yclipPrefix;
        tb = setS(tb, TB_YCLIP_PREFIX);
      }

      if (j === n && Sn[0]! > Sc[0]!) {
        Sc[0] = Sn[0]!;
        tb = setS(tb, TB_YCLIP_SUFFIX);
      } else if (Sc[0]! + yclipSuffix > Sn[0]!) {
        Sn[0] = Sc[0]! + yclipSuffix;
        Ly[0] = n - j;
      }

      traceback[j] = tb;
    }

    for (let i = 1; i <= m; i++) Sc[i] = MIN_SCORE;

    const q = y[j - 1]!;
    const xclipScore = xclipPrefix + Math.max(yclipPrefix, gapOpen + gapExtend * j);
    for (let i = 1; i <= m; i++) {
      const p = x[i - 1]!;
      let tb = TB_START;

      const mScore = Sp[i - 1]! + matchFn(p, q);

      const iScore = Ic[i - 1]! + gapExtend;
      const sScoreForI = Sc[i - 1]! + gapOpen + gapExtend;
      let bestIScore: number;
      if (iScore > sScoreForI) {
        bestIScore = iScore;
        tb = setI(tb, TB_INS);
      } else {
        bestIScore = sScoreForI;
        tb = setI(tb, getS(traceback[(i - 1) * cols + j]!));
      }

      const dScore = Dp[i]! + gapExtend;
      const sScoreForD = Sp[i]! + gapOpen + gapExtend;
      let bestDScore: number;
      if (dScore > sScoreForD) {
        bestDScore = dScore;
        tb = setD(tb, TB_DEL);
      } else {
        bestDScore = sScoreForD;
        tb = setD(tb, getS(traceback[i * cols + j - 1]!));
      }

      // Sc[i] is MIN_SCORE, except at i = m where it holds the best x suffix clip of this column so far.
      tb = setS(tb, TB_XCLIP_SUFFIX);
      let bestSScore = Sc[i]!;

      if (mScore > bestSScore) {
        bestSScore = mScore;
        tb = setS(tb, p === q ? TB_MATCH : TB_SUBST);
      }

      if (bestIScore > bestSScore) {
        bestSScore = bestIScore;
        tb = setS(tb, TB_INS);
      }

      if (bestDScore > bestSScore) {
        bestSScore = bestDScore;
        tb = setS(tb, TB_DEL);
      }

      if (xclipScore > bestSScore) {
        bestSScore = xclipScore;
        tb = setS(tb, TB_XCLIP_PREFIX);
      }

      const yclipScore = yclipPrefix + gapOpen + gapExtend * i;
      if (yclipScore > bestSScore) {
        bestSScore = yclipScore;
        tb = setS(tb, TB_YCLIP_PREFIX);
      }

      Sc[i] = bestSScore;
      Ic[i] = bestIScore;
      Dc[i] = bestDScore;

      // Score of an x suffix clip from here.
      if (Sc[i]! + xclipSuffix > Sc[m]!) {
        Sc[m] = Sc[i]! + xclipSuffix;
        Lx[j] = m - i;
      }

      // Score of a y suffix clip from here.
      if (Sc[i]! + yclipSuffix > Sn[i]!) {
        Sn[i] = Sc[i]! + yclipSuffix;
        Ly[i] = n - j;
      }

      traceback[i * cols + j] = tb;
    }
  }

  const lastS = S[n % 2]!;
  const lastI = I[n % 2]!;

  // Suffix clipping in the j = n column.
  for (let i = 0; i <= m; i++) {
    if (Sn[i]! > lastS[i]!) {
      lastS[i] = Sn[i]!;
      traceback[i * cols + n] = setS(traceback[i * cols + n]!, TB_YCLIP_SUFFIX);
    }
    if (lastS[i]! + xclipSuffix > lastS[m]!) {
      lastS[m] = lastS[i]! + xclipSuffix;
      Lx[n] = m - i;
      traceback[m * cols + n] = setS(traceback[m * cols + n]!, TB_XCLIP_SUFFIX);
    }
  }

  // The last column of S may have changed, so the last column of I may change too.
  for (let i = 1; i <= m; i++) {
    const sScore = lastS[i - 1]! + gapOpen + gapExtend;
    if (sScore > lastI[i]!) {
      lastI[i] = sScore;
      const sBits = getS(traceback[(i - 1) * cols + n]!);
      traceback[i * cols + n] = setI(traceback[i * cols + n]!, sBits);
    }
    if (sScore > lastS[i]!) {
      lastS[i] = sScore;
      traceback[i * cols + n] = setS(traceback[i * cols + n]!, TB_INS);
      if (lastS[i]! + xclipSuffix > lastS[m]!) {
        lastS[m] = lastS[i]! + xclipSuffix;
        Lx[n] = m - i;
        traceback[m * cols + n] = setS(traceback[m * cols + n]!, TB_XCLIP_SUFFIX);
      }
    }
  }

  let i = m;
  let j = n;
  const operations: AlignmentOperation[] = [];
  let xstart = 0;
  let ystart = 0;
  let xend = m;
  let yend = n;

  let lastLayer = getS(traceback[i * cols + j]!);

  for (;;) {
    let nextLayer: number;
    switch (lastLayer) {
      case TB_START:
        operations.reverse();
        return { score: lastS[m]!, xstart, xend, ystart, yend, xlen: m, ylen: n, operations };
      case TB_INS:
        operations.push('Ins');
        nextLayer = getI(traceback[i * cols + j]!);
        i -= 1;
        break;
      case TB_DEL:
        operations.push('Del');
        nextLayer = getD(traceback[i * cols + j]!);
        j -= 1;
        break;
      case TB_MATCH:
        operations.push('Match');
        nextLayer = getS(traceback[(i - 1) * cols + j - 1]!);
        i -= 1;
        j -= 1;
        break;
      case TB_SUBST:
        operations.push('Subst');
        nextLayer = getS(traceback[(i - 1) * cols + j - 1]!);
        i -= 1;
        j -= 1;
        break;
      case TB_XCLIP_PREFIX:
        operations.push({ Xclip: i });
        xstart = i;
        i = 0;
        nextLayer = getS(traceback[j]!);
        break;
      case TB_XCLIP_SUFFIX:
        operations.push({ Xclip: Lx[j]! });
        i -= Lx[j]!;
        xend = i;
        nextLayer = getS(traceback[i * cols + j]!);
        break;
      case TB_YCLIP_PREFIX:
        operations.push({ Yclip: j });
        ystart = j;
        j = 0;
        nextLayer = getS(traceback[i * cols]!);
        break;
      case TB_YCLIP_SUFFIX:
        operations.push({ Yclip: Ly[i]! });
        j -= Ly[i]!;
        yend = j;
        nextLayer = getS(traceback[i * cols + j]!);
        break;
      default:
        throw new Error('Dint expect this!');
    }
    lastLayer = nextLayer;
  }
}

/**
 * IUPAC_SCORE[a * 256 + b]: mbf's iupac_alignment_score, +1 if pattern letter a accepts read letter b,
 * else -1 (made once, read per cell).
 */
const IUPAC_SCORE = new Int8Array(256 * 256);
{
  const patternLetter = new Uint8Array(1);
  const readLetter = new Uint8Array(1);
  for (let a = 0; a < 256; a++)
    for (let b = 0; b < 256; b++) {
      patternLetter[0] = a;
      readLetter[0] = b;
      IUPAC_SCORE[a * 256 + b] = iupacDistance(patternLetter, readLetter, 0) === 0 ? 1 : -1;
    }
}

function iupacAlignmentScore(a: number, b: number): number {
  return IUPAC_SCORE[a * 256 + b]!;
}

function toAsciiUppercase(bytes: Uint8Array): Uint8Array {
  const upper = new Uint8Array(bytes.length);
  for (let k = 0; k < bytes.length; k++) {
    const c = bytes[k]!;
    upper[k] = c >= 0x61 && c <= 0x7a ? c - 0x20 : c;
  }
  return upper;
}

/** Whether `read` holds one of the `pieces` near-equal consecutive pieces of `pattern`, byte for byte. */
function holdsAPiece(read: Uint8Array, pattern: Uint8Array, pieces: number): boolean {
  const haystack = Buffer.from(read.buffer, read.byteOffset, read.length);
  for (let k = 0; k < pieces; k++) {
    const from = Math.floor((k * pattern.length) / pieces);
    const to = Math.floor(((k + 1) * pattern.length) / pieces);
    if (haystack.indexOf(pattern.subarray(from, to)) >= 0) return true;
  }
  return false;
}

/**
 * mbf's find_iupac_with_indel: align the IUPAC `pattern` (fully consumed) against `read` (clipped as the anchor
 * allows) and return the [start, end) of the aligned read span if mismatches, indel bases and their sum stay within
 * the limits (`maxTotalEdits` defaults to maxMismatches + maxIndelBases). `prefilter = false` skips the
 * piece test below (tests compare the two).
 */
export function findIupacWithIndel(
  read: Uint8Array,
  pattern: Uint8Array,
  anchor: IupacAnchor,
  maxMismatches: number,
  maxIndelBases: number,
  maxTotalEdits: number | undefined,
  prefilter = true,
): [start: number, end: number] | undefined {
  if (pattern.length === 0 || read.length === 0) return undefined;

  const totalLimit = maxTotalEdits ?? maxMismatches + maxIndelBases;

  if (read.length + maxIndelBases < pattern.length) return undefined;

  const queryUpper = toAsciiUppercase(pattern);
  const referenceUpper = toAsciiUppercase(read);

  // Not mbf's, and exact: an accepted alignment has at most `edits` edits (substitutions, pattern
  // letters left out, read letters put in), and each breaks at most one of edits + 1 pieces of the
  // pattern, so one piece stands in the read letter for letter. Without any, mbf's answer is None
  // (most reads: no adapter), found without the alignment.
  const edits = Math.min(totalLimit, maxMismatches + maxIndelBases);
  if (prefilter && edits < queryUpper.length && !holdsAPiece(referenceUpper, queryUpper, edits + 1)) return undefined;

  const scoring: Scoring = {
    gapOpen: 0,
    gapExtend: -1,
    match: iupacAlignmentScore,
    xclipPrefix: MIN_SCORE,
    xclipSuffix: MIN_SCORE,
    yclipPrefix: anchor === 'Left' ? MIN_SCORE : 0,
    yclipSuffix: anchor === 'Right' ? MIN_SCORE : 0,
  };

  const alignment = alignCustom(queryUpper, referenceUpper, scoring);

  if (alignment.operations.length === 0) return undefined;

  if (!((anchor === 'Left' && alignment.ystart === 0) || (anchor === 'Right' && alignment.yend === read.length) || anchor === 'Anywhere')) {
    throw new Error('Alignment produced invalid coordinates for the specified anchor');
  }

  let mismatches = 0;
  let insertions = 0;
  let deletions = 0;
  for (const op of alignment.operations) {
    if (op === 'Subst') mismatches++;
    else if (op === 'Del') insertions++;
    else if (op === 'Ins') deletions++;
  }

  const totalIndels = insertions + deletions;
  if (mismatches > maxMismatches || totalIndels > maxIndelBases || mismatches + totalIndels > totalLimit) return undefined;

  const start = alignment.ystart;
  const end = alignment.yend;
  if (end < start) throw new Error('Alignment produced invalid coordinates (end < start)');
  if (end > read.length) throw new Error('Alignment produced invalid coordinates (end > reference length)');
  return [start, end];
}
