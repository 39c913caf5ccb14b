import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
    // Two test files at a time on two cores: vitest's default leaves one core to itself (cores - 1
    // forks), and most files wait on child processes and worker threads, which then share the
    // other core; two forks keep both busy (the suite took 10.9 min with one on 2 cores).
    maxWorkers: 2,
  },
});
