/**
 * One folder of fq-transform test cases (test/fastq-cases/NAME) as vitest tests: each case in the
 * workpool at --threads 1 and 3 (two workers and the main thread taking blocks out of order), and in
 * the classic pipeline on every third case, byte-identical each time, as the a and b sets run. The
 * engine's own tests run 2 to 8 threads under random delays; here the cost is starting workers (each
 * imports the step table: ~150 ms), which at --threads 8 and a classic run per case made these two
 * sets a fifth of the suite's time. Each set has its own test file so that vitest's workers share them.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findCases, verifyCase } from '@shoal/fq-transform';
import { repoRoot } from './helpers.js';

export function caseSetTests(name: string): void {
  const root = path.join(repoRoot, 'test', 'fastq-cases', name);
  describe(`fq-transform cases (${name})`, () => {
    findCases(root).forEach((caseDir, index) => {
      it(path.relative(root, caseDir), async () => {
        expect(await verifyCase(caseDir, { threads: [1, 3], modes: [true] })).toBeUndefined();
        // The classic pipeline runs the same step code, one thread per step: the costly run.
        if (index % 3 === 0) expect(await verifyCase(caseDir, { threads: [2], modes: [false] })).toBeUndefined();
      });
    });
  });
}
