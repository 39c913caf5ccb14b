/**
 * The tool shell's signal handling: SIGINT, SIGTERM and SIGHUP stop every tool by that signal (the
 * shell shows 128+n) after it removes the temporary files of the outputs it was writing, and no
 * final-named output appears.
 * Each tool is stopped mid-run: its input comes through a pipe the test holds open, so the tool is
 * waiting for more input when the signal arrives.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeBlow5 } from './faults/inputs.js';
import { collectTool, demoData, repoRoot, runTool, syntheticFastq, tempDir, toolPath } from './helpers.js';

/**
 * Starts `args` with `input` written to its stdin (left open), waits until `ready(dir)` holds (or
 * 20 s), sends `signal`, and returns the exit code and what is left in `dir`.
 */
async function stopMidRun(
  args: string[],
  input: Uint8Array | string,
  dir: string,
  signal: NodeJS.Signals,
  ready: (files: string[]) => boolean,
): Promise<{ signal: NodeJS.Signals | null; files: string[]; stderr: string }> {
  const child = spawn(process.execPath, args, { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.resume();
  child.stdin.on('error', () => {});
  child.stdin.write(input);
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, how) => resolve(how)));
  const deadline = Date.now() + 20_000;
  while (!ready(fs.readdirSync(dir)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const how = await exited;
  clearTimeout(timer);
  child.stdin.destroy();
  return { signal: how, files: fs.readdirSync(dir).sort(), stderr };
}

const isTemporary = (name: string): boolean => /\.tmp-\d+-/.test(name);

/** The first records of the demo BAM as bam2ndjson's NDJSON, which every BAM-reading tool takes on stdin, read record by record. */
async function ndjsonStart(): Promise<string> {
  const { bam } = await demoData();
  const result = runTool('bam2ndjson', [bam]);
  expect(result.status, result.stderr).toBe(0);
  return result.stdout.split('\n').slice(0, 500).join('\n') + '\n';
}

describe('stopped by a signal, every tool removes its temporary files', () => {
  it('bam2ndjson -o (SIGTERM)', async () => {
    const dir = tempDir();
    const result = await stopMidRun(
      [toolPath('bam2ndjson'), '-', '-o', 'out.ndjson', '--threads', '2'],
      await ndjsonStart(),
      dir,
      'SIGTERM',
      (files) => files.some(isTemporary),
    );
    expect(result.signal, result.stderr).toBe('SIGTERM');
    expect(result.files).toEqual([]);
  });

  it('ndjson2bam --write-index (SIGINT)', async () => {
    const dir = tempDir();
    const result = await stopMidRun(
      [toolPath('ndjson2bam'), '-', '-o', 'out.bam', '--write-index'],
      await ndjsonStart(),
      dir,
      'SIGINT',
      (files) => files.some(isTemporary),
    );
    expect(result.signal, result.stderr).toBe('SIGINT');
    expect(result.files).toEqual([]);
  });

  it('bam-sort with runs on disk (SIGTERM): the runs go too', async () => {
    const dir = tempDir();
    // The whole demo as NDJSON, four times over: its reader hands on records in batches of about
    // 1 MiB as lines arrive, so runs of 4 KiB are spilled while the tool waits for more input.
    const { bam } = await demoData();
    const [headerLine, ...recordLines] = runTool('bam2ndjson', [bam, '-t', '1']).stdout.trimEnd().split('\n');
    const body = `${recordLines.join('\n')}\n`;
    let spilled = false;
    const result = await stopMidRun(
      [toolPath('bam-sort'), '-', '-o', 'out.bam', '-m', '4K', '-t', '1'],
      `${headerLine}\n${body}${body}${body}${body}`,
      dir,
      'SIGTERM',
      (files) => (spilled = files.some((name) => name.includes('.sort-run-'))),
    );
    expect(spilled).toBe(true);
    expect(result.signal, result.stderr).toBe('SIGTERM');
    expect(result.files).toEqual([]);
  });

  it('collect-multi (SIGHUP)', async () => {
    const dir = tempDir();
    const result = await stopMidRun(
      [collectTool('collect-multi'), '-i', '-', '-o', 'qc/s', '-q'],
      await ndjsonStart(),
      dir,
      'SIGHUP',
      (files) => files.includes('qc'),
    );
    expect(result.signal, result.stderr).toBe('SIGHUP');
    expect(fs.readdirSync(path.join(dir, 'qc'))).toEqual([]);
  });

  it('fq-transform process (SIGTERM): only the run marker stays, as in mbf', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'config.toml'), "[input]\n    read1 = '--stdin--'\n[output]\n    prefix = 'out'\n");
    const fq = path.join(repoRoot, 'packages', 'fq-transform', 'bin', 'fq-transform.js');
    const result = await stopMidRun([fq, 'process', 'config.toml'], syntheticFastq(200, 1), dir, 'SIGTERM', (files) =>
      files.some(isTemporary),
    );
    expect(result.signal, result.stderr).toBe('SIGTERM');
    expect(result.files).toEqual(['config.toml', 'out.incompleted']);
  });

  it('eventalign -o and --summary (SIGTERM): both temporary files go', async () => {
    const dir = tempDir();
    const inputs = tempDir();
    const blow5 = path.join(inputs, 'x.blow5');
    await writeBlow5(blow5, ['someone-else']);
    const eventalign = path.join(repoRoot, 'packages', 'eventalign', 'bin', 'eventalign.js');
    const { fasta } = await demoData();
    const result = await stopMidRun(
      [eventalign, '-b', '-', '-g', fasta, '--slow5', blow5, '-o', 'out.tsv', '--summary', 'summary.tsv', '-q'],
      await ndjsonStart(),
      dir,
      'SIGTERM',
      (files) => files.filter(isTemporary).length === 2,
    );
    expect(result.signal, result.stderr).toBe('SIGTERM');
    expect(result.files).toEqual([]);
  });

  it('signal-sim (SIGINT): the staging folder goes, no output appears', async () => {
    const dir = tempDir();
    const sim = path.join(repoRoot, 'packages', 'signal-sim', 'bin', 'signal-sim.js');
    const result = await stopMidRun([sim, '-O', '.', '--transcripts', '20', '-q'], '', dir, 'SIGINT', (files) =>
      files.some((file) => file.startsWith('.signal-sim-')),
    );
    expect(result.signal, result.stderr).toBe('SIGINT');
    expect(result.files).toEqual([]);
  });
});
