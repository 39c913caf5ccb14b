/**
 * ConvertQuality: re-encode qualities between Sanger (Illumina1.8, PHRED+33), Illumina1.3 (PHRED+64)
 * and Solexa (+64, log-odds scale); results are clamped to the target range. mbf inserts a
 * ValidateQuality(from, all segments) before it; this step runs that check itself first.
 */
import { FIELDS_PER_READ, HtsError, nameOf, qualOf, reserveArena, QUAL_START, QUAL_END } from '@shoal/hts';
import { encodingKey, type PhredEncoding, phredLimits, qualityProblem } from '../phred.js';
import { roundHalfAwayFromZero } from '../rust-numbers.js';
import { defineStep } from '../types.js';

interface Config {
  from: PhredEncoding;
  to: PhredEncoding;
}

/** Rust's `f64 as i16`: saturating, NaN to 0. */
function asI16(x: number): number {
  if (Number.isNaN(x)) return 0;
  return Math.max(-32768, Math.min(32767, Math.trunc(x)));
}

function phredToSolexa(q: number): number {
  return asI16(roundHalfAwayFromZero(10 * Math.log10(10 ** (q / 10) - 1)));
}

function solexaToPhred(q: number): number {
  return asI16(roundHalfAwayFromZero(10 * Math.log10(10 ** (q / 10) + 1)));
}

/** The byte-to-byte table for a conversion. */
function qualityTable(from: PhredEncoding, to: PhredEncoding): Uint8Array {
  const [lower, upper] = phredLimits(to);
  const map = (x: number): number => {
    if (from === 'Sanger' && to === 'Illumina13') return x + 31;
    if (from === 'Illumina13' && to === 'Sanger') return x - 31;
    if (to === 'Solexa') return phredToSolexa(x - (from === 'Sanger' ? 33 : 64)) + 64;
    return solexaToPhred(x - 64) + (to === 'Sanger' ? 33 : 64);
  };
  const table = new Uint8Array(256);
  for (let x = 0; x < 256; x++) table[x] = Math.min(upper, Math.max(lower, map(x)));
  return table;
}

export const convertQuality = defineStep<Config, undefined, Uint8Array>({
  action: 'ConvertQuality',
  parse(table) {
    const from = encodingKey(table, 'from');
    const to = encodingKey(table, 'to');
    if (from === to)
      throw table.error(
        `'to' is identical to 'from': conversion unnecessary? Please specify different encodings or remove this step.`,
        'to',
      );
    return { from, to };
  },
  compile: (config) => qualityTable(config.from, config.to),
  apply(block, config, context) {
    const [lower, upper] = phredLimits(config.from);
    for (const reads of block.segments) {
      for (let i = 0; i < block.count; i++) {
        const problem = qualityProblem(nameOf(reads, i), qualOf(reads, i), lower, upper);
        if (problem) throw new HtsError(problem);
      }
    }
    const table = context.compiled;
    for (const reads of block.segments) {
      for (let i = 0; i < block.count; i++) {
        const f = i * FIELDS_PER_READ;
        const length = reads.fields[f + QUAL_END]! - reads.fields[f + QUAL_START]!;
        const start = reserveArena(reads, length); // may move the arena: read offsets after
        const a = reads.arena;
        const from = reads.fields[f + QUAL_START]!;
        for (let k = 0; k < length; k++) a[start + k] = table[a[from + k]!]!;
        reads.fields[f + QUAL_START] = start;
        reads.fields[f + QUAL_END] = start + length;
      }
    }
  },
});
