/**
 * The fault suite: every row of cases.ts run as a user would run it, each in its own folder, at
 * most four processes at a time. What every failing run must do (the promise in README's "Tools"
 * and docs/cli.md): exit 1 for bad data, 2 for bad usage; one stderr line `<tool>: error: …` with
 * the row's words; no stack trace and no raw bytes in it; and no new file in the folder: no
 * final-named output, no temporary file. A run stopped by a signal ends by that signal and leaves
 * no temporary file. A run that must succeed writes nothing to stderr and passes the row's check.
 *
 * Each run is its own process group, killed whole after HANG_MS (a hang fails the row; the rest go on).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FAULT_CASES, type FaultCase, type Run } from './cases.js';
import { mounted, unmount } from './mounts.js';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');
/** Every executable a row may name, relative to the repository root. */
const BIN: Record<string, string> = {
  bam2ndjson: 'packages/bam2ndjson/bin/bam2ndjson.js',
  ndjson2bam: 'packages/bam2ndjson/bin/ndjson2bam.js',
  'bam-index': 'packages/bam2ndjson/bin/bam-index.js',
  'bam-sort': 'packages/bam2ndjson/bin/bam-sort.js',
  'collect-alignment': 'packages/collect/bin/collect-alignment.js',
  'collect-basic': 'packages/collect/bin/collect-basic.js',
  'collect-isize': 'packages/collect/bin/collect-isize.js',
  'collect-wgs': 'packages/collect/bin/collect-wgs.js',
  'collect-error': 'packages/collect/bin/collect-error.js',
  'collect-gcbias': 'packages/collect/bin/collect-gcbias.js',
  'collect-hybcap': 'packages/collect/bin/collect-hybcap.js',
  'collect-multi': 'packages/collect/bin/collect-multi.js',
  'collect-merge': 'packages/collect/bin/collect-merge.js',
  'fq-transform': 'packages/fq-transform/bin/fq-transform.js',
  eventalign: 'packages/eventalign/bin/eventalign.js',
  'dtw-gpu': 'packages/dtw-gpu/bin/dtw-gpu.js',
  'hmm-smooth': 'packages/hmm-smooth/bin/hmm-smooth.js',
  'signal-sim': 'packages/signal-sim/bin/signal-sim.js',
  'merge-slices': 'packages/merge-slices/bin/merge-slices.js',
  shoal: 'packages/shoal/bin/shoal.js',
};
const binOf = (tool: string): string => {
  const bin = BIN[tool];
  if (!bin) throw new Error(`no executable '${tool}' in faults.test.ts BIN`);
  return path.join(repoRoot, bin);
};
/** Shell functions for pipeline rows: `TOOL <name> …` runs a built tool; `pipe_status N` exits N, 141 (SIGPIPE) as 0. */
const PRELUDE = [
  `TOOL() { local t=$1; shift; case $t in ${Object.keys(BIN)
    .map((tool) => `${tool}) "${process.execPath}" "${binOf(tool)}" "$@";;`)
    .join(' ')} *) echo "TOOL: unknown tool $t" >&2; return 127;; esac; }`,
  'pipe_status() { if [ "$1" -eq 141 ]; then exit 0; else exit "$1"; fi; }',
].join('\n');

/** A run is killed after this long and fails as a hang. The slowest row took 5.4 s on 2 cores at a load average of 15. */
const HANG_MS = 15_000;
/**
 * Processes at once. A run is mostly Node's start-up (about 0.25 s of CPU; twice that with a
 * worker thread), so on 2 cores more at once only makes each slower; 4 keeps both cores busy
 * while some runs wait on pipes, signals or the disk.
 */
const CONCURRENCY = 4;

/** A counting semaphore: `run(task)` starts `task` once fewer than `limit` are running. */
class Pool {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}
const pool = new Pool(CONCURRENCY);

/**
 * `FAULTS_CPU=1 npx vitest run test/faults` prints the CPU seconds of the tools' runs by class of
 * row (the part of the id before ':'): what a new row costs in `npm test`, which runs on 2 cores.
 */
const MEASURE_CPU = process.env.FAULTS_CPU === '1';
const cpuByClass = new Map<string, { rows: number; seconds: number }>();
function recordCpu(fault: FaultCase, dir: string): void {
  if (!fs.existsSync(`${dir}.cpu`)) return;
  const [user, system] = fs.readFileSync(`${dir}.cpu`, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
  if (!Number.isFinite(user! + system!)) return; // killed as a hang: GNU time wrote no times
  const key = fault.id.split(':')[0]!;
  const entry = cpuByClass.get(key) ?? { rows: 0, seconds: 0 };
  entry.rows++;
  entry.seconds += user! + system!;
  cpuByClass.set(key, entry);
}
function printCpuTable(): void {
  const total = [...cpuByClass.values()].reduce((sum, e) => sum + e.seconds, 0);
  const lines = [...cpuByClass]
    .sort((a, b) => b[1].seconds - a[1].seconds)
    .map(([key, e]) => `${e.seconds.toFixed(1).padStart(7)} s ${String(e.rows).padStart(4)} rows  ${key}`);
  console.log(
    [
      `CPU of the tools' runs (signal rows not counted): ${total.toFixed(1)} s; this process: ${(process.cpuUsage().user / 1e6).toFixed(1)} s user`,
      ...lines,
    ].join('\n'),
  );
}

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  hung: boolean;
}

function execute(run: Run, dir: string): Promise<Outcome> {
  const [command, args] =
    run.tool === 'bash'
      ? ['bash', [...run.args.slice(0, -1), `${PRELUDE}\n${run.args.at(-1)!}`]]
      : [process.execPath, [binOf(run.tool), ...run.args]];
  // Its own process group, so a hang is ended with everything it started (a pipeline's tools too).
  // FAULTS_CPU=1: each run under GNU time, for the CPU table printed at the end (not for signal rows: time would take the signal).
  const timed = MEASURE_CPU && !run.signal;
  const child = spawn(timed ? '/usr/bin/time' : command, timed ? ['-f', '%U %S', '-o', `${dir}.cpu`, command, ...args] : args, {
    cwd: dir,
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  child.stdin.on('error', () => {});
  if (run.stdin !== undefined) child.stdin.write(run.stdin);
  if (run.stdinFile !== undefined) child.stdin.write(fs.readFileSync(path.join(dir, run.stdinFile)));
  // A signal row keeps stdin open, so the tool is mid-run (waiting for input) when it is stopped.
  if (!run.signal) child.stdin.end();
  let hung = false;
  const killGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // The group has gone.
    }
  };
  const timer = setTimeout(() => {
    hung = true;
    killGroup('SIGKILL');
  }, HANG_MS);
  const exited = new Promise<Outcome>((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      killGroup('SIGKILL'); // anything the run left behind (a cat blocked on a FIFO)
      resolve({ code, signal, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8'), hung });
    }),
  );
  const { signal } = run;
  if (signal) {
    const poll = (): void => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (signal.ready(listFiles(dir))) child.kill(signal.name);
      else setTimeout(poll, 20);
    };
    poll();
  }
  return exited;
}

/** Every file and folder below `dir`, relative, sorted. */
function listFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => f.split(path.sep).join('/'))
    .sort();
}

/** What is wrong with the outcome of `fault`, or nothing. */
function problems(fault: FaultCase, before: Set<string>, after: string[], outcome: Outcome, dir: string): string[] {
  if (outcome.hung) return [`no exit within ${HANG_MS / 1000} s (a hang)`];
  const found: string[] = [];
  const exit = outcome.signal ?? outcome.code;
  if (exit !== fault.exit) found.push(`exit ${String(exit)}, expected ${String(fault.exit)}`);
  const temporaries = after.filter((f) => /(^|\/)\.[^/]*\.tmp-\d+-/.test(f));
  if (temporaries.length) found.push(`temporary files left: ${temporaries.join(', ')}`);
  const stderr = outcome.stderr.trim();
  if (fault.exit === 0) {
    if (stderr !== '') found.push(`stderr not empty: ${stderr.slice(0, 300)}`);
    const problem = exit === 0 ? fault.check?.(dir, outcome.stdout) : undefined;
    if (problem) found.push(problem);
    return found;
  }
  // Folders the tool created for outputs (qc/, out/) may stay; files may not.
  const created = after.filter((f) => !before.has(f) && !(fault.mayLeave?.test(f) ?? false));
  const files = created.filter((f) => !fs.lstatSync(path.join(dir, f)).isDirectory());
  if (files.length) found.push(`new files after a failed run: ${files.join(', ')}`);
  if (/\n\s+at /.test(outcome.stderr)) found.push(`a stack trace: ${stderr.slice(0, 300)}`);
  if (typeof fault.exit === 'string') return found;
  const lines = stderr.split('\n');
  if (lines.length !== 1) found.push(`${lines.length} stderr lines: ${stderr.slice(0, 400)}`);
  const line = lines.at(-1) ?? '';
  if (!/^[a-z0-9-]+: error: /.test(line)) found.push(`not a '<tool>: error:' line: ${line.slice(0, 300)}`);
  if (fault.stderr && !fault.stderr.test(line))
    found.push(`stderr ${JSON.stringify(line.slice(0, 300))} does not match ${String(fault.stderr)}`);
  // Control characters, and bytes that are not UTF-8 (U+FFFD once decoded), are raw bytes.
  // eslint-disable-next-line no-control-regex -- raw control bytes are what must not be there
  if (/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ufffd]/.test(stderr))
    found.push(`raw bytes in the message: ${JSON.stringify(stderr.slice(0, 200))}`);
  return found;
}

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-faults-'));

afterAll(() => {
  for (const dir of [...mounted]) {
    try {
      unmount(dir);
    } catch {
      // Already gone.
    }
  }
  if (MEASURE_CPU) printCpuTable();
  fs.rmSync(root, { recursive: true, force: true });
});

describe.concurrent('fault suite', () => {
  it('has at least 260 cases, each with a unique name', () => {
    expect(FAULT_CASES.length).toBeGreaterThanOrEqual(260);
    expect(new Set(FAULT_CASES.map((c) => c.id)).size).toBe(FAULT_CASES.length);
  });

  FAULT_CASES.forEach((fault, index) => {
    const skip = fault.skip?.();
    const name = skip ? `${fault.id} (skipped: ${skip})` : fault.id;
    it.skipIf(skip !== undefined)(name, async () => {
      const dir = path.join(root, `case-${index}`);
      fs.mkdirSync(dir);
      const { outcome, found } = await pool.run(async () => {
        try {
          const run = await fault.setup(dir);
          const before = new Set(listFiles(dir));
          const outcome = await execute(run, dir);
          if (MEASURE_CPU) recordCpu(fault, dir);
          return { outcome, found: problems(fault, before, listFiles(dir), outcome, dir) };
        } finally {
          for (const mount of mounted.filter((m) => m.startsWith(`${dir}/`))) unmount(mount);
        }
      });
      expect(found.join('\n'), `stderr: ${outcome.stderr.slice(0, 600)}`).toBe('');
    });
  });
});
