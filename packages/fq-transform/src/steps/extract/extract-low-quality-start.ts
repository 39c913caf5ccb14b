/** ExtractLowQualityStart: the run of bases with quality < min_qual (raw byte, file encoding) at the read's 5' end. */
import { qualOf, seqOf } from '@shoal/hts';
import type { TagValue } from '../../block.js';
import { byteOrCharKey, outLabel, segmentKey } from '../../config-keys.js';
import { bytesToLatin1 } from '../byte-strings.js';
import { singleHit } from '../hits.js';
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
    const reads = block.segments[config.segment]!;
    const out: TagValue[] = new Array<TagValue>(block.count);
    for (let i = 0; i < block.count; i++) {
      const qual = qualOf(reads, i);
      let cut = 0;
      while (cut < qual.length && qual[cut]! < config.minQual) cut++;
      out[i] = cut > 0 ? singleHit(0, cut, config.segment, bytesToLatin1(seqOf(reads, i).subarray(0, cut))) : null;
    }
    block.setTag(config.label, out);
  },
});
