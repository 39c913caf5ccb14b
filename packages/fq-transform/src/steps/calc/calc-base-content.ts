/**
 * CalcBaseContent: the share (percent, `relative`, default) or count of `bases_to_count` per read, leaving out
 * `bases_to_ignore`; case-insensitive.
 */
import { seqOf } from '@shoal/hts';
import type { FastqBlock } from '../../block.js';
import { outLabel, segmentOrAllKey } from '../../config-keys.js';
import { utf8ToLatin1 } from '../byte-strings.js';
import { defineStep } from '../types.js';
import { numericTag } from './numeric-tag.js';

export interface BaseContentConfig {
  label: string;
  /** -1 = All segments together. */
  segment: number;
  relative: boolean;
  basesToCount: string;
  basesToIgnore: string;
}

function lookup(bases: string): Uint8Array {
  const table = new Uint8Array(256);
  for (let k = 0; k < bases.length; k++) table[bases.charCodeAt(k) & 0xff] = 1;
  return table;
}

const UPPER = new Uint8Array(256).map((_, b) => (b >= 97 && b <= 122 ? b - 32 : b));

export function applyBaseContent(block: FastqBlock, config: BaseContentConfig): void {
  const count = lookup(config.basesToCount);
  const ignore = lookup(config.basesToIgnore);
  const totals = (segment: number, i: number): [considered: number, counted: number] => {
    const seq = seqOf(block.segments[segment]!, i);
    let considered = 0;
    let counted = 0;
    for (let k = 0; k < seq.length; k++) {
      const b = UPPER[seq[k]!]!;
      if (ignore[b]) continue;
      considered++;
      if (count[b]) counted++;
    }
    return [considered, counted];
  };
  const value = (considered: number, counted: number): number =>
    config.relative ? (considered === 0 ? 0 : (counted / considered) * 100) : counted;
  block.setTag(
    config.label,
    numericTag(
      block,
      config.segment,
      (segment, i) => value(...totals(segment, i)),
      (i) => {
        let considered = 0;
        let counted = 0;
        for (let s = 0; s < block.segments.length; s++) {
          const [a, b] = totals(s, i);
          considered += a;
          counted += b;
        }
        return value(considered, counted);
      },
    ),
  );
}

export const calcBaseContent = defineStep<BaseContentConfig>({
  action: 'CalcBaseContent',
  parse(table, env) {
    const label = outLabel(table, env);
    const segment = segmentOrAllKey(table, env);
    const relative = table.boolean('relative', { default: true });
    const basesToCount = utf8ToLatin1(table.string('bases_to_count')).toUpperCase();
    if (basesToCount.length === 0) throw table.error('Must contain at least one letter (base)', 'bases_to_count');
    let basesToIgnore = '';
    if (table.has('bases_to_ignore')) {
      basesToIgnore = utf8ToLatin1(table.string('bases_to_ignore')).toUpperCase();
      if (!relative)
        throw table.error(
          'Bases can only be ignored in relative=true mode (either set relative=true or remove the bases_to_ignore field)',
          'bases_to_ignore',
        );
      const bad = /[^A-Z]/.exec(basesToIgnore);
      if (bad) throw table.error(`Only ASCII letters are allowed as bases; invalid character: '${bad[0]}'`, 'bases_to_ignore');
    } else table.optional(() => undefined, 'bases_to_ignore');
    return { label, segment, relative, basesToCount, basesToIgnore };
  },
  declares: (config) => [{ label: config.label, kind: 'numeric' }],
  apply: (block, config) => applyBaseContent(block, config),
});
