/**
 * The fault suite: every row of cases.ts run as a user would run it, each in its own folder, four
 * at a time. What every failing run must do (the promise in README's "Unix manners"): exit 1 for
 * bad data, 2 for bad usage; one stderr line `<tool>: error: …` with the case's words; no stack
 * trace and no raw bytes in it; and no new file in the folder: no final-named output, no
 * temporary file. A run stopped by a signal ends by that signal and leaves no temporary file.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FAULT_CASES, mounted, unmountTmpfs, type FaultCase, type Run } from './cases.js';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');
const BIN: Record<string, string> = {
  bam2ndjson: 'packages/bam2ndjson/bin/bam2ndjson.js',
  ndjson2bam: 'packages/bam2ndjson/bin/ndjson2bam.js',
  'bam-index': 'packages/bam2ndjson/bin/bam-index.js',
  'fq-transform': 'packages/fq-transform/bin/fq-transform.js',
};
const binOf = (tool: string): string => path.join(repoRoot, BIN[tool] ?? `packages/collect/bin/${tool}.js`);
/** Any case's run is killed after this long and fails as a hang. */
const HANG_MS = 30_000;

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  hung: boolean;
}

function execute(run: Run, dir: string): Promise<Outcome> {
  // In a pipeline, TOOL runs a built tool by name: `TOOL bam2ndjson in.bam | head -1`.
  const toolFunction = `TOOL() { local t=$1; shift; case $t in bam2ndjson|ndjson2bam|bam-index|fq-transform) "${process.execPath}" "${repoRoot}/$(dirname_of "$t")" "$@";; *) "${process.execPath}" "${repoRoot}/packages/collect/bin/$t.js" "$@";; esac; }`;
  const dirnameOf = `dirname_of() { case $1 in fq-transform) echo packages/fq-transform/bin/$1.js;; *) echo packages/bam2ndjson/bin/$1.js;; esac; }`;
  const [command, args] =
    run.tool === 'bash'
      ? ['bash', [...run.args.slice(0, -2), '-c', `${dirnameOf}; ${toolFunction}; ${run.args.at(-1)!}`]]
      : [process.execPath, [binOf(run.tool), ...run.args]];
  const child = spawn(command, args as string[], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('latin1')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('latin1')));
  child.stdin.on('error', () => {});
  if (run.stdin !== undefined) child.stdin.write(run.stdin);
  // A signal case keeps stdin open, so the tool is mid-run (waiting for input) when it is stopped.
  if (!run.signal) child.stdin.end();
  let hung = false;
  const timer = setTimeout(() => {
    hung = true;
    child.kill('SIGKILL');
  }, HANG_MS);
  const exited = new Promise<Outcome>((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, hung });
    }),
  );
  if (run.signal) {
    const { name, ready } = run.signal;
    const started = Date.now();
    const poll = (): void => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      // Let the tool start and read what it was given before it is stopped.
      if (Date.now() - started > 400 && ready(listFiles(dir))) child.kill(name);
      else setTimeout(poll, 25);
    };
    poll();
  }
  return exited;
}

/** Every file and folder below `dir`, relative, sorted. */
function listFiles(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).map((f) => f.split(path.sep).join('/')).sort();
}

/** What is wrong with the outcome of `fault`, or nothing. */
function problems(fault: FaultCase, before: Set<string>, after: string[], outcome: Outcome, dir: string): string[] {
  const found: string[] = [];
  if (outcome.hung) return [`no exit within ${HANG_MS / 1000} s (a hang)`];
  const exit = outcome.signal ?? outcome.code;
  if (exit !== fault.exit) found.push(`exit ${String(exit)}, expected ${String(fault.exit)}`);
  const created = after.filter((f) => !before.has(f) && !(fault.mayLeave?.test(f) ?? false));
  const temporaries = after.filter((f) => /\.tmp-\d+-/.test(f));
  if (temporaries.length) found.push(`temporary files left: ${temporaries.join(', ')}`);
  const stderr = outcome.stderr.trim();
  if (fault.exit === 0) {
    if (stderr !== '') found.push(`stderr not empty: ${stderr.slice(0, 300)}`);
    const problem = fault.check?.(dir, outcome.stdout);
    if (problem) found.push(problem);
    return found;
  }
  // Folders the tool created for outputs (qc/, out/) may stay; files may not.
  const files = created.filter((f) => !fs.statSync(path.join(dir, f)).isDirectory());
  if (files.length) found.push(`new files after a failed run: ${files.join(', ')}`);
  if (typeof fault.exit === 'string') {
    if (/\n\s+at /.test(outcome.stderr)) found.push(`a stack trace: ${stderr.slice(0, 300)}`);
    return found;
  }
  const lines = stderr.split('\n');
  if (lines.length !== 1) found.push(`${lines.length} stderr lines: ${stderr.slice(0, 400)}`);
  const line = lines.at(-1) ?? '';
  if (!/^[a-z0-9-]+: error: /.test(line)) found.push(`not a '<tool>: error:' line: ${line.slice(0, 300)}`);
  if (fault.stderr && !fault.stderr.test(line))
    found.push(`stderr ${JSON.stringify(line.slice(0, 300))} does not match ${String(fault.stderr)}`);
  if (/\n\s+at /.test(outcome.stderr)) found.push('a stack trace');
  // eslint-disable-next-line no-control-regex -- raw control bytes are what must not be there
  if (/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ufffd]/.test(stderr))
    found.push(`raw bytes in the message: ${JSON.stringify(stderr.slice(0, 200))}`);
  return found;
}

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-faults-'));

afterAll(() => {
  for (const dir of [...mounted]) {
    try {
      unmountTmpfs(dir);
    } catch {
      // Already gone with its case folder.
    }
  }
  fs.rmSync(root, { recursive: true, force: true });
});

describe.concurrent('fault suite', () => {
  it('has at least 250 cases, each with a unique name', () => {
    expect(FAULT_CASES.length).toBeGreaterThanOrEqual(250);
    expect(new Set(FAULT_CASES.map((c) => c.id)).size).toBe(FAULT_CASES.length);
  });

  FAULT_CASES.forEach((fault, index) => {
    const skip = fault.skip?.();
    const name = skip ? `${fault.id} (skipped: ${skip})` : fault.id;
    it.skipIf(skip !== undefined)(name, async () => {
      const dir = path.join(root, `case-${index}`);
      fs.mkdirSync(dir);
      const run = await fault.setup(dir);
      const before = new Set(listFiles(dir));
      const outcome = await execute(run, dir);
      const after = listFiles(dir);
      const found = problems(fault, before, after, outcome, dir);
      for (const mount of mounted.filter((m) => m.startsWith(dir))) unmountTmpfs(mount);
      expect(found.join('\n'), `stderr: ${outcome.stderr.slice(0, 600)}`).toBe('');
    });
  });
});
