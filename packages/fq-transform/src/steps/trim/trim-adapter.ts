/**
 * TrimAdapter (ours): removes a 3' adapter and everything after it, as `cutadapt -a ADAPTER`
 * (`-A` for the second read: one step per segment) with `max_error_rate` (-e), `min_overlap` (-O),
 * `indels = false` (--no-indels) and `match_read_wildcards` (-N). The adapter is found anywhere in
 * the read, whole or as a prefix running off the read's 3' end, by cutadapt's own aligner
 * (adapter-aligner.ts); reads trimmed to nothing stay, empty, as in cutadapt. It is ExtractAdapter
 * followed by TrimAtTag (direction End, keep_tag false), in one step.
 */
import { seqOf } from '@shoal/hts';
import { defineStep } from '../types.js';
import type { AdapterAligner } from './adapter-aligner.js';
import { adapterKeys, compileAdapter, type AdapterConfig } from './adapter-keys.js';
import { keepRanges } from './ranges.js';

export const trimAdapter = defineStep<AdapterConfig, undefined, AdapterAligner>({
  action: 'TrimAdapter',
  parse: adapterKeys,
  compile: compileAdapter,
  apply(block, config, context) {
    const reads = block.segments[config.segment]!;
    const from = new Int32Array(block.count);
    const to = new Int32Array(block.count);
    for (let i = 0; i < block.count; i++) {
      const seq = seqOf(reads, i);
      to[i] = context.compiled.locate(seq)?.queryStart ?? seq.length;
    }
    keepRanges(block, config.segment, from, to);
  },
});
