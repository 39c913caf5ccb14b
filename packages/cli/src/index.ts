/**
 * The shell every shoal tool shares (seqkit's lesson: a user who knows one tool knows the flags
 * of all). `runTool` parses flags with commander and maps outcomes to Unix conventions:
 *   exit 0   success, and also a closed stdout (`| head`): EPIPE is not an error for a filter
 *   exit 1   a runtime error: one line `<tool>: error: <message>` on stderr, no stack trace
 *   exit 2   a usage error (bad flag or argument), with commander's message
 *   signal n     stopped by SIGINT, SIGTERM or SIGHUP: the temporary files of every output being
 *                written are removed, then the tool dies by that signal (the shell shows 128+n)
 * An unexpected error (a bug) is one line too, naming the input being read and how far the run
 * got (readingFrom, Progress); SHOAL_DEBUG=1 adds its stack trace. The shared flags are in options.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { describeFsError, EpipeError, HtsError, RegionSyntaxError } from '@shoal/hts';

/** The release every tool reports with --version: this package's, which moves with the project's. */
export const SHOAL_VERSION = (JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;

export * from './options.js';

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Ctrl-C, kill, hang-up: run the 'exit' hooks (they remove the temporary files of outputs being
 * written: hts io/atomic.ts, fq-transform's sink), then die by the same signal, as a Unix tool
 * should (the shell sees 128+n and a loop around the tool stops too). Not process.exit: Node's
 * exit waits for its thread pool, and a read of stdin from a pipe whose writer is still open
 * would keep the process alive.
 */
function stopBySignal(signal: NodeJS.Signals): void {
  const code = 128 + (os.constants.signals[signal] ?? 0);
  process.exitCode = code;
  process.emit('exit', code);
  // The handler was registered with `once`: with it gone the signal's default action is back.
  process.kill(process.pid, signal);
}

/** A bad flag value or combination found after parsing: exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function isEpipe(error: unknown): boolean {
  return error instanceof EpipeError || (error as NodeJS.ErrnoException)?.code === 'EPIPE';
}

/**
 * One printable line: line breaks joined with a space, and control characters, C1 controls and
 * U+FFFD (what undecodable bytes become) written as \xNN / \uFFFD, so that no raw byte of a
 * binary input reaches the terminal through a message that quotes it.
 */
export function printableMessage(text: string): string {
  return (
    text
      .replace(/\s*\n\s*/g, ' ')
      .trim()
      // eslint-disable-next-line no-control-regex -- control characters are what this replaces
      .replace(/[\u0000-\u001f\u007f-\u009f\ufffd]/g, (c) =>
        c === '\ufffd' ? '\\uFFFD' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
      )
  );
}

/** The input a tool reads and how far it got, for the line of an internal error. */
const reading: { file?: string; count?: number; unit?: string; bytes?: number } = {};

/**
 * Names the input a tool is reading, so that an internal error (a bug, not bad data) names it too,
 * with how far the run got as Progress last heard it. Tools call it before they read.
 */
export function readingFrom(file: string): void {
  reading.file = file === '-' ? 'stdin' : file;
  reading.count = undefined;
  reading.bytes = undefined;
}

/** `<file> (after N records, B bytes read): ` for an internal error's line, or '' when no input is known. */
function internalErrorContext(): string {
  if (reading.file === undefined) return '';
  const where: string[] = [];
  if (reading.count !== undefined) where.push(`after ${reading.count.toLocaleString('en-US')} ${reading.unit ?? 'records'}`);
  if (reading.bytes !== undefined) where.push(`${reading.bytes.toLocaleString('en-US')} bytes read`);
  return `${reading.file}${where.length ? ` (${where.join(', ')})` : ''}: `;
}

/** The last error process.stdout reported (a full disk under `> file`, a closed pipe). */
let stdoutError: Error | undefined;

/** Maps an error to (message, exit code); the message is one printable line (printableMessage). */
export function classifyError(error: unknown): { message: string; exitCode: number } {
  const { message, exitCode } = classifyRawError(error);
  return { message: printableMessage(message), exitCode };
}

function classifyRawError(error: unknown): { message: string; exitCode: number } {
  if (isEpipe(error)) return { message: '', exitCode: 0 };
  if (error instanceof UsageError || error instanceof RegionSyntaxError || error instanceof InvalidArgumentError)
    return { message: error.message, exitCode: 2 };
  // One line, always: a message written over several lines (mbf's read-pairing reports) is joined.
  if (error instanceof HtsError) return { message: error.message.replace(/\s*\n\s*/g, ' ').trim(), exitCode: 1 };
  // A system call that failed (a full disk, a permission, a closed device) is the system's answer,
  // not a bug: name the file, or stdout for a write without one (file outputs name their files).
  const system = error as NodeJS.ErrnoException;
  if (typeof system?.code === 'string' && typeof system.syscall === 'string') {
    const described = describeFsError(system);
    // describeFsError words the common codes; Node's own message (code, words, call, path) the rest.
    const known = described !== system.message;
    if (system.path === undefined && (system === stdoutError || system.syscall === 'write'))
      return { message: `stdout: cannot write output: ${described}`, exitCode: 1 };
    return { message: known && system.path !== undefined ? `${system.path}: ${described}` : system.message, exitCode: 1 };
  }
  return {
    message: `${internalErrorContext()}internal error: ${(error as Error)?.message ?? String(error)} (set SHOAL_DEBUG=1 for a stack trace; please report it)`,
    exitCode: 1,
  };
}

/**
 * stdout redirected to a file (`tool > out`) is written by Node with one write(2) per chunk, and a
 * short write is ignored: on a full disk the rest of the chunk is lost and the tool exits 0 with a
 * cut file. Written here to the last byte, so a full disk is an error (ENOSPC, "stdout: …").
 */
function writeStdoutFileFully(): void {
  let regularFile = false;
  try {
    regularFile = fs.fstatSync(1).isFile();
  } catch {
    // No stdout at all: nothing to write to.
  }
  if (!regularFile) return;
  type WriteCallback = (error?: Error | null) => void;
  const stream = process.stdout as unknown as { _write: (chunk: Uint8Array, encoding: string, callback: WriteCallback) => void };
  stream._write = (chunk, _encoding, callback) => {
    try {
      let written = 0;
      while (written < chunk.length) written += fs.writeSync(1, chunk, written, chunk.length - written);
    } catch (error) {
      callback(error as Error);
      return;
    }
    callback();
  };
}

/**
 * Runs a tool: `build` adds options and the action; the action's promise decides the exit code.
 * Exits the process (explicitly, so a stray handle never keeps a finished tool alive).
 */
export async function runTool(name: string, argv: string[], build: (program: Command) => void): Promise<never> {
  writeStdoutFileFully();
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    stdoutError = error;
  });
  const program = new Command(name);
  program.exitOverride().configureOutput({
    writeErr: (text) => process.stderr.write(text.startsWith('error:') ? `${name}: ${text}` : text),
    // Every usage error is one line, the hint included (commander would add it on a line of its own).
    outputError: (text, write) => write(`${text.startsWith('error:') ? '' : 'error: '}${text.trimEnd()} (run ${name} --help for usage)\n`),
  });
  for (const signal of STOP_SIGNALS) process.once(signal, () => stopBySignal(signal));
  // Every tool is released with the project: one version, the shell's (no short flag: -V could mean something to a tool).
  program.version(`${name} (shoal) ${SHOAL_VERSION}`, '--version', 'print the version and exit');
  build(program);
  // The action's promise ends every run with process.exit. An event loop that empties first means
  // a promise was lost: report it, rather than exit 0 as if the work were done.
  process.once('beforeExit', () => {
    process.stderr.write(`${name}: internal error: the run ended with work unfinished (please report it)\n`);
    process.exit(70);
  });
  // SHOAL_WATCHDOG_MS (the tests set it): past that time, write a diagnostic report (JS stack,
  // libuv handles and requests) and exit, so that a hang leaves evidence instead of only a timeout.
  const watchdogMs = Number(process.env.SHOAL_WATCHDOG_MS ?? 0);
  if (watchdogMs > 0) {
    setTimeout(() => {
      if (process.report) process.report.directory = os.tmpdir();
      const report = process.report?.writeReport();
      process.stderr.write(`${name}: watchdog: still running after ${watchdogMs} ms; diagnostic report: ${os.tmpdir()}/${report}\n`);
      process.exit(99);
    }, watchdogMs).unref();
  }
  try {
    // A tool of several commands given none: one line, as every usage error (commander prints its help).
    if (program.commands.length > 0 && argv.length <= 2)
      throw new UsageError(`missing command: ${program.commands.map((command) => command.name()).join(', ')}`);
    await program.parseAsync(argv);
    process.exit(0);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with exit code 0; parse errors with 1, which Unix calls usage (2).
      process.exit(error.exitCode === 0 ? 0 : 2);
    }
    const { message, exitCode } = classifyError(error);
    // Usage errors found after parsing carry the same hint as commander's.
    if (message) process.stderr.write(`${name}: error: ${message}${exitCode === 2 ? ` (run ${name} --help for usage)` : ''}\n`);
    // Errors of other blocks that were in flight when the run stopped (the engine collects them).
    for (const other of (error as { alsoFailed?: unknown[] })?.alsoFailed ?? []) {
      const more = classifyError(other).message;
      if (more) process.stderr.write(`${name}: error: ${more}\n`);
    }
    if (process.env.SHOAL_DEBUG === '1') process.stderr.write(`${(error as Error)?.stack ?? ''}\n`);
    process.exit(exitCode);
  }
}

/**
 * Progress on stderr. On a terminal: one line redrawn at most 5 times a second, with a bar when the
 * input size is known. Forced on where stderr is not a terminal (--progress, for a log): a plain
 * line every 10 seconds. Whether to show it at all is `progressWanted(flags)` (options.ts).
 */
export class Progress {
  private readonly enabled: boolean;
  // isTTY is undefined, not false, when stderr is a file or a pipe (the Node types say boolean).
  private readonly terminal = process.stderr.isTTY ?? false;
  private readonly startMs = Date.now();
  private lastDrawMs = 0;
  private drawn = false;

  constructor(
    private readonly label: string,
    private readonly totalBytes: number | undefined,
    enabled = process.stderr.isTTY ?? false,
    private readonly unit = 'records',
  ) {
    this.enabled = enabled;
  }

  update(count: number, bytesDone?: number): void {
    // How far the run got, for the line of an internal error (readingFrom), drawn or not.
    reading.count = count;
    reading.unit = this.unit;
    reading.bytes = bytesDone;
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.lastDrawMs < (this.terminal ? 200 : 10_000)) return;
    this.lastDrawMs = now;
    const seconds = (now - this.startMs) / 1000;
    const rate = seconds > 0 ? count / seconds : 0;
    let line = `${this.label}: ${count.toLocaleString('en-US')} ${this.unit}, ${formatRate(rate)}, ${seconds.toFixed(1)} s`;
    if (this.totalBytes && bytesDone !== undefined) {
      const fraction = Math.min(1, bytesDone / this.totalBytes);
      const width = 24;
      const filled = Math.round(fraction * width);
      line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${line}`;
    }
    process.stderr.write(this.terminal ? `\r${line}\x1b[K` : `${line}\n`);
    this.drawn = true;
  }

  done(): void {
    if (this.drawn && this.terminal) process.stderr.write('\r\x1b[K');
  }
}

/** Items per second, in the unit that keeps digits on screen: millions of records, or contigs a minute. */
export function formatRate(perSecond: number): string {
  if (perSecond >= 1e5) return `${(perSecond / 1e6).toFixed(2)} M/s`;
  if (perSecond >= 10) return `${perSecond.toFixed(0)}/s`;
  return `${(perSecond * 60).toFixed(1)}/min`;
}

/** The size of an input file for a progress bar; undefined for stdin or when it cannot be read (the real open reports that). */
export function inputSizeBytes(path: string): number | undefined {
  if (path === '-') return undefined;
  try {
    const stat = fs.statSync(path);
    return stat.isFile() ? stat.size : undefined;
  } catch {
    return undefined;
  }
}
