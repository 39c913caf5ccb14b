/** ExtractLowQualityEnd: the run of bases with quality < min_qual (raw byte, file encoding) at the read's 3' end. */
import { qualOf, seqOf } from '@shoal/hts';
import type { TagValue } from '../../block.js';
import { bytesToLatin1 } from '../byte-strings.js';
import { singleHit } from '../hits.js';
import { defineStep } from '../types.js';
import { lowQualityKeys, type LowQualityConfig } from './extract-low-quality-start.js';

export const extractLowQualityEnd = defineStep<LowQualityConfig>({
  action: 'ExtractLowQualityEnd',
  parse: lowQualityKeys,
  declares: (config) => [{ label: config.label, kind: 'location' }],
  apply(block, config) {
    const reads = block.segments[config.segment]!;
    const out: TagValue[] = new Array<TagValue>(block.count);
    for (let i = 0; i < block.count; i++) {
      const qual = qualOf(reads, i);
      let cut = qual.length;
      while (cut > 0 && qual[cut - 1]! < config.minQual) cut--;
      out[i] = cut < qual.length ? singleHit(cut, qual.length - cut, config.segment, bytesToLatin1(seqOf(reads, i).subarray(cut))) : null;
    }
    block.setTag(config.label, out);
  },
});
