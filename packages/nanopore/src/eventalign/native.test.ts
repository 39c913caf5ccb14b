/**
 * The C kernels and the TypeScript loops give identical results: the same module graph loaded twice, once with
 * SHOAL_NO_NATIVE_EVENTALIGN=1. Skipped (with the reason) where the package build could not compile the kernels.
 */
import { describe, expect, it, vi } from 'vitest';
import { loadPoreModel } from '../pore-model.js';
import { syntheticRead } from './test-support/synthetic-read.js';

type Core = typeof import('./eventalign-read.js') & typeof import('./event-detection.js') & typeof import('./native.js');

async function loadCore(native: boolean): Promise<Core> {
  vi.resetModules();
  vi.stubEnv('SHOAL_NO_NATIVE_EVENTALIGN', native ? '' : '1');
  const core = { ...(await import('./eventalign-read.js')), ...(await import('./event-detection.js')), ...(await import('./native.js')) };
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
  },
);
