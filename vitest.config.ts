import path from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The slowest test files, with their seconds in a CI run on 2 cores (2026-12-07). Only their order matters: they
 * start first. Without it a fresh clone (no vitest cache) starts the largest files first, and these are small files
 * (their cases live elsewhere), so they ran last and one fork finished a minute after the other.
 */
const SLOW_FILES: Record<string, number> = {
  'test/faults/faults.test.ts': 127,
  'test/fq-transform-cases-a.test.ts': 122,
  'test/qc-multi.test.ts': 86,
  'test/qc-hybcap.test.ts': 76,
  'test/fq-transform-cases-mbf.test.ts': 38, // these two alone, after they ran fewer thread counts
  'test/fq-transform-cases-c.test.ts': 22,
  'test/fq-transform-cases-b.test.ts': 47,
  'test/qc-wgs.test.ts': 40,
  'test/shoal-mods.test.ts': 40,
  'test/qc-error.test.ts': 37,
  'test/qc-levels.test.ts': 37,
  'test/fq-transform.test.ts': 35,
  'test/bad-input.test.ts': 21,
  'test/eventalign.test.ts': 21,
  'test/qc-isize.test.ts': 20,
};

/** Longest first (the listed files by their seconds), then vitest's own order: the two forks end together. */
class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const seconds = (file: TestSpecification): number =>
      SLOW_FILES[path.relative(this.ctx.config.root, file.moduleId).split(path.sep).join('/')] ?? 0;
    // Array.prototype.sort is stable: files with the same weight keep vitest's order.
    return sorted.sort((a, b) => seconds(b) - seconds(a));
  }
}

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
    // Two test files at a time on two cores: vitest's default leaves one core to itself (cores - 1
    // forks), and most files wait on child processes and worker threads, which then share the
    // other core; two forks keep both busy (the suite took 10.9 min with one on 2 cores).
    maxWorkers: 2,
    sequence: { sequencer: SlowFirstSequencer },
  },
});
