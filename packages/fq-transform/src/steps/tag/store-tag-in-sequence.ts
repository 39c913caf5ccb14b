/**
 * StoreTagInSequence: writes a location tag's (possibly changed) sequences back into the reads at
 * their locations. Where a replacement has another length than its region, the qualities there
 * become the region's mean quality (B for an empty region) and, when it grew, every location of
 * the molecule's tags is dropped (mbf's rule).
 */
import { HtsError, qualOf, seqOf, setSeqQual } from '@shoal/hts';
import type { Hit } from '../../block.js';
import { inLabel } from '../../config-keys.js';
import { latin1ToBytes } from '../byte-strings.js';
import { dropLocationsOf } from '../hits.js';
import { roundHalfAwayFromZero } from '../rust-numbers.js';
import { defineStep } from '../types.js';

interface Config {
  label: string;
  ignoreMissing: boolean;
}

function debugHit(hit: Hit): string {
  return `Hit { location: ${hit.location ? `Some(HitRegion { start: ${hit.location.start}, len: ${hit.location.len}, segment_index: SegmentIndex(${hit.location.segment}) })` : 'None'}, sequence: ${JSON.stringify(hit.sequence)} }`;
}

export const storeTagInSequence = defineStep<Config>({
  action: 'StoreTagInSequence',
  parse(table, env) {
    const { label } = inLabel(table, env, ['location']);
    const ignoreMissing = table.boolean('ignore_missing', { default: false });
    return { label, ignoreMissing };
  },
  uses: (config) => [config.label],
  apply(block, config) {
    const values = block.tag(config.label);
    const grew = new Uint8Array(block.count);
    for (let i = 0; i < block.count; i++) {
      const value = values[i];
      if (!Array.isArray(value)) continue;
      let keptSize = true;
      for (const hit of value) {
        const location = hit.location;
        if (!location) {
          if (config.ignoreMissing) continue;
          throw new HtsError(
            `StoreTagInSequence only works on regions with location data. Observed region: ${debugHit(hit)}. Suggestion: Set ignore_missing=true to skip regions without location data, or check if location data was lost in previous transformations`,
          );
        }
        const reads = block.segments[location.segment]!;
        const seq = seqOf(reads, i);
        const qual = qualOf(reads, i);
        const replacement = latin1ToBytes(hit.sequence);
        const end = location.start + location.len;
        const newSeq = new Uint8Array(location.start + replacement.length + Math.max(0, seq.length - end));
        newSeq.set(seq.subarray(0, location.start), 0);
        newSeq.set(replacement, location.start);
        newSeq.set(seq.subarray(end), location.start + replacement.length);
        const newQual = new Uint8Array(newSeq.length);
        newQual.set(qual.subarray(0, location.start), 0);
        if (replacement.length === location.len) newQual.set(qual.subarray(location.start, end), location.start);
        else {
          let mean = 66; // 'B'
          if (location.len > 0) {
            let sum = 0;
            for (let k = location.start; k < end; k++) sum += qual[k]!;
            mean = roundHalfAwayFromZero(sum / location.len) & 0xff;
          }
          newQual.fill(mean, location.start, location.start + replacement.length);
          keptSize = replacement.length < location.len;
        }
        newQual.set(qual.subarray(end), location.start + replacement.length);
        setSeqQual(reads, i, newSeq, newQual);
      }
      if (!keptSize) grew[i] = 1;
    }
    dropLocationsOf(block, grew);
  },
});
