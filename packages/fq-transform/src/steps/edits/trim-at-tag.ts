/**
 * TrimAtTag: cut each read at its location tag (one region per molecule): `direction = Start`
 * drops what lies before the region (and the region itself unless `keep_tag`), `End` what lies
 * after it. Other tags' locations on the cut segment shift or go; the tag itself keeps its
 * location only where that still makes sense (Start + keep_tag: now at 0; End + keep_tag: as is).
 */
import { HtsError, seqLength, sliceRead } from '@shoal/hts';
import type { TagValue } from '../../block.js';
import { enumKey, inLabel } from '../../config-keys.js';
import { defineStep } from '../types.js';

interface Config {
  label: string;
  direction: 'Start' | 'End';
  keepTag: boolean;
}

export const trimAtTag = defineStep<Config>({
  action: 'TrimAtTag',
  parse(table, env) {
    const { label } = inLabel(table, env, ['location']);
    const direction = enumKey<'Start' | 'End'>(table, 'direction', { Start: 'Start', End: 'End' });
    const keepTag = table.boolean('keep_tag');
    return { label, direction, keepTag };
  },
  uses: (config) => [config.label],
  apply(block, config) {
    const values = block.tag(config.label);
    const { direction, keepTag } = config;
    for (let i = 0; i < block.count; i++) {
      const value = values[i];
      if (!Array.isArray(value) || value.length === 0) continue;
      if (value.length > 1) {
        throw new HtsError(
          'TrimAtTag only supports Tags that cover one single region. Could be extended to multiple hits within one target, but not to multiple hits in multiple targets.',
        );
      }
      const location = value[0]!.location;
      if (!location)
        throw new HtsError('TrimTag only works on regions with location data. Might have been lost by subsequent transformations?');
      const reads = block.segments[location.segment]!;
      const length = seqLength(reads, i);
      if (direction === 'Start') {
        const cut = Math.min(length, keepTag ? location.start : location.start + location.len);
        sliceRead(reads, i, cut, length);
      } else {
        const keep = Math.min(length, keepTag ? location.start + location.len : location.start);
        sliceRead(reads, i, 0, keep);
      }
    }

    // the tag leaves the block while the others' locations are updated, and comes back last (as in mbf)
    const own: TagValue[] = values;
    block.removeTag(config.label);
    let target: number | undefined;
    for (const value of own) {
      if (Array.isArray(value) && value[0]?.location) {
        target = value[0].location.segment;
        break;
      }
    }
    if (target !== undefined) {
      if (direction === 'End') block.dropLocationsBeyondReadEnd(target);
      else {
        block.updateLocations(target, (region, i) => {
          const cls = own[i];
          const trim = Array.isArray(cls) ? cls[0]?.location : undefined;
          if (!trim) return 'keep';
          const cutPoint = keepTag ? trim.start : trim.start + trim.len;
          if (region.start < cutPoint) return 'remove';
          return { ...region, start: region.start - cutPoint };
        });
      }
    }
    if (!(direction === 'End' && keepTag)) {
      for (const value of own) {
        if (!Array.isArray(value)) continue;
        for (const hit of value) {
          if (direction === 'Start' && keepTag) {
            if (hit.location) hit.location = { ...hit.location, start: 0 };
          } else hit.location = null;
        }
      }
    }
    block.tags[config.label] = own;
  },
});
