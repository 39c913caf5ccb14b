/**
 * htsjdk SequenceUtil.basesEqual as bit masks, shared by every comparison of read bases with
 * reference or adapter bases. A BAM 4-bit base code (SAM spec §4.2.3, `=ACMGRSVTWYHKDBN`) is exactly
 * htsjdk's IUPAC mask of its letter (A 1, C 2, G 4, T 8, N 15, '=' 0), so a read base equals a
 * letter when its code === IUPAC_MASK[letter byte]: one table lookup, no per-base branching.
 */

/**
 * Letter byte → IUPAC mask (any case; '.' is N). Bytes ≥ 128 are negative Java bytes, never equal
 * to anything: 255 matches no code. Other bytes map to 0, which only '=' codes to.
 */
export const IUPAC_MASK = new Uint8Array(256);
/** The mask of a no-call (N, n, '.'), which is also the BAM code of N. */
export const NO_CALL_MASK = 15;
{
  const letters = '=ACMGRSVTWYHKDBN';
  IUPAC_MASK.fill(255, 128);
  for (let code = 1; code < 16; code++) {
    IUPAC_MASK[letters.charCodeAt(code)] = code;
    IUPAC_MASK[letters.toLowerCase().charCodeAt(code)] = code;
  }
  IUPAC_MASK['.'.charCodeAt(0)] = NO_CALL_MASK;
}

/** SequenceUtil.complement on codes: A↔T, C↔G, everything else unchanged. */
export const COMPLEMENT_CODE = Uint8Array.from({ length: 16 }, (_, code) => ({ 1: 8, 8: 1, 2: 4, 4: 2 })[code] ?? code);
