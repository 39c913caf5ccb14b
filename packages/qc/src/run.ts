/**
 * Running collectors over one input: BAM read whole goes through the engine (inflate → split →
 * collect, data-parallel, partial states merged at the end); with a per-locus collector (wgs,
 * hybcap) the engine only inflates and splits, and every collector counts on the main thread in
 * file order (or, with --by-region, per region on worker threads); SAM and bam2ndjson's NDJSON are
 * read on the main thread. All give identical metrics, and identical files for every --threads.
 */
import path from 'node:path';
import {
  checkOutputPrefix,
  HtsError,
  headerLines,
  loadBaiFor,
  openAlignmentsFrom,
  openByteSource,
  packHeader,
  parseRegion,
  peekSource,
  queryRegion,
  queryUnplaced,
  sniffAlignmentFormat,
  unplacedStartOffset,
  type BamHeader,
  type ByteSource,
  type RecordBatch,
  writeFilesAtomically,
} from '@shoal/hts';
import { Worker } from 'node:worker_threads';
import { writePartial, mergePartials } from './partial.js';
import type { RegionJob, RegionResult } from './region-worker.js';
import { batchesOf, openBamPipeline } from '@shoal/engine';
import type { Collector, CollectorRegion, MetricsOutput } from './collector.js';
import { COLLECTORS } from './collectors/index.js';
import { renderOutputs, type OutputFormat, type RenderedFile } from './metrics-file.js';
import { plotFiles, reportHtml, type CollectorResult } from './plots/render.js';

export const QC_STAGES_MODULE = new URL('./stages.js', import.meta.url).href;

export class CollectUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface CollectOptions {
  input: string;
  prefix: string;
  tools: string[];
  threads: number;
  format: OutputFormat;
  /** Per-tool options: { isize: { minimumPct: 0.1 }, … }. */
  options: Record<string, unknown>;
  reference?: string;
  /** Only records overlapping this region (samtools syntax; `*` = unplaced reads), through the index. */
  region?: string;
  /** Write the mergeable state to this file instead of metrics (for collect-merge). */
  partial?: string;
  /**
   * Per-locus collectors (wgs, hybcap) on `threads` worker threads, each reading genome regions of an indexed BAM; off by
   * default: on a genome of hundreds of contigs it was slower than one thread (BENCHMARKS.md, coverage).
   */
  byRegion?: boolean;
  /** Text for the Picard header line (the command as run). */
  commandLine?: string;
  /** Write each collector's plots as SVG beside its metrics (default true; `--no-plots`). */
  plots?: boolean;
  /** Write `PREFIX.report.html` (collect-multi), naming this shoal version. */
  report?: { version: string };
  onProgress?: (records: number, compressedBytes: number | undefined) => void;
}

/** Tool names de-duplicated in the order given; unknown names are a usage error. */
export function resolveTools(tools: string[]): string[] {
  const seen: string[] = [];
  for (const tool of tools) {
    if (!COLLECTORS[tool]) throw new CollectUsageError(`unknown tool '${tool}' (available: ${Object.keys(COLLECTORS).join(', ')})`);
    if (!seen.includes(tool)) seen.push(tool);
  }
  return seen;
}

/** The `sample` column: the read groups' SM (joined when several differ), else the file's stem. */
export function sampleName(header: BamHeader, input: string): string {
  const samples = [
    ...new Set(
      headerLines(header.text, 'RG')
        .map((rg) => rg.SM)
        .filter((sm): sm is string => Boolean(sm)),
    ),
  ];
  if (samples.length > 0) return samples.join(',');
  if (input === '-') return 'stdin';
  return path.basename(input).replace(/\.(bam|sam|ndjson|cram)$/i, '');
}

export interface CollectResult {
  records: number;
  files: string[];
  outputs: MetricsOutput[];
}

/** Reads the input once through every collector and returns their merged collectors and header. */
export async function collectPartials(options: CollectOptions): Promise<{ header: BamHeader; collectors: Collector[]; records: number }> {
  const tools = resolveTools(options.tools);
  for (const tool of tools) {
    const factory = COLLECTORS[tool]!;
    // A tool may name its own reference (collect-multi --error::reference), falling back to -r.
    const ownReference = (options.options[tool] as { reference?: string } | undefined)?.reference;
    if (factory.needsReference && !options.reference && !ownReference)
      throw new CollectUsageError(`${tool} needs a reference: give -r/--reference FASTA`);
    const problem = factory.usageProblem?.({
      options: options.options,
      reference: options.reference,
      partial: options.partial !== undefined,
      region: options.region !== undefined,
    });
    if (problem !== undefined) throw new CollectUsageError(problem);
  }
  const { head, source } = await peekSource(openByteSource(options.input), 512);
  if (head.length === 0) {
    source.close();
    throw new HtsError('empty input: no BAM, SAM or NDJSON data', source.name, 'byte offset 0');
  }
  if (options.region !== undefined) return collectRegion(options, tools, head, source);
  // A per-locus collector needs the records in order in one instance: the run reads on this thread, or with --by-region
  // on an indexed BAM the genome is cut into regions read in parallel (as collect-merge joins shards).
  const ordered = tools.some((tool) => COLLECTORS[tool]!.ordered);
  // An option that needs one whole pass (hybcap's --per-base-coverage) keeps the run on one thread.
  const shardable = tools.every(
    (tool) =>
      COLLECTORS[tool]!.usageProblem?.({ options: options.options, reference: options.reference, partial: true, region: true }) ===
      undefined,
  );
  if (
    options.byRegion === true &&
    ordered &&
    shardable &&
    options.threads > 1 &&
    options.input !== '-' &&
    sniffAlignmentFormat(head) === 'bam' &&
    hasIndex(options.input)
  ) {
    source.close();
    return collectByRegions(options, tools);
  }
  // A BAM read whole goes through the engine; with a per-locus collector, only when another thread can inflate.
  if (sniffAlignmentFormat(head) === 'bam' && (!ordered || options.threads > 1)) return collectOnEngine(options, tools, source);
  const reader = await openAlignmentsFrom(head, source);
  try {
    const collectors = tools.map((tool) =>
      COLLECTORS[tool]!.create({ header: reader.header, options: options.options, reference: options.reference, input: source.name }),
    );
    let records = 0;
    for await (const batch of reader.batches()) {
      for (let i = 0; i < batch.count; i++) {
        const record = batch.record(i);
        for (const collector of collectors) collector.accept(record);
      }
      records += batch.count;
      options.onProgress?.(records, undefined);
    }
    for (const collector of collectors) collector.end?.();
    for (const collector of collectors) collector.complete?.();
    return { header: reader.header, collectors, records };
  } finally {
    reader.close();
  }
}

/**
 * A BAM read whole on the engine: its threads inflate and split the BAM and run the per-read collectors
 * (data-parallel, each thread's partial states merged at the end). Per-locus collectors (wgs, hybcap) need every record
 * in order in one instance: they count in the sink, on the main thread, to which the per-read stage then hands each
 * block's records; the main thread then helps with parallel work only when the workers' queues are full
 * (sinkOwnsMainThread).
 *
 * On this 2-core host collect-wgs alone gains little from the second thread (9.96 s at 2 against 9.19 s at 1, by min):
 * its counting slows while the other core inflates, as every two-thread run here does (BENCHMARKS.md, the engine
 * tables). collect-multi with all six collectors gains most, the per-read collectors leaving the main thread: 25.3 s at
 * one thread, 18.7-20.6 s at two (BENCHMARKS.md, "Coverage").
 */
async function collectOnEngine(
  options: CollectOptions,
  tools: string[],
  source: ByteSource,
): Promise<{ header: BamHeader; collectors: Collector[]; records: number }> {
  const perReadTools = tools.filter((tool) => !COLLECTORS[tool]!.ordered);
  const hasPerLocus = perReadTools.length < tools.length;
  const pipeline = await openBamPipeline(source, {
    threads: options.threads,
    sinkOwnsMainThread: hasPerLocus,
    stages: (header) =>
      perReadTools.length === 0
        ? []
        : [
            {
              module: QC_STAGES_MODULE,
              name: 'collect',
              options: {
                tools: perReadTools,
                // The header packed: 200,000 contigs as objects took ~350 ms to clone to a worker (hts packHeader).
                header: packHeader(header),
                options: options.options,
                reference: options.reference,
                passRecords: hasPerLocus,
              },
            },
          ],
  }).catch((error: unknown) => {
    source.close();
    throw error;
  });
  try {
    const collectors = tools.map((tool) =>
      COLLECTORS[tool]!.create({ header: pipeline.header, options: options.options, reference: options.reference, input: source.name }),
    );
    const perLocus = collectors.filter((_, i) => COLLECTORS[tools[i]!]!.ordered);
    const perRead = collectors.filter((_, i) => !COLLECTORS[tools[i]!]!.ordered);
    let records = 0;
    const summary = await pipeline.run((block) => {
      if (!hasPerLocus) records += block.records as number;
      else {
        for (const batch of batchesOf(block)) {
          for (let i = 0; i < batch.count; i++) {
            const record = batch.record(i);
            for (const collector of perLocus) collector.accept(record);
          }
          records += batch.count;
        }
        const data = block.data as Uint8Array | null;
        if (data) pipeline.pool.release(data.buffer as ArrayBuffer);
      }
      options.onProgress?.(records, block.endFileOffset as number);
    });
    for (const collector of perLocus) collector.end?.();
    // Stage 2 is `collect` (after inflate and split); every thread's partials merge into one.
    if (perRead.length > 0)
      for (const threadPartials of summary.states[2] as unknown[][]) perRead.forEach((collector, i) => collector.merge(threadPartials[i]));
    for (const collector of collectors) collector.complete?.();
    return { header: pipeline.header, collectors, records };
  } finally {
    await pipeline.close();
  }
}

/** Compressed bytes read at a time where only a BAM's header is wanted (it usually fits in its first blocks). */
const HEADER_READ_BYTES = 1 << 16;

/** `--region`: a contig or interval through the BAI, or `*` for the unplaced reads, on the main thread. */
async function collectRegion(
  options: CollectOptions,
  tools: string[],
  head: Uint8Array,
  source: ByteSource,
): Promise<{ header: BamHeader; collectors: Collector[]; records: number }> {
  // A contig's reads come through the index: this reader only parses the header, in 64 KB reads (the default 4 MB read
  // inflated ~300 blocks per region, most of the time of a --by-region run over many small contigs).
  const reader = await openAlignmentsFrom(head, source, options.region === '*' ? {} : { readChunkBytes: HEADER_READ_BYTES });
  try {
    if (reader.format !== 'bam' || options.input === '-') throw new CollectUsageError('--region needs a BAM file with an index');
    let batches: AsyncIterable<RecordBatch>;
    let keep: (refId: number) => boolean = () => true;
    let counted: CollectorRegion;
    if (options.region === '*') {
      // Unplaced reads sit at the end of a sorted BAM, past the last placed read the index knows of.
      const start = unplacedStartOffset(loadBaiFor(options.input));
      batches = start === undefined ? reader.batches() : queryUnplaced(options.input, start);
      keep = (refId) => refId < 0;
      counted = { refId: -1, start: 0, end: 0 };
    } else {
      const region = parseRegion(options.region!, reader.header);
      batches = queryRegion(options.input, reader.header, loadBaiFor(options.input), region.refId, region.beg, region.end);
      counted = { refId: region.refId, start: region.beg, end: region.end };
    }
    const collectors = tools.map((tool) =>
      COLLECTORS[tool]!.create({
        header: reader.header,
        options: options.options,
        reference: options.reference,
        region: counted,
        input: source.name,
      }),
    );
    let records = 0;
    // The index gives every read overlapping the region. A per-read collector counts a read in the region holding its
    // start only, so that regions cut inside a contig (chr1:1-25000000, chr1:25000001-...) merge without counting the
    // reads across a cut twice; a per-locus collector takes them all (they cover the region's first loci).
    const perRead = collectors.filter((_, i) => !COLLECTORS[tools[i]!]!.ordered);
    const perLocus = collectors.filter((_, i) => COLLECTORS[tools[i]!]!.ordered);
    const regionStart = counted.refId >= 0 ? counted.start : Number.NEGATIVE_INFINITY;
    for await (const batch of batches) {
      for (let i = 0; i < batch.count; i++) {
        const record = batch.record(i);
        if (!keep(record.refId)) continue;
        for (const collector of perLocus) collector.accept(record);
        if (record.pos < regionStart) continue;
        for (const collector of perRead) collector.accept(record);
        records++;
      }
      options.onProgress?.(records, undefined);
    }
    for (const collector of collectors) collector.end?.();
    for (const collector of collectors) collector.complete?.();
    return { header: reader.header, collectors, records };
  } finally {
    reader.close();
  }
}

function hasIndex(input: string): boolean {
  try {
    loadBaiFor(input);
    return true;
  } catch {
    return false;
  }
}

/** Genome pieces per thread: enough that a slow piece does not leave the other threads idle at the end. */
const REGIONS_PER_THREAD = 4;
/** The smallest piece cut from a contig: below this, reads across the cuts (read twice) cost more than they save. */
const MIN_REGION_BASES = 1_000_000;

/** The regions a parallel run reads: contigs cut into near-equal pieces, largest first, then the unplaced reads. */
export function parallelRegions(header: BamHeader, threads: number): string[] {
  const total = header.references.reduce((sum, reference) => sum + reference.length, 0);
  const piece = Math.max(MIN_REGION_BASES, Math.ceil(total / (threads * REGIONS_PER_THREAD)));
  const regions: { region: string; length: number }[] = [];
  for (const { name, length } of header.references) {
    const pieces = Math.max(1, Math.ceil(length / piece));
    const size = Math.ceil(length / pieces);
    for (let start = 0; start < length; start += size) {
      const end = Math.min(length, start + size);
      regions.push({ region: pieces === 1 ? name : `${name}:${start + 1}-${end}`, length: end - start });
    }
  }
  regions.sort((a, b) => b.length - a.length);
  return [...regions.map((r) => r.region), '*'];
}

/**
 * Reads an indexed BAM as disjoint regions on `threads` worker threads, each into fresh collectors, and merges their
 * partial states: exactly what `--region R --partial` per region and collect-merge give (docs/qc.md), in one process.
 */
async function collectByRegions(
  options: CollectOptions,
  tools: string[],
): Promise<{ header: BamHeader; collectors: Collector[]; records: number }> {
  const header = await readHeaderOf(options.input);
  const regions = parallelRegions(header, options.threads);
  const { onProgress, ...jobOptions } = options;
  // States merge as collect-merge merges files, as they arrive (exact integer sums: the order does not matter), so a
  // region's state is dropped once merged; each region completed its own state (complete()) in its worker.
  const collectors = tools.map((tool) => COLLECTORS[tool]!.create({ header, options: options.options }));
  const workers: Worker[] = [];
  let records = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      let next = 0;
      let done = 0;
      const dispatch = (worker: Worker): void => {
        if (next >= regions.length) return;
        const job: RegionJob = { id: next, region: regions[next]!, options: { ...jobOptions, tools } };
        next++;
        worker.postMessage(job);
      };
      for (let w = 0; w < Math.min(options.threads, regions.length); w++) {
        const worker = new Worker(new URL('./region-worker.js', import.meta.url));
        workers.push(worker);
        worker.on('message', (result: RegionResult) => {
          if ('error' in result) {
            const { kind, detail, file, location } = result.error;
            reject(
              kind === 'hts' ? new HtsError(detail, file, location) : kind === 'usage' ? new CollectUsageError(detail) : new Error(detail),
            );
            return;
          }
          try {
            collectors.forEach((collector, i) => collector.merge(result.partials[i]));
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
            return;
          }
          records += result.records;
          onProgress?.(records, undefined);
          if (++done === regions.length) resolve();
          else dispatch(worker);
        });
        worker.on('error', reject);
        dispatch(worker);
      }
    });
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
  return { header, collectors, records };
}

async function readHeaderOf(input: string): Promise<BamHeader> {
  const { head, source } = await peekSource(openByteSource(input), 512);
  const reader = await openAlignmentsFrom(head, source, { readChunkBytes: HEADER_READ_BYTES });
  try {
    return reader.header;
  } finally {
    reader.close();
  }
}

/** The INPUT of the Picard header: the file as given; for stdin the sample name, so that MultiQC names the sample. */
function picardInput(input: string, sample: string): string {
  return input === '-' ? sample : input;
}

export async function collectMetrics(options: CollectOptions): Promise<CollectResult> {
  if (options.partial === undefined) checkOutputPrefix(options.prefix);
  const { header, collectors, records } = await collectPartials(options);
  if (options.partial !== undefined) {
    writePartial(
      options.partial,
      header,
      resolveTools(options.tools),
      options.options,
      collectors,
      sampleName(header, options.input),
      records,
      options.reference ? path.basename(options.reference) : null,
      { input: picardInput(options.input, sampleName(header, options.input)), reference: options.reference },
    );
    return { records, files: [options.partial], outputs: [] };
  }
  const results = finishCollectors(collectors);
  const sample = sampleName(header, options.input);
  const files = renderOutputs(
    results.flatMap((result) => result.outputs),
    options.prefix,
    options.format,
    sample,
    options.commandLine ?? '',
    { input: picardInput(options.input, sample), reference: options.reference },
  );
  return writeRun(results, files, options.prefix, records, options, { sample, input: options.input });
}

/** Each collector's outputs, beside its report definition (plots, key numbers). */
function finishCollectors(collectors: Collector[]): CollectorResult[] {
  return collectors.map((collector) => ({ name: collector.name, report: COLLECTORS[collector.name]?.report, outputs: collector.finish() }));
}

/** Adds the plots and the report to a run's metric files and writes them all at once (none if any fails). */
function writeRun(
  results: CollectorResult[],
  files: RenderedFile[],
  prefix: string,
  records: number,
  options: { plots?: boolean; report?: { version: string } },
  source: { sample: string; input: string },
): CollectResult {
  if (options.plots !== false) files.push(...plotFiles(results, prefix));
  if (options.report !== undefined)
    files.push({
      path: `${prefix}.report.html`,
      text: reportHtml(results, prefix, { ...source, records, files: files.map((f) => f.path), version: options.report.version }),
    });
  writeFilesAtomically(files.map((file: RenderedFile) => ({ path: file.path, contents: file.text })));
  return { records, files: files.map((f) => f.path), outputs: results.flatMap((result) => result.outputs) };
}

/** collect-merge: partial-state files → the metrics one pass would have written. */
export function mergeMetrics(
  partials: string[],
  prefix: string,
  format: OutputFormat,
  commandLine = '',
  pictures: { plots?: boolean; report?: { version: string } } = {},
): CollectResult {
  checkOutputPrefix(prefix);
  const { collectors, sample, records, provenance } = mergePartials(partials);
  const results = finishCollectors(collectors);
  const files = renderOutputs(
    results.flatMap((result) => result.outputs),
    prefix,
    format,
    sample,
    commandLine,
    provenance,
  );
  return writeRun(results, files, prefix, records, pictures, { sample, input: provenance.input });
}
