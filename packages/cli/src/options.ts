/**
 * The flags every shoal tool shares, declared once (seqkit's persistent flags): a tool adds them
 * with these builders, so a flag has one spelling, one short form, one meaning, one default and
 * one error message in every tool. docs/cli.md lists every flag of every tool; a test reads each
 * tool's --help and fails when a flag drifts.
 *
 * Short flags across all tools: -i input, -o output (a file, or a prefix for tools that write
 * several files), -O output folder, -r reference FASTA, -t threads, -q quiet. A region is always
 * the long `--region` (samtools takes it as an argument; Picard and riker use -r for the reference).
 */
import { InvalidArgumentError, Option } from 'commander';

/** riker's default: 1 reader + 1 worker. Pipelines and Makefiles run several tools at once; ask for more. */
export const DEFAULT_THREADS = 2;
/** More threads than this only costs memory and start-up time (each worker is a V8 isolate). */
export const MAX_THREADS = 128;

/** commander parser for a whole number in [min, max]. */
export function integerInRange(flag: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`${flag} takes a whole number from ${min} to ${max}, got '${value}'`);
    return n;
  };
}

/** commander parser for a whole number ≥ 1. */
export function positiveInteger(flag: string): (value: string) => number {
  return integerInRange(flag, 1, Number.MAX_SAFE_INTEGER);
}

const SIZE_SUFFIX_SHIFT: Record<string, number> = { '': 0, k: 10, m: 20, g: 30 };

/**
 * commander parser for a size in bytes with samtools' suffixes (`-m 768M`): a whole number, then
 * optionally K, M or G (either case) for KiB, MiB or GiB, at least `minBytes`.
 */
export function byteSize(flag: string, minBytes: number): (value: string) => number {
  return (value) => {
    const match = /^(\d+)([kKmMgG]?)$/.exec(value.trim());
    const bytes = match ? Number(match[1]) * 2 ** SIZE_SUFFIX_SHIFT[match[2]!.toLowerCase()]! : NaN;
    if (!Number.isSafeInteger(bytes) || bytes < minBytes)
      throw new InvalidArgumentError(
        `${flag} takes a size in bytes with an optional K, M or G suffix, at least ${minBytes} (e.g. 768M), got '${value}'`,
      );
    return bytes;
  };
}

/** commander parser for a number from `min` to `max` (inclusive). */
export function numberInRange(flag: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max)
      throw new InvalidArgumentError(
        `${flag} takes a number ${max === Infinity ? `of at least ${min}` : `from ${min} to ${max}`}, got '${value}'`,
      );
    return n;
  };
}

/** commander parser for a finite number. */
export function finiteNumber(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`${flag} takes a number, got '${value}'`);
    return n;
  };
}

/**
 * `-t, --threads <n>`: the total number of threads, the main thread included (riker's contract):
 * 1 runs everything on the main thread, n adds n-1 workers. Output is identical for every n.
 * `defaultValue: undefined` lets a tool fall back to a setting of its own (fq-transform's
 * `options.threads`) before DEFAULT_THREADS.
 */
export function threadsOption(workDone = 'the main thread plus n-1 workers', defaultValue: number | undefined = DEFAULT_THREADS): Option {
  const option = new Option('-t, --threads <n>', `total threads, 1..${MAX_THREADS}: ${workDone}`).argParser(
    integerInRange('--threads', 1, MAX_THREADS),
  );
  return defaultValue === undefined ? option : option.default(defaultValue);
}

/** `-o, --output <path>`: one output file; `-` is stdout. */
export function outputFileOption(what = 'output file', defaultValue: string | undefined = '-'): Option {
  const option = new Option('-o, --output <path>', `${what}, or - for stdout`);
  return defaultValue === undefined ? option : option.default(defaultValue);
}

/** `-o, --output <prefix>`: tools that write several files name them `<prefix>.<what>`. */
export function outputPrefixOption(what = 'output prefix: files are <prefix>.<name>'): Option {
  return new Option('-o, --output <prefix>', `${what}; missing folders are created`);
}

/** `-O, --output-dir <dir>`: the folder outputs go to. */
export function outputDirOption(what = 'folder the outputs go to (created when missing)'): Option {
  return new Option('-O, --output-dir <dir>', what);
}

/** `-i, --input <path>`: the one input of a tool that takes flags rather than arguments; `-` is stdin. */
export function inputOption(what: string): Option {
  return new Option('-i, --input <path>', what).makeOptionMandatory();
}

/** `-r, --reference <fasta>`: a reference FASTA (with its .fai, or one is built). */
export function referenceOption(what = 'reference FASTA (with .fai)'): Option {
  return new Option('-r, --reference <fasta>', what);
}

/** `--region <region>`: chr, chr:start or chr:start-end, 1-based inclusive, through the BAM's index. */
export function regionOption(
  what = 'only records overlapping chr, chr:start or chr:start-end (1-based, inclusive); needs the .bai',
): Option {
  return new Option('--region <region>', what);
}

/** `-q, --quiet`: no progress and no summary on stderr; errors are still printed. */
export function quietOption(): Option {
  return new Option('-q, --quiet', 'no progress and no summary on stderr (errors still)');
}

/** `--progress` / `--no-progress`: the progress line, by default on when stderr is a terminal. */
export function progressOptions(): Option[] {
  return [
    new Option('--progress', 'show progress on stderr even when it is not a terminal'),
    new Option('--no-progress', 'never show progress'),
  ];
}

/** What the shared flags parse into. */
export interface CommonFlags {
  quiet?: boolean;
  /** true: --progress; false: --no-progress; undefined: when stderr is a terminal. */
  progress?: boolean;
}

/** Whether to draw progress: --progress forces it, --no-progress and -q stop it, else a terminal decides. */
export function progressWanted(flags: CommonFlags): boolean {
  if (flags.progress === true) return true;
  if (flags.progress === false || flags.quiet) return false;
  // isTTY is undefined, not false, when stderr is a file or a pipe (the Node types say boolean).
  return process.stderr.isTTY ?? false;
}
