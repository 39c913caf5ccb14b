#!/usr/bin/env node
// The eventalign core (eventalignRead in @shoal/nanopore) against nanopolish 0.14.0 on the same synthetic direct-RNA
// reads (packages/nanopore/src/eventalign/test-support: squigulator-like dwells N(43, 35) samples, a leader, 3%
// substitutions, 2% insertions, 2% deletions): sample accuracy against the truth (leader excluded), agreement of the
// per (read, position) levels with nanopolish's (within 1 pA, over nanopolish's pairs), and time. nanopolish's time
// is the whole tool (reading SLOW5 text, FASTQ, BAM; writing the TSV); ours is the core alone, one thread.
//
//   npm run build && node bench/eventalign-core.mjs [--reads 200] [--length 1000] [--threads 2] [--keep DIR]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { eventalignBackend, eventalignRead, loadPoreModel } from '../packages/nanopore/dist/index.js';
import { syntheticRead, sampleAccuracy } from '../packages/nanopore/dist/eventalign/test-support/synthetic-read.js';
import {
  assignedPositions,
  levelAgreement,
  levelsByPosition,
  parseEventalignTsv,
  runNanopolish,
  toolAvailable,
  writeAnchorInputs,
} from '../packages/nanopore/dist/eventalign/test-support/nanopolish-anchor.js';

const { values } = parseArgs({
  options: {
    reads: { type: 'string', default: '200' },
    length: { type: 'string', default: '1000' },
    threads: { type: 'string', default: '2' },
    keep: { type: 'string' },
  },
});
const model = loadPoreModel('rna002');
const readCount = Number(values.reads);
const synthetic = Array.from({ length: readCount }, (_, i) =>
  syntheticRead(model, {
    seed: 1000 + i,
    referenceLength: Number(values.length),
    shiftPa: 3,
    scale: 1.05,
    substitutionRate: 0.03,
    insertionRate: 0.02,
    deletionRate: 0.02,
  }),
);
const folder = values.keep ?? mkdtempSync(join(tmpdir(), 'eventalign-bench-'));
const reads = writeAnchorInputs(folder, synthetic);
const samples = reads.reduce((sum, read) => sum + read.signalPa.length, 0);
console.log(
  `${readCount} reads of ${values.length} bases, ${(samples / readCount).toFixed(0)} samples a read; our loops: ${eventalignBackend()}; files in ${folder}`,
);

let anchor;
if (toolAvailable('nanopolish') && toolAvailable('samtools')) {
  const run = runNanopolish(folder, Number(values.threads));
  anchor = parseEventalignTsv(run.tsv);
  console.log(
    `nanopolish eventalign -t ${values.threads}: ${run.seconds.toFixed(2)} s wall, ${((run.seconds * 1000) / readCount).toFixed(1)} ms a read; ${anchor.size} reads aligned`,
  );
} else console.log('nanopolish or samtools not installed: our side only');

for (const mode of ['banded', 'dense']) {
  // One warm-up pass, so that the timed pass runs optimised code.
  for (const read of reads.slice(0, 20)) eventalignRead(read, model, { mode, scaleEvents: true });
  let right = 0;
  let molecule = 0;
  let anchorRight = 0;
  let pairs = 0;
  let within = 0;
  let failed = 0;
  let cpuMicroseconds = 0;
  const started = performance.now();
  reads.forEach((read, index) => {
    const before = process.cpuUsage();
    const outcome = eventalignRead(read, model, { mode, scaleEvents: true });
    cpuMicroseconds += process.cpuUsage(before).user;
    const truth = synthetic[index].truthKmerOfSample;
    const moleculeSamples = truth.filter((kmer) => kmer >= 0).length;
    molecule += moleculeSamples;
    const anchorRows = anchor?.get(read.readName);
    if (anchorRows) anchorRight += sampleAccuracy(truth, assignedPositions(anchorRows, truth.length)) * moleculeSamples;
    if (!outcome.ok) {
      failed++;
      return;
    }
    right += sampleAccuracy(truth, assignedPositions(outcome.result.events, truth.length)) * moleculeSamples;
    if (anchorRows) {
      const agreement = levelAgreement(levelsByPosition(anchorRows), levelsByPosition(outcome.result.events));
      pairs += agreement.pairs;
      within += agreement.within;
    }
  });
  const wall = performance.now() - started;
  const parts = [
    `${mode}: accuracy ${(right / molecule).toFixed(4)}`,
    anchor ? `nanopolish ${(anchorRight / molecule).toFixed(4)}` : undefined,
    anchor ? `levels within 1 pA of nanopolish's ${((100 * within) / pairs).toFixed(2)}% of ${pairs} pairs` : undefined,
    `failed ${failed}`,
    `${(cpuMicroseconds / 1000 / readCount).toFixed(2)} ms CPU a read (${(wall / readCount).toFixed(2)} ms wall)`,
  ];
  console.log(parts.filter((part) => part !== undefined).join('; '));
}
if (values.keep === undefined) rmSync(folder, { recursive: true, force: true });
