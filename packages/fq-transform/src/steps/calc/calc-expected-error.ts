/** CalcExpectedError: the sum (or max) of per-base error probabilities from Phred+33 qualities; other bytes are an error. */
import { HtsError, nameOf, qualOf } from '@shoal/hts';
import { enumKey, outLabel, segmentOrAllDefaultAll } from '../../config-keys.js';
import { defineStep } from '../types.js';
import { numericTag } from './numeric-tag.js';

interface Config {
  label: string;
  /** -1 = All (the default). */
  segment: number;
  aggregate: 'Sum' | 'Max';
}

/**
 * mbf's Q_LOOKUP (error probability of a Phred+33 byte), its literals copied so that the doubles
 * are identical (Math.pow differs from the generating Python in the last bit for some qualities).
 */
// prettier-ignore
const Q_LOOKUP = new Float64Array([
  1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0,
  1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.7943282347242815, 0.6309573444801932, 0.5011872336272722, 0.3981071705534972, 0.31622776601683794,
  0.251188643150958, 0.19952623149688797, 0.15848931924611134, 0.12589254117941673, 0.1, 0.07943282347242814, 0.06309573444801933,
  0.05011872336272722, 0.039810717055349734, 0.03162277660168379, 0.025118864315095794, 0.0199526231496888, 0.015848931924611134,
  0.012589254117941675, 0.01, 0.007943282347242814, 0.00630957344480193, 0.005011872336272725, 0.003981071705534973, 0.0031622776601683794,
  0.0025118864315095794, 0.001995262314968879, 0.001584893192461114, 0.0012589254117941675, 0.001, 0.0007943282347242813,
  0.000630957344480193, 0.0005011872336272725, 0.00039810717055349735, 0.00031622776601683794, 0.00025118864315095795,
  0.00019952623149688788, 0.00015848931924611142, 0.00012589254117941674, 0.0001, 7.943282347242822e-05, 6.309573444801929e-05,
  5.011872336272725e-05, 3.9810717055349695e-05, 3.1622776601683795e-05, 2.5118864315095822e-05, 1.9952623149688786e-05,
  1.584893192461114e-05, 1.2589254117941661e-05, 1e-05, 7.943282347242822e-06, 6.30957344480193e-06, 5.011872336272725e-06,
  3.981071705534969e-06, 3.162277660168379e-06, 2.5118864315095823e-06, 1.9952623149688787e-06, 1.584893192461114e-06,
  1.2589254117941661e-06, 1e-06, 7.943282347242822e-07, 6.30957344480193e-07, 5.011872336272725e-07, 3.981071705534969e-07,
  3.162277660168379e-07, 2.5118864315095823e-07, 1.9952623149688787e-07, 1.584893192461114e-07, 1.2589254117941662e-07, 1e-07,
  7.943282347242822e-08, 6.30957344480193e-08, 5.011872336272725e-08, 3.981071705534969e-08, 3.162277660168379e-08, 2.511886431509582e-08,
  1.9952623149688786e-08, 1.5848931924611143e-08, 1.2589254117941661e-08, 1e-08, 7.943282347242822e-09, 6.309573444801943e-09,
  5.011872336272715e-09, 3.981071705534969e-09, 3.1622776601683795e-09, 2.511886431509582e-09, 1.9952623149688828e-09,
  1.584893192461111e-09, 1.2589254117941663e-09, 1e-09, 7.943282347242822e-10, 6.309573444801942e-10, 5.011872336272714e-10,
  3.9810717055349694e-10,
]);

function escapeAscii(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) {
    if (b === 0x09) out += '\\t';
    else if (b === 0x0a) out += '\\n';
    else if (b === 0x0d) out += '\\r';
    else if (b === 0x5c) out += '\\\\';
    else if (b === 0x27) out += "\\'";
    else if (b === 0x22) out += '\\"';
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return out;
}

export const calcExpectedError = defineStep<Config>({
  action: 'CalcExpectedError',
  parse(table, env) {
    const label = outLabel(table, env);
    const segment = segmentOrAllDefaultAll(table, env);
    const aggregate = enumKey(table, 'aggregate', { Sum: 'Sum', Max: 'Max' } as const);
    return { label, segment, aggregate };
  },
  declares: (config) => [{ label: config.label, kind: 'numeric' }],
  apply(block, config) {
    const sum = config.aggregate === 'Sum';
    const perRead = (segment: number, i: number): number => {
      const qual = qualOf(block.segments[segment]!, i);
      let agg = 0;
      for (let k = 0; k < qual.length; k++) {
        const q = qual[k]!;
        if (q < 33 || q > 126) {
          throw new HtsError(
            `CalcExpectedError requires PHRED+33 encoded qualities (ASCII 33..=126). Observed byte ${q} ('${escapeAscii(Uint8Array.of(q))}') in read '${escapeAscii(nameOf(block.segments[segment]!, i))}'. Consider running ConvertQuality before CalcExpectedError.`,
          );
        }
        const p = Q_LOOKUP[q]!;
        agg = sum ? agg + p : Math.max(p, agg);
      }
      return agg;
    };
    block.setTag(
      config.label,
      numericTag(block, config.segment, perRead, (i) => {
        let agg = 0;
        for (let s = 0; s < block.segments.length; s++) {
          const value = perRead(s, i);
          agg = sum ? agg + value : Math.max(agg, value);
        }
        return agg;
      }),
    );
  },
});
