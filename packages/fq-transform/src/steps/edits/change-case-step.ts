/**
 * Lowercase / Uppercase (mbf's _ChangeCase): `target` (alias `segment`, `source`) is a segment,
 * `All`, `name:<segment>` (the name up to the read comment character; the comment is kept) or
 * `tag:<label>` (the sequences of a location tag's hits; `if_tag` does not apply there, as in mbf).
 * ASCII letters only.
 */
import { nameOf, seqOf } from '@shoal/hts';
import { conditionOf, type ConditionalTag } from '../../block.js';
import { ifTagKey } from '../../config-keys.js';
import { nameWithoutComment, type SourceAll, sourceAllKey, sourceUses } from '../sources.js';
import { defineStep, type StepDefinition } from '../types.js';

export interface ChangeCaseConfig {
  target: SourceAll;
  ifTag?: ConditionalTag;
}

function convertBytes(bytes: Uint8Array, upper: boolean): void {
  if (upper) {
    for (let k = 0; k < bytes.length; k++) {
      const c = bytes[k]!;
      if (c >= 97 && c <= 122) bytes[k] = c - 32;
    }
  } else {
    for (let k = 0; k < bytes.length; k++) {
      const c = bytes[k]!;
      if (c >= 65 && c <= 90) bytes[k] = c + 32;
    }
  }
}

export function changeCaseStep(action: 'Lowercase' | 'Uppercase'): StepDefinition<ChangeCaseConfig> {
  const upper = action === 'Uppercase';
  return defineStep<ChangeCaseConfig>({
    action,
    parse(table, env) {
      const target = sourceAllKey(table, env, 'target', ['segment', 'source']);
      const ifTag = ifTagKey(table, env);
      return { target, ifTag };
    },
    uses: (config) => [...(config.ifTag ? [config.ifTag.tag] : []), ...sourceUses(config.target)],
    apply(block, config) {
      const target = config.target;
      if (target.kind === 'tag') {
        const convert = upper
          ? (s: string) => s.replace(/[a-z]+/g, (m) => m.toUpperCase())
          : (s: string) => s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
        for (const value of block.tag(target.tag)) {
          if (!Array.isArray(value)) continue;
          for (const hit of value) hit.sequence = convert(hit.sequence);
        }
        return;
      }
      const condition = conditionOf(block, config.ifTag);
      const segments = target.segment < 0 ? block.segments.map((_, s) => s) : [target.segment];
      for (const s of segments) {
        const reads = block.segments[s]!;
        for (let i = 0; i < block.count; i++) {
          if (condition && !condition[i]) continue;
          // in place: the bytes belong to this read only, and the change is idempotent
          if (target.kind === 'segment') convertBytes(seqOf(reads, i), upper);
          else convertBytes(nameWithoutComment(nameOf(reads, i), target.split), upper);
        }
      }
    },
  });
}
