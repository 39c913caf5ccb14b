/** ExtractLowQualityStart: the run of bases with quality < min_qual (raw byte, file encoding) at the read's 5' end. */
import { qualOf } from '@shoal/hts';
import { byteOrCharKey, outLabel, segmentKey } from '../../config-keys.js';

import { setOneHitPerRead } from '../hits.js';
import { defineStep } from '../types.js';

export interface LowQualityConfig {
  segment: number;
  label: string;
  minQual: number;
}

export function lowQualityKeys(table: import('../../table.js').Table, env: import('../types.js').StepEnvironment): LowQualityConfig {
  const segment = segmentKey(table, env);
  const label = outLabel(table, env);
  const minQual = byteOrCharKey(table, 'min_qual');
  return { segment, label, minQual };
}

export const extractLowQualityStart = defineStep<LowQualityConfig>({
  action: 'ExtractLowQualityStart',
  parse: lowQualityKeys,
  declares: (config) => [{ label: config.label, kind: 'location' }],
  apply(block, config) {
    setOneHitPerRead(block, config.label, config.segment, (reads, i) => {
      const qual = qualOf(reads, i);
      let cut = 0;
      while (cut < qual.length && qual[cut]! < config.minQual) cut++;
      return cut > 0 ? [0, cut] : undefined;
    });
  },
});
