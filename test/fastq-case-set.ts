/**
 * One folder of fq-transform test cases (test/fastq-cases/NAME) as vitest tests: each case in the
 * workpool at --threads 1, 2 and 8 and in the classic pipeline, byte-identical each time. Each set
 * has its own test file so that vitest's workers share the sets.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findCases, verifyCase } from '@shoal/fq-transform';
import { repoRoot } from './helpers.js';

export function caseSetTests(name: string): void {
  const root = path.join(repoRoot, 'test', 'fastq-cases', name);
  describe(`fq-transform cases (${name})`, () => {
    for (const caseDir of findCases(root)) {
      it(path.relative(root, caseDir), async () => {
        expect(await verifyCase(caseDir, { threads: [1, 2, 8], modes: [true] })).toBeUndefined();
        expect(await verifyCase(caseDir, { threads: [2], modes: [false] })).toBeUndefined();
      });
    }
  });
}
