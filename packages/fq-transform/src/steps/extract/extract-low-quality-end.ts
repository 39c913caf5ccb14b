/** ExtractLowQualityEnd: the run of bases with quality < min_qual (raw byte, file encoding) at the read's 3' end. */
import { qualOf } from '@shoal/hts';

import { setOneHitPerRead } from '../hits.js';
import { defineStep } from '../types.js';
import { lowQualityKeys, type LowQualityConfig } from './extract-low-quality-start.js';

export const extractLowQualityEnd = defineStep<LowQualityConfig>({
  action: 'ExtractLowQualityEnd',
  parse: lowQualityKeys,
  declares: (config) => [{ label: config.label, kind: 'location' }],
  apply(block, config) {
    setOneHitPerRead(block, config.label, config.segment, (reads, i) => {
      const qual = qualOf(reads, i);
      let cut = qual.length;
      while (cut > 0 && qual[cut - 1]! < config.minQual) cut--;
      return cut < qual.length ? [cut, qual.length] : undefined;
    });
  },
});
