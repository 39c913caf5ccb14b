/**
 * mbf-fastq-processor's configuration → a Plan: everything the run needs, as plain data, checked
 * before any input is read. Sections: [input] (+ [input.options]), [[step]], [output], [options],
 * [benchmark]. Unknown keys, wrong types, unknown actions or segments, tags used before they are
 * made and tags made but never used are errors naming the key and its TOML line.
 */
import fs from 'node:fs';
import path from 'node:path';
import { HtsError } from '@shoal/hts';
import type { TagKind } from './block.js';
import { compressedFileName, compressionKey, defaultCompressionLevel } from './compression.js';
import { enumKey } from './config-keys.js';
import { plannedOutputFiles } from './output-names.js';
import type { InputPlan, OutputFormat, OutputPlan, Plan } from './plan.js';
import { findStep } from './steps/index.js';
import { parseBarcodeTables } from './barcodes.js';
import type { PlannedStep, StepEnvironment } from './steps/types.js';
import { normalizeKey, Table } from './table.js';
import { ConfigError, parseToml, type TomlDocument } from './toml.js';

const STDIN_MAGIC_PATH = '--stdin--';
/** More worker threads than this only costs memory and start-up time (each is a V8 isolate). */
const MAX_THREADS = 128;

function loadConfig(file: string): TomlDocument {
  let text: string;
  try {
    // `-`: the configuration comes on standard input (then no input can be '--stdin--').
    text = fs.readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    throw new HtsError(
      `cannot read the configuration: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
      file,
    );
  }
  return parseToml(text, file === '-' ? 'stdin' : file);
}

const SEGMENT_NAME = /^[A-Za-z0-9_]+$/;

function qualityByteKey(table: Table, key: string): number | undefined {
  if (!table.has(key)) {
    table.optional(() => undefined, key);
    return undefined;
  }
  const value = table.raw(key);
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 255) return value;
  if (typeof value === 'string' && value.length === 1 && value.charCodeAt(0) < 128) return value.charCodeAt(0);
  throw table.error('provide either a number (0..255) or a single ASCII character', key);
}

function parseInput(doc: TomlDocument): InputPlan {
  const raw = doc.data.input;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new ConfigError('missing [input] section (segment name = file or list of files)', doc.file, 1);
  const table = new Table(doc, ['input'], raw as Record<string, unknown>, '[input]');
  const optionsTable = table.subtable('options', '[input.options]');
  const interleaved = table.has('interleaved')
    ? table.stringList('interleaved')
    : (table.optional(() => undefined, 'interleaved'), undefined);
  const sourceKeys = Object.keys(raw).filter((k) => k !== 'options' && k !== 'interleaved');
  if (sourceKeys.length === 0) throw table.error('no segments: give e.g. read1 = "reads_R1.fq.gz"');
  const files: string[][] = [];
  for (const key of [...sourceKeys].sort()) {
    if (key.toLowerCase() === 'all' || key.toLowerCase().startsWith('_internal_'))
      throw table.error(`segment name '${key}' is reserved`, key);
    if (!SEGMENT_NAME.test(key)) throw table.error(`segment name '${key}' may hold only letters, digits and '_'`, key);
    const list = table.stringList(key);
    if (list.length === 0) throw table.error('no files given', key);
    files.push(list);
  }
  if (files.length > 1 && new Set(files.map((f) => f.length)).size > 1) throw table.error('every segment needs the same number of files');
  let segments = [...sourceKeys].sort(); // mbf: segment order is always alphabetical
  let interleavedFiles: string[] | undefined;
  if (interleaved) {
    if (sourceKeys.length !== 1) throw table.error('interleaved input takes exactly one source key', 'interleaved');
    if (interleaved.length < 2) throw table.error('interleaved needs at least two segment names', 'interleaved');
    for (const name of interleaved)
      if (!SEGMENT_NAME.test(name)) throw table.error(`segment name '${name}' may hold only letters, digits and '_'`, 'interleaved');
    if (new Set(interleaved).size !== interleaved.length) throw table.error('a segment is named twice', 'interleaved');
    segments = interleaved;
    interleavedFiles = files[0];
  }
  const all = interleavedFiles ?? files.flat();
  const acceptDuplicates =
    doc.data.options &&
    typeof doc.data.options === 'object' &&
    Object.entries(doc.data.options as Record<string, unknown>).some(([k, v]) => normalizeKey(k) === 'acceptduplicatefiles' && v === true);
  const named = all.filter((f) => f !== STDIN_MAGIC_PATH);
  // One file through two spellings (./a.fq and a.fq, a symbolic or hard link) is still read twice:
  // compare the files themselves, not their names.
  const identities = named.map(fileIdentity);
  const repeated = named.find((_, i) => identities.indexOf(identities[i]!) !== i);
  if (repeated !== undefined && !acceptDuplicates)
    throw table.error(`'${repeated}' is read twice (set options.accept_duplicate_files = true if that is meant)`);
  if (all.includes(STDIN_MAGIC_PATH) && all.length > 1 && all.filter((f) => f === STDIN_MAGIC_PATH).length > 1)
    throw table.error(`'${STDIN_MAGIC_PATH}' can be read only once`);
  let fastaFakeQuality: number | undefined;
  let bamIncludeMapped: boolean | undefined;
  let bamIncludeUnmapped: boolean | undefined;
  let readCommentChar = ' ';
  if (optionsTable) {
    fastaFakeQuality = qualityByteKey(optionsTable, 'fasta_fake_quality');
    bamIncludeMapped = optionsTable.has('bam_include_mapped')
      ? optionsTable.boolean('bam_include_mapped')
      : (optionsTable.optional(() => 0, 'bam_include_mapped'), undefined);
    bamIncludeUnmapped = optionsTable.has('bam_include_unmapped')
      ? optionsTable.boolean('bam_include_unmapped')
      : (optionsTable.optional(() => 0, 'bam_include_unmapped'), undefined);
    const comment = qualityByteKey(optionsTable, 'read_comment_character');
    if (comment !== undefined) readCommentChar = String.fromCharCode(comment);
    // Accepted for compatibility; shoal inflates with its own threads.
    for (const key of ['use_rapidgzip', 'build_rapidgzip_index']) optionsTable.optional(() => optionsTable.boolean(key), key);
    optionsTable.optional(() => optionsTable.integer('threads_per_segment', { min: 1 }), 'threads_per_segment');
    optionsTable.finish();
    if (bamIncludeMapped === false && bamIncludeUnmapped === false)
      throw optionsTable.error('bam_include_mapped and bam_include_unmapped are both false: nothing would be read', 'bam_include_unmapped');
  }
  table.finish();
  return {
    segments,
    files: interleavedFiles ? [] : files,
    sourceOrder: sourceKeys,
    interleavedFiles,
    fastaFakeQuality,
    bamIncludeMapped,
    bamIncludeUnmapped,
    readCommentChar,
  };
}

function parseOutput(doc: TomlDocument, input: InputPlan): OutputPlan | undefined {
  const raw = doc.data.output;
  if (raw === undefined) return undefined;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new ConfigError('[output] must be a table', doc.file, doc.lineOf(['output']));
  const table = new Table(doc, ['output'], raw as Record<string, unknown>, '[output]');
  const prefix = table.string('prefix');
  const format = enumKey(
    table,
    'format',
    { Fastq: 'Fastq', Fasta: 'Fasta', Bam: 'Bam', None: 'None' },
    { default: 'Fastq' },
  ).toLowerCase() as OutputFormat;
  const compression = compressionKey(table);
  const levelGiven = table.has('compression_level');
  const level = table.integer('compression_level', {
    default: defaultCompressionLevel(compression),
    min: 0,
    max: compression === 'Zstd' ? 22 : compression === 'Gzip' ? 9 : 0,
  });
  if (levelGiven && compression === 'Uncompressed' && level !== 0)
    throw table.error('a compression level needs compressed output', 'compression_level');
  table.optional(() => table.integer('compression_threads', { min: 1 }), 'compression_threads');
  const suffixGiven = table.has('suffix') ? table.string('suffix') : (table.optional(() => 0, 'suffix'), undefined);
  const ixSeparator = table.string('ix_separator', { default: '_' });
  if (/[/\\:]/.test(ixSeparator) || ixSeparator === '')
    throw table.error("ix_separator may not be empty or contain '/', '\\' or ':'", 'ix_separator');
  const stdout = table.boolean('stdout', { default: false });
  const interleaveNames = table.has('interleave') ? table.stringList('interleave') : (table.optional(() => 0, 'interleave'), undefined);
  const outputNames = table.has('output') ? table.stringList('output') : (table.optional(() => 0, 'output'), undefined);
  const chunkSize = table.has('chunksize') ? table.integer('chunksize', { min: 1 }) : (table.optional(() => 0, 'chunksize'), undefined);
  const hashUncompressed = table.boolean('output_hash_uncompressed', { default: false });
  const hashCompressed = table.boolean('output_hash_compressed', { default: false });
  const reports = {
    json: table.boolean('report_json', { default: false }),
    html: table.boolean('report_html', { default: false }),
    timing: table.boolean('report_timing', { default: false }),
    names: [] as string[],
  };
  if (reports.timing && !reports.json)
    throw table.error('report_timing adds the per-step timings to the JSON report: set report_json = true too', 'report_timing');
  table.finish();
  const resolve = (names: string[], key: string): number[] => {
    const seen = new Set<string>();
    return names.map((name) => {
      const index = input.segments.indexOf(name);
      if (index < 0) throw table.error(`segment '${name}' is not in [input] (${input.segments.map((s) => `'${s}'`).join(', ')})`, key);
      if (seen.has(name)) throw table.error(`segment '${name}' is listed twice`, key);
      seen.add(name);
      return index;
    });
  };
  if (stdout && outputNames) throw table.error("cannot give both 'stdout' and 'output'", 'stdout');
  if (stdout && chunkSize !== undefined) throw table.error('chunks are files: not with stdout = true', 'chunksize');
  if (suffixGiven !== undefined && /[/\\]/.test(suffixGiven)) throw table.error("a suffix may not contain '/' or '\\'", 'suffix');
  if (format === 'bam' && stdout) throw table.error("output to stdout is not supported when format = 'Bam'", 'stdout');
  if (format === 'bam' && compression !== 'Uncompressed')
    throw table.error("BAM output is always BGZF-compressed; leave 'compression' out", 'compression');
  if (format === 'bam' && hashUncompressed)
    throw table.error("uncompressed hashing is not supported when format = 'Bam'", 'output_hash_uncompressed');
  let interleave = interleaveNames ? resolve(interleaveNames, 'interleave') : undefined;
  if (stdout && !interleave) interleave = input.segments.map((_, i) => i);
  if (interleave && interleave.length < 2 && !stdout) throw table.error('must contain at least two segments to interleave', 'interleave');
  let segments = outputNames ? resolve(outputNames, 'output') : interleave ? [] : input.segments.map((_, i) => i);
  if (interleave) {
    const both = segments.filter((s) => interleave!.includes(s));
    if (both.length) throw table.error(`segment '${input.segments[both[0]!]}' is both interleaved and written on its own`, 'output');
  }
  if (format === 'none') segments = [];
  const base = format === 'fastq' ? 'fq' : format === 'fasta' ? 'fasta' : format === 'bam' ? 'bam' : '';
  const suffix = suffixGiven ?? (format === 'none' ? '' : format === 'bam' ? base : compressedFileName(base, compression));
  return {
    prefix,
    format,
    compression: format === 'bam' ? 'Uncompressed' : compression,
    level,
    suffix,
    ixSeparator,
    stdout,
    interleave: format === 'none' ? undefined : interleave,
    segments,
    chunkSize,
    hashUncompressed,
    hashCompressed,
    reports,
  };
}

/** Parses and checks a whole configuration. */
export function planFromDocument(doc: TomlDocument): Plan {
  for (const key of Object.keys(doc.data)) {
    if (!['input', 'step', 'output', 'options', 'benchmark', 'barcodes'].includes(key)) {
      throw new ConfigError(`unknown section '${key}' (expected input, step, output, options, benchmark)`, doc.file, doc.lineOf([key]));
    }
  }
  const input = parseInput(doc);
  const output = parseOutput(doc, input);

  const optionsTable =
    doc.data.options !== undefined ? new Table(doc, ['options'], doc.data.options as Record<string, unknown>, '[options]') : undefined;
  const threads = optionsTable?.has('threads', ['thread_count'])
    ? optionsTable.integer('threads', { aliases: ['thread_count'], min: 1, max: MAX_THREADS })
    : undefined;
  const blockSize = optionsTable ? optionsTable.integer('block_size', { default: 10000, min: 1 }) : 10000;
  const maxBlocksInFlight = optionsTable ? optionsTable.integer('max_blocks_in_flight', { default: 100, min: 1 }) : 100;
  const spotCheck = optionsTable ? optionsTable.boolean('spot_check_read_pairing', { default: true }) : true;
  if (optionsTable) {
    optionsTable.optional(() => optionsTable.integer('buffer_size', { min: 1 }), 'buffer_size');
    optionsTable.optional(() => optionsTable.integer('output_buffer_size', { min: 1 }), 'output_buffer_size');
    optionsTable.optional(() => optionsTable.boolean('accept_duplicate_files'), 'accept_duplicate_files');
    optionsTable.finish();
  }

  let benchmark: Plan['benchmark'];
  if (doc.data.benchmark !== undefined) {
    const table = new Table(doc, ['benchmark'], doc.data.benchmark as Record<string, unknown>, '[benchmark]');
    const enable = table.boolean('enable', { default: false });
    const moleculeCount = table.integer('molecule_count', { min: 1 });
    const quiet = table.boolean('quiet', { default: false });
    table.finish();
    if (enable) benchmark = { moleculeCount, quiet };
  }

  const env: StepEnvironment = {
    barcodeTables: parseBarcodeTables(doc),
    segments: input.segments,
    tags: new Map<string, TagKind>(),
    output: {
      prefix: output?.prefix ?? 'output',
      ixSeparator: output?.ixSeparator ?? '_',
      directory: '.',
      configured: output !== undefined,
    },
    stepIndex: 0,
    readCommentChar: input.readCommentChar,
  };
  const tags = env.tags as Map<string, TagKind>;
  /** For the unused-tag check: where each live tag was made, and whether anything used it. */
  const made = new Map<string, { table: Table; used: boolean }>();
  const steps: PlannedStep[] = [];
  const sideFiles: string[] = [];
  const rawSteps = doc.data.step === undefined ? [] : doc.data.step;
  if (!Array.isArray(rawSteps)) throw new ConfigError('step must be written as [[step]] tables', doc.file, doc.lineOf(['step']));
  rawSteps.forEach((raw, index) => {
    const data = raw as Record<string, unknown>;
    const actionValue = data.action;
    const where = new Table(doc, ['step', index], data, `[[step]] ${index + 1}`);
    if (typeof actionValue !== 'string')
      throw where.error(
        "missing 'action' (the step's name, e.g. action = 'Head')",
        typeof actionValue === 'undefined' ? undefined : 'action',
      );
    const definition = findStep(actionValue);
    if (!definition) throw where.error(`unknown action '${actionValue}' (fq-transform template lists the actions)`, 'action');
    const table = new Table(doc, ['step', index], data, `[[step]] ${index + 1} (${definition.action})`);
    table.string('action');
    env.stepIndex = index;
    const config = definition.parse(table, env);
    table.finish();
    if (env.demultiplex && definition.needsSerial?.(config) && !definition.followsDemultiplex)
      throw table.error(
        `${definition.action} after a Demultiplex step is not supported yet (its state would have to be kept per output); put it before the Demultiplex step`,
        'action',
      );
    const forked = definition.forks?.(config);
    if (forked) env.demultiplex = forked;
    if (definition.needsWholeInput) env.wholeInputNeeded = true;
    const reportName = definition.reportName?.(config);
    if (reportName !== undefined) {
      if (!output?.reports.json && !output?.reports.html)
        throw table.error('a Report step needs report_json = true or report_html = true in [output]', 'action');
      if (output.reports.names.includes(reportName)) throw table.error(`a report named '${reportName}' is already defined`, 'name');
      output.reports.names.push(reportName);
    }
    for (const label of definition.uses?.(config) ?? []) {
      if (!tags.has(label)) throw table.error(`tag '${label}' is not set by any earlier step`);
      const entry = made.get(label);
      if (entry) entry.used = true;
    }
    const removes = definition.removes?.(config);
    for (const label of removes === 'all' ? [...tags.keys()] : (removes ?? [])) {
      if (!tags.has(label)) throw table.error(`tag '${label}' is not set by any earlier step`);
      const entry = made.get(label);
      if (entry) entry.used = true;
      tags.delete(label);
    }
    for (const declared of definition.declares?.(config) ?? []) {
      if (tags.has(declared.label)) throw table.error(`tag '${declared.label}' is already set by an earlier step`);
      tags.set(declared.label, declared.kind);
      made.set(declared.label, { table, used: false });
    }
    sideFiles.push(...(definition.sideFiles?.(config) ?? []));
    steps.push({
      action: definition.action,
      config,
      needsSerial: definition.needsSerial?.(config) ?? false,
      stateStaysHome: definition.stateStaysHome,
      label: `${index + 1} ${definition.action}`,
    });
  });
  for (const [label, entry] of made) {
    if (!entry.used) throw entry.table.error(`tag '${label}' is made but never used (use it in a later step, or ForgetTag it)`);
  }
  const checksPairing = steps.some((s) => s.action === 'ValidateName' || s.action === 'ValidateReadPairing');
  if (input.segments.length > 1 && spotCheck && !checksPairing && !benchmark) {
    // mbf injects a read-pairing spot check for several segments (options.spot_check_read_pairing).
    const pairing = findStep('ValidateReadPairing');
    if (pairing) {
      const synthetic = parseToml("[[step]]\naction = 'ValidateReadPairing'\n", doc.file);
      const table = new Table(
        synthetic,
        ['step', 0],
        (synthetic.data.step as Record<string, unknown>[])[0]!,
        '[[step]] (ValidateReadPairing, added because there are several segments)',
      );
      table.string('action');
      const config = pairing.parse(table, { ...env, stepIndex: -1 });
      steps.unshift({
        action: pairing.action,
        config,
        needsSerial: pairing.needsSerial?.(config) ?? false,
        label: `0 ${pairing.action} (auto)`,
      });
    }
  }
  if (output?.reports.json) sideFiles.push(`${output.prefix}.json`);
  if (output?.reports.html) sideFiles.push(`${output.prefix}.html`);
  if (output && env.demultiplex) {
    if (output.stdout)
      throw new ConfigError(
        '[output] stdout = true cannot take demultiplexed output (one stream for several outputs)',
        doc.file,
        doc.lineOf(['output', 'stdout']),
      );
    output.demultiplex = env.demultiplex.outputs.filter((entry): entry is [number, string] => entry[1] !== null);
  }
  const plan: Plan = { configFile: doc.file, input, steps, output, blockSize, threads, maxBlocksInFlight, benchmark, sideFiles };
  // Two outputs with one name would overwrite each other (a segment named like an Inspect file, two
  // Inspect steps with one infix, a suffix like a table's).
  const seen = new Set<string>();
  for (const file of [...plannedOutputFiles(plan), ...sideFiles]) {
    const key = path.normalize(file);
    if (seen.has(key))
      throw new ConfigError(
        `two outputs would be written to the same file '${file}': change a prefix, infix, suffix or segment name`,
        doc.file,
        doc.lineOf(['output']),
      );
    seen.add(key);
  }
  return plan;
}

export function planFromFile(file: string): Plan {
  const plan = planFromDocument(loadConfig(file));
  const inputs = plan.input.interleavedFiles ?? plan.input.files.flat();
  if (file === '-' && inputs.includes(STDIN_MAGIC_PATH))
    throw new ConfigError(`the configuration was read from stdin, so no input can be '${STDIN_MAGIC_PATH}'`, 'stdin');
  return plan;
}

/** Where an input file is, given the directory relative paths start from. */
export function resolveInputPath(file: string, baseDirectory: string): string {
  if (file === STDIN_MAGIC_PATH) return '-';
  return path.resolve(baseDirectory, file);
}

/**
 * What makes a file itself: its device and inode (one for every path to it: spellings, symbolic
 * and hard links), or its spelling when it cannot be read (a missing file is reported where it is
 * opened).
 */
function fileIdentity(file: string): string {
  try {
    const stat = fs.statSync(file);
    return `${stat.dev}:${stat.ino}`;
  } catch {
    return `path:${file}`;
  }
}
