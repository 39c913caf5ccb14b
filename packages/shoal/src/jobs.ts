/**
 * The fan-out of `shoal mods`, GNU parallel's way: a queue of jobs, `--threads` of them in flight, a job log in the
 * layout of `parallel --joblog`, and a halt policy (`--halt never|soon,fail=N|now,fail=N`, parallel's spelling).
 *
 * A job is a pipe of processes (the per-contig `eventalign | dtw-gpu | hmm-smooth`): each stage is spawned with its
 * stdin and extra fds wired to earlier stages' stdout, no shell in between. A job fails when any stage exits
 * non-zero or is killed; the others are then stopped (SIGTERM), so a failed contig leaves no process behind and, the
 * tools' outputs being atomic, no slice.
 *
 * FIFOs need one more step. A process blocked in open() on a FIFO whose other end will never be opened (eventalign
 * writing for a dtw-gpu that died) runs no JavaScript, so its SIGTERM handler never runs: the job's FIFOs are
 * opened once read-write and non-blocking, which completes every pending open(), and closed, which turns the other
 * side's next write into EPIPE or its next read into EOF. SIGKILL follows for anything still alive after a grace.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';

/** One process of a pipe. `inputs` name earlier stages whose stdout becomes this stage's fd 0 (first) and fd 3, 4, … */
export interface PipeStage {
  name: string;
  command: string;
  args: string[];
  /** Indexes of earlier stages: the first is read on stdin, the rest on fd 3, 4, … (passed as /dev/fd/N in args). */
  inputs?: number[];
  /** Whether this stage's stdout is read by a later stage (else it goes to /dev/null). */
  piped?: boolean;
}

export interface Job {
  /** What the job is about (the contig); used in messages. */
  label: string;
  stages: PipeStage[];
  /** The command as a shell would spell it, for the job log. */
  display: string;
  /** Where the stages' stderr goes (appended). */
  stderrFile: string;
  /** Runs before the processes start (write the job's inputs). */
  prepare?: () => void | Promise<void>;
  /** Runs after the processes ended, whatever their outcome. */
  cleanup?: () => void;
  /** The FIFOs that connect the stages (released when the job is stopped: see above). */
  fifos?: string[];
}

export interface JobOutcome {
  job: Job;
  seq: number;
  exitCode: number;
  signal: number;
  startMs: number;
  runtimeMs: number;
  /** The first stage that failed and its last stderr line. */
  failure?: string;
  /** Stopped by the halt policy (another job's failure) before any of its stages failed on its own. */
  haltedByOthers?: boolean;
}

export type HaltPolicy = { when: 'never' } | { when: 'soon' | 'now'; failures: number };

/** Parses parallel's --halt values: never, soon,fail=N, now,fail=N (N ≥ 1). */
export function parseHalt(value: string): HaltPolicy | undefined {
  if (value === 'never') return { when: 'never' };
  const match = /^(soon|now),fail=(\d+)$/.exec(value);
  if (match === null || Number(match[2]) < 1) return undefined;
  return { when: match[1] as 'soon' | 'now', failures: Number(match[2]) };
}

export const JOBLOG_HEADER = 'Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand\n';

/** One joblog line as parallel writes it: start in epoch seconds and runtime in seconds, 3 decimals (runtime %10.3f). */
export function joblogLine(outcome: JobOutcome): string {
  const runtime = (outcome.runtimeMs / 1000).toFixed(3).padStart(10);
  // parallel writes a job killed by a signal as Exitval 0 and that Signal.
  const exitValue = outcome.signal > 0 && outcome.exitCode === 128 + outcome.signal ? 0 : outcome.exitCode;
  return `${outcome.seq}\t:\t${(outcome.startMs / 1000).toFixed(3)}\t${runtime}\t0\t0\t${exitValue}\t${outcome.signal}\t${outcome.job.display}\n`;
}

/** How long stopped stages get to exit on SIGTERM before SIGKILL. */
const KILL_GRACE_MS = 5000;

/**
 * Completes any open() pending on these FIFOs, by either side, and leaves them with no peer: see the header. Paths
 * that are gone or not FIFOs are skipped.
 */
export function releaseFifos(fifos: readonly string[]): void {
  for (const fifo of fifos) {
    try {
      if (!fs.statSync(fifo).isFIFO()) continue;
      fs.closeSync(fs.openSync(fifo, fs.constants.O_RDWR | fs.constants.O_NONBLOCK));
    } catch {
      // Gone already: nobody can be waiting on it.
    }
  }
}

/**
 * Every stage process alive, of every job, and the FIFOs of running jobs: when the orchestrator stops (a signal:
 * runTool's handler emits 'exit'), they are stopped too rather than left running, or blocked, on their own.
 */
const liveChildren = new Set<ChildProcess>();
const liveFifos = new Set<string>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const live of liveChildren) live.kill('SIGTERM');
    releaseFifos([...liveFifos]);
    for (const fifo of liveFifos) fs.rmSync(fifo, { force: true });
  });
}
function track(child: ChildProcess): void {
  installExitHook();
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
}

interface RunningStage {
  stage: PipeStage;
  child: ChildProcess;
}

/** Shared by the jobs of a fan-out: `halt now` calls every running job's stop. */
export interface StopSwitch {
  stopped: boolean;
  stops: Set<(byHalt: boolean) => void>;
}

/** Runs one job's pipe; resolves with its exit code and signal (the first failing stage's). */
export async function runPipe(job: Job, seq: number, stopAll: StopSwitch): Promise<JobOutcome> {
  const startMs = Date.now();
  try {
    await job.prepare?.();
  } catch (error) {
    // A job that cannot be set up fails like one whose stage fails: logged and listed, the others go on.
    const message = error instanceof Error ? error.message : String(error);
    return { job, seq, exitCode: 1, signal: 0, startMs, runtimeMs: Date.now() - startMs, failure: `setting up the job failed: ${message}` };
  }
  installExitHook();
  const fifos = job.fifos ?? [];
  for (const fifo of fifos) liveFifos.add(fifo);
  const stderr = fs.openSync(job.stderrFile, 'a');
  const running: RunningStage[] = [];
  let killTimer: NodeJS.Timeout | undefined;
  const stoppedByUs = new Set<ChildProcess>();
  let stoppedByHalt = false;
  const stop = (byHalt = false): void => {
    if (killTimer !== undefined) return;
    stoppedByHalt = byHalt;
    const alive = running.filter(({ child }) => child.exitCode === null && child.signalCode === null);
    for (const { child } of alive) {
      stoppedByUs.add(child);
      child.kill('SIGTERM');
    }
    releaseFifos(fifos);
    killTimer = setTimeout(() => {
      for (const { child } of alive) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }, KILL_GRACE_MS);
    killTimer.unref();
  };
  try {
    for (const stage of job.stages) {
      const inputs = (stage.inputs ?? []).map((index) => running[index]!.child.stdout!);
      const stdio: ('ignore' | 'pipe' | number | NodeJS.ReadableStream)[] = [
        inputs[0] ?? 'ignore',
        stage.piped ? 'pipe' : 'ignore',
        stderr,
        ...inputs.slice(1),
      ];
      const child = spawn(stage.command, stage.args, { stdio: stdio as never });
      track(child);
      running.push({ stage, child });
    }
  } catch (error) {
    stop();
    fs.closeSync(stderr);
    throw error;
  }
  // The parent's copies of the pipes go: only the children read them, and a reader that dies must leave its
  // writer with no reader (EPIPE), not blocked on a pipe the parent still holds open.
  for (const { child, stage } of running) if (stage.piped) child.stdout!.destroy();
  stopAll.stops.add(stop);
  if (stopAll.stopped) stop(true);
  const results = await Promise.all(
    running.map(
      ({ child, stage }) =>
        new Promise<{ stage: PipeStage; child: ChildProcess; code: number; signal: number }>((resolve) => {
          child.once('error', () => {
            // Not started (EAGAIN, EMFILE, ENOENT): the others wait on it, through FIFOs or pipes.
            stop();
            resolve({ stage, child, code: 127, signal: 0 });
          });
          child.once('exit', (code, signal) => {
            const signalNumber = signal === null ? 0 : (os.constants.signals[signal] ?? 0);
            // One stage failing stops the rest: their input or output is gone anyway.
            if (code !== 0 || signal !== null) stop();
            resolve({ stage, child, code: code ?? 128 + signalNumber, signal: signalNumber });
          });
        }),
    ),
  );
  clearTimeout(killTimer);
  stopAll.stops.delete(stop);
  for (const fifo of fifos) liveFifos.delete(fifo);
  fs.closeSync(stderr);
  job.cleanup?.();
  // The stage to blame: the first (in pipe order) that failed on its own, not one we stopped.
  const failedOnItsOwn = results.find((result) => result.code !== 0 && !stoppedByUs.has(result.child));
  const failed = failedOnItsOwn ?? results.find((result) => result.code !== 0);
  const outcome: JobOutcome = {
    job,
    seq,
    exitCode: failed?.code ?? 0,
    signal: failed?.signal ?? 0,
    startMs,
    runtimeMs: Date.now() - startMs,
  };
  if (failed !== undefined && failedOnItsOwn === undefined && stoppedByHalt) outcome.haltedByOthers = true;
  if (failed !== undefined)
    outcome.failure = `${failed.stage.name} ${failed.signal > 0 && failed.code >= 128 ? `killed by signal ${failed.signal}` : `exited ${failed.code}`}: ${lastErrorLine(job.stderrFile, failed.stage.name)}`;
  return outcome;
}

/** The stage's last `<tool>: error: …` line in the job's stderr (or the last line at all). */
function lastErrorLine(file: string, tool: string): string {
  let text = '';
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return '(no message)';
  }
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  return (
    lines.filter((line) => line.startsWith(`${tool}: error:`)).pop() ??
    lines.filter((line) => line.includes('error')).pop() ??
    lines.pop() ??
    '(no message)'
  );
}

export interface FanOutOptions {
  /** Jobs in flight. */
  jobs: number;
  halt: HaltPolicy;
  /** Called as each job ends, in the order they end. */
  onDone?: (outcome: JobOutcome, done: number) => void;
  /** Called when a job starts. */
  onStart?: (job: Job) => void;
}

/**
 * Runs `jobs` with at most `options.jobs` in flight; jobs are started in the given order and numbered from 1 (the
 * joblog's Seq). Resolves with every outcome, in Seq order, once the last running job has ended; jobs never started
 * because of the halt policy are missing from it.
 */
export async function fanOut(jobs: readonly Job[], options: FanOutOptions): Promise<{ outcomes: JobOutcome[]; halted: boolean }> {
  const outcomes: JobOutcome[] = [];
  const stopAll: StopSwitch = { stopped: false, stops: new Set() };
  let next = 0;
  let failures = 0;
  let halted = false;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length && !halted) {
      const seq = ++next;
      const job = jobs[seq - 1]!;
      options.onStart?.(job);
      const outcome = await runPipe(job, seq, stopAll);
      outcomes.push(outcome);
      options.onDone?.(outcome, ++done);
      if (outcome.exitCode !== 0 && outcome.haltedByOthers !== true) {
        failures++;
        if (options.halt.when !== 'never' && failures >= options.halt.failures) {
          halted = true;
          if (options.halt.when === 'now') {
            stopAll.stopped = true;
            for (const stop of stopAll.stops) stop(true);
          }
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.jobs, jobs.length)) }, worker));
  outcomes.sort((a, b) => a.seq - b.seq);
  return { outcomes, halted };
}
