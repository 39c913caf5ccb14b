/** ReplaceTagWithLetter: overwrites the bases under a location tag's regions with one letter (qualities stay). */
import { FIELDS_PER_READ, reserveArena, SEQ_END, SEQ_START, seqOf } from '@shoal/hts';
import type { FastqBlock } from '../../block.js';
import { byteOrCharKey, inLabel } from '../../config-keys.js';
import { defineStep } from '../types.js';

interface Config {
  label: string;
  letter: number;
}

/** Points read i's sequence at new bytes (the qualities stay where they are). */
function replaceSeq(block: FastqBlock, segment: number, i: number, seq: Uint8Array): void {
  const reads = block.segments[segment]!;
  const start = reserveArena(reads, seq.length);
  reads.arena.set(seq, start);
  reads.fields[i * FIELDS_PER_READ + SEQ_START] = start;
  reads.fields[i * FIELDS_PER_READ + SEQ_END] = start + seq.length;
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
