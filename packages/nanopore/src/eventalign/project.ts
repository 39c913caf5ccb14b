/**
 * Read <-> reference coordinates through a BAM CIGAR, as nanopolish's `get_aligned_segments` (nanopolish_anchor.cpp)
 * walks it: M/=/X pair a read base with a reference base; I and S consume read bases only; D consumes reference
 * bases only; N (a reference skip, e.g. an intron) consumes reference bases and ends an aligned segment; H and P
 * consume nothing.
 */

const OP_MATCH = 0;
const OP_INSERTION = 1;
const OP_DELETION = 2;
const OP_REFERENCE_SKIP = 3;
const OP_SOFT_CLIP = 4;
// 5 (H) and 6 (P) consume nothing.
const OP_SEQUENCE_MATCH = 7;
const OP_SEQUENCE_MISMATCH = 8;

export interface CigarProjection {
  /** Reference bases the alignment spans (M, D, N, =, X). */
  readonly referenceLength: number;
  /** Read bases the CIGAR consumes (M, I, S, =, X); equals the SEQ length for a valid record. */
  readonly readLength: number;
  /** Per read base: the reference offset (from the alignment start) it is aligned to, -1 (inserted, clipped). */
  readonly referenceOfRead: Int32Array;
  /** Per reference offset: the read base aligned to it, -1 (deleted, skipped). */
  readonly readOfReference: Int32Array;
  /**
   * Aligned segments split at N operations, as reference offset ranges [start, end) whose first and last bases are
   * aligned to read bases.
   */
  readonly segments: readonly { readonly referenceStart: number; readonly referenceEnd: number }[];
}

/** Walks `cigar` (BAM encoding: length << 4 | op). Throws RangeError on an operation code above 8. */
export function projectCigar(cigar: Uint32Array): CigarProjection {
  let referenceLength = 0;
  let readLength = 0;
  for (const word of cigar) {
    const op = word & 0xf;
    const length = word >>> 4;
    if (op > OP_SEQUENCE_MISMATCH) throw new RangeError(`CIGAR operation code ${op} is not defined`);
    if (consumesReference(op)) referenceLength += length;
    if (consumesRead(op)) readLength += length;
  }
  const referenceOfRead = new Int32Array(readLength).fill(-1);
  const readOfReference = new Int32Array(referenceLength).fill(-1);
  const segments: { referenceStart: number; referenceEnd: number }[] = [];
  let segmentStart = -1;
  let segmentEnd = -1;
  let readPosition = 0;
  let referencePosition = 0;
  for (const word of cigar) {
    const op = word & 0xf;
    const length = word >>> 4;
    if (op === OP_MATCH || op === OP_SEQUENCE_MATCH || op === OP_SEQUENCE_MISMATCH) {
      for (let i = 0; i < length; i++) {
        referenceOfRead[readPosition + i] = referencePosition + i;
        readOfReference[referencePosition + i] = readPosition + i;
      }
      if (length > 0) {
        if (segmentStart < 0) segmentStart = referencePosition;
        segmentEnd = referencePosition + length;
      }
    } else if (op === OP_REFERENCE_SKIP && segmentStart >= 0) {
      segments.push({ referenceStart: segmentStart, referenceEnd: segmentEnd });
      segmentStart = -1;
    }
    if (consumesRead(op)) readPosition += length;
    if (consumesReference(op)) referencePosition += length;
  }
  if (segmentStart >= 0) segments.push({ referenceStart: segmentStart, referenceEnd: segmentEnd });
  return { referenceLength, readLength, referenceOfRead, readOfReference, segments };
}

function consumesReference(op: number): boolean {
  return op === OP_MATCH || op === OP_DELETION || op === OP_REFERENCE_SKIP || op === OP_SEQUENCE_MATCH || op === OP_SEQUENCE_MISMATCH;
}

function consumesRead(op: number): boolean {
  return op === OP_MATCH || op === OP_INSERTION || op === OP_SOFT_CLIP || op === OP_SEQUENCE_MATCH || op === OP_SEQUENCE_MISMATCH;
}

/**
 * The read base aligned at or nearest before reference offset `offset` (searching back through deletions), or the
 * nearest after when none is before; -1 when the alignment has no aligned base at all.
 */
export function readBaseNear(projection: CigarProjection, offset: number): number {
  const map = projection.readOfReference;
  for (let i = Math.min(offset, map.length - 1); i >= 0; i--) if (map[i] >= 0) return map[i];
  for (let i = Math.max(offset, 0); i < map.length; i++) if (map[i] >= 0) return map[i];
  return -1;
}
