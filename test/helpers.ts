/** Shared test helpers: the demo data set (made once per test file by the committed simulator) and tool runners. */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { expect } from 'vitest';
import { BamReader, type BamHeader } from '@shoal/hts';
import { renderOutputs, type Collector } from '@shoal/qc';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const goldenDir = path.join(repoRoot, 'test', 'golden');

const dataDirs = new Map<string, string>();

/** A simulated data set (tools/src/make-data.ts: `demo` or `qc`), made once per process in a temp folder. */
async function simulated(kind: 'demo' | 'qc'): Promise<{ dir: string; bam: string; fasta: string }> {
  let dir = dataDirs.get(kind);
  if (!dir) {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), `shoal-${kind}-`));
    const { simulatePairedBam } = await import(path.join(repoRoot, 'tools/dist/simulate.js'));
    const { DEMO_OPTIONS, QC_OPTIONS } = await import(path.join(repoRoot, 'tools/dist/make-data.js'));
    await simulatePairedBam(path.join(dir, `${kind}.bam`), path.join(dir, `${kind}.fa`), kind === 'demo' ? DEMO_OPTIONS : QC_OPTIONS);
    dataDirs.set(kind, dir);
  }
  return { dir, bam: path.join(dir, `${kind}.bam`), fasta: path.join(dir, `${kind}.fa`) };
}

/** The demo FASTA + BAM + BAI (the README demo's data). */
export const demoData = (): Promise<{ dir: string; bam: string; fasta: string }> => simulated('demo');

/** The QC golden data set (QC_OPTIONS). */
export const qcData = (): Promise<{ dir: string; bam: string; fasta: string }> => simulated('qc');

/** A built executable of the collect package. */
export function collectTool(tool: string): string {
  return path.join(repoRoot, 'packages', 'collect', 'bin', `${tool}.js`);
}

/** A metrics file from its first "## METRICS CLASS" or "## HISTOGRAM" line (what the goldens hold). */
export function metricsBody(text: string): string {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith('## METRICS CLASS') || l.startsWith('## HISTOGRAM'));
  return lines.slice(start).join('\n');
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

function spawnChecked(command: string, args: string[], options: { input?: Uint8Array | string; env?: NodeJS.ProcessEnv; cwd?: string }): SpawnSyncReturns<string> {
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
  if (result.error && (result.error as NodeJS.ErrnoException).code !== 'EPIPE') result.stderr = `${result.stderr ?? ''}\n[test helper] ${command} ${args.join(' ')}: ${result.error.message}`;
  return result;
}

/** Runs a built bam2ndjson-package tool (bam2ndjson, ndjson2bam, bam-index). */
export function runTool(tool: string, args: string[], options: { input?: Uint8Array | string; env?: NodeJS.ProcessEnv } = {}): SpawnSyncReturns<string> {
  return spawnChecked(process.execPath, [toolPath(tool), ...args], options);
}

/** Runs a collect-* tool, quietly. */
export function runCollect(tool: string, args: string[], input?: string): SpawnSyncReturns<string> {
  return spawnChecked(process.execPath, [collectTool(tool), ...args, '-q'], { input });
}

export function runShell(command: string): SpawnSyncReturns<string> {
  return spawnChecked('bash', ['-o', 'pipefail', '-c', command], { cwd: repoRoot });
}

export function readGolden(name: string): string {
  const file = path.join(goldenDir, name);
  const bytes = fs.readFileSync(file);
  return (name.endsWith('.gz') ? zlib.gunzipSync(bytes) : bytes).toString('utf8');
}

export function hasTool(command: string): boolean {
  return spawnSync('bash', ['-c', `command -v ${command}`]).status === 0;
}

/**
 * The collector contract: feeding every record of `bam` to one collector, or to two alternating
 * halves, or to one collector per contig (plus the unplaced reads), and merging the halves' (or
 * contigs') partial states through JSON — as --partial files travel — gives files identical to
 * one pass, in both layouts. `createForMerge` makes the collector that merges (default: `create`).
 * Returns the one-pass Picard-layout texts.
 */
export async function expectMergeEqualsOnePass(bam: string, create: (header: BamHeader) => Collector, createForMerge = create): Promise<string[]> {
  const reader = await BamReader.open(bam);
  const header = reader.header;
  const whole = create(header);
  const halves = [create(header), create(header)];
  const byContig = Array.from({ length: header.references.length + 1 }, () => create(header));
  let n = 0;
  for await (const batch of reader.batches()) {
    for (let i = 0; i < batch.count; i++) {
      const record = batch.record(i);
      whole.accept(record);
      halves[n++ % 2]!.accept(record);
      byContig[record.refId + 1]!.accept(record);
    }
  }
  reader.close();
  const render = (collector: Collector, format: 'picard' | 'riker'): string[] =>
    renderOutputs(collector.finish(), 'p', format, 's', '').map((file) => file.text.replace(/^# Started on: .*$/m, ''));
  const expected = { picard: render(whole, 'picard'), riker: render(whole, 'riker') };
  for (const parts of [halves, byContig]) {
    for (const format of ['picard', 'riker'] as const) {
      const merged = createForMerge(header);
      for (const part of parts) merged.merge(JSON.parse(JSON.stringify(part.toPartial())));
      expect(render(merged, format)).toEqual(expected[format]);
    }
  }
  return expected.picard;
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
