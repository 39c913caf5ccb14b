import { describe, expect, it } from 'vitest';
import { loadPoreModel } from '../pore-model.js';
import {
  alignEventsBanded,
  alignEventsInWindows,
  MOVE_BAD_EVENT,
  MOVE_SKIP,
  MOVE_STAY,
  MOVE_STEP,
  nanopolishAlignmentParameters,
  type BandedAlignment,
} from './banded-alignment.js';
import { kmerRanksOf } from './kmers.js';
import { scaleKmers } from './scaling.js';
import { Random } from './test-support/synthetic-read.js';

const model = loadPoreModel('rna002');
const identity = { shift: 0, scale: 1, drift: 0, var: 1 };

/** Per event, the k-mer the path emits it from (-1 when trimmed). */
function kmerOfEvents(alignment: BandedAlignment, eventCount: number, eventFrom = 0): Int32Array {
  const out = new Int32Array(eventCount).fill(-1);
  for (let i = 0; i < alignment.pairCount; i++)
    if ((alignment.move[i] & 3) !== MOVE_SKIP) out[alignment.eventIndex[i] - eventFrom] = alignment.kmerIndex[i];
  return out;
}

/** Events drawn from a random sequence's k-mers: `eventsOf(kmer)` events each, levels N(model mean, stdv / 4). */
function syntheticEvents(seed: number, length: number, eventsOf: (kmer: number, random: Random) => number) {
  const random = new Random(seed);
  let sequence = '';
  for (let i = 0; i < length; i++) sequence += random.base();
  const ranks = kmerRanksOf(sequence, 5);
  const levels: number[] = [];
  const truth: number[] = [];
  ranks.forEach((rank, kmer) => {
    for (let n = eventsOf(kmer, random); n > 0; n--) {
      levels.push(random.normal(model.levelMean[rank], model.levelStdv[rank] / 4));
      truth.push(kmer);
    }
  });
  return { ranks, levels: Float32Array.from(levels), truth };
}

describe('adaptive banded event alignment', () => {
  it('aligns events made from the model to their k-mers, with stays for repeated events', () => {
    const { ranks, levels, truth } = syntheticEvents(1, 600, (_, random) => 1 + Math.floor(random.next() * 3));
    const alignment = alignEventsBanded(
      levels,
      0,
      levels.length,
      scaleKmers(ranks, model, identity),
      0,
      ranks.length,
      nanopolishAlignmentParameters(levels.length, ranks.length),
    );
    expect(alignment).toBeDefined();
    const assigned = kmerOfEvents(alignment!, levels.length);
    const right = truth.filter((kmer, event) => assigned[event] === kmer).length;
    // Not all: where neighbouring k-mers have nearly the same level, stays and steps are interchangeable.
    expect(right / truth.length).toBeGreaterThan(0.9);
    // The path runs from the first k-mer to the last, monotone, one pair per cell.
    expect(alignment!.kmerIndex[0]).toBe(0);
    expect(alignment!.kmerIndex[alignment!.pairCount - 1]).toBe(ranks.length - 1);
    for (let i = 1; i < alignment!.pairCount; i++) {
      const move = alignment!.move[i] & 3;
      const dk = alignment!.kmerIndex[i] - alignment!.kmerIndex[i - 1];
      const de = alignment!.eventIndex[i] - alignment!.eventIndex[i - 1];
      expect([dk, de]).toEqual(move === MOVE_STEP ? [1, 1] : move === MOVE_STAY ? [0, 1] : [1, 0]);
    }
  });

  it('skips a k-mer that has no event when skips are affordable, and trims events outside the k-mers', () => {
    // k-mer 200 gets no event; 20 noise events before the first k-mer and 30 after the last.
    const { ranks, levels, truth } = syntheticEvents(2, 400, (kmer) => (kmer === 200 ? 0 : 1));
    const random = new Random(9);
    const noise = (count: number) => Array.from({ length: count }, () => random.normal(200, 1));
    const padded = Float32Array.from([...noise(20), ...levels, ...noise(30)]);
    const parameters = { ...nanopolishAlignmentParameters(padded.length, ranks.length), logSkip: Math.log(0.01) };
    const alignment = alignEventsBanded(padded, 0, padded.length, scaleKmers(ranks, model, identity), 0, ranks.length, parameters)!;
    const assigned = kmerOfEvents(alignment, padded.length);
    for (let i = 0; i < 20; i++) expect(assigned[i]).toBe(-1);
    for (let i = 0; i < 30; i++) expect(assigned[padded.length - 1 - i]).toBe(-1);
    const right = truth.filter((kmer, event) => assigned[20 + event] === kmer).length;
    expect(right).toBe(truth.length);
    expect(alignment.maxSkipRun).toBe(1);
  });

  it('flags events below the bad-event floor, and aligns in static windows as in the adaptive band', () => {
    const { ranks, levels, truth } = syntheticEvents(3, 300, () => 2);
    levels[101] = 500; // an impossible level
    const kmers = scaleKmers(ranks, model, identity);
    const parameters = {
      ...nanopolishAlignmentParameters(levels.length, ranks.length),
      logSkip: Math.log(0.005),
      logBadEvent: Math.log(0.001 / 3),
    };
    const lowest = Int32Array.from(ranks, (_, kmer) => Math.max(0, 2 * kmer - 10));
    const highest = Int32Array.from(ranks, (_, kmer) => Math.min(levels.length - 1, 2 * kmer + 11));
    const windowed = alignEventsInWindows(levels, kmers, 0, ranks.length, lowest, highest, parameters)!;
    const banded = alignEventsBanded(levels, 0, levels.length, kmers, 0, ranks.length, parameters)!;
    expect(Array.from(kmerOfEvents(windowed, levels.length))).toEqual(Array.from(kmerOfEvents(banded, levels.length)));
    const assigned = kmerOfEvents(windowed, levels.length);
    expect(truth.filter((kmer, event) => assigned[event] === kmer).length).toBeGreaterThan(0.85 * truth.length);
    const badPairs = Array.from(windowed.move.keys()).filter((i) => (windowed.move[i] & MOVE_BAD_EVENT) !== 0);
    expect(badPairs.map((i) => windowed.eventIndex[i])).toEqual([101]);
  });

  it('returns undefined when there is nothing to align', () => {
    const kmers = scaleKmers(Int32Array.from([1, 2, 3]), model, identity);
    expect(alignEventsBanded(new Float32Array(0), 0, 0, kmers, 0, 3, nanopolishAlignmentParameters(1, 3))).toBeUndefined();
    expect(alignEventsBanded(Float32Array.from([90]), 0, 1, kmers, 0, 0, nanopolishAlignmentParameters(1, 1))).toBeUndefined();
  });
});
