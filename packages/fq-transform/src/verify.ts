/**
 * `fq-transform verify`: runs test-case folders the way mbf-fastq-processor's test runner does,
 * and more strictly: every case runs in both pipeline modes (workpool and classic) and at several
 * thread counts, and every run must reproduce the expected files byte for byte.
 *
 * A case is a folder with `input.toml`; expected outputs are the files named with the output prefix
 * (compressed ones compared decompressed; BAM compared as SAM text with `<name>.bam.sam`);
 * `expected_error.txt` (validation must fail with that text), `expected_runtime_error.txt`
 * (processing must fail with that text and leave no output but the run marker), `stdin`, `stdout`.
 * The layout is documented in docs/tools/fq-transform.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { Readable } from 'node:stream';
import { BamReader, HtsError, samLine, ZstdDecompressor, type ByteSink } from '@shoal/hts';
import { planFromFile } from './config.js';
import type { Plan } from './plan.js';
import { processConfig } from './process.js';
import { UsageError } from '@shoal/cli';

export interface VerifyOptions {
  threads: number[];
  /** true = workpool, false = classic. */
  modes: boolean[];
  keepFailuresIn?: string;
  log?: (line: string) => void;
}

export interface VerifyResult {
  passed: number;
  failed: number;
  failures: { name: string; reason: string }[];
}

const CONTROL_FILES = new Set(['input.toml', 'MADE_BY', 'expected_error.txt', 'expected_runtime_error.txt', 'stdin', 'stdout']);

export function parseThreadList(text: string): number[] {
  const list = text.split(',').map((t) => Number(t.trim()));
  if (list.length === 0 || list.some((n) => !Number.isInteger(n) || n < 1))
    throw new UsageError(`--threads-list wants whole numbers ≥ 1 separated by commas, got '${text}'`);
  return list;
}

/** Case folders under `root` (root itself if it is one), sorted. */
export function findCases(root: string): string[] {
  if (!fs.existsSync(root)) throw new HtsError('no such file or directory', root);
  if (fs.existsSync(path.join(root, 'input.toml'))) return [root];
  if (!fs.statSync(root).isDirectory()) throw new HtsError('not a test-case folder (a folder with input.toml, or a tree of them)', root);
  const found: string[] = [];
  for (const entry of fs.readdirSync(root, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.isDirectory()) found.push(...findCases(path.join(root, entry.name)));
  }
  return found;
}

function decompressed(file: string, bytes: Uint8Array): Uint8Array {
  if (file.endsWith('.gz')) return zlib.gunzipSync(bytes);
  if (file.endsWith('.zst')) {
    const decompressor = new ZstdDecompressor();
    try {
      const pieces = decompressor.push(bytes);
      decompressor.end();
      return Buffer.concat(pieces);
    } finally {
      decompressor.close();
    }
  }
  return bytes;
}

async function bamAsSam(file: string): Promise<string> {
  const reader = await BamReader.open(file);
  const lines: string[] = [];
  try {
    for await (const batch of reader.batches()) for (let i = 0; i < batch.count; i++) lines.push(samLine(batch.record(i), reader.header));
  } finally {
    reader.close();
  }
  return lines.map((l) => `${l}\n`).join('');
}

function collectingSink(): ByteSink & { bytes(): Buffer } {
  const chunks: Uint8Array[] = [];
  return {
    name: 'stdout',
    write: (chunk) => {
      chunks.push(chunk.slice());
      return Promise.resolve();
    },
    finish: async () => {},
    commit: async () => {},
    abort: () => {},
    bytes: () => Buffer.concat(chunks),
  };
}

function firstDifference(a: Uint8Array, b: Uint8Array): string {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  const line = Buffer.from(a.subarray(0, i)).toString('latin1').split('\n').length;
  return `differ at byte ${i} (line ${line}); expected ${b.length} bytes, got ${a.length}`;
}

/** A case run that takes this long is reported as hung (with a Node diagnostic report), not waited for. */
const RUN_DEADLINE_MS = 40_000;

class RunDeadlineError extends Error {}

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      if (process.report) process.report.directory = os.tmpdir();
      const report = process.report?.writeReport();
      reject(new RunDeadlineError(`the run did not finish within ${ms} ms; diagnostic report: ${os.tmpdir()}/${report}`));
    }, ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/** Runs one case once; returns undefined when it matches, else why not. */
async function runOnce(caseDir: string, plan: Plan, threads: number, workpool: boolean, workDir: string): Promise<string | undefined> {
  const runtimeErrorFile = path.join(caseDir, 'expected_runtime_error.txt');
  const expectedError = fs.existsSync(runtimeErrorFile) ? fs.readFileSync(runtimeErrorFile, 'utf8').trim() : undefined;
  const stdinFile = path.join(caseDir, 'stdin');
  const stdout = collectingSink();
  let failure: unknown;
  try {
    await withDeadline(
      processConfig({
        configFile: path.join(caseDir, 'input.toml'),
        plan,
        inputDirectory: caseDir,
        outputDirectory: workDir,
        threads,
        workpool,
        stdin: fs.existsSync(stdinFile) ? Readable.from([fs.readFileSync(stdinFile)]) : Readable.from([]),
        stdout,
      }),
      RUN_DEADLINE_MS,
    );
  } catch (error) {
    if (error instanceof RunDeadlineError) return error.message;
    failure = error;
  }
  const prefix = plan.output?.prefix ?? 'output';
  const produced = fs.readdirSync(workDir).sort();
  if (expectedError !== undefined) {
    if (!failure) return `expected a runtime error containing '${expectedError}', but the run succeeded`;
    const message = (failure as Error).message;
    if (!message.includes(expectedError)) return `expected a runtime error containing '${expectedError}', got: ${message}`;
    const left = produced.filter((f) => f !== `${prefix}.incompleted`);
    if (left.length) return `a failed run left output files behind: ${left.join(', ')}`;
    return undefined;
  }
  if (failure) return `the run failed: ${(failure as Error).message}`;
  const expected = fs
    .readdirSync(caseDir)
    .filter((f) => !CONTROL_FILES.has(f) && f.startsWith(prefix) && fs.statSync(path.join(caseDir, f)).isFile())
    .sort();
  const expectedNames = new Set(expected.map((f) => (f.endsWith('.bam.sam') ? f.slice(0, -4) : f)));
  for (const name of produced) if (!expectedNames.has(name)) return `unexpected output file ${name}`;
  for (const name of expectedNames) if (!produced.includes(name)) return `missing output file ${name}`;
  for (const name of expected) {
    if (name.endsWith('.bam.sam')) {
      const got = await bamAsSam(path.join(workDir, name.slice(0, -4)));
      const want = fs.readFileSync(path.join(caseDir, name), 'utf8');
      if (got !== want) return `${name.slice(0, -4)}: records ${firstDifference(Buffer.from(got), Buffer.from(want))}`;
      continue;
    }
    let got: Uint8Array;
    let want: Uint8Array;
    try {
      got = decompressed(name, fs.readFileSync(path.join(workDir, name)));
    } catch (error) {
      return `${name}: the output does not decompress (${(error as Error).message})`;
    }
    try {
      want = decompressed(name, fs.readFileSync(path.join(caseDir, name)));
    } catch (error) {
      return `${name}: the case's expected file does not decompress (${(error as Error).message})`;
    }
    // JSON with mbf's placeholders is compared as values; any other file byte for byte (key order included)
    const wantText = name.endsWith('.json') ? Buffer.from(want).toString('utf8') : '';
    const mbfReport = /^\{\s*"__"\s*:/.test(wantText); // mbf's test runner blanks its version, paths and configuration text
    if (mbfReport || wantText.includes('"_IGNORED_"') || wantText.includes('"X.Y.Z"')) {
      const wantJson = JSON.parse(wantText) as unknown;
      if (mbfReport) ignoreRunFacts(wantJson);
      const difference = jsonDifference(JSON.parse(Buffer.from(got).toString('utf8')), wantJson, '');
      if (difference) return `${name}: ${difference}`;
      continue;
    }
    if (Buffer.compare(got, want) !== 0) return `${name}: ${firstDifference(got, want)}`;
  }
  const stdoutFile = path.join(caseDir, 'stdout');
  if (fs.existsSync(stdoutFile)) {
    const want = fs.readFileSync(stdoutFile);
    const got = stdout.bytes();
    if (Buffer.compare(got, want) !== 0) return `stdout: ${firstDifference(got, want)}`;
  }
  return undefined;
}

/**
 * mbf's normalize_report_content: `version`, `program_version`, `cwd`, `working_directory`,
 * `repository`, `thread_count`, `threads_per_segment` and `input_toml` match anything, at any depth.
 */
function ignoreRunFacts(report: unknown): void {
  if (report === null || typeof report !== 'object') return;
  if (Array.isArray(report)) {
    for (const item of report) ignoreRunFacts(item);
    return;
  }
  const entries = report as Record<string, unknown>;
  for (const [key, value] of Object.entries(entries)) {
    if (RUN_FACTS.has(key)) entries[key] = '_IGNORED_';
    else ignoreRunFacts(value);
  }
}
const RUN_FACTS = new Set([
  'version',
  'program_version',
  'cwd',
  'working_directory',
  'repository',
  'thread_count',
  'threads_per_segment',
  'input_toml',
]);

/**
 * JSON outputs with mbf's placeholders (reports) are compared as values (mbf's runner compares its
 * normalised text, but serde writes 12.0 where JavaScript writes 12): the same keys in the same
 * order, equal numbers, strings and lists; an expected string "_IGNORED_" matches anything
 * (paths), "X.Y.Z" any string (versions). The first difference, as a path, or undefined.
 */
function jsonDifference(got: unknown, want: unknown, at: string): string | undefined {
  if (want === '_IGNORED_') return undefined;
  if (want === 'X.Y.Z' && typeof got === 'string') return undefined; // mbf's cases write the version so
  if (Array.isArray(want)) {
    if (!Array.isArray(got)) return `${at || '/'}: expected a list`;
    if (got.length !== want.length) return `${at || '/'}: expected ${want.length} entries, got ${got.length}`;
    for (let i = 0; i < want.length; i++) {
      const difference = jsonDifference(got[i], want[i], `${at}/${i}`);
      if (difference) return difference;
    }
    return undefined;
  }
  if (want !== null && typeof want === 'object') {
    if (got === null || typeof got !== 'object' || Array.isArray(got)) return `${at || '/'}: expected an object`;
    const wantKeys = Object.keys(want).sort();
    const gotKeys = Object.keys(got).sort();
    for (const key of wantKeys) if (!gotKeys.includes(key)) return `${at}/${key}: missing`;
    for (const key of gotKeys) if (!wantKeys.includes(key)) return `${at}/${key}: not expected`;
    // both parsed alike, so JavaScript's own reordering of integer-like keys cancels out
    if (Object.keys(want).join('\u0000') !== Object.keys(got).join('\u0000'))
      return `${at || '/'}: keys in another order (expected ${Object.keys(want).join(', ')})`;
    for (const key of wantKeys) {
      const difference = jsonDifference((got as Record<string, unknown>)[key], (want as Record<string, unknown>)[key], `${at}/${key}`);
      if (difference) return difference;
    }
    return undefined;
  }
  return Object.is(got, want) || got === want ? undefined : `${at || '/'}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`;
}

export async function verifyCase(caseDir: string, options: VerifyOptions): Promise<string | undefined> {
  const configFile = path.join(caseDir, 'input.toml');
  const validationErrorFile = path.join(caseDir, 'expected_error.txt');
  if (fs.existsSync(validationErrorFile)) {
    const expected = fs.readFileSync(validationErrorFile, 'utf8').trim();
    try {
      planFromFile(configFile);
    } catch (error) {
      const message = (error as Error).message;
      return message.includes(expected) ? undefined : `expected a configuration error containing '${expected}', got: ${message}`;
    }
    return `expected a configuration error containing '${expected}', but the configuration is valid`;
  }
  let plan: Plan;
  try {
    plan = planFromFile(configFile);
  } catch (error) {
    return `the configuration is invalid: ${(error as Error).message}`;
  }
  for (const workpool of options.modes) {
    // The classic pipeline runs a thread per step whatever --threads says: once is enough.
    for (const threads of workpool ? options.threads : options.threads.slice(0, 1)) {
      const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fq-verify-'));
      try {
        const problem = await runOnce(caseDir, plan, threads, workpool, workDir);
        if (problem) {
          if (options.keepFailuresIn) {
            const keep = path.join(options.keepFailuresIn, path.basename(caseDir));
            fs.mkdirSync(keep, { recursive: true });
            fs.cpSync(workDir, keep, { recursive: true });
          }
          return `${workpool ? 'workpool' : 'classic'} --threads ${threads}: ${problem}`;
        }
      } finally {
        fs.rmSync(workDir, { recursive: true, force: true });
      }
    }
  }
  return undefined;
}

export async function verifyCases(root: string, options: VerifyOptions): Promise<VerifyResult> {
  const cases = findCases(root);
  if (cases.length === 0) throw new HtsError('no test cases (folders with input.toml) found', root);
  const result: VerifyResult = { passed: 0, failed: 0, failures: [] };
  for (const caseDir of cases) {
    const name = path.relative(root, caseDir) || path.basename(caseDir);
    const reason = await verifyCase(caseDir, options);
    if (reason) {
      result.failed++;
      result.failures.push({ name, reason });
      options.log?.(`FAIL ${name}: ${reason}`);
    } else {
      result.passed++;
      options.log?.(`ok   ${name}`);
    }
  }
  return result;
}
