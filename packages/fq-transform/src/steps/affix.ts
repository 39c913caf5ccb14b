/**
 * Prefix and Postfix: fixed bases (and qualities) added at the 5' or 3' end of a segment's reads.
 * After a Prefix, tag locations on the segment shift right; after a Postfix they stay (as in mbf).
 */
import { FIELDS_PER_READ, reserveArena, SEQ_START, SEQ_END, QUAL_START, QUAL_END } from '@shoal/hts';
import { conditionOf, type ConditionalTag } from '../block.js';
import { defineStep, ifTagKey, segmentKey, type StepDefinition } from './types.js';
import { affixKeys, type AffixConfig } from './util-edits.js';

interface Config extends AffixConfig {
  ifTag?: ConditionalTag;
}

function affixStep(action: 'Prefix' | 'Postfix', atStart: boolean): StepDefinition<Config> {
  return defineStep<Config>({
    action,
    parse(table, env) {
      const segment = segmentKey(table, env);
      const { seq, qual } = affixKeys(table);
      const ifTag = ifTagKey(table, env);
      return { segment, seq, qual, ifTag };
    },
    uses: (config) => (config.ifTag ? [config.ifTag.tag] : []),
    apply(block, config) {
      const condition = conditionOf(block, config.ifTag);
      const reads = block.segments[config.segment]!;
      const seq = Uint8Array.from(config.seq);
      const qual = Uint8Array.from(config.qual);
      const add = seq.length;
      if (add === 0) return;
      for (let i = 0; i < block.count; i++) {
        if (condition && !condition[i]) continue;
        const f = i * FIELDS_PER_READ;
        const length = reads.fields[f + SEQ_END]! - reads.fields[f + SEQ_START]!;
        const total = length + add;
        const start = reserveArena(reads, 2 * total); // may move the arena: read offsets after
        const a = reads.arena;
        const ownAt = atStart ? add : 0;
        const addedAt = atStart ? 0 : length;
        a.copyWithin(start + ownAt, reads.fields[f + SEQ_START]!, reads.fields[f + SEQ_END]!);
        a.set(seq, start + addedAt);
        a.copyWithin(start + total + ownAt, reads.fields[f + QUAL_START]!, reads.fields[f + QUAL_END]!);
        a.set(qual, start + total + addedAt);
        reads.fields[f + SEQ_START] = start;
        reads.fields[f + SEQ_END] = start + total;
        reads.fields[f + QUAL_START] = start + total;
        reads.fields[f + QUAL_END] = start + 2 * total;
      }
      if (atStart) block.updateLocations(config.segment, (region) => ({ ...region, start: region.start + add }), condition);
    },
  });
}

export const prefix = affixStep('Prefix', true);
export const postfix = affixStep('Postfix', false);
