/**
 * Prefix and Postfix add fixed bases (and qualities) at the 5' or 3' end of a segment's reads.
 * After a Prefix, tag locations on the segment shift right; after a Postfix they stay (as in mbf).
 */
import { FIELDS_PER_READ, reserveArena, SEQ_START, SEQ_END, QUAL_START, QUAL_END } from '@shoal/hts';
import { conditionOf, type ConditionalTag } from '../../block.js';
import { ifTagKey, segmentKey } from '../../config-keys.js';
import type { Table } from '../../table.js';
import { utf8Bytes } from '../byte-strings.js';
import { describeEncoding, encodingKey, phredLimits } from '../phred.js';
import { defineStep, type StepDefinition } from '../types.js';

export interface AffixConfig {
  segment: number;
  /** Bases and qualities to add, as byte lists (plain data). */
  seq: number[];
  qual: number[];
  ifTag?: ConditionalTag;
}

/** `seq` (A, C, G, T, N in any case), `qual` (same length, within `encoding`'s range; default Sanger). */
function affixKeys(table: Table): { seq: number[]; qual: number[] } {
  const seqText = table.string('seq');
  const seq = Array.from(utf8Bytes(seqText));
  for (const c of seq) {
    const upper = c >= 97 && c <= 122 ? c - 32 : c;
    if (upper !== 65 && upper !== 67 && upper !== 71 && upper !== 84 && upper !== 78)
      throw table.error(`invalid DNA base: '${c}' (allowed: A, C, G, T, N)`, 'seq');
  }
  const qual = Array.from(utf8Bytes(table.string('qual')));
  if (seq.length !== qual.length)
    throw table.error(`'seq' and 'qual' must be the same length (${seq.length} and ${qual.length} characters)`, 'seq');
  const encoding = encodingKey(table, 'encoding', 'Sanger');
  const [lower, upper] = phredLimits(encoding);
  if (qual.some((q) => q < lower || q > upper))
    throw table.error(`quality values must be in the range (${lower}..${upper}) ('${describeEncoding(encoding)}')`, 'qual');
  return { seq, qual };
}

/** The step adding `seq` / `qual` at the reads' start (Prefix) or end (Postfix). */
export function affixStep(action: 'Prefix' | 'Postfix', atStart: boolean): StepDefinition<AffixConfig> {
  return defineStep<AffixConfig>({
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
