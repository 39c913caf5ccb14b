/** ReplaceTagWithLetter: overwrites the bases under a location tag's regions with one letter (qualities stay). */
import { seqOf } from '@shoal/hts';
import { defineStep } from './types.js';
import { byteOrCharKey, inLabel, replaceSeq } from './util-tags.js';

interface Config {
  label: string;
  letter: number;
}

export const replaceTagWithLetter = defineStep<Config>({
  action: 'ReplaceTagWithLetter',
  parse(table, env) {
    const { label } = inLabel(table, env, ['location']);
    const letter = byteOrCharKey(table, 'letter');
    return { label, letter };
  },
  uses: (config) => [config.label],
  apply(block, config) {
    const values = block.tag(config.label);
    for (let i = 0; i < block.count; i++) {
      const value = values[i];
      if (!Array.isArray(value)) continue;
      for (const hit of value) {
        if (!hit.location) continue;
        const { segment, start, len } = hit.location;
        const seq = seqOf(block.segments[segment]!, i).slice();
        for (let k = start; k < start + len && k < seq.length; k++) seq[k] = config.letter;
        replaceSeq(block, segment, i, seq);
      }
    }
  },
});
