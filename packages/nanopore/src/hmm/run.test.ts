import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeStreamPreamble } from '@shoal/hts';
import { matrixFrame, matrixStreamEndFrame, matrixStreamHeaderFrame } from '../dtw/matrices.js';
import { DEFAULT_HMM_MODEL } from './hmm.js';
import { runHmmSmooth } from './run.js';
import type { ScoreMethod } from './score.js';

/**
 * Five positions of 6 native and 6 IVT reads; native reads 0-2 are modified: 6 pA up at every position and far from
 * every other read in the matrix. With `withLevels` false the frames carry no levels (dtw-gpu before 2026-12-07).
 */
function matrices(dir: string, withLevels: boolean): string {
  const reads = [...Array.from({ length: 6 }, (_, r) => `n${r}`), ...Array.from({ length: 6 }, (_, r) => `i${r}`)];
  const n = reads.length;
  const modified = (r: number): boolean => r < 3;
  const chunks: Uint8Array[] = [encodeStreamPreamble()];
  chunks.push(
    ...matrixStreamHeaderFrame({
      contigs: ['tx1'],
      k: 5,
      model: 'preset:rna002',
      samples: 'pA',
      padding: 1,
      maxLength: 2048,
      distance: 'sqrt-accumulated-squared-difference',
    }),
  );
  for (let position = 0; position < 5; position++) {
    const level = (r: number): number => 100 + (modified(r) ? 6 : 0) + 0.1 * ((r * 5 + position * 3) % 7);
    const distances = new Float32Array(n * n);
    for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) distances[r * n + c] = r === c ? 0 : Math.abs(level(r) - level(c));
    chunks.push(
      ...matrixFrame({
        contig: 'tx1',
        position,
        kmer: 'GGACT',
        reads,
        nNative: 6,
        nIvt: 6,
        lengths: new Int32Array(n).fill(20),
        distances,
        ...(withLevels ? { levels: Float32Array.from(reads, (_, r) => level(r)) } : {}),
      }),
    );
  }
  chunks.push(...matrixStreamEndFrame({ positions: 5, cells: 0, resampled: 0 }));
  const file = path.join(dir, withLevels ? 'with-levels.frames' : 'without-levels.frames');
  fs.writeFileSync(file, Buffer.concat(chunks));
  return file;
}

async function callsOf(input: string, score: ScoreMethod): Promise<Map<string, number>> {
  const output = `${input}.${score}.ndjson`;
  await runHmmSmooth({ input, output, score, runHmm: true, hmm: DEFAULT_HMM_MODEL, modThreshold: 0.9 });
  const pMod = new Map<string, number>();
  for (const line of fs.readFileSync(output, 'utf8').trimEnd().split('\n')) {
    const row = JSON.parse(line) as { read: string; position: number; p_mod: number };
    if (row.position === 4) pMod.set(row.read, row.p_mod);
  }
  return pMod;
}

describe('runHmmSmooth and the read levels', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hmm-run-'));

  it('--score level calls the shifted reads modified and the others not', async () => {
    const pMod = await callsOf(matrices(dir, true), 'level');
    expect(['n0', 'n1', 'n2'].map((read) => pMod.get(read)! > 0.9)).toEqual([true, true, true]);
    expect(['n3', 'n4', 'n5', 'i0', 'i5'].some((read) => pMod.get(read)! > 0.9)).toBe(false);
  });

  it('reads matrices without levels under --score knn, and refuses them under --score level, naming the file', async () => {
    const old = matrices(dir, false);
    const pMod = await callsOf(old, 'knn');
    expect(['n0', 'n1', 'n2'].map((read) => pMod.get(read)! > 0.5)).toEqual([true, true, true]);
    await expect(callsOf(old, 'level')).rejects.toThrow(/without-levels\.frames: the matrix of tx1:0 has no read levels/);
    expect(fs.existsSync(`${old}.level.ndjson`)).toBe(false);
  });
});
