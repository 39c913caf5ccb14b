/**
 * fq-transform's test-case folders for trimming and duplicates (test/fastq-cases/c, made by
 * tools/goldens/fastq/make_cases_c.py from seqtk, cutadapt and fastp run on the same input, and a
 * recomputation for duplicates): every case in the workpool at --threads 1, 2 and 8 and in the
 * classic pipeline, byte-identical each time.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findCases, verifyCase } from '@shoal/fq-transform';
import { repoRoot } from './helpers.js';

const root = path.join(repoRoot, 'test', 'fastq-cases', 'c');

describe('fq-transform cases (c)', () => {
  for (const caseDir of findCases(root)) {
    it(path.relative(root, caseDir), async () => {
      expect(await verifyCase(caseDir, { threads: [1, 2, 8], modes: [true] })).toBeUndefined();
      expect(await verifyCase(caseDir, { threads: [2], modes: [false] })).toBeUndefined();
    });
  }
});
