/**
 * `shoal mods`: baleen's run_pipeline_streaming as a thin orchestrator of shoal's executables.
 *
 *  1. check the inputs, index what has no index (.bai, .idx, .fai);
 *  2. per condition, the read-id intersection BAM ∩ FASTQ ∩ BLOW5 and per-contig statistics (plan.ts);
 *  3. the depth filter, each contig's reason reported; --target-contigs;
 *  4. the plan, written under <output-dir>/per_contig/plan/: per contig the reads to align (intersected, subsampled),
 *     the candidate sites (BED) and the pipe as a shell command; the parameters' fingerprint in
 *     per_contig/.run_params.json (--resume checks it; the Snakemake workflow reads the plan);
 *  5. per contig `eventalign (native) + eventalign (ivt) | dtw-gpu | hmm-smooth` writing per_contig/<contig>.tsv and
 *     .bam, --threads contigs in flight (jobs.ts), a job log, a halt policy;
 *  6. merge-slices into site_results.tsv and read_results.bam, a JSON summary.
 *
 * Everything the outputs depend on is in the fingerprint; nothing else (paths of the output folder, --threads,
 * --resume, timing) reaches them, so a resumed run, a run at another --threads and the Snakemake run are equal.
 */
import { AtomicFile, HtsError, IndexedFastaReader, openAlignments, writeFileAtomic } from '@shoal/hts';
import { mergeSlices, SITE_TSV_HEADER, type ScoreMethod } from '@shoal/nanopore';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fanOut, JOBLOG_HEADER, joblogLine, releaseFifos, type HaltPolicy, type Job, type JobOutcome, type PipeStage } from './jobs.js';
import {
  CONDITIONS,
  ensureIndexes,
  filterContigs,
  motifSitesBed,
  planCondition,
  requireInputFile,
  subsampleReads,
  type Condition,
  type ConditionInputs,
  type ContigFilterResult,
  type DepthMode,
  type IntersectionCounts,
} from './plan.js';

export interface ModsOptions {
  inputs: Record<Condition, ConditionInputs>;
  reference: string;
  outputDir: string;
  minDepth: number;
  depthMode: DepthMode;
  minMapq: number;
  primaryOnly: boolean;
  padding: number;
  subsample: boolean;
  subsampleN: number;
  seed: number;
  targetContigs?: string[];
  modThreshold: number;
  writeBam: boolean;
  runHmm: boolean;
  hmmParams?: string;
  /** hmm-smooth's --score (the seed's legacy_scoring is `ivt-distance`). */
  score: ScoreMethod;
  readIntersection: boolean;
  /** IUPAC motif whose sites (± motifFlank) DTW computes; undefined: every position. */
  motif?: string;
  motifFlank: number;
  kmerModel?: string;
  pore: string;
  keepIntermediate: boolean;
  cleanupTemp: boolean;
  /** Contigs in flight. */
  threads: number;
  device: 'auto' | 'cuda' | 'cpu';
  cudaDevices?: string;
  cudaStreams: number;
  gpuMemoryLimit?: string;
  resume: boolean;
  halt: HaltPolicy;
  /** Stop after writing the plan (the Snakemake workflow runs the contigs). */
  planOnly: boolean;
  log: (line: string) => void;
  /** Warnings and failed contigs: shown even with --quiet. */
  warn: (line: string) => void;
  /** A contig finished (for a progress bar). */
  onContigDone?: (done: number, total: number) => void;
}

export interface ModsSummary {
  site_tsv: string | null;
  read_bam: string | null;
  per_contig_dir: string | null;
  n_total_sites: number;
  n_significant: number;
  n_contigs_total: number;
  n_contigs_passed_filter: number;
  n_contigs_skipped: number;
  n_contigs_resumed: number;
  failed_contigs: string[];
  contig_filter: Record<string, number>;
  reads: Record<Condition, IntersectionCounts>;
  contigs: {
    contig: string;
    passed: boolean;
    reason: string;
    native_reads: number;
    ivt_reads: number;
    native_depth: number;
    ivt_depth: number;
  }[];
}

/** Exit code of a run that finished with failed contigs: outputs hold the others (baleen merges the rest too). */
export const EXIT_SOME_CONTIGS_FAILED = 3;

export class ModsFailure extends Error {
  constructor(
    message: string,
    readonly summary: ModsSummary,
  ) {
    super(message);
  }
}

/** A usage-level refusal (exit 2): the folder holds a run with other parameters. */
export class ResumeMismatch extends Error {}

const PARAMS_FILE = '.run_params.json';
const packagesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const toolPath = (tool: string): string => path.join(packagesDir, tool, 'bin', `${tool}.js`);

/** A contig's file stem: safe characters kept, the rest (and a leading dot) as %XX, so every name maps to one file. */
export function sliceName(contig: string): string {
  // `u`: a character outside the BMP is one match (its UTF-8 bytes), not two lone surrogates that would both encode
  // as U+FFFD and make different names collide.
  const escaped = contig.replace(/[^A-Za-z0-9_.+-]|^\./gu, (c) =>
    [...Buffer.from(c, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );
  // File names end at 255 bytes, and the plan adds `.native.ids.tmp-<pid>-<random>`: a long name keeps its start and
  // gains a hash of the whole name, still one file per name.
  if (escaped.length <= MAX_SLICE_NAME) return escaped;
  return `${escaped.slice(0, MAX_SLICE_NAME - 17)}~${createHash('sha1').update(contig).digest('hex').slice(0, 16)}`;
}

const MAX_SLICE_NAME = 180;

/** shell-quoting for the plan's commands and the job log. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=,+%@-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The run-affecting parameters, in a fixed order: the fingerprint, and the CL of read_results.bam's @PG. */
function parameters(options: ModsOptions): Record<string, unknown> {
  const stat = (file: string): { path: string; size: number; mtime_ms: number } => {
    const s = fs.statSync(file);
    return { path: path.resolve(file), size: s.size, mtime_ms: Math.floor(s.mtimeMs) };
  };
  return {
    inputs: {
      native_bam: stat(options.inputs.native.bam),
      native_fastq: stat(options.inputs.native.fastq),
      native_blow5: stat(options.inputs.native.blow5),
      ivt_bam: stat(options.inputs.ivt.bam),
      ivt_fastq: stat(options.inputs.ivt.fastq),
      ivt_blow5: stat(options.inputs.ivt.blow5),
      ref: stat(options.reference),
      kmer_model: options.kmerModel === undefined ? null : stat(options.kmerModel),
      hmm_params: options.hmmParams === undefined ? null : stat(options.hmmParams),
    },
    min_depth: options.minDepth,
    depth_mode: options.depthMode,
    min_mapq: options.minMapq,
    primary_only: options.primaryOnly,
    padding: options.padding,
    subsample: options.subsample,
    subsample_n: options.subsampleN,
    seed: options.seed,
    target_contigs: options.targetContigs ?? null,
    mod_threshold: options.modThreshold,
    write_bam: options.writeBam,
    run_hmm: options.runHmm,
    // The score, not the seed's legacy_scoring flag: a run planned before hmm-smooth's default became `level`
    // recorded legacy_scoring, so resuming it under the new default is refused rather than mixing two scores.
    score: options.score,
    read_intersection: options.readIntersection,
    motif: options.motif ?? null,
    motif_flank: options.motifFlank,
    pore: options.pore,
  };
}

/** The @PG CL of read_results.bam: the parameters, no paths (which differ between equal runs). */
function programCommandLine(options: ModsOptions): string {
  const words = [
    'shoal mods',
    `--min-depth ${options.minDepth}`,
    `--depth-mode ${options.depthMode}`,
    `--min-mapq ${options.minMapq}`,
    options.primaryOnly ? '--primary-only' : '--no-primary-only',
    `--padding ${options.padding}`,
    options.subsample ? `--subsample --subsample-n ${options.subsampleN} --seed ${options.seed}` : '--no-subsample',
    options.targetContigs === undefined ? '' : `--target-contigs ${options.targetContigs.join(',')}`,
    `--mod-threshold ${options.modThreshold}`,
    options.runHmm ? '--run-hmm' : '--no-run-hmm',
    options.hmmParams === undefined ? '' : `--hmm-params ${path.basename(options.hmmParams)}`,
    `--score ${options.score}`,
    options.readIntersection ? '--read-intersection' : '--no-read-intersection',
    `--motif ${options.motif ?? 'any'}`,
    options.motif === undefined ? '' : `--motif-flank ${options.motifFlank}`,
    options.kmerModel === undefined ? `--pore ${options.pore}` : `--kmer-model ${path.basename(options.kmerModel)}`,
  ];
  return words.filter((word) => word !== '').join(' ');
}

interface ContigWork {
  contig: string;
  slice: string;
  stages: PipeStage[];
  display: string;
  files: {
    tsv: string;
    bam?: string;
    nativeIds: string;
    ivtIds: string;
    bed?: string;
    stderr: string;
    nativeFifo: string;
    ivtFifo: string;
  };
}

/** The per-contig pipe, as processes (no shell) and as the shell command the plan and the job log show. */
function contigWork(options: ModsOptions, perContig: string, planDir: string, contig: string): ContigWork {
  const slice = sliceName(contig);
  const files = {
    tsv: path.join(perContig, `${slice}.tsv`),
    bam: options.writeBam ? path.join(perContig, `${slice}.bam`) : undefined,
    nativeIds: path.join(planDir, `${slice}.native.ids`),
    ivtIds: path.join(planDir, `${slice}.ivt.ids`),
    bed: options.motif === undefined ? undefined : path.join(planDir, `${slice}.sites.bed`),
    stderr: path.join(planDir, `${slice}.log`),
    // eventalign writes into these FIFOs and dtw-gpu reads them: the two streams without a shell (a socket, which
    // is what a spawned child's pipe is, cannot be opened again through /dev/fd).
    nativeFifo: path.join(planDir, `${slice}.native.fifo`),
    ivtFifo: path.join(planDir, `${slice}.ivt.fifo`),
  };
  const node = process.execPath;
  const model = options.kmerModel === undefined ? ['--pore', options.pore] : ['--kmer-model', options.kmerModel];
  const eventalign = (condition: Condition): string[] => [
    toolPath('eventalign'),
    '-b',
    options.inputs[condition].bam,
    '-g',
    options.reference,
    '--slow5',
    options.inputs[condition].blow5,
    '--read-ids',
    condition === 'native' ? files.nativeIds : files.ivtIds,
    '--contig',
    contig,
    '--format',
    'frames',
    '--condition',
    condition,
    '--min-mapq',
    String(options.minMapq),
    ...model,
    '-t',
    '1',
    '-q',
  ];
  const fifo = (condition: Condition): string => (condition === 'native' ? files.nativeFifo : files.ivtFifo);
  const dtwOptions = [
    '--padding',
    String(options.padding),
    ...(files.bed === undefined ? [] : ['--positions', files.bed]),
    '--device',
    options.device,
    ...(options.cudaDevices === undefined ? [] : ['--cuda-devices', options.cudaDevices]),
    '--cuda-streams',
    String(options.cudaStreams),
    ...(options.gpuMemoryLimit === undefined ? [] : ['--gpu-memory-limit', options.gpuMemoryLimit]),
    '-t',
    '1',
    '-q',
  ];
  const hmm = [
    toolPath('hmm-smooth'),
    '-',
    '--site-tsv',
    files.tsv,
    ...(files.bam === undefined
      ? []
      : ['--read-bam', files.bam, '--native-bam', options.inputs.native.bam, '--ivt-bam', options.inputs.ivt.bam]),
    '--mod-threshold',
    String(options.modThreshold),
    ...(options.runHmm ? [] : ['--no-hmm']),
    ...(options.hmmParams === undefined ? [] : ['--hmm-params', options.hmmParams]),
    '--score',
    options.score,
    '-o',
    '/dev/null',
    '-q',
  ];
  const stages: PipeStage[] = [
    { name: 'eventalign', command: node, args: [...eventalign('native'), '-o', fifo('native')] },
    { name: 'eventalign', command: node, args: [...eventalign('ivt'), '-o', fifo('ivt')] },
    { name: 'dtw-gpu', command: node, args: [toolPath('dtw-gpu'), fifo('native'), fifo('ivt'), ...dtwOptions], piped: true },
    { name: 'hmm-smooth', command: node, args: hmm, inputs: [2] },
  ];
  const q = (words: string[]): string => [node, ...words].map(shellQuote).join(' ');
  const display = `${q([toolPath('dtw-gpu'), '<(EA_NATIVE)', '<(EA_IVT)', ...dtwOptions])} | ${q(hmm)}`
    // Function replacements: a `$&` or `$'` in a contig name or path is text, not a replacement pattern.
    .replace("'<(EA_NATIVE)'", () => `<(${q(eventalign('native'))})`)
    .replace("'<(EA_IVT)'", () => `<(${q(eventalign('ivt'))})`);
  return { contig, slice, stages, display, files };
}

function sliceComplete(work: ContigWork): boolean {
  return (
    fs.existsSync(work.files.tsv) &&
    (work.files.bam === undefined || (fs.existsSync(work.files.bam) && fs.existsSync(`${work.files.bam}.bai`)))
  );
}

/**
 * Temporary files of an earlier run that was killed (io/atomic.ts names them `.<name>.tmp-<pid>-<random>`), or of
 * one slice's stages after they were stopped (a SIGKILL after the grace leaves them).
 */
export function removeStaleTemporaries(folder: string, slice?: string): void {
  // A slice's own outputs only: `tx3`'s cleanup must not take `tx3.a`'s live `.tx3.a.tsv.tmp-…`.
  const ours = (name: string): boolean =>
    slice === undefined ||
    ['tsv', 'bam', 'bam.bai'].some(
      (extension) =>
        name.startsWith(`.${slice}.${extension}.tmp-`) && /^\d+-[a-z0-9]+$/.test(name.slice(slice.length + extension.length + 7)),
    );
  for (const name of fs.readdirSync(folder))
    if (/^\..*\.tmp-\d+-[a-z0-9]+$/.test(name) && ours(name)) fs.rmSync(path.join(folder, name), { force: true });
}

export async function runMods(options: ModsOptions): Promise<ModsSummary> {
  const { log } = options;
  // 1. Inputs.
  for (const condition of CONDITIONS) {
    requireInputFile(options.inputs[condition].bam, `${condition} BAM`);
    requireInputFile(options.inputs[condition].fastq, `${condition} FASTQ`);
    requireInputFile(options.inputs[condition].blow5, `${condition} BLOW5`);
  }
  requireInputFile(options.reference, 'reference FASTA');
  if (options.kmerModel !== undefined) requireInputFile(options.kmerModel, 'k-mer model');
  if (options.hmmParams !== undefined) requireInputFile(options.hmmParams, 'HMM parameters');
  await ensureIndexes(options.inputs, options.reference, log);
  const native = await openAlignments(options.inputs.native.bam);
  const ivt = await openAlignments(options.inputs.ivt.bam);
  const order = native.header.references.map((reference) => ({ name: reference.name, length: reference.length }));
  const sameReferences =
    order.length === ivt.header.references.length &&
    ivt.header.references.every((reference, i) => reference.name === order[i]!.name && reference.length === order[i]!.length);
  native.close();
  ivt.close();
  if (!sameReferences)
    throw new HtsError(
      `its reference sequences differ from those of ${options.inputs.native.bam}: both must be aligned to one reference`,
      options.inputs.ivt.bam,
    );

  // 2. Intersection and statistics.
  const selection = { minMapq: options.minMapq, primaryOnly: options.primaryOnly, readIntersection: options.readIntersection };
  const plans = { native: await planCondition(options.inputs.native, selection), ivt: await planCondition(options.inputs.ivt, selection) };
  for (const condition of CONDITIONS) {
    const c = plans[condition].counts;
    if (options.readIntersection)
      log(
        `${condition}: ${c.bamReads.toLocaleString('en-US')} BAM reads with MAPQ >= ${options.minMapq}${options.primaryOnly ? ' (primary)' : ''}, ${c.fastqReads.toLocaleString('en-US')} in the FASTQ, ${c.blow5Reads.toLocaleString('en-US')} in the BLOW5: ${c.kept.toLocaleString('en-US')} in all three`,
      );
    if (options.readIntersection && c.bamReads > 0 && c.kept === 0)
      options.warn(
        `warning: no ${condition} read is in all of its BAM, FASTQ and BLOW5 (first BAM read: ${c.firstNotInFastq ?? c.firstNotInBlow5 ?? '?'}, missing from the ${c.firstNotInFastq !== undefined ? 'FASTQ' : 'BLOW5'}): do they come from one run?`,
      );
  }

  // 3. Filter.
  const reference = IndexedFastaReader.open(options.reference);
  let filters: ContigFilterResult[];
  try {
    filters = filterContigs(order, plans.native.contigs, plans.ivt.contigs, {
      minDepth: options.minDepth,
      depthMode: options.depthMode,
      reference,
      targets: options.targetContigs,
      sitesAsBed: options.motif !== undefined,
    });
  } catch (error) {
    reference.close();
    throw error;
  }
  for (const result of filters)
    if (!result.passed && result.reason !== 'not in --target-contigs')
      log(
        `skip ${result.contig}: ${result.reason} (native ${formatDepth(result.nativeDepth)}, ivt ${formatDepth(result.ivtDepth)}, --min-depth ${options.minDepth} ${options.depthMode})`,
      );
  if (options.targetContigs !== undefined) {
    const known = new Map(filters.map((result) => [result.contig, result]));
    for (const target of options.targetContigs) {
      const result = known.get(target);
      if (result === undefined) options.warn(`warning: target contig ${target} has no kept read in either condition`);
      else if (!result.passed) options.warn(`warning: target contig ${target} does not pass: ${result.reason}`);
    }
  }
  const passed = filters.filter((result) => result.passed).map((result) => result.contig);

  // 4. The plan and the fingerprint.
  const outputDir = options.outputDir;
  const perContig = path.join(outputDir, 'per_contig');
  const planDir = path.join(perContig, 'plan');
  const paramsPath = path.join(perContig, PARAMS_FILE);
  const params = { ...parameters(options), command_line: programCommandLine(options) };
  const paramsText = `${JSON.stringify(params, null, 2)}\n`;
  let resumed = new Set<string>();
  if (options.resume && fs.existsSync(paramsPath)) {
    const before = fs.readFileSync(paramsPath, 'utf8');
    if (before !== paramsText) {
      let earlier: Record<string, unknown>;
      try {
        earlier = JSON.parse(before) as Record<string, unknown>;
      } catch {
        throw new ResumeMismatch(`${paramsPath}: not the JSON shoal mods writes: rerun without --resume to start over`);
      }
      const differing = differingKeys(earlier, params);
      throw new ResumeMismatch(
        `${paramsPath}: the run there used other parameters or inputs (${differing.join(', ')}): rerun without --resume to start over, or with that run's parameters`,
      );
    }
  } else if (fs.existsSync(perContig)) {
    // A fresh run: nothing of an earlier run in this folder may be taken for this one's.
    fs.rmSync(perContig, { recursive: true, force: true });
    if (options.resume) log(`resume: no ${PARAMS_FILE} in ${perContig}; starting afresh`);
  } else if (options.resume) log(`resume: no ${perContig}; starting afresh`);
  // The final outputs of an earlier run in this folder go now: a run that fails must not leave them looking like its
  // own (and --no-write-bam must not leave an old read_results.bam beside the new table).
  if (!options.planOnly)
    for (const name of ['site_results.tsv', 'read_results.bam', 'read_results.bam.bai', 'summary.json'])
      fs.rmSync(path.join(outputDir, name), { force: true });
  fs.mkdirSync(planDir, { recursive: true });
  removeStaleTemporaries(perContig);
  removeStaleTemporaries(planDir);
  writeFileAtomic(paramsPath, paramsText);

  const works: ContigWork[] = [];
  try {
    for (const contig of passed) {
      const work = contigWork(options, perContig, planDir, contig);
      works.push(work);
      const ids = (condition: Condition): string =>
        subsampleReads(plans[condition].contigs.get(contig)!.reads, options.subsample ? options.subsampleN : undefined, options.seed)
          .map((read) => `${read}\n`)
          .join('');
      writeFileAtomic(work.files.nativeIds, ids('native'));
      writeFileAtomic(work.files.ivtIds, ids('ivt'));
      if (work.files.bed !== undefined) {
        const sequence = reference.fetch(contig, 0, reference.sequenceLength(contig));
        writeFileAtomic(work.files.bed, motifSitesBed(contig, sequence, options.motif!, options.motifFlank));
      }
    }
  } finally {
    reference.close();
  }
  writeFileAtomic(
    path.join(planDir, 'contigs.tsv'),
    `contig\tslice\tcommand\n${works.map((work) => `${work.contig}\t${work.slice}\t${work.display}\n`).join('')}`,
  );
  if (options.resume) {
    resumed = new Set(works.filter(sliceComplete).map((work) => work.contig));
    if (resumed.size > 0) log(`resume: ${resumed.size} of ${works.length} contigs already done in ${perContig}`);
  }

  const summary: ModsSummary = {
    site_tsv: null,
    read_bam: null,
    per_contig_dir: null,
    n_total_sites: 0,
    n_significant: 0,
    n_contigs_total: filters.length,
    n_contigs_passed_filter: passed.length,
    n_contigs_skipped: filters.length - passed.length,
    n_contigs_resumed: resumed.size,
    failed_contigs: [],
    contig_filter: countReasons(filters),
    reads: { native: plans.native.counts, ivt: plans.ivt.counts },
    contigs: filters.map((result) => ({
      contig: result.contig,
      passed: result.passed,
      reason: result.reason,
      native_reads: result.nativeReads,
      ivt_reads: result.ivtReads,
      native_depth: round6(result.nativeDepth),
      ivt_depth: round6(result.ivtDepth),
    })),
  };
  if (options.planOnly) {
    log(`plan: ${works.length} contigs in ${path.join(planDir, 'contigs.tsv')}`);
    summary.per_contig_dir = perContig;
    return summary;
  }

  // 5. The contigs.
  const todo = works.filter((work) => !resumed.has(work.contig));
  const joblog = fs.openSync(path.join(outputDir, 'joblog'), options.resume ? 'a' : 'w');
  if (!options.resume || fs.fstatSync(joblog).size === 0) fs.writeSync(joblog, JOBLOG_HEADER);
  const jobs: Job[] = todo.map((work) => ({
    label: work.contig,
    stages: work.stages,
    display: work.display,
    stderrFile: work.files.stderr,
    fifos: [work.files.nativeFifo, work.files.ivtFifo],
    prepare: () => {
      fs.writeFileSync(work.files.stderr, '');
      // A run stopped by SIGKILL can leave its stages blocked on these FIFOs: let them go before replacing them.
      releaseFifos([work.files.nativeFifo, work.files.ivtFifo]);
      for (const fifo of [work.files.nativeFifo, work.files.ivtFifo]) {
        fs.rmSync(fifo, { force: true });
        const made = spawnSync('mkfifo', [fifo], { encoding: 'utf8' });
        if (made.status !== 0) throw new HtsError(`cannot make a FIFO: ${made.error?.message ?? made.stderr.trim()}`, fifo);
      }
    },
    cleanup: () => {
      for (const fifo of [work.files.nativeFifo, work.files.ivtFifo]) fs.rmSync(fifo, { force: true });
      removeStaleTemporaries(perContig, work.slice);
    },
  }));
  const failed: JobOutcome[] = [];
  const stoppedByHalt: string[] = [];
  let halted = false;
  try {
    const result = await fanOut(jobs, {
      jobs: options.threads,
      halt: options.halt,
      onDone: (outcome, done) => {
        fs.writeSync(joblog, joblogLine(outcome));
        if (outcome.haltedByOthers === true) stoppedByHalt.push(outcome.job.label);
        else if (outcome.exitCode !== 0) {
          failed.push(outcome);
          options.warn(
            `contig ${outcome.job.label} failed: ${outcome.failure ?? `exit ${outcome.exitCode}`} (log: ${outcome.job.stderrFile})`,
          );
        }
        options.onContigDone?.(done + resumed.size, works.length);
      },
    });
    halted = result.halted;
  } finally {
    fs.closeSync(joblog);
  }
  summary.failed_contigs = failed.map((outcome) => outcome.job.label).sort();
  if (halted)
    throw new ModsFailure(
      `stopped by --halt after ${failed.length} failed contig${failed.length === 1 ? '' : 's'} (${summary.failed_contigs.join(', ')})${stoppedByHalt.length > 0 ? `, stopping ${stoppedByHalt.sort().join(', ')}` : ''}; finished contigs stay in ${perContig}: rerun with --resume`,
      summary,
    );

  // 6. Merge.
  const done = works.filter((work) => !summary.failed_contigs.includes(work.contig));
  const siteTsv = path.join(outputDir, 'site_results.tsv');
  const readBam = options.writeBam ? path.join(outputDir, 'read_results.bam') : undefined;
  if (done.length === 0) {
    // Header-only table, as baleen writes when no contig is left; no BAM.
    const table = AtomicFile.create(siteTsv);
    table.write(SITE_TSV_HEADER);
    table.commit();
    if (readBam !== undefined) for (const file of [readBam, `${readBam}.bai`]) fs.rmSync(file, { force: true });
    log(`no contig to merge: ${siteTsv} has the header only`);
  } else {
    const merged = await mergeSlices({
      tsvSlices: done.map((work) => work.files.tsv),
      siteTsv,
      bamSlices: readBam === undefined ? undefined : done.map((work) => work.files.bam!),
      readBam,
      commandLine: params.command_line,
    });
    summary.n_total_sites = merged.sites;
    summary.n_significant = merged.significant;
    summary.read_bam = readBam ?? null;
  }
  summary.site_tsv = siteTsv;
  // per_contig/ goes unless asked to stay (--keep-intermediate: the slices; --no-cleanup-temp: the plan and the
  // tools' logs too) or a contig failed (--resume then reruns only the failed ones).
  if (summary.failed_contigs.length > 0 || options.keepIntermediate || !options.cleanupTemp) {
    summary.per_contig_dir = perContig;
    if (summary.failed_contigs.length === 0 && options.cleanupTemp) fs.rmSync(planDir, { recursive: true, force: true });
  } else fs.rmSync(perContig, { recursive: true, force: true });
  if (summary.failed_contigs.length > 0)
    throw new ModsFailure(
      `${summary.failed_contigs.length} contig${summary.failed_contigs.length === 1 ? '' : 's'} failed (${summary.failed_contigs.join(', ')}): the outputs hold the other ${done.length}; rerun with --resume to retry them`,
      summary,
    );
  return summary;
}

function formatDepth(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

function countReasons(filters: readonly ContigFilterResult[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const result of filters) counts[result.reason] = (counts[result.reason] ?? 0) + 1;
  return counts;
}

/** Top-level keys (and input names) whose values differ, for the resume refusal. */
function differingKeys(before: Record<string, unknown>, now: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(now)]);
  const differing: string[] = [];
  for (const key of keys) {
    if (key === 'inputs') {
      const a = (before.inputs ?? {}) as Record<string, unknown>;
      const b = (now.inputs ?? {}) as Record<string, unknown>;
      for (const input of new Set([...Object.keys(a), ...Object.keys(b)]))
        if (JSON.stringify(a[input]) !== JSON.stringify(b[input])) differing.push(`--${input.replace(/_/g, '-')} changed`);
    } else if (key !== 'command_line' && JSON.stringify(before[key]) !== JSON.stringify(now[key]))
      differing.push(`${key}: ${JSON.stringify(before[key])} then, ${JSON.stringify(now[key])} now`);
  }
  return differing;
}
