#!/usr/bin/env node
/**
 * Makes the simulated data sets: `demo` (small, with every edge case the format tests need; the
 * README demo and the tests use it) and `bench` (millions of 2x150 records for bench/).
 *
 *   node tools/dist/make-data.js demo  OUT_DIR            → OUT_DIR/demo.fa, demo.bam, demo.bam.bai
 *   node tools/dist/make-data.js qc    OUT_DIR            → OUT_DIR/qc.fa, qc.bam, qc.bam.bai (QC goldens)
 *   node tools/dist/make-data.js cov   OUT_DIR            → OUT_DIR/cov.fa, cov.bam, cov.bam.bai (coverage collector goldens)
 *   node tools/dist/make-data.js bench OUT_DIR [--pairs N] → OUT_DIR/bench.fa, bench.bam, bench.bam.bai
 */
import fs from 'node:fs';
import path from 'node:path';
import { simulatePairedBam, type SimulationOptions } from './simulate.js';

export const DEMO_OPTIONS: SimulationOptions = {
  seed: 20261123,
  references: [
    { name: 'chr1', length: 40000 },
    { name: 'chr2', length: 25000 },
    { name: 'chr3', length: 6000 },
  ],
  pairs: 1500,
  readLength: 100,
  fragmentMean: 300,
  fragmentSd: 50,
  readGroups: [
    { id: 'rgA', sample: 'demo-sample', library: 'libA' },
    { id: 'rgB', sample: 'demo-sample', library: 'libB' },
  ],
  unplacedPairs: 20,
  edgeCases: true,
};

/** The QC golden data set: like the demo (every kind of record a QC collector must classify) without the format edge cases, and bigger. */
export const QC_OPTIONS: SimulationOptions = {
  ...DEMO_OPTIONS,
  seed: 4242,
  references: [
    { name: 'chr1', length: 60000 },
    { name: 'chr2', length: 40000 },
    { name: 'chr3', length: 20000 },
  ],
  pairs: 5000,
  readGroups: [
    { id: 'rgA', sample: 'qc-sample', library: 'libA' },
    { id: 'rgB', sample: 'qc-sample', library: 'libB' },
    { id: 'rgC', sample: 'qc-sample', library: 'libA' },
  ],
  unplacedPairs: 30,
  edgeCases: false,
};

/**
 * The coverage collectors' golden data set: short fragments (most mates overlap), a contig without reads between two
 * with reads, N gaps and soft-masked repeats in the reference (the simulator's), duplicates and every filtered kind.
 */
export const COVERAGE_OPTIONS: SimulationOptions = {
  ...QC_OPTIONS,
  seed: 9090,
  references: [
    { name: 'chr1', length: 50000 },
    { name: 'chrEmpty', length: 7000, reads: false },
    { name: 'chr2', length: 30000 },
    { name: 'chr3', length: 12000 },
  ],
  pairs: 5000,
  fragmentMean: 180,
  fragmentSd: 40,
};

export function benchOptions(pairs: number): SimulationOptions {
  return {
    seed: 7,
    references: [
      { name: 'chr1', length: 30_000_000 },
      { name: 'chr2', length: 20_000_000 },
      { name: 'chr3', length: 10_000_000 },
    ],
    pairs,
    readLength: 150,
    fragmentMean: 350,
    fragmentSd: 60,
    readGroups: [{ id: 'rg1', sample: 'bench', library: 'lib1' }],
    unplacedPairs: Math.round(pairs / 300),
    edgeCases: false,
  };
}

async function main(): Promise<void> {
  const [kind, outDir, ...rest] = process.argv.slice(2);
  if ((kind !== 'demo' && kind !== 'bench' && kind !== 'qc' && kind !== 'cov') || !outDir) {
    process.stderr.write('usage: make-data.js demo|qc|cov|bench OUT_DIR [--pairs N]\n');
    process.exit(2);
  }
  fs.mkdirSync(outDir, { recursive: true });
  const pairsFlag = rest.indexOf('--pairs');
  const options =
    kind === 'demo'
      ? DEMO_OPTIONS
      : kind === 'qc'
        ? QC_OPTIONS
        : kind === 'cov'
          ? COVERAGE_OPTIONS
          : benchOptions(pairsFlag >= 0 ? Number(rest[pairsFlag + 1]) : 1_000_000);
  const bam = path.join(outDir, `${kind}.bam`);
  const records = await simulatePairedBam(bam, path.join(outDir, `${kind}.fa`), options);
  process.stderr.write(`make-data: wrote ${records} records to ${bam} (+ .bai) and ${path.join(outDir, `${kind}.fa`)}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    process.stderr.write(`make-data: error: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
