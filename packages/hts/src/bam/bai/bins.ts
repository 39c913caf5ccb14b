/** The UCSC binning scheme of the BAI index (SAM spec §5.3): 6 levels, 16 KiB smallest bins. */
export const LINEAR_SHIFT = 14;
/** The metadata pseudo-bin holding per-reference offsets and mapped/unmapped counts. */
export const METADATA_BIN = 37450;

/** Bin of the smallest level containing [beg, end), 0-based half-open. */
export function reg2bin(beg: number, end: number): number {
  end -= 1;
  if (beg >> 14 === end >> 14) return ((1 << 15) - 1) / 7 + (beg >> 14);
  if (beg >> 17 === end >> 17) return ((1 << 12) - 1) / 7 + (beg >> 17);
  if (beg >> 20 === end >> 20) return ((1 << 9) - 1) / 7 + (beg >> 20);
  if (beg >> 23 === end >> 23) return ((1 << 6) - 1) / 7 + (beg >> 23);
  if (beg >> 26 === end >> 26) return ((1 << 3) - 1) / 7 + (beg >> 26);
  return 0;
}

/** Every bin that may hold records overlapping [beg, end). */
export function reg2bins(beg: number, end: number): number[] {
  const bins = [0];
  if (beg >= end) return bins;
  end = Math.min(end, 1 << 29) - 1;
  for (const [offset, shift] of [
    [1, 26],
    [9, 23],
    [73, 20],
    [585, 17],
    [4681, 14],
  ] as const) {
    for (let k = offset + (beg >> shift); k <= offset + (end >> shift); k++) bins.push(k);
  }
  return bins;
}
