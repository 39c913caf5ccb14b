/**
 * TrimQualityWindow (ours): fastp's sliding-window quality cutting (`--cut_front`, `--cut_tail`,
 * `--cut_right` with `-W`/`-M` and their per-mode overrides), equal to fastp 0.23.2's
 * Filter::trimAndCut read for read, its rules included:
 * - cut_front drops the windows below `mean_quality` from the 5' end and, once a window passes,
 *   also that window's first window_size - 1 bases (fastp's `s = s + w - 1`); then leading Ns;
 * - cut_right keeps the read up to the first window below the mean, plus that window's leading
 *   bases of quality ≥ the mean; the window ending at the read's last base is never tested;
 * - cut_tail (ignored under cut_right, as in fastp) drops windows from the 3' end, then trailing
 *   Ns whatever their quality; it never trims below one base (an N aside);
 * - fastp drops the read, and with it the molecule, when it is not longer than a window, when
 *   nothing is left, or when a front cut leaves one base. `fastp_drop = false` empties the read
 *   instead and keeps the molecule.
 * Qualities are Phred+33, as fastp reads them.
 */
import { qualOf, seqOf } from '@shoal/hts';
import { segmentOrAllDefaultAll } from '../../config-keys.js';
import type { Table } from '../../table.js';
import { defineStep } from '../types.js';
import { keepRanges, segmentsOf } from './ranges.js';

interface Cut {
  windowSize: number;
  /** The mean quality byte a window must reach: Phred + 33. */
  meanByte: number;
}

interface Config {
  segment: number;
  front?: Cut;
  tail?: Cut;
  right?: Cut;
  fastpDrop: boolean;
}

const N = 0x4e;

/** fastp's trimAndCut (front = tail = 0): the kept [from, to), or undefined where fastp drops the read. */
export function fastpCutRange(
  seq: Uint8Array,
  qual: Uint8Array,
  cuts: { front?: Cut; tail?: Cut; right?: Cut },
): [number, number] | undefined {
  const l = seq.length;
  let front = 0;
  let rlen = l;
  if (cuts.front) {
    const { windowSize: w, meanByte } = cuts.front;
    if (l - w <= 0) return undefined;
    let total = 0;
    for (let i = 0; i < w - 1; i++) total += qual[i]!;
    let s = 0;
    for (; s + w < l; s++) {
      total += qual[s + w - 1]!;
      if (s > 0) total -= qual[s - 1]!;
      if (total / w >= meanByte) break;
    }
    if (s > 0) s = s + w - 1;
    while (s < l && seq[s] === N) s++;
    front = s;
    rlen = l - front;
  }
  if (cuts.right) {
    const { windowSize: w, meanByte } = cuts.right;
    if (l - front - w <= 0) return undefined;
    let total = 0;
    for (let i = 0; i < w - 1; i++) total += qual[front + i]!;
    let found = false;
    let s = front;
    for (; s + w < l; s++) {
      total += qual[s + w - 1]!;
      if (s > front) total -= qual[s - 1]!;
      if (total / w < meanByte) {
        found = true;
        break;
      }
    }
    if (found) {
      while (s < l - 1 && qual[s]! >= meanByte) s++;
      rlen = s - front;
    }
  } else if (cuts.tail) {
    const { windowSize: w, meanByte } = cuts.tail;
    if (l - front - w <= 0) return undefined;
    let total = 0;
    for (let i = 0; i < w - 1; i++) total += qual[l - 1 - i]!;
    let t = l - 1;
    for (; t - w >= front; t--) {
      total += qual[t - w + 1]!;
      if (t < l - 1) total -= qual[t + 1]!;
      if (total / w >= meanByte) break;
    }
    if (t < l - 1) t = t - w + 1;
    while (t >= 0 && seq[t] === N) t--;
    rlen = t - front + 1;
  }
  if (rlen <= 0 || front >= l - 1) return undefined;
  return [front, front + rlen];
}

function cutKeys(table: Table, mode: 'front' | 'tail' | 'right', windowSize: number, meanQuality: number): Cut | undefined {
  if (!table.boolean(`cut_${mode}`, { default: false })) return undefined;
  const w = table.integer(`cut_${mode}_window_size`, { default: windowSize, min: 1, max: 1000 });
  const q = table.integer(`cut_${mode}_mean_quality`, { default: meanQuality, min: 1, max: 36 });
  return { windowSize: w, meanByte: q + 33 };
}

export const trimQualityWindow = defineStep<Config>({
  action: 'TrimQualityWindow',
  parse(table, env) {
    const segment = segmentOrAllDefaultAll(table, env);
    // fastp's -W (1..1000, default 4) and -M (1..36, default 20), each overridable per mode
    const windowSize = table.integer('window_size', { default: 4, min: 1, max: 1000 });
    const meanQuality = table.integer('mean_quality', { default: 20, min: 1, max: 36 });
    const front = cutKeys(table, 'front', windowSize, meanQuality);
    const tail = cutKeys(table, 'tail', windowSize, meanQuality);
    const right = cutKeys(table, 'right', windowSize, meanQuality);
    if (!front && !tail && !right) throw table.error('set at least one of cut_front, cut_tail and cut_right to true', 'action');
    const fastpDrop = table.boolean('fastp_drop', { default: true });
    return { segment, front, tail, right, fastpDrop };
  },
  apply(block, config) {
    const drop = new Uint8Array(block.count);
    let anyDropped = false;
    for (const segment of segmentsOf(config.segment, block.segments.length)) {
      const reads = block.segments[segment]!;
      const from = new Int32Array(block.count);
      const to = new Int32Array(block.count);
      for (let i = 0; i < block.count; i++) {
        const range = fastpCutRange(seqOf(reads, i), qualOf(reads, i), config);
        if (range) {
          from[i] = range[0];
          to[i] = range[1];
        } else {
          drop[i] = 1;
          anyDropped = true;
        }
      }
      keepRanges(block, segment, from, to);
    }
    if (anyDropped && config.fastpDrop) block.keep(drop.map((d) => 1 - d));
  },
});
