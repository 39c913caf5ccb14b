/**
 * HammingCorrect (mbf's): a new tag holding the input tag's sequences snapped to the barcodes of
 * `[barcodes.NAME]`: a sequence that is a barcode stays; otherwise the first barcode (in the
 * section's order) within `max_hamming_distance` (IUPAC-aware when a barcode has IUPAC codes)
 * replaces it, the hit keeping its location. A sequence matching none is, by `on_no_match`,
 * removed (the tag is Missing when no hit is left), emptied, or kept as it is.
 */
import type { Hit, TagValue } from '../../block.js';
import { enumKey, inLabel, outLabel } from '../../config-keys.js';
import { latin1ToBytes } from '../byte-strings.js';
import { iupacDistance } from '../extract/iupac.js';
import { defineStep } from '../types.js';

type OnNoMatch = 'remove' | 'empty' | 'keep';

interface Config {
  inLabel: string;
  kind: 'location' | 'string';
  outLabel: string;
  barcodes: string[];
  hasIupac: boolean;
  maxDistance: number;
  onNoMatch: OnNoMatch;
}

export const hammingCorrect = defineStep<Config, undefined, { exact: Set<string>; patterns: [string, Uint8Array][] }>({
  action: 'HammingCorrect',
  parse(table, env) {
    const { label: input, kind } = inLabel(table, env, ['location', 'string']);
    const output = outLabel(table, env);
    const name = table.string('barcodes');
    const section = env.barcodeTables.get(name);
    if (!section) {
      const known = [...env.barcodeTables.keys()].map((k) => `'${k}'`).join(', ');
      throw table.error(`there is no [barcodes.${name}] section${known ? ` (sections: ${known})` : ''}`, 'barcodes');
    }
    const maxDistance = table.integer('max_hamming_distance', { min: 0, max: 255 });
    const onNoMatch = enumKey<OnNoMatch>(table, 'on_no_match', { Remove: 'remove', Empty: 'empty', Keep: 'keep' });
    return {
      inLabel: input,
      kind: kind as 'location' | 'string',
      outLabel: output,
      barcodes: [...new Set(section.entries.map(([barcode]) => barcode))],
      hasIupac: section.hasIupac,
      maxDistance,
      onNoMatch,
    };
  },
  uses: (config) => [config.inLabel],
  declares: (config) => [{ label: config.outLabel, kind: config.kind }],
  compile: (config) => ({
    exact: new Set(config.barcodes),
    patterns: config.barcodes.map((b): [string, Uint8Array] => [b, latin1ToBytes(b)]),
  }),
  apply(block, config, context) {
    const { exact, patterns } = context.compiled;
    /** The corrected sequence, or undefined for no match. */
    const correct = (sequence: string): string | undefined => {
      if (exact.has(sequence)) return sequence;
      if (config.maxDistance === 0) return undefined;
      const bytes = latin1ToBytes(sequence);
      for (const [barcode, pattern] of patterns) {
        if (pattern.length !== bytes.length) continue;
        const distance = config.hasIupac ? iupacDistance(pattern, bytes, 0, config.maxDistance + 1) : plainDistance(pattern, bytes);
        if (distance <= config.maxDistance) return barcode;
      }
      return undefined;
    };
    const out: TagValue[] = block.tag(config.inLabel).map((value): TagValue => {
      if (value === null) return null;
      if (Array.isArray(value)) {
        const hits: Hit[] = [];
        for (const hit of value) {
          const corrected = correct(hit.sequence);
          const location = hit.location ? { ...hit.location } : null;
          if (corrected !== undefined) hits.push({ location, sequence: corrected });
          else if (config.onNoMatch === 'empty') hits.push({ location, sequence: '' });
          else if (config.onNoMatch === 'keep') hits.push({ location, sequence: hit.sequence });
        }
        return hits.length ? hits : null;
      }
      const corrected = correct(String(value));
      if (corrected !== undefined) return corrected;
      return config.onNoMatch === 'empty' ? '' : config.onNoMatch === 'keep' ? String(value) : null;
    });
    block.setTag(config.outLabel, out);
  },
});

function plainDistance(a: Uint8Array, b: Uint8Array): number {
  let distance = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) distance++;
  return distance;
}
