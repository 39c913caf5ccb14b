/**
 * FilterEmpty: drop molecules whose read on `segment` is empty; with `segment = 'All'`, only
 * molecules empty in every segment (mbf expands it to CalcLength + FilterByNumericTag min 1).
 */
import { seqLength } from '@shoal/hts';
import { segmentOrAllKey } from '../../config-keys.js';
import { defineStep } from '../types.js';

export const filterEmpty = defineStep<{ segment: number }>({
  action: 'FilterEmpty',
  parse: (table, env) => ({ segment: segmentOrAllKey(table, env) }),
  apply(block, config) {
    const keep = new Uint8Array(block.count);
    const segments = config.segment < 0 ? block.segments : [block.segments[config.segment]!];
    for (let i = 0; i < block.count; i++) {
      let total = 0;
      for (const reads of segments) total += seqLength(reads, i);
      keep[i] = total >= 1 ? 1 : 0;
    }
    block.keep(keep);
  },
});
