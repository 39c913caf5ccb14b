/**
 * fq-transform's test-case folders (test/fastq-cases/a, made by tools/goldens/fastq/make_cases_a.py from
 * anchors and an independent recomputation): every case, workpool at --threads 1, 2 and 8, and the
 * classic pipeline (one thread per step, so its thread count does not matter), byte-identical each time.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findCases, verifyCase } from '@shoal/fq-transform';
import { repoRoot } from './helpers.js';

const root = path.join(repoRoot, 'test', 'fastq-cases', 'a');

describe('fq-transform cases (a)', () => {
  for (const caseDir of findCases(root)) {
    it(path.relative(root, caseDir), async () => {
      expect(await verifyCase(caseDir, { threads: [1, 2, 8], modes: [true] })).toBeUndefined();
      expect(await verifyCase(caseDir, { threads: [2], modes: [false] })).toBeUndefined();
    });
  }
});
