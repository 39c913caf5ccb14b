/** ReverseComplement: IUPAC-aware (U→A, case kept, unknown letters verbatim); qualities reversed; locations mirrored. */
import { FIELDS_PER_READ, reserveArena, SEQ_START, SEQ_END, QUAL_START, QUAL_END } from '@shoal/hts';
import { conditionOf, type ConditionalTag } from '../../block.js';
import { ifTagKey, segmentKey } from '../../config-keys.js';
import { defineStep } from '../types.js';

/** IUPAC complement of a base byte (case kept; unknown bytes map to themselves). */
export const COMPLEMENT = new Uint8Array(256).map((_, i) => i);
for (const [a, b] of ['AT', 'CG', 'GC', 'TA', 'UA', 'RY', 'YR', 'SS', 'WW', 'KM', 'MK', 'BV', 'VB', 'DH', 'HD', 'NN']) {
  COMPLEMENT[a!.charCodeAt(0)] = b!.charCodeAt(0);
  COMPLEMENT[a!.toLowerCase().charCodeAt(0)] = b!.toLowerCase().charCodeAt(0);
}

function reverseComplementText(sequence: string): string {
  let out = '';
  for (let k = sequence.length - 1; k >= 0; k--) out += String.fromCharCode(COMPLEMENT[sequence.charCodeAt(k)]!);
  return out;
}

interface Config {
  segment: number;
  ifTag?: ConditionalTag;
}

export const reverseComplement = defineStep<Config>({
  action: 'ReverseComplement',
  parse(table, env) {
    const segment = segmentKey(table, env);
    const ifTag = ifTagKey(table, env);
    return { segment, ifTag };
  },
  uses: (config) => (config.ifTag ? [config.ifTag.tag] : []),
  apply(block, config) {
    const condition = conditionOf(block, config.ifTag);
    const reads = block.segments[config.segment]!;
    for (let i = 0; i < block.count; i++) {
      if (condition && !condition[i]) continue;
      const f = i * FIELDS_PER_READ;
      const length = reads.fields[f + SEQ_END]! - reads.fields[f + SEQ_START]!;
      const start = reserveArena(reads, 2 * length); // may move the arena: read offsets after
      const seqStart = reads.fields[f + SEQ_START]!;
      const qualStart = reads.fields[f + QUAL_START]!;
      const a = reads.arena;
      for (let k = 0; k < length; k++) {
        a[start + k] = COMPLEMENT[a[seqStart + length - 1 - k]!]!;
        a[start + length + k] = a[qualStart + length - 1 - k]!;
      }
      reads.fields[f + SEQ_START] = start;
      reads.fields[f + SEQ_END] = start + length;
      reads.fields[f + QUAL_START] = start + length;
      reads.fields[f + QUAL_END] = start + 2 * length;
    }
    block.updateLocations(
      config.segment,
      (region, _i, sequence, readLength) => ({
        region: { start: readLength - (region.start + region.len), len: region.len, segment: region.segment },
        sequence: reverseComplementText(sequence),
      }),
      condition,
    );
  },
});
