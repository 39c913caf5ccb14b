/** Shared test helpers: the demo data set (made once per test file by the committed simulator) and tool runners. */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const goldenDir = path.join(repoRoot, 'test', 'golden');

const demoDirs = new Map<string, string>();

/** Makes the demo FASTA + BAM + BAI (tools/src/make-data.ts) in a fresh temp folder; cached per process. */
export async function demoData(): Promise<{ dir: string; bam: string; fasta: string }> {
  let dir = demoDirs.get('demo');
  if (!dir) {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-demo-'));
    const { simulatePairedBam } = await import(path.join(repoRoot, 'tools/dist/simulate.js'));
    const { DEMO_OPTIONS } = await import(path.join(repoRoot, 'tools/dist/make-data.js'));
    await simulatePairedBam(path.join(dir, 'demo.bam'), path.join(dir, 'demo.fa'), DEMO_OPTIONS);
    demoDirs.set('demo', dir);
  }
  return { dir, bam: path.join(dir, 'demo.bam'), fasta: path.join(dir, 'demo.fa') };
}

/** The QC golden data set (tools/src/make-data.ts QC_OPTIONS), made once per process. */
export async function qcData(): Promise<{ dir: string; bam: string; fasta: string }> {
  let dir = demoDirs.get('qc');
  if (!dir) {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-qc-'));
    const { simulatePairedBam } = await import(path.join(repoRoot, 'tools/dist/simulate.js'));
    const { QC_OPTIONS } = await import(path.join(repoRoot, 'tools/dist/make-data.js'));
    await simulatePairedBam(path.join(dir, 'qc.bam'), path.join(dir, 'qc.fa'), QC_OPTIONS);
    demoDirs.set('qc', dir);
  }
  return { dir, bam: path.join(dir, 'qc.bam'), fasta: path.join(dir, 'qc.fa') };
}

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

/** Runs a built tool; stdout as Buffer when `binary`, else text. */
export function runTool(tool: string, args: string[], options: { input?: Uint8Array | string; env?: NodeJS.ProcessEnv } = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [toolPath(tool), ...args], {
    input: options.input,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    env: { ...process.env, ...options.env },
  });
}

export function runShell(command: string): SpawnSyncReturns<string> {
  return spawnSync('bash', ['-o', 'pipefail', '-c', command], { encoding: 'utf8', maxBuffer: 1 << 30, cwd: repoRoot });
}

export function readGolden(name: string): string {
  const file = path.join(goldenDir, name);
  const bytes = fs.readFileSync(file);
  return (name.endsWith('.gz') ? zlib.gunzipSync(bytes) : bytes).toString('utf8');
}

export function hasTool(command: string): boolean {
  return spawnSync('bash', ['-c', `command -v ${command}`]).status === 0;
}
