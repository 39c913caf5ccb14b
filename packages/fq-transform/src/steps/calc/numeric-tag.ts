/** The numeric tag of a Calc step over one segment or over all segments together. */
import type { FastqBlock } from '../../block.js';

/** Every molecule's value: `single(segment, i)` for one segment, `all(i)` when `segment` is -1 (All). */
export function numericTag(
  block: FastqBlock,
  segment: number,
  single: (segment: number, i: number) => number,
  all: (i: number) => number,
): number[] {
  const out = new Array<number>(block.count);
  for (let i = 0; i < block.count; i++) out[i] = segment < 0 ? all(i) : single(segment, i);
  return out;
}
