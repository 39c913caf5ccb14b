/**
 * Swap: exchange two segments (segment_a / segment_b; both may be left out when there are exactly
 * two segments). With `if_tag`, only the molecules whose tag is truthy swap. Tag locations on
 * either segment follow their read.
 */
import { nameOf, qualOf, seqOf, setName, setSeqQual, type ReadsBlock } from '@shoal/hts';
import { conditionOf, type ConditionalTag } from '../../block.js';
import { ifTagKey, segmentKey } from '../../config-keys.js';
import { defineStep } from '../types.js';

interface Config {
  a: number;
  b: number;
  ifTag?: ConditionalTag;
}

function writeRead(to: ReadsBlock, i: number, name: Uint8Array, seq: Uint8Array, qual: Uint8Array): void {
  setName(to, i, name);
  setSeqQual(to, i, seq, qual);
}

export const swap = defineStep<Config>({
  action: 'Swap',
  parse(table, env) {
    const hasA = table.has('segment_a');
    const hasB = table.has('segment_b');
    let a: number;
    let b: number;
    if (hasA !== hasB) {
      throw table.error(
        'insufficient swap definition: please either specify both segment_a and segment_b, or omit both for auto-detection',
        hasA ? 'segment_a' : 'segment_b',
      );
    } else if (!hasA) {
      table.optional(() => undefined, 'segment_a');
      table.optional(() => undefined, 'segment_b');
      if (env.segments.length !== 2) {
        throw table.error(
          'insufficient swap definition: there were more (or fewer) than 2 segments, and you did not specify both segment_a and segment_b',
        );
      }
      a = 0;
      b = 1;
    } else {
      a = segmentKey(table, env, 'segment_a');
      b = segmentKey(table, env, 'segment_b');
      if (a === b) throw table.error('segment_a is identical to segment_b: please specify two different segments to swap', 'segment_b');
    }
    const ifTag = ifTagKey(table, env);
    return { a, b, ifTag };
  },
  uses: (config) => (config.ifTag ? [config.ifTag.tag] : []),
  apply(block, config) {
    const { a, b } = config;
    const condition = conditionOf(block, config.ifTag);
    if (!condition) {
      const segments = block.segments;
      [segments[a], segments[b]] = [segments[b]!, segments[a]!];
    } else {
      const readsA = block.segments[a]!;
      const readsB = block.segments[b]!;
      for (let i = 0; i < block.count; i++) {
        if (!condition[i]) continue;
        // copies first: appending to an arena may move it
        const nameA = nameOf(readsA, i).slice();
        const seqA = seqOf(readsA, i).slice();
        const qualA = qualOf(readsA, i).slice();
        const nameB = nameOf(readsB, i).slice();
        const seqB = seqOf(readsB, i).slice();
        const qualB = qualOf(readsB, i).slice();
        writeRead(readsA, i, nameB, seqB, qualB);
        writeRead(readsB, i, nameA, seqA, qualA);
      }
    }
    // every location on a or b moves with its read (mbf's filter_tag_locations_all_targets)
    for (const values of Object.values(block.tags)) {
      for (let i = 0; i < values.length; i++) {
        const value = values[i];
        if (!Array.isArray(value)) continue;
        if (condition && !condition[i]) continue;
        for (const hit of value) {
          const location = hit.location;
          if (!location) continue;
          if (location.segment === a) hit.location = { ...location, segment: b };
          else if (location.segment === b) hit.location = { ...location, segment: a };
        }
      }
    }
  },
});
