/**
 * A TEST DOUBLE of the eventalign core, for the plumbing's tests only (run.ts, stages.ts, segments.ts, the CLI
 * shell): it is not an aligner and nothing outside tests loads it (it is not exported from the package, and no flag
 * selects it). It cuts the signal evenly over the reference k-mers, deterministically, with the shapes the real
 * core produces: RNA events in reference order running backwards through the signal, a stay (two events) at every
 * fifth k-mer, an unknown model k-mer (`NNNNN`, standardized level inf) at every seventh, and a failure for reads
 * named `*unalignable*` or with fewer samples than events.
 */
import { kmerRank, type PoreModel } from '../../pore-model.js';
import type { AlignedEvent, EventalignOptions, ReadEventalignOutcome, ReadToAlign } from '../types.js';
import { alignReadsStage } from '../stages.js';
import type { StageDefinition } from '@shoal/engine';

/** The double's scaling of every read. */
export const TEST_DOUBLE_SCALING = { shift: 1.5, scale: 1.02, drift: 0, var: 1.1 };

/** Events per reference k-mer: two (a stay) at every fifth, else one. */
export function testDoubleEventsAt(kmerIndex: number): number {
  return kmerIndex % 5 === 2 ? 2 : 1;
}

export function testDoubleEventalignRead(read: ReadToAlign, model: PoreModel, options: EventalignOptions): ReadEventalignOutcome {
  const k = model.k;
  const kmerCount = read.referenceSequence.length - k + 1;
  let eventCount = 0;
  for (let j = 0; j < kmerCount; j++) eventCount += testDoubleEventsAt(j);
  const sampleCount = read.signalPa.length;
  if (read.readName.includes('unalignable') || kmerCount < 1 || sampleCount < eventCount) return { ok: false, reason: 'too few events' };
  const { shift, scale, var: variance } = TEST_DOUBLE_SCALING;
  const events: AlignedEvent[] = [];
  let eventIndex = 0;
  for (let j = 0; j < kmerCount; j++) {
    const referenceKmerRank = kmerRank(read.referenceSequence, j, k);
    const modelKmerRank = j % 7 === 3 ? -1 : referenceKmerRank;
    for (let e = 0; e < testDoubleEventsAt(j); e++) {
      // Event i of n takes samples [i·n_s/n, (i+1)·n_s/n); RNA reads the reference backwards through the signal.
      const slot = read.rna ? eventCount - 1 - eventIndex : eventIndex;
      const startSample = Math.floor((slot * sampleCount) / eventCount);
      const endSample = Math.floor(((slot + 1) * sampleCount) / eventCount);
      let sum = 0;
      let sumSquares = 0;
      for (let i = startSample; i < endSample; i++) {
        sum += read.signalPa[i]!;
        sumSquares += read.signalPa[i]! ** 2;
      }
      const samples = endSample - startSample;
      const mean = sum / samples;
      const levelMean = options.scaleEvents ? (mean - shift) / scale : mean;
      const known = modelKmerRank >= 0;
      const modelMean = !known
        ? 0
        : options.scaleEvents
          ? model.levelMean[modelKmerRank]!
          : model.levelMean[modelKmerRank]! * scale + shift;
      const modelStdv = !known ? 0 : options.scaleEvents ? model.levelStdv[modelKmerRank]! : model.levelStdv[modelKmerRank]! * variance;
      events.push({
        referencePosition: read.referenceStart + j,
        referenceKmerRank,
        eventIndex,
        levelMean,
        levelStdv: Math.sqrt(Math.max(0, sumSquares / samples - mean * mean)),
        lengthSeconds: samples / read.samplingRate,
        modelKmerRank,
        modelMean,
        modelStdv,
        standardizedLevel: known ? (levelMean - modelMean) / (Math.sqrt(variance) * modelStdv) : Infinity,
        startSample,
        endSample,
      });
      eventIndex++;
    }
  }
  return {
    ok: true,
    result: {
      readName: read.readName,
      events,
      scaling: { ...TEST_DOUBLE_SCALING },
      numEvents: events.length,
      numSteps: kmerCount - 1,
      numSkips: 0,
      numStays: eventCount - kmerCount,
      totalDurationSeconds: sampleCount / read.samplingRate,
    },
  };
}

/** The eventalign stage around the test double, for runEventalign's `stageModule` in tests. */
export const stages: Record<string, StageDefinition> = {
  alignReads: alignReadsStage(() => testDoubleEventalignRead) as StageDefinition,
};

export const TEST_DOUBLE_STAGES_MODULE = new URL('./test-double-aligner.js', import.meta.url).href;
