/** ExtractIUPAC: the first of the `search` IUPAC patterns found (Hamming, ≤ max_mismatches) at the read's start, end or anywhere. */
import { seqOf } from '@shoal/hts';
import { enumKey, outLabel, segmentKey } from '../../config-keys.js';
import { latin1ToBytes } from '../byte-strings.js';
import { setOneHitPerRead } from '../hits.js';
import { defineStep } from '../types.js';
import { findIupac, iupacSearchKey, type IupacAnchor } from './iupac.js';

interface Config {
  search: string[];
  segment: number;
  anchor: IupacAnchor;
  label: string;
  maxMismatches: number;
}

export const extractIupac = defineStep<Config, undefined, Uint8Array[]>({
  action: 'ExtractIUPAC',
  parse(table, env) {
    const search = iupacSearchKey(table);
    const segment = segmentKey(table, env);
    const anchor = enumKey(table, 'anchor', { Left: 'Left', Right: 'Right', Anywhere: 'Anywhere' } as const);
    const label = outLabel(table, env);
    const maxMismatches = table.integer('max_mismatches', { min: 0, max: 255 });
    return { search, segment, anchor, label, maxMismatches };
  },
  declares: (config) => [{ label: config.label, kind: 'location' }],
  compile: (config) => config.search.map(latin1ToBytes),
  apply(block, config, context) {
    setOneHitPerRead(block, config.label, config.segment, (reads, i) => {
      const seq = seqOf(reads, i);
      for (const pattern of context.compiled) {
        const start = findIupac(seq, pattern, config.anchor, config.maxMismatches);
        if (start >= 0) return [start, start + pattern.length];
      }
      return undefined;
    });
  },
});
