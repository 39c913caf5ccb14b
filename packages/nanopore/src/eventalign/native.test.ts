/**
 * The C kernels and the TypeScript loops give identical results: the same module graph loaded twice, once with
 * SHOAL_NO_NATIVE_EVENTALIGN=1. Skipped (with the reason) where the package build could not compile the kernels.
 */
import { describe, expect, it, vi } from 'vitest';
import { kmerRank, loadPoreModel } from '../pore-model.js';
import type { AlignedEvent } from './types.js';
import type { TsvColumns, TsvRead } from './tsv.js';
import { syntheticRead } from './test-support/synthetic-read.js';

type Core = typeof import('./eventalign-read.js') &
  typeof import('./event-detection.js') &
  typeof import('./native.js') &
  typeof import('./tsv.js');

async function loadCore(native: boolean): Promise<Core> {
  vi.resetModules();
  vi.stubEnv('SHOAL_NO_NATIVE_EVENTALIGN', native ? '' : '1');
  const core = {
    ...(await import('./eventalign-read.js')),
    ...(await import('./event-detection.js')),
    ...(await import('./native.js')),
    ...(await import('./tsv.js')),
  };
  // The kernels are looked up on first use: do it while the variable is set.
  core.nativeKernels();
  vi.unstubAllEnvs();
  return core;
}

const native = await loadCore(true);
const typescript = await loadCore(false);
const available = native.nativeKernels() !== undefined;

describe.skipIf(!available)(
  `C kernels vs TypeScript loops${available ? '' : ' (skipped: dist/native/libshoal-eventalign.so was not built)'}`,
  () => {
    const model = loadPoreModel('rna002');

    it('the TypeScript instance really runs without the kernels', () => {
      expect(typescript.nativeKernels()).toBeUndefined();
      expect([native.eventalignBackend(), typescript.eventalignBackend()]).toEqual(['c', 'typescript']);
    });

    it('detect the same events and align every read identically, in both modes, trimmed or not', () => {
      for (const seed of [1, 2, 3, 4]) {
        const { read } = syntheticRead(model, {
          seed,
          referenceLength: 500,
          substitutionRate: 0.03,
          insertionRate: 0.02,
          deletionRate: 0.02,
        });
        expect(native.detectEvents(read.signalPa, native.RNA_EVENT_DETECTOR, 100, read.signalPa.length - 7)).toEqual(
          typescript.detectEvents(read.signalPa, typescript.RNA_EVENT_DETECTOR, 100, read.signalPa.length - 7),
        );
        for (const mode of ['banded', 'dense'] as const)
          for (const trimSignal of [false, true]) {
            const options = { mode, scaleEvents: true, trimSignal };
            expect(native.eventalignRead(read, model, options)).toEqual(typescript.eventalignRead(read, model, options));
          }
      }
    });

    const columnSets: TsvColumns[] = [
      { printReadNames: false, signalIndex: false, samples: false },
      { printReadNames: true, signalIndex: true, samples: false },
      { printReadNames: true, signalIndex: true, samples: true },
    ];

    it('write the same TSV rows for aligned reads, with every column set', () => {
      const { read } = syntheticRead(model, {
        seed: 5,
        referenceLength: 400,
        substitutionRate: 0.02,
        insertionRate: 0.01,
        deletionRate: 0.01,
      });
      const outcome = native.eventalignRead(read, model, { mode: 'banded', scaleEvents: false });
      if (!outcome.ok) throw new Error(outcome.reason);
      const { result } = outcome;
      expect(result.events.length).toBeGreaterThan(100);
      const tsvRead: TsvRead = {
        contig: read.referenceName,
        readIndex: 3,
        readName: read.readName,
        referenceStart: read.referenceStart,
        referenceSequence: read.referenceSequence,
        k: model.k,
        signalPa: read.signalPa,
        samplingRate: read.samplingRate,
      };
      for (const columns of columnSets) {
        const c = native.formatEventalignRows(tsvRead, result.events, result.scaling, columns);
        expect(c.length).toBeGreaterThan(result.events.length * 40);
        expect(c).toBe(typescript.formatEventalignRows(tsvRead, result.events, result.scaling, columns));
      }
    });

    it('write the same digits for the values printf rounds awkwardly, huge, non-finite and negative zero', () => {
      // Halves at every printed precision (exact in binary, so ties to even), values past 2^53 / 10^N, inf, nan, -0.
      const awkward = [
        0.125,
        0.375,
        2.675,
        0.005,
        1.5e-5,
        2.5e-5,
        0.0001,
        -0.004,
        -0,
        0,
        1e-30,
        3.4e38,
        -3.4e38,
        1e17,
        123456.789,
        Infinity,
        -Infinity,
        NaN,
        99.995,
        99.985,
        0.00049,
        7.0000005,
      ];
      const signalPa = Float32Array.from({ length: 64 }, (_, i) => (i % 7 === 0 ? awkward[i % awkward.length]! : 60 + i * 0.37));
      const events: AlignedEvent[] = awkward.map((value, i) => ({
        referencePosition: 100 + Math.floor(i / 3),
        referenceKmerRank: 0,
        eventIndex: i * 1000003,
        levelMean: value,
        levelStdv: awkward[(i + 5) % awkward.length]!,
        lengthSeconds: awkward[(i + 11) % awkward.length]!,
        modelKmerRank: i % 4 === 3 ? -1 : kmerRank('GGACT', 0, 5) + i,
        modelMean: awkward[(i + 3) % awkward.length]!,
        modelStdv: awkward[(i + 7) % awkward.length]!,
        standardizedLevel: i % 4 === 3 ? Infinity : awkward[(i + 13) % awkward.length]!,
        startSample: i * 2,
        endSample: i * 2 + (i % 4),
      }));
      const tsvRead: TsvRead = {
        contig: 'chr1:tx/ü',
        readIndex: 2 ** 40,
        readName: 'read-é',
        referenceStart: 100,
        // soft-masked, IUPAC codes and U: disambiguated as nanopolish prints reference k-mers; the last k-mers run off the end
        referenceSequence: 'acgtNRYKMSWBDHVUacgtn',
        k: 5,
        signalPa,
        samplingRate: 3012,
      };
      const scaling = { shift: 3.5, scale: 0.75, drift: 0.25, var: 1 };
      for (const columns of columnSets)
        expect(native.formatEventalignRows(tsvRead, events, scaling, columns)).toBe(
          typescript.formatEventalignRows(tsvRead, events, scaling, columns),
        );
      expect(native.formatEventalignRows(tsvRead, events, scaling, columnSets[2]!)).toContain('\tnan\t');
    });
  },
);
