/**
 * ExtractIUPACSuffix: the longest suffix of the read, at least `min_length` long, that equals a
 * prefix of `search` with at most `max_mismatches` differences (byte for byte, as mbf's
 * triple_accel hamming): an adapter that starts near the read's 3' end and runs off it. An
 * adapter followed by more bases is not found (TrimAdapter finds those). mbf 0.8.1 gives the hit
 * the read's length as its length (`Hits::new(start, seq.len(), …)`); here the hit covers the
 * suffix, so its location ends at the read's end.
 */
import { seqOf } from '@shoal/hts';
import { outLabel, segmentKey } from '../../config-keys.js';
import { latin1ToBytes } from '../byte-strings.js';
import { setOneHitPerRead } from '../hits.js';
import { defineStep } from '../types.js';

interface Config {
  segment: number;
  label: string;
  minLength: number;
  maxMismatches: number;
  search: string;
}

/** mbf's longest_suffix_that_is_a_prefix: the suffix length, or 0 for none. */
export function longestSuffixThatIsAPrefix(seq: Uint8Array, query: Uint8Array, maxMismatches: number, minLength: number): number {
  const maxLength = Math.min(seq.length, query.length);
  for (let length = maxLength; length >= minLength; length--) {
    const start = seq.length - length;
    let distance = 0;
    for (let i = 0; i < length && distance <= maxMismatches; i++) if (seq[start + i] !== query[i]) distance++;
    if (distance <= maxMismatches) return length;
  }
  return 0;
}

export const extractIupacSuffix = defineStep<Config, undefined, Uint8Array>({
  action: 'ExtractIUPACSuffix',
  parse(table, env) {
    const segment = segmentKey(table, env);
    const label = outLabel(table, env);
    const search = table.string('search', { aliases: ['query', 'pattern'] });
    const bad = /[^ACGTacgt]/.exec(search);
    if (bad) throw table.error(`Invalid DNA base: '${bad[0].toUpperCase()}' (search takes A, C, G and T)`, 'search');
    const minLength = table.integer('min_length', { min: 1 });
    if (minLength > search.length)
      throw table.error(
        `min_length (${minLength}) cannot be greater than the length of the search pattern (${search.length})`,
        'min_length',
      );
    const maxMismatches = table.integer('max_mismatches', { min: 0, max: 255 });
    return { segment, label, minLength, maxMismatches, search };
  },
  declares: (config) => [{ label: config.label, kind: 'location' }],
  compile: (config) => latin1ToBytes(config.search),
  apply(block, config, context) {
    setOneHitPerRead(block, config.label, config.segment, (reads, i) => {
      const seq = seqOf(reads, i);
      const length = longestSuffixThatIsAPrefix(seq, context.compiled, config.maxMismatches, config.minLength);
      return length > 0 ? [seq.length - length, seq.length] : undefined;
    });
  },
});
