/** ValidateSeq: every base of `segment` (or All) must be one of the `allowed` letters (case-sensitive). */
import { HtsError, nameOf, seqOf } from '@shoal/hts';
import { segmentOrAllKey } from '../../config-keys.js';
import { utf8Bytes } from '../byte-strings.js';
import { debugByteList, displayBytes } from '../rust-display.js';
import { defineStep } from '../types.js';

interface Config {
  allowed: number[];
  segment: number;
}

export const validateSeq = defineStep<Config, undefined, Uint8Array>({
  action: 'ValidateSeq',
  parse(table, env) {
    const allowed = Array.from(utf8Bytes(table.string('allowed')));
    const segment = segmentOrAllKey(table, env);
    return { allowed, segment };
  },
  compile(config) {
    const ok = new Uint8Array(256);
    for (const c of config.allowed) ok[c] = 1;
    return ok;
  },
  apply(block, config, context) {
    const ok = context.compiled;
    const segments = config.segment < 0 ? block.segments : [block.segments[config.segment]!];
    for (const reads of segments) {
      for (let i = 0; i < block.count; i++) {
        const seq = seqOf(reads, i);
        for (let k = 0; k < seq.length; k++) {
          if (!ok[seq[k]!]) {
            throw new HtsError(
              `Invalid base found in read named '${displayBytes(nameOf(reads, i))}', sequence: '${displayBytes(seq)}' Bytes: ${debugByteList(seq)}`,
            );
          }
        }
      }
    }
  },
});
