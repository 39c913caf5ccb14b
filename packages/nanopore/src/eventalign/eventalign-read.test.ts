import { describe, expect, it } from 'vitest';
import { loadPoreModel } from '../pore-model.js';
import { eventalignRead } from './eventalign-read.js';
import { sampleAccuracy, syntheticRead, type SyntheticReadOptions } from './test-support/synthetic-read.js';
import { trimRange } from './trim.js';
import type { AlignedEvent, EventalignOptions, ReadEventalignResult, ReadToAlign } from './types.js';

const model = loadPoreModel('rna002');
const BANDED: EventalignOptions = { mode: 'banded', scaleEvents: false };
const DENSE: EventalignOptions = { mode: 'dense', scaleEvents: false };
/** The brief's synthetic read: 10-40 samples per k-mer at the model level (+ shift, x scale) with noise. */
const CLEAN: SyntheticReadOptions = { seed: 1, referenceLength: 400, dwellRangeSamples: [10, 40], noise: 0.5, shiftPa: 6, scale: 1.04 };

function aligned(read: ReadToAlign, options: EventalignOptions): ReadEventalignResult {
  const outcome = eventalignRead(read, model, options);
  if (!outcome.ok) throw new Error(`expected an alignment, got: ${outcome.reason}`);
  return outcome.result;
}

/** Raw sample -> reference position of the row covering it (-1: none), positions made relative to `origin`. */
function assignment(events: AlignedEvent[], sampleCount: number, origin = 0): Int32Array {
  const out = new Int32Array(sampleCount).fill(-1);
  for (const event of events) for (let i = event.startSample; i < event.endSample; i++) out[i] = event.referencePosition - origin;
  return out;
}

describe('eventalignRead, banded', () => {
  it('assigns at least 90% of the molecule samples of a clean synthetic RNA read to the right k-mer', () => {
    for (const seed of [1, 2, 3]) {
      const synthetic = syntheticRead(model, { ...CLEAN, seed });
      const result = aligned(synthetic.read, BANDED);
      expect(sampleAccuracy(synthetic.truthKmerOfSample, assignment(result.events, synthetic.read.signalPa.length))).toBeGreaterThanOrEqual(
        0.9,
      );
    }
  });

  it('stays above 75% with squigulator dwells N(43, 35) and 7% basecall errors (nanopolish: about 80% on such reads)', () => {
    const synthetic = syntheticRead(model, {
      seed: 4,
      referenceLength: 500,
      substitutionRate: 0.03,
      insertionRate: 0.02,
      deletionRate: 0.02,
    });
    const result = aligned(synthetic.read, BANDED);
    expect(sampleAccuracy(synthetic.truthKmerOfSample, assignment(result.events, synthetic.read.signalPa.length))).toBeGreaterThan(0.75);
  });

  it("emits rows in reference order, RNA events 5'->3' with raw sample ranges decreasing, and a consistent summary", () => {
    const synthetic = syntheticRead(model, CLEAN);
    const result = aligned(synthetic.read, BANDED);
    const events = result.events;
    const leader = synthetic.leaderSamples;
    for (let i = 1; i < events.length; i++) {
      expect(events[i].referencePosition).toBeGreaterThanOrEqual(events[i - 1].referencePosition);
      expect(events[i].eventIndex).toBeGreaterThan(events[i - 1].eventIndex);
      expect(events[i].endSample).toBeLessThanOrEqual(events[i - 1].startSample);
    }
    // The leader (adaptor, poly(A)) is trimmed, except poly(A) events that the last k-mers take as stays when their
    // level is close to poly(A)'s (here CGGCC, 4 pA below): the read alignment does that, as nanopolish's does.
    const lastPosition = events[events.length - 1].referencePosition;
    for (const event of events) if (event.endSample <= leader) expect(event.referencePosition).toBeGreaterThanOrEqual(lastPosition - 1);
    for (const event of events) {
      expect(event.lengthSeconds).toBeCloseTo((event.endSample - event.startSample) / 3012, 9);
      const signal = synthetic.read.signalPa.subarray(event.startSample, event.endSample);
      expect(event.levelMean).toBeCloseTo(signal.reduce((sum, value) => sum + value, 0) / signal.length, 2);
    }
    expect(result.numEvents).toBe(events.length);
    expect(result.numSteps + result.numSkips + result.numStays).toBe(events.length - 1);
    expect(result.totalDurationSeconds).toBeCloseTo(
      events.reduce((sum, event) => sum + event.lengthSeconds, 0),
      6,
    );
    // The read was made with level = 1.04 x model + 6 and noise half the model stdv.
    expect(result.scaling.scale * 100 + result.scaling.shift).toBeCloseTo(1.04 * 100 + 6, -0.5);
    expect(result.scaling.var).toBeLessThan(1.2);
  });

  it('prints the model scaled to the read, or with --scale-events the read scaled to the model, as nanopolish', () => {
    const synthetic = syntheticRead(model, CLEAN);
    const plain = aligned(synthetic.read, BANDED);
    const scaled = aligned(synthetic.read, { mode: 'banded', scaleEvents: true });
    const { shift, scale, var: variance } = plain.scaling;
    expect(scaled.events.length).toBe(plain.events.length);
    plain.events.forEach((event, i) => {
      const other = scaled.events[i];
      expect(other.levelMean).toBeCloseTo((event.levelMean - shift) / scale, 9);
      expect(other.levelStdv).toBe(event.levelStdv);
      if (event.modelKmerRank < 0) {
        expect([event.modelMean, event.modelStdv, event.standardizedLevel]).toEqual([0, 0, Number.POSITIVE_INFINITY]);
        return;
      }
      expect(event.modelKmerRank).toBe(event.referenceKmerRank);
      expect(event.modelMean).toBeCloseTo(scale * model.levelMean[event.modelKmerRank] + shift, 9);
      expect(event.modelStdv).toBeCloseTo(model.levelStdv[event.modelKmerRank] * variance, 9);
      expect(other.modelMean).toBe(model.levelMean[event.modelKmerRank]);
      expect(event.standardizedLevel).toBeCloseTo((event.levelMean - event.modelMean) / (Math.sqrt(variance) * event.modelStdv), 9);
      expect(other.standardizedLevel).toBeCloseTo((other.levelMean - other.modelMean) / (Math.sqrt(variance) * other.modelStdv), 9);
    });
  });

  it('marks an event far from every model level as a bad event (model k-mer -1, NNNNN)', () => {
    const synthetic = syntheticRead(model, CLEAN);
    const signal = synthetic.read.signalPa;
    // A 40-sample spike at 300 pA in the middle of the molecule.
    const middle = synthetic.leaderSamples + Math.floor((signal.length - synthetic.leaderSamples) / 2);
    signal.fill(300, middle, middle + 40);
    const result = aligned(synthetic.read, BANDED);
    const bad = result.events.filter((event) => event.modelKmerRank === -1);
    expect(bad.length).toBeGreaterThan(0);
    expect(bad.some((event) => event.startSample <= middle + 20 && event.endSample >= middle + 20)).toBe(true);
    expect(bad.every((event) => event.referenceKmerRank >= 0 && event.standardizedLevel === Number.POSITIVE_INFINITY)).toBe(true);
  });

  it("reports positions on the contig for a read soft-clipped at its 5' end and aligned from position 1000", () => {
    const synthetic = syntheticRead(model, CLEAN);
    const clip = 30;
    const read: ReadToAlign = {
      ...synthetic.read,
      referenceStart: 1000 + clip,
      cigar: Uint32Array.from([(clip << 4) | 4, ((400 - clip) << 4) | 0]),
      referenceSequence: synthetic.read.referenceSequence.slice(clip),
    };
    const result = aligned(read, BANDED);
    expect(result.events[0].referencePosition).toBeGreaterThanOrEqual(1000 + clip);
    const truth = synthetic.truthKmerOfSample.map((kmer) => (kmer >= clip ? kmer : -1));
    expect(sampleAccuracy(truth, assignment(result.events, read.signalPa.length, 1000))).toBeGreaterThan(0.88);
  });

  it('aligns the segments on either side of an N (a spliced read) and nothing in between', () => {
    const synthetic = syntheticRead(model, CLEAN);
    const molecule = synthetic.read.referenceSequence;
    const intron = 'GT' + 'CA'.repeat(149);
    const read: ReadToAlign = {
      ...synthetic.read,
      referenceSequence: molecule.slice(0, 200) + intron + molecule.slice(200),
      cigar: Uint32Array.from([(200 << 4) | 0, (intron.length << 4) | 3, (200 << 4) | 0]),
    };
    const result = aligned(read, BANDED);
    const positions = result.events.map((event) => event.referencePosition);
    expect(positions.some((position) => position > 196 && position < 500)).toBe(false);
    expect(positions.filter((position) => position >= 500).length).toBeGreaterThan(150);
    // Samples of k-mers entirely inside either segment, on the contig with the intron.
    const truth = synthetic.truthKmerOfSample.map((kmer) =>
      kmer < 0 || (kmer > 195 && kmer < 200) ? -1 : kmer < 200 ? kmer : kmer + intron.length,
    );
    expect(sampleAccuracy(truth, assignment(result.events, read.signalPa.length))).toBeGreaterThan(0.85);
  });

  it("aligns a DNA read (acquired 5'->3', no reversal) with the DNA event detector", () => {
    // The RNA model's levels with short DNA-like dwells: a smoke test of the DNA path, not of DNA accuracy.
    const synthetic = syntheticRead(model, { ...CLEAN, rna: false, dwellRangeSamples: [8, 16] });
    const result = aligned(synthetic.read, BANDED);
    for (let i = 1; i < result.events.length; i++)
      expect(result.events[i].startSample).toBeGreaterThanOrEqual(result.events[i - 1].endSample);
    expect(sampleAccuracy(synthetic.truthKmerOfSample, assignment(result.events, synthetic.read.signalPa.length))).toBeGreaterThan(0.7);
  });

  it('can trim the signal first (scrappie), which nanopolish computes but does not apply', () => {
    const synthetic = syntheticRead(model, CLEAN);
    const trimmed = aligned(synthetic.read, { ...BANDED, trimSignal: true });
    const range = trimRange(synthetic.read.signalPa)!;
    // The trim takes whole chunks and then 10 samples off the molecule's 5' end (the end of an RNA read's signal).
    expect(range.end).toBeLessThanOrEqual(synthetic.read.signalPa.length - 10);
    for (const event of trimmed.events) {
      expect(event.startSample).toBeGreaterThanOrEqual(range.start);
      expect(event.endSample).toBeLessThanOrEqual(range.end);
    }
    expect(sampleAccuracy(synthetic.truthKmerOfSample, assignment(trimmed.events, synthetic.read.signalPa.length))).toBeGreaterThan(0.88);
  });
});

describe('eventalignRead, dense', () => {
  it('assigns every sample of the aligned span to one reference k-mer, skipping none', () => {
    for (const options of [CLEAN, { seed: 5, referenceLength: 500, substitutionRate: 0.03, insertionRate: 0.02, deletionRate: 0.02 }]) {
      const synthetic = syntheticRead(model, options);
      const result = aligned(synthetic.read, DENSE);
      const events = result.events;
      const k = model.k;
      // One row per reference k-mer, in order, from the first to the last k-mer of the reference.
      expect(events.length).toBe(synthetic.read.referenceSequence.length - k + 1);
      events.forEach((event, i) => {
        expect(event.referencePosition).toBe(i);
        expect(event.eventIndex).toBe(i);
        expect(event.endSample).toBeGreaterThan(event.startSample);
        // RNA: the next k-mer's samples come just before this one's in the raw signal (no gap, no overlap).
        if (i > 0) expect(event.endSample).toBe(events[i - 1].startSample);
      });
      expect(result.numSkips).toBe(0);
      expect(result.numStays).toBe(0);
      expect(result.numSteps).toBe(events.length - 1);
      expect(sampleAccuracy(synthetic.truthKmerOfSample, assignment(events, synthetic.read.signalPa.length))).toBeGreaterThan(0.85);
    }
  });

  it('is more accurate than the banded events on the same clean read', () => {
    const synthetic = syntheticRead(model, { ...CLEAN, seed: 6 });
    const count = synthetic.read.signalPa.length;
    const dense = sampleAccuracy(synthetic.truthKmerOfSample, assignment(aligned(synthetic.read, DENSE).events, count));
    const banded = sampleAccuracy(synthetic.truthKmerOfSample, assignment(aligned(synthetic.read, BANDED).events, count));
    expect(dense).toBeGreaterThan(banded);
    expect(dense).toBeGreaterThan(0.93);
  });
});

describe('eventalignRead, failures', () => {
  it('fails a read with too few events with a reason, without throwing', () => {
    const synthetic = syntheticRead(model, { ...CLEAN, referenceLength: 30, adaptorSamples: 0, polyASamples: 0 });
    const outcome = eventalignRead(synthetic.read, model, BANDED);
    expect(outcome).toEqual({
      ok: false,
      reason: expect.stringMatching(/^too few events \(\d+; calibration needs at least 200\)$/) as unknown,
    });
    const empty = eventalignRead({ ...synthetic.read, signalPa: new Float32Array(0) }, model, DENSE);
    expect(empty.ok).toBe(false);
  });

  it('fails a signal that does not come from the read, and inconsistent inputs, with reasons', () => {
    const synthetic = syntheticRead(model, CLEAN);
    const other = syntheticRead(model, { ...CLEAN, seed: 99 });
    const unrelated = eventalignRead({ ...synthetic.read, signalPa: other.read.signalPa }, model, BANDED);
    expect(unrelated.ok).toBe(false);
    if (!unrelated.ok) expect(unrelated.reason).toMatch(/alignment to the basecalls failed|calibration failed/);
    const flat = eventalignRead({ ...synthetic.read, signalPa: new Float32Array(20_000).fill(90) }, model, BANDED);
    expect(flat).toEqual({ ok: false, reason: 'too few events (1; calibration needs at least 200)' });
    const shortCigar = eventalignRead({ ...synthetic.read, cigar: Uint32Array.from([(10 << 4) | 0]) }, model, BANDED);
    expect(shortCigar).toEqual({ ok: false, reason: 'the CIGAR covers 10 read bases but the read has 400' });
    const badOp = eventalignRead({ ...synthetic.read, cigar: Uint32Array.from([(400 << 4) | 9]) }, model, BANDED);
    expect(badOp).toEqual({ ok: false, reason: 'the CIGAR has an undefined operation code 9' });
    const shortReference = eventalignRead({ ...synthetic.read, referenceSequence: 'ACGT' }, model, BANDED);
    expect(shortReference).toEqual({ ok: false, reason: 'the CIGAR spans 400 reference bases but 4 were given' });
  });
});
