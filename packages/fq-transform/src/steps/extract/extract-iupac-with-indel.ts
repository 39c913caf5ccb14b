/**
 * ExtractIUPACWithIndel (mbf's): a location tag where the IUPAC pattern `search` aligns to the
 * read with at most `max_mismatches` substitutions and `max_indel_bases` inserted or deleted
 * bases (`max_total_edits`, default their sum, caps both together), anchored at the read's start
 * (`Left`), end (`Right`) or `Anywhere`. The alignment is rust-bio's, as mbf runs it
 * (pairwise-aligner.ts); as there, a pattern letter that accepts a different read letter (N
 * against A) still counts as a substitution.
 */
import { seqOf } from '@shoal/hts';
import { enumKey, outLabel, segmentKey } from '../../config-keys.js';
import { latin1ToBytes } from '../byte-strings.js';
import { setOneHitPerRead } from '../hits.js';
import { defineStep } from '../types.js';
import { iupacSearchKey, type IupacAnchor } from './iupac.js';
import { findIupacWithIndel } from './pairwise-aligner.js';

interface Config {
  search: string;
  segment: number;
  anchor: IupacAnchor;
  label: string;
  maxMismatches: number;
  maxIndelBases: number;
  maxTotalEdits?: number;
}

export const extractIupacWithIndel = defineStep<Config, undefined, Uint8Array>({
  action: 'ExtractIUPACWithIndel',
  parse(table, env) {
    const patterns = iupacSearchKey(table);
    if (patterns.length !== 1) throw table.error('one pattern only (a string)', 'search');
    const search = patterns[0]!;
    if (search.length === 0) throw table.error('Must contain at least one letter (base)', 'search');
    const segment = segmentKey(table, env);
    const anchor = enumKey(table, 'anchor', { Left: 'Left', Right: 'Right', Anywhere: 'Anywhere' } as const);
    const label = outLabel(table, env);
    const maxMismatches = table.integer('max_mismatches', { default: 0, min: 0 });
    const maxIndelBases = table.integer('max_indel_bases', { default: 0, min: 0 });
    const maxTotalEdits = table.has('max_total_edits')
      ? table.integer('max_total_edits', { min: 0 })
      : table.optional(() => undefined, 'max_total_edits');
    return { search, segment, anchor, label, maxMismatches, maxIndelBases, maxTotalEdits };
  },
  declares: (config) => [{ label: config.label, kind: 'location' }],
  compile: (config) => latin1ToBytes(config.search),
  apply(block, config, context) {
    setOneHitPerRead(block, config.label, config.segment, (reads, i) =>
      findIupacWithIndel(
        seqOf(reads, i),
        context.compiled,
        config.anchor,
        config.maxMismatches,
        config.maxIndelBases,
        config.maxTotalEdits,
      ),
    );
  },
});
