/** Shared test helpers: the demo data set (made once per test file by the committed simulator) and tool runners. */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

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
