/**
 * Shared helpers of the end-to-end tests (they run the built executables): the simulated data sets
 * and goldens (tools/src/test-data.ts) and the collector contract (packages/qc/src/test-support),
 * re-exported from where the tests beside the code find them, and the tool runners.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '@shoal/tools/dist/test-data.js';

export { covData, demoData, goldenDir, qcData, readGolden, repoRoot } from '@shoal/tools/dist/test-data.js';
export { expectMergeEqualsOnePass, metricsBody } from '../packages/qc/src/test-support/index.js';

/** A built executable of the collect package. */
export function collectTool(tool: string): string {
  return path.join(repoRoot, 'packages', 'collect', 'bin', `${tool}.js`);
}

export function tempDir(prefix = 'shoal-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function toolPath(tool: string): string {
  return path.join(repoRoot, 'packages', 'bam2ndjson', 'bin', `${tool}.js`);
}

/**
 * Every child process a test starts has a hard time limit: spawnSync blocks the vitest worker, so
 * vitest's own timeout cannot end a hung child, and one hang would stall the whole run.
 */
const CHILD_TIMEOUT_MS = 120_000;

function spawnChecked(
  command: string,
  args: string[],
  options: { input?: Uint8Array | string; env?: NodeJS.ProcessEnv; cwd?: string },
): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, {
    input: options.input,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    // Below the kill timeout, so a hung tool writes a diagnostic report (packages/cli) before it is killed.
    env: { SHOAL_WATCHDOG_MS: String(CHILD_TIMEOUT_MS - 20_000), ...process.env, ...options.env },
    cwd: options.cwd,
    timeout: CHILD_TIMEOUT_MS,
    killSignal: 'SIGKILL',
  });
  // EPIPE only means the child exited before reading all its input (an error found early).
  if (result.error && (result.error as NodeJS.ErrnoException).code !== 'EPIPE')
    result.stderr = `${result.stderr ?? ''}\n[test helper] ${command} ${args.join(' ')}: ${result.error.message}`;
  return result;
}

/** Runs a built bam2ndjson-package tool (bam2ndjson, ndjson2bam, bam-index, bam-sort). */
export function runTool(
  tool: string,
  args: string[],
  options: { input?: Uint8Array | string; env?: NodeJS.ProcessEnv } = {},
): SpawnSyncReturns<string> {
  return spawnChecked(process.execPath, [toolPath(tool), ...args], options);
}

/** Runs a collect-* tool, quietly. */
export function runCollect(tool: string, args: string[], input?: string, env?: NodeJS.ProcessEnv): SpawnSyncReturns<string> {
  return spawnChecked(process.execPath, [collectTool(tool), ...args, '-q'], { input, env });
}

/** Runs eventalign (packages/eventalign). */
export function runEventalign(args: string[], options: { input?: Uint8Array | string; cwd?: string } = {}): SpawnSyncReturns<string> {
  return spawnChecked(process.execPath, [path.join(repoRoot, 'packages', 'eventalign', 'bin', 'eventalign.js'), ...args], options);
}

/** Runs signal-sim (packages/signal-sim). */
export function runSignalSim(args: string[]): SpawnSyncReturns<string> {
  return spawnChecked(process.execPath, [path.join(repoRoot, 'packages', 'signal-sim', 'bin', 'signal-sim.js'), ...args], {});
}

/**
 * Small, easy nanopore data for end-to-end tests: `transcripts` transcripts of 400-600 bases, half their DRACH sites
 * modified in every native read with a 10 pA shift, so a few reads per condition call them.
 */
export function runEasySignalSim(out: string, seed: number, transcripts: number, readsPerCondition: number): SpawnSyncReturns<string> {
  return runSignalSim([
    ...['-O', out, '--seed', String(seed), '--transcripts', String(transcripts), '--transcript-length', '400-600'],
    ...['--reads-per-condition', String(readsPerCondition), '--shift', '10', '--stoichiometry', '1', '--fraction-modified-sites', '0.5'],
    ...['-q', '-t', '1'],
  ]);
}

export function runShell(command: string): SpawnSyncReturns<string> {
  return spawnChecked('bash', ['-o', 'pipefail', '-c', command], { cwd: repoRoot });
}

export function hasTool(command: string): boolean {
  return spawnSync('bash', ['-c', `command -v ${command}`]).status === 0;
}

/** Runs fq-transform (packages/fq-transform) in `cwd`. */
export function runFqTransform(args: string[], options: { cwd?: string; input?: Uint8Array | string } = {}): SpawnSyncReturns<string> {
  return spawnChecked(process.execPath, [path.join(repoRoot, 'packages', 'fq-transform', 'bin', 'fq-transform.js'), ...args], options);
}

/** Deterministic FASTQ text: `count` reads named `<prefix><i>` with a comment, lengths 20..120. */
export function syntheticFastq(count: number, seed: number, prefix = 'r', mate = 1): string {
  let state = seed >>> 0 || 1;
  const next = (): number => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const length = 20 + (next() % 101);
    let seq = '';
    let qual = '';
    for (let k = 0; k < length; k++) {
      const r = next();
      seq += 'ACGTN'[r % 97 === 0 ? 4 : r & 3];
      qual += String.fromCharCode(35 + ((r >>> 8) % 39));
    }
    lines.push(`@${prefix}${i} ${mate}:N:0:ACGT`, seq, '+', qual);
  }
  return `${lines.join('\n')}\n`;
}
