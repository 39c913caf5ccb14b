/** CalcQualifiedBases: how many bases have a quality byte above / below / … `threshold` (raw byte, file encoding). */
import { qualOf } from '@shoal/hts';
import { byteOrCharKey, enumKey, outLabel, segmentOrAllKey } from '../../config-keys.js';
import { defineStep } from '../types.js';
import { numericTag } from './numeric-tag.js';

type Operator = 'Above' | 'Below' | 'AboveOrEqual' | 'BelowOrEqual';

interface Config {
  label: string;
  threshold: number;
  operator: Operator;
  segment: number;
}

const OPERATORS: Record<string, Operator> = {
  above: 'Above',
  '>': 'Above',
  worse: 'Above',
  gt: 'Above',
  below: 'Below',
  '<': 'Below',
  better: 'Below',
  lt: 'Below',
  aboveorequal: 'AboveOrEqual',
  '>=': 'AboveOrEqual',
  worse_or_equal: 'AboveOrEqual',
  wbove_or_equal: 'AboveOrEqual',
  gte: 'AboveOrEqual',
  beloworequal: 'BelowOrEqual',
  '<=': 'BelowOrEqual',
  better_or_equal: 'BelowOrEqual',
  below_or_equal: 'BelowOrEqual',
  lte: 'BelowOrEqual',
};

export const calcQualifiedBases = defineStep<Config>({
  action: 'CalcQualifiedBases',
  parse(table, env) {
    const label = outLabel(table, env);
    const threshold = byteOrCharKey(table, 'threshold');
    const operator = enumKey(table, 'operator', OPERATORS, { aliases: ['op'] });
    const segment = segmentOrAllKey(table, env);
    return { label, threshold, operator, segment };
  },
  declares: (config) => [{ label: config.label, kind: 'numeric' }],
  apply(block, config) {
    const t = config.threshold;
    const test: (q: number) => boolean =
      config.operator === 'Above'
        ? (q) => q > t
        : config.operator === 'Below'
          ? (q) => q < t
          : config.operator === 'AboveOrEqual'
            ? (q) => q >= t
            : (q) => q <= t;
    const count = (segment: number, i: number): number => {
      const qual = qualOf(block.segments[segment]!, i);
      let n = 0;
      for (let k = 0; k < qual.length; k++) if (test(qual[k]!)) n++;
      return n;
    };
    block.setTag(
      config.label,
      numericTag(block, config.segment, count, (i) => block.segments.reduce((sum, _, s) => sum + count(s, i), 0)),
    );
  },
});
