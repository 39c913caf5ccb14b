/**
 * ExtractRegionsOfLowQuality: every run of at least `min_length` bases whose quality byte is
 * below `min_quality` (a character or byte value, in the file's encoding), as one location tag
 * with a hit per run; Missing when there is none (mbf's semantics).
 */
import { qualOf, seqOf } from '@shoal/hts';
import type { Hit, TagValue } from '../../block.js';
import { byteOrCharKey, outLabel, segmentKey } from '../../config-keys.js';
import { bytesToLatin1 } from '../byte-strings.js';
import { defineStep } from '../types.js';

interface Config {
  segment: number;
  label: string;
  minQuality: number;
  minLength: number;
}

/** The [start, end) runs of bytes below `minQuality` that are at least `minLength` long. */
export function lowQualityRuns(qual: Uint8Array, minQuality: number, minLength: number): [number, number][] {
  const runs: [number, number][] = [];
  let start = -1;
  for (let i = 0; i <= qual.length; i++) {
    const low = i < qual.length && qual[i]! < minQuality;
    if (low && start < 0) start = i;
    else if (!low && start >= 0) {
      if (i - start >= minLength) runs.push([start, i]);
      start = -1;
    }
  }
  return runs;
}

export const extractRegionsOfLowQuality = defineStep<Config>({
  action: 'ExtractRegionsOfLowQuality',
  parse(table, env) {
    const segment = segmentKey(table, env);
    const label = outLabel(table, env);
    const minQuality = byteOrCharKey(table, 'min_quality');
    const minLength = table.integer('min_length', { min: 1 });
    return { segment, label, minQuality, minLength };
  },
  declares: (config) => [{ label: config.label, kind: 'location' }],
  apply(block, config) {
    const reads = block.segments[config.segment]!;
    const out: TagValue[] = new Array<TagValue>(block.count);
    for (let i = 0; i < block.count; i++) {
      const runs = lowQualityRuns(qualOf(reads, i), config.minQuality, config.minLength);
      if (runs.length === 0) {
        out[i] = null;
        continue;
      }
      const seq = seqOf(reads, i);
      out[i] = runs.map(([start, end]): Hit => ({
        location: { start, len: end - start, segment: config.segment },
        sequence: bytesToLatin1(seq.subarray(start, end)),
      }));
    }
    block.setTag(config.label, out);
  },
});
