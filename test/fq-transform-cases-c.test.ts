/**
 * fq-transform's test-case folders for FASTQ 2/2: test/fastq-cases/c (made by
 * tools/goldens/fastq/make_cases_c.py from seqtk, cutadapt and fastp run on the same input, and
 * recomputations from mbf's Rust) in the workpool at --threads 1, 2 and 8 and in the classic
 * pipeline; test/fastq-cases/mbf (mbf-fastq-processor's own cases of the FASTQ 2/2 steps, its
 * expected outputs unchanged: tools/goldens/fastq/import_mbf_cases.sh) the same way.
 * Byte-identical each time.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findCases, verifyCase } from '@shoal/fq-transform';
import { repoRoot } from './helpers.js';

const sets: { root: string; threads: number[]; classic: boolean }[] = [
  { root: path.join(repoRoot, 'test', 'fastq-cases', 'c'), threads: [1, 2, 8], classic: true },
  { root: path.join(repoRoot, 'test', 'fastq-cases', 'mbf'), threads: [1, 2, 8], classic: true },
];

for (const { root, threads, classic } of sets) {
  describe(`fq-transform cases (${path.basename(root)})`, () => {
    for (const caseDir of findCases(root)) {
      it(path.relative(root, caseDir), async () => {
        expect(await verifyCase(caseDir, { threads, modes: [true] })).toBeUndefined();
        if (classic) expect(await verifyCase(caseDir, { threads: [2], modes: [false] })).toBeUndefined();
      });
    }
  });
}
