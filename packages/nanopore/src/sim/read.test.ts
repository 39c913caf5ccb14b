import { describe, expect, it } from 'vitest';
import { CigarOp, queryLengthOf, referenceLengthOf } from '@shoal/hts';
import { kmerRank, loadPoreModel } from '../pore-model.js';
import { simulateBlock } from './block.js';
import { DEFAULT_SIMULATION_OPTIONS, type SimulationOptions } from './options.js';
import { RNA_R9_MINION } from './profile.js';
import {
  ADAPTOR_SHIFT_PICOAMPS,
  RNA_ADAPTOR,
  RNA_STALL,
  planRead,
  simulateBasecalls,
  simulateSignal,
  truthLine,
  type SimulationContext,
} from './read.js';
import { drachSites, plantModifications, randomTranscriptome, type Transcript } from './transcriptome.js';

const model = loadPoreModel('rna002');

function context(overrides: Partial<SimulationOptions> = {}, transcripts?: Transcript[]): SimulationContext {
  const options = { ...DEFAULT_SIMULATION_OPTIONS, transcripts: 3, transcriptMinLengthBp: 300, transcriptMaxLengthBp: 600, ...overrides };
  const chosen = transcripts ?? randomTranscriptome(options.seed, { count: options.transcripts, minLengthBp: 300, maxLengthBp: 600 });
  const sites = plantModifications(chosen, options.seed, options);
  return {
    options,
    model,
    profile: RNA_R9_MINION,
    transcripts: chosen,
    sites,
    eligible: Int32Array.from(chosen.keys()),
  };
}

function picoamps(raw: number, offset: number): number {
  return ((raw + offset) * RNA_R9_MINION.rangePicoamps) / RNA_R9_MINION.digitisation;
}

describe('transcripts and sites', () => {
  it('finds every DRACH A (D=AGT, R=AG, H=ACT) and nothing else', () => {
    //                      0123456789012345678
    expect(Array.from(drachSites('GGACTTAGACATCGACA'))).toEqual([2, 8]);
    // CGACA: D may not be C; AAACG: H may not be G; GCACT: R may not be C.
    expect(Array.from(drachSites('CGACAAAACGGCACT'))).toEqual([]);
    // Every one of the 3*2*3 = 18 DRACH 5-mers, and U written as T counts (sequences are normalised before).
    for (const d of 'AGT') for (const r of 'AG') for (const h of 'ACT') expect(Array.from(drachSites(`${d}${r}AC${h}`))).toEqual([2]);
  });

  it('plants exactly the asked fraction of modified sites, with stoichiometries in range', () => {
    const transcripts = randomTranscriptome(5, { count: 50, minLengthBp: 500, maxLengthBp: 1500 });
    const sites = plantModifications(transcripts, 5, { fractionModifiedSites: 0.25, stoichiometryMin: 0.2, stoichiometryMax: 0.4 });
    const total = sites.position.length;
    // Background DRACH rate of uniform bases: 0.75 * 0.5 * 0.25 * 0.25 * 0.75 = 1.76%.
    const bases = transcripts.reduce((sum, t) => sum + t.sequence.length, 0);
    expect(total / bases).toBeGreaterThan(0.014);
    expect(total / bases).toBeLessThan(0.021);
    const modified = sites.modified.reduce((sum, flag) => sum + flag, 0);
    expect(modified).toBe(Math.round(0.25 * total));
    for (let site = 0; site < total; site++) {
      if (sites.modified[site]) {
        expect(sites.stoichiometry[site]).toBeGreaterThanOrEqual(0.2);
        expect(sites.stoichiometry[site]).toBeLessThanOrEqual(0.4);
      } else expect(sites.stoichiometry[site]).toBe(0);
    }
    for (let t = 0; t < transcripts.length; t++)
      for (let site = sites.firstSite[t]; site < sites.firstSite[t + 1]; site++)
        expect(transcripts[t].sequence.slice(sites.position[site] - 2, sites.position[site] + 3)).toMatch(/^[AGT][AG]AC[ACT]$/);
  });
});

describe('a simulated read', () => {
  it('tiles the signal after the leader with one range per k-mer (molecule length - k + 1 of them)', () => {
    const ctx = context({ partialFraction: 0.5 });
    for (let readIndex = 0; readIndex < 12; readIndex++) {
      for (const condition of ['native', 'ivt'] as const) {
        const plan = planRead(ctx, condition, readIndex);
        const signal = simulateSignal(ctx, plan);
        const boundaries = signal.kmerBoundaries;
        expect(plan.end).toBe(ctx.transcripts[plan.transcriptIndex].sequence.length);
        expect(plan.molecule).toBe(ctx.transcripts[plan.transcriptIndex].sequence.slice(plan.start, plan.end));
        expect(boundaries.length - 1).toBe(plan.end - plan.start - model.k + 1);
        expect(boundaries[0]).toBe(signal.leaderSamples);
        expect(boundaries[boundaries.length - 1]).toBe(signal.rawSignal.length);
        for (let i = 1; i < boundaries.length; i++) expect(boundaries[i]).toBeGreaterThan(boundaries[i - 1]);
        // The leader: the stall, adaptor and poly(A) k-mers, plus the k-1 that straddle the molecule's 3' end.
        const leaderKmers = signal.polyALengthBp + RNA_ADAPTOR.length + RNA_STALL.length + model.k - 1;
        expect(signal.leaderSamples).toBeGreaterThanOrEqual(leaderKmers);
      }
    }
  });

  it('reads partial molecules that lose their 5′ end only', () => {
    const ctx = context({ partialFraction: 1, minReadLengthBp: 100 });
    for (let readIndex = 0; readIndex < 20; readIndex++) {
      const plan = planRead(ctx, 'native', readIndex);
      const length = ctx.transcripts[plan.transcriptIndex].sequence.length;
      expect(plan.end).toBe(length);
      expect(plan.start).toBeGreaterThan(0);
      expect(plan.end - plan.start).toBeGreaterThanOrEqual(100);
    }
    const full = context({ partialFraction: 0 });
    for (let readIndex = 0; readIndex < 10; readIndex++) expect(planRead(full, 'ivt', readIndex).start).toBe(0);
  });

  it('places each k-mer at the model level: raw signal decodes to the model mean of the k-mer at that position', () => {
    const ctx = context({ leader: true });
    const plan = planRead(ctx, 'ivt', 3);
    const signal = simulateSignal(ctx, plan);
    const k = model.k;
    const sequence = ctx.transcripts[plan.transcriptIndex].sequence;
    let sum = 0;
    let squares = 0;
    let count = 0;
    for (let i = 0; i + 1 < signal.kmerBoundaries.length; i++) {
      const position = plan.end - k - i;
      const rank = kmerRank(sequence, position, k);
      for (let s = signal.kmerBoundaries[i]; s < signal.kmerBoundaries[i + 1]; s++) {
        const residual = (picoamps(signal.rawSignal[s], signal.offset) - model.levelMean[rank]) / model.levelStdv[rank];
        sum += residual;
        squares += residual * residual;
        count++;
      }
    }
    // Standardised residuals against the k-mer at the truth's position: mean 0, sd 1 (digitisation adds ~0.04 sd).
    expect(Math.abs(sum / count)).toBeLessThan(0.05);
    expect(Math.sqrt(squares / count)).toBeGreaterThan(0.95);
    expect(Math.sqrt(squares / count)).toBeLessThan(1.08);
  });

  it('reads the strand molecule + poly(A) + adaptor (30 pA low) + stall 3′→5′ (ideal levels and dwells)', () => {
    const ctx = context({ noise: 0, dwellStandardDeviationSamples: 0, dwellMeanSamples: 7 });
    const plan = planRead(ctx, 'ivt', 1);
    const signal = simulateSignal(ctx, plan);
    const strand = plan.molecule + 'A'.repeat(signal.polyALengthBp) + RNA_ADAPTOR + RNA_STALL;
    const k = model.k;
    const kmers = strand.length - k + 1;
    expect(signal.rawSignal.length).toBe(kmers * 7);
    const adaptorFirst = plan.molecule.length + signal.polyALengthBp;
    const scale = RNA_R9_MINION.digitisation / RNA_R9_MINION.rangePicoamps;
    for (let a = 0; a < kmers; a++) {
      const j = kmers - 1 - a;
      const adaptor = j >= adaptorFirst && j < adaptorFirst + RNA_ADAPTOR.length;
      const level = model.levelMean[kmerRank(strand, j, k)] - (adaptor ? ADAPTOR_SHIFT_PICOAMPS : 0);
      const expected = Math.round(level * scale - signal.offset);
      const samples = Array.from(signal.rawSignal.subarray(a * 7, a * 7 + 7));
      expect(samples).toEqual(new Array(7).fill(expected));
    }
    expect(signal.leaderSamples).toBe((kmers - (plan.molecule.length - k + 1)) * 7);
  });

  it('shifts the levels of the k-mers covering a modified site by the shift, and never in IVT reads', () => {
    const shift = 6;
    const ctx = context({ shiftPicoamps: shift, fractionModifiedSites: 0.5, stoichiometryMin: 1, stoichiometryMax: 1, noise: 1 });
    const k = model.k;
    const residuals = { modified: [0, 0], unmodified: [0, 0] };
    let ivtModified = 0;
    for (let readIndex = 0; readIndex < 9; readIndex++) {
      for (const condition of ['native', 'ivt'] as const) {
        const plan = planRead(ctx, condition, readIndex);
        if (condition === 'ivt') ivtModified += plan.modifiedSites.length;
        const signal = simulateSignal(ctx, plan);
        const modifiedPositions = Array.from(plan.modifiedSites, (site) => ctx.sites.position[site]);
        const sequence = ctx.transcripts[plan.transcriptIndex].sequence;
        for (let i = 0; i + 1 < signal.kmerBoundaries.length; i++) {
          const position = plan.end - k - i;
          const covers = modifiedPositions.some((site) => site >= position && site < position + k);
          const level = model.levelMean[kmerRank(sequence, position, k)];
          const bucket = covers ? residuals.modified : residuals.unmodified;
          for (let s = signal.kmerBoundaries[i]; s < signal.kmerBoundaries[i + 1]; s++) {
            bucket[0] += picoamps(signal.rawSignal[s], signal.offset) - level;
            bucket[1]++;
          }
        }
      }
    }
    expect(ivtModified).toBe(0);
    expect(residuals.modified[1]).toBeGreaterThan(2000);
    expect(residuals.modified[0] / residuals.modified[1]).toBeCloseTo(shift, 0);
    expect(Math.abs(residuals.unmodified[0] / residuals.unmodified[1])).toBeLessThan(0.1);
  });

  it('lengthens the dwell of modified k-mers by the dwell factor', () => {
    const meanDwell = (factor: number): { modified: number; unmodified: number } => {
      const ctx = context({ dwellFactor: factor, fractionModifiedSites: 1, stoichiometryMin: 1, stoichiometryMax: 1 });
      const sums = { modified: [0, 0], unmodified: [0, 0] };
      for (let readIndex = 0; readIndex < 6; readIndex++) {
        const plan = planRead(ctx, 'native', readIndex);
        const signal = simulateSignal(ctx, plan);
        const sites = Array.from(plan.modifiedSites, (site) => ctx.sites.position[site]);
        for (let i = 0; i + 1 < signal.kmerBoundaries.length; i++) {
          const position = plan.end - model.k - i;
          const bucket = sites.some((site) => site >= position && site < position + model.k) ? sums.modified : sums.unmodified;
          bucket[0] += signal.kmerBoundaries[i + 1] - signal.kmerBoundaries[i];
          bucket[1]++;
        }
      }
      return { modified: sums.modified[0] / sums.modified[1], unmodified: sums.unmodified[0] / sums.unmodified[1] };
    };
    const plain = meanDwell(1);
    const slow = meanDwell(1.5);
    // The same dwell draws either way (one stream per read): only the modified k-mers change, by x1.5.
    expect(slow.unmodified).toBe(plain.unmodified);
    expect(slow.modified / plain.modified).toBeGreaterThan(1.45);
    expect(slow.modified / plain.modified).toBeLessThan(1.55);
  });

  it('modifies a site in about stoichiometry x reads', () => {
    const ctx = context({ fractionModifiedSites: 1, stoichiometryMin: 0.3, stoichiometryMax: 0.3, partialFraction: 0 });
    let covered = 0;
    let modified = 0;
    for (let readIndex = 0; readIndex < 150; readIndex++) {
      const plan = planRead(ctx, 'native', readIndex);
      covered += plan.endSite - plan.firstSite;
      modified += plan.modifiedSites.length;
    }
    expect(modified / covered).toBeGreaterThan(0.27);
    expect(modified / covered).toBeLessThan(0.33);
  });

  it('calls bases with the asked error rates and a CIGAR that spans the molecule and the calls', () => {
    const ctx = context({ substitutionRate: 0.05, insertionRate: 0.03, deletionRate: 0.04 });
    const totals = { bases: 0, substitutions: 0, insertions: 0, deletions: 0 };
    for (let readIndex = 0; readIndex < 30; readIndex++) {
      const plan = planRead(ctx, 'native', readIndex);
      const calls = simulateBasecalls(ctx, plan);
      expect(queryLengthOf(calls.cigar)).toBe(calls.sequence.length);
      expect(referenceLengthOf(calls.cigar)).toBe(plan.end - plan.start);
      expect(calls.qualities.length).toBe(calls.sequence.length);
      expect(calls.cigar[0] & 15).toBe(CigarOp.Match);
      expect(calls.cigar[calls.cigar.length - 1] & 15).toBe(CigarOp.Match);
      // Walk the CIGAR: mismatches are the substitutions.
      let query = 0;
      let reference = plan.start;
      let edits = 0;
      const sequence = ctx.transcripts[plan.transcriptIndex].sequence;
      for (const op of calls.cigar) {
        const length = op >>> 4;
        if ((op & 15) === CigarOp.Match) {
          for (let i = 0; i < length; i++) {
            if (calls.sequence[query + i] === sequence[reference + i]) continue;
            totals.substitutions++;
            edits++;
          }
          query += length;
          reference += length;
        } else if ((op & 15) === CigarOp.Insertion) {
          query += length;
          totals.insertions += length;
          edits += length;
        } else {
          reference += length;
          totals.deletions += length;
          edits += length;
        }
      }
      expect(edits).toBe(calls.editDistance);
      totals.bases += plan.end - plan.start;
    }
    expect(totals.substitutions / totals.bases).toBeGreaterThan(0.04);
    expect(totals.substitutions / totals.bases).toBeLessThan(0.06);
    expect(totals.deletions / totals.bases).toBeGreaterThan(0.032);
    expect(totals.deletions / totals.bases).toBeLessThan(0.048);
    // Insertion events at 3%, 1.33 bases each.
    expect(totals.insertions / totals.bases).toBeGreaterThan(0.03);
    expect(totals.insertions / totals.bases).toBeLessThan(0.05);
  });

  it('writes a truth line whose k-mer positions run from end-k down to start', () => {
    const ctx = context();
    const plan = planRead(ctx, 'native', 0);
    const signal = simulateSignal(ctx, plan);
    const truth = JSON.parse(truthLine(ctx, plan, signal)) as {
      read_id: string;
      kmer_first_position: number;
      kmer_last_position: number;
      kmer_sample_boundaries: number[];
      signal_length: number;
    };
    expect(truth.read_id).toBe(plan.readId);
    expect(truth.read_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(truth.kmer_first_position).toBe(plan.end - 5);
    expect(truth.kmer_last_position).toBe(plan.start);
    expect(truth.kmer_sample_boundaries.length).toBe(truth.kmer_first_position - truth.kmer_last_position + 2);
    expect(truth.signal_length).toBe(signal.rawSignal.length);
  });
});

describe('determinism', () => {
  it('gives a read the same bytes whatever block it is simulated in', () => {
    const ctx = context();
    const whole = simulateBlock(ctx, 'native', 0, 6);
    const first = simulateBlock(ctx, 'native', 0, 2);
    const rest = simulateBlock(ctx, 'native', 2, 4);
    expect(
      Buffer.from(whole.signals.buffer).equals(Buffer.concat([Buffer.from(first.signals.buffer), Buffer.from(rest.signals.buffer)])),
    ).toBe(true);
    expect(Buffer.from(whole.alignments).equals(Buffer.concat([first.alignments, rest.alignments]))).toBe(true);
    expect(Buffer.from(whole.truth).equals(Buffer.concat([first.truth, rest.truth]))).toBe(true);
    expect(Buffer.from(whole.fastq).equals(Buffer.concat([first.fastq, rest.fastq]))).toBe(true);
  });

  it('changes only the levels of modified k-mers when only the shift changes', () => {
    const a = context({ shiftPicoamps: 2 });
    const b = context({ shiftPicoamps: 9 });
    for (let readIndex = 0; readIndex < 4; readIndex++) {
      const planA = planRead(a, 'native', readIndex);
      const planB = planRead(b, 'native', readIndex);
      expect(planB).toEqual(planA);
      const signalA = simulateSignal(a, planA);
      const signalB = simulateSignal(b, planB);
      expect(Array.from(signalB.kmerBoundaries)).toEqual(Array.from(signalA.kmerBoundaries));
      const modifiedPositions = Array.from(planA.modifiedSites, (site) => a.sites.position[site]);
      for (let i = 0; i + 1 < signalA.kmerBoundaries.length; i++) {
        const position = planA.end - 5 - i;
        const covers = modifiedPositions.some((site) => site >= position && site < position + 5);
        const from = signalA.kmerBoundaries[i];
        const to = signalA.kmerBoundaries[i + 1];
        const same = signalA.rawSignal.subarray(from, to).every((value, s) => value === signalB.rawSignal[from + s]);
        expect(same).toBe(!covers);
      }
    }
  });
});
