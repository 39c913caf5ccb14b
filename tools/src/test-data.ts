/**
 * The simulated data sets and golden files the tests share, for the tests beside the code in
 * packages/<pkg>/src and the end-to-end tests in test/ alike. Each data set is made once per process
 * (vitest runs every test file in its own process) in a temporary folder; the simulator is
 * deterministic, so every process gets the same bytes (about 0.3 s for `demo`).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { COVERAGE_OPTIONS, DEMO_OPTIONS, QC_OPTIONS } from './make-data.js';
import { simulatePairedBam } from './simulate.js';

/** The repository root (this file runs from tools/dist). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Expected outputs written by samtools, Picard and the generator scripts in tools/goldens. */
export const goldenDir = path.join(repoRoot, 'test', 'golden');

export interface SimulatedData {
  dir: string;
  bam: string;
  fasta: string;
}

const made = new Map<string, Promise<SimulatedData>>();

/** A simulated data set (make-data.ts: `demo` or `qc`): FASTA, coordinate-sorted BAM and its BAI. */
function simulated(kind: 'demo' | 'qc' | 'cov'): Promise<SimulatedData> {
  let data = made.get(kind);
  if (!data) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `shoal-${kind}-`));
    const files = { dir, bam: path.join(dir, `${kind}.bam`), fasta: path.join(dir, `${kind}.fa`) };
    const options = kind === 'demo' ? DEMO_OPTIONS : kind === 'qc' ? QC_OPTIONS : COVERAGE_OPTIONS;
    data = simulatePairedBam(files.bam, files.fasta, options).then(() => files);
    made.set(kind, data);
  }
  return data;
}

/** The demo FASTA + BAM + BAI (the README demo's data, with every edge case the format tests need). */
export const demoData = (): Promise<SimulatedData> => simulated('demo');

/** The QC golden data set (QC_OPTIONS). */
export const qcData = (): Promise<SimulatedData> => simulated('qc');

/** The coverage collectors' golden data set (COVERAGE_OPTIONS). */
export const covData = (): Promise<SimulatedData> => simulated('cov');

/** A golden file's text (gunzipped when its name ends in .gz), by its path under test/golden. */
export function readGolden(name: string): string {
  const bytes = fs.readFileSync(path.join(goldenDir, name));
  return (name.endsWith('.gz') ? zlib.gunzipSync(bytes) : bytes).toString('utf8');
}
