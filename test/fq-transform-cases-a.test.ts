/**
 * fq-transform's test-case folders (test/fastq-cases/a, made by tools/goldens/fastq/make_cases_a.py from
 * anchors and an independent recomputation): every case, workpool at --threads 1 and 3 (two workers
 * and the main thread taking blocks out of order; the engine's own tests run 2 to 8 threads under random delays), and the
 * classic pipeline on every third case (one thread per step, so its thread count does not matter), byte-identical each time.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findCases, verifyCase } from '@shoal/fq-transform';
import { repoRoot } from './helpers.js';

const root = path.join(repoRoot, 'test', 'fastq-cases', 'a');

describe('fq-transform cases (a)', () => {
  findCases(root).forEach((caseDir, index) => {
    it(path.relative(root, caseDir), async () => {
      expect(await verifyCase(caseDir, { threads: [1, 3], modes: [true] })).toBeUndefined();
      // the classic pipeline on every third case: it runs the same step code, and its thread per
      // step makes it the costly run
      if (index % 3 === 0) expect(await verifyCase(caseDir, { threads: [2], modes: [false] })).toBeUndefined();
    });
  });
});
