/**
 * ExtractPolyTail: a 3' homopolymer tail (base A/C/G/T/N, or `.` for the longest of any), allowing a mismatch rate and runs of
 * mismatches.
 */
import { seqOf } from '@shoal/hts';
import type { Table } from '../../table.js';
import { outLabel, segmentKey } from '../../config-keys.js';

import { setOneHitPerRead } from '../hits.js';
import { defineStep, type StepEnvironment } from '../types.js';

export interface PolyConfig {
  segment: number;
  label: string;
  minLength: number;
  /** Upper-case base byte, or '.' (46). */
  base: number;
  maxMismatchRate: number;
  maxConsecutiveMismatches: number;
}

/** Keys shared by ExtractPolyTail and ExtractLongestPolyX; their range checks differ (mbf's messages). */
export function polyKeys(table: Table, env: StepEnvironment, longest: boolean): PolyConfig {
  const segment = segmentKey(table, env);
  const label = outLabel(table, env);
  const minLength = table.integer('min_length', { min: 0 });
  if (longest ? minLength === 0 : minLength < 2)
    throw table.error(longest ? 'min_length must be > 0' : 'Invalid value. Must be >= 2', 'min_length');
  const baseText = table.string('base');
  const base = baseText.length === 1 ? baseText.toUpperCase() : '';
  if (!['A', 'C', 'G', 'T', 'N', '.'].includes(base))
    throw table.error("Invalid DNA base: must be a single character: A, C, G, T, N or '.'", 'base');
  const maxMismatchRate = table.number('max_mismatch_rate');
  if (maxMismatchRate < 0 || maxMismatchRate >= 1)
    throw table.error(longest ? 'max_mismatch_rate must be in [0.0..1.0)' : 'Invalid value. Must be in [0.0..1.0)', 'max_mismatch_rate');
  const maxConsecutiveMismatches = table.integer('max_consecutive_mismatches', { min: 0 });
  return { segment, label, minLength, base: base.charCodeAt(0), maxMismatchRate, maxConsecutiveMismatches };
}

/** mbf's calc_run_length: where the tail of `query` starts, or -1. */
export function runLength(seq: Uint8Array, query: number, minLength: number, maxRate: number, maxConsecutive: number): number {
  if (seq.length < minLength) return -1;
  let matches = 0;
  let mismatches = 0;
  let last = -1;
  let consecutive = 0;
  for (let ii = seq.length - 1; ii >= 0; ii--) {
    if (seq[ii] === query) {
      matches++;
      consecutive = 0;
      const localRate = mismatches / (matches + mismatches);
      if (seq.length - ii >= minLength && localRate <= maxRate) last = ii;
    } else {
      mismatches++;
      if (mismatches / seq.length > maxRate) break;
      consecutive++;
      if (consecutive > maxConsecutive) break;
    }
  }
  return last;
}

/** mbf's find_poly_tail. */
export function findPolyTail(seq: Uint8Array, config: PolyConfig): number {
  const run = (b: string) => runLength(seq, b.charCodeAt(0), config.minLength, config.maxMismatchRate, config.maxConsecutiveMismatches);
  if (config.base !== 46) return runLength(seq, config.base, config.minLength, config.maxMismatchRate, config.maxConsecutiveMismatches);
  let best = run('A');
  for (const b of ['G', 'C', 'T', 'N']) {
    const other = run(b);
    if (other >= 0 && (best < 0 || other < best)) best = other;
  }
  return best;
}

export const extractPolyTail = defineStep<PolyConfig>({
  action: 'ExtractPolyTail',
  parse: (table, env) => polyKeys(table, env, false),
  declares: (config) => [{ label: config.label, kind: 'location' }],
  apply(block, config) {
    setOneHitPerRead(block, config.label, config.segment, (reads, i) => {
      const seq = seqOf(reads, i);
      const start = findPolyTail(seq, config);
      return start >= 0 ? [start, seq.length] : undefined;
    });
  },
});
