/**
 * dtw-gpu's engine stage: a block of positions in (their series end to end), their DTW matrices out, on any thread
 * (`parallel`; the engine hands results back in block order, so output is the same for every --threads value). Each
 * thread loads the C kernel once (cpu.ts).
 */
import type { Payload, StageDefinition } from '@shoal/engine';
import { dtwMatrixCpu } from './cpu.js';

/** A block: positions' series concatenated; position p owns series seriesFirst[p] .. seriesFirst[p+1]-1. */
export interface SeriesBlock {
  samples: Float32Array;
  lengths: Int32Array;
  seriesFirst: Int32Array;
}

/** The block's matrices end to end (position p's n_p² distances after those of the positions before it). */
export interface MatrixBlock {
  distances: Float32Array;
}

export function matricesOfBlock(block: SeriesBlock): MatrixBlock {
  const positions = block.seriesFirst.length - 1;
  let cells = 0;
  for (let p = 0; p < positions; p++) {
    const n = block.seriesFirst[p + 1]! - block.seriesFirst[p]!;
    cells += n * n;
  }
  const distances = new Float32Array(cells);
  let sampleAt = 0;
  let matrixAt = 0;
  for (let p = 0; p < positions; p++) {
    const lengths = block.lengths.subarray(block.seriesFirst[p], block.seriesFirst[p + 1]);
    let total = 0;
    for (const length of lengths) total += length;
    const matrix = dtwMatrixCpu({ samples: block.samples.subarray(sampleAt, sampleAt + total), lengths });
    distances.set(matrix, matrixAt);
    sampleAt += total;
    matrixAt += matrix.length;
  }
  return { distances };
}

const dtwMatrices: StageDefinition<undefined, undefined> = {
  kind: 'parallel',
  createState() {
    return undefined;
  },
  process(payload) {
    return matricesOfBlock(payload as unknown as SeriesBlock) as unknown as Payload;
  },
};

export const stages: Record<string, StageDefinition> = { dtwMatrices: dtwMatrices as StageDefinition };

/** This module's URL, for the engine. */
export const DTW_STAGES_MODULE = new URL('./stages.js', import.meta.url).href;
