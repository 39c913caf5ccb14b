/**
 * ExtractAdapter (ours): a location tag on the 3' adapter cutadapt would find (`cutadapt -a`, see
 * trim/trim-adapter.ts for the keys) and everything after it, from where the match starts in the
 * read to the read's end. TrimAtTag (direction End) then trims as cutadapt does; a Calc or
 * Store step can count or keep the adapter instead.
 */
import { seqOf } from '@shoal/hts';
import { outLabel } from '../../config-keys.js';
import { setOneHitPerRead } from '../hits.js';
import type { AdapterAligner } from '../trim/adapter-aligner.js';
import { adapterKeys, compileAdapter, type AdapterConfig } from '../trim/adapter-keys.js';
import { defineStep } from '../types.js';

interface Config extends AdapterConfig {
  label: string;
}

export const extractAdapter = defineStep<Config, undefined, AdapterAligner>({
  action: 'ExtractAdapter',
  parse: (table, env) => ({ ...adapterKeys(table, env), label: outLabel(table, env) }),
  declares: (config) => [{ label: config.label, kind: 'location' }],
  compile: compileAdapter,
  apply(block, config, context) {
    setOneHitPerRead(block, config.label, config.segment, (reads, i) => {
      const seq = seqOf(reads, i);
      const found = context.compiled.locate(seq);
      return found ? [found.queryStart, seq.length] : undefined;
    });
  },
});
