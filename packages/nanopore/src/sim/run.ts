/**
 * A whole simulation run: transcripts and sites on the main thread, reads in blocks on the engine's threads
 * (engine/engine.ts: blocks are delivered in order, so every output is byte-identical for every thread count), and
 * the writers on the main thread, streaming: memory holds the blocks in flight and the BAM sorter's buffer, never
 * all signals.
 *
 * Outputs are written into a hidden staging folder inside the output folder and renamed into place together at the
 * end (hts io/atomic.ts, AtomicFile.group(): all appear, or none does and older files stay as they were). A run that fails or
 * is stopped removes the staging folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import { runPipeline, type Payload } from '@shoal/engine';
import {
  AtomicFile,
  BamSorter,
  BgzfWriter,
  HtsError,
  describeFsError,
  STANDARD_AUX_FIELDS,
  Slow5Writer,
  ensureOutputFolder,
  formatFai,
  makeHeader,
  openOutput,
  readSmallTextFile,
  type FaiEntry,
  type Slow5AuxValue,
  type Slow5Header,
  type Slow5RecordCompression,
  type Slow5SignalCompression,
} from '@shoal/hts';
import { PORE_PRESETS } from '../pore-model.js';
import { profileOf } from './profile.js';
import { READS_PER_BLOCK, SIMULATION_STAGES_MODULE, contextOf, type SimulatedBlock, type SimulationSetup } from './block.js';
import { simulationOptionsProblem, type SimulationOptions } from './options.js';
import {
  ADAPTOR_SHIFT_PICOAMPS,
  CONDITIONS,
  RNA_ADAPTOR,
  RNA_STALL,
  readsPerConditionTotal,
  type Condition,
  type SimulationContext,
} from './read.js';
import { loadTranscriptome, plantModifications, randomTranscriptome, siteMotif, type Transcript } from './transcriptome.js';

/** Transcripts shorter than this give no reads (they are still in transcripts.fa and truth_sites.tsv). */
export const MIN_TRANSCRIPT_LENGTH_BP = 20;
export const DEFAULT_RECORD_COMPRESSION: Slow5RecordCompression = 'zlib';
/** See SimulationRun.signalCompression. */
export const DEFAULT_SIGNAL_COMPRESSION: Slow5SignalCompression = 'none';
/** FASTA line width of transcripts.fa (samtools faidx's habit). */
const FASTA_LINE_BASES = 60;

export interface SimulationRun {
  /** The folder the outputs go to (created when missing). */
  readonly outputDir: string;
  readonly options: SimulationOptions;
  /** A transcriptome FASTA; without one, `options.transcripts` random transcripts. */
  readonly transcriptomePath?: string;
  /** A TSV of `transcript<TAB>relative abundance`; transcripts not listed get no reads. */
  readonly abundancePath?: string;
  readonly threads: number;
  /** BLOW5 record compression; default zlib (slow5tools' default). */
  readonly recordCompression?: Slow5RecordCompression;
  /**
   * BLOW5 signal compression; default none, not slow5tools' svb-zd: Debian's libslow5 0.7.0, which its nanopolish
   * 0.14.0 reads BLOW5 through, crashes decoding svb-zd (its system streamvbyte writes int32 where slow5lib's own
   * copy writes int16), and nanopolish eventalign on these files is the point of the simulator.
   */
  readonly signalCompression?: Slow5SignalCompression;
  /** Called after each block with the reads written so far. */
  readonly onProgress?: (readsWritten: number) => void;
}

export interface SimulationSummary {
  readonly transcripts: number;
  readonly readsPerCondition: number;
  readonly sites: number;
  readonly modifiedSites: number;
  readonly samples: number;
  /** The files written, relative to the output folder. */
  readonly files: readonly string[];
}

/** The files of a run, relative to the output folder. */
export const OUTPUT_FILES = [
  'transcripts.fa',
  'transcripts.fa.fai',
  ...CONDITIONS.flatMap((condition) => [`${condition}.blow5`, `${condition}.fastq`, `${condition}.bam`, `${condition}.bam.bai`]),
  'truth_sites.tsv',
  'truth_reads.ndjson.gz',
  'params.json',
] as const;

/** Reads `name<TAB>abundance` lines (blank lines and `#` comments skipped) into cumulative weights over `eligible`. */
export function readAbundances(file: string, transcripts: readonly Transcript[]): Float64Array {
  const byName = new Map<string, number>();
  transcripts.forEach((transcript, index) => byName.set(transcript.name, index));
  const weights = new Float64Array(transcripts.length);
  readSmallTextFile(file)
    .split('\n')
    .forEach((rawLine, index) => {
      const line = rawLine.replace(/\r$/, '');
      if (line.trim() === '' || line.startsWith('#')) return;
      const fields = line.split('\t');
      const where = `line ${index + 1}`;
      const transcript = byName.get(fields[0]);
      if (fields.length < 2) throw new HtsError('expected a transcript name and an abundance, tab-separated', file, where);
      if (transcript === undefined) throw new HtsError(`no transcript named '${fields[0]}' in the transcriptome`, file, where);
      const abundance = Number(fields[1]);
      if (fields[1].trim() === '' || !Number.isFinite(abundance) || abundance < 0)
        throw new HtsError(`abundance '${fields[1]}' is not a number of 0 or more`, file, where);
      weights[transcript] = abundance;
    });
  return weights;
}

/** The settings every thread needs: transcripts, sites, which transcripts give reads and how often. */
export function prepareSimulation(run: Pick<SimulationRun, 'options' | 'transcriptomePath' | 'abundancePath'>): SimulationSetup {
  const { options } = run;
  const problem = simulationOptionsProblem(options);
  if (problem !== undefined) throw new HtsError(problem);
  const transcripts =
    run.transcriptomePath === undefined
      ? randomTranscriptome(options.seed, {
          count: options.transcripts,
          minLengthBp: options.transcriptMinLengthBp,
          maxLengthBp: options.transcriptMaxLengthBp,
        })
      : loadTranscriptome(run.transcriptomePath);
  const sites = plantModifications(transcripts, options.seed, options);
  const weights = run.abundancePath === undefined ? undefined : readAbundances(run.abundancePath, transcripts);
  const eligibleList: number[] = [];
  transcripts.forEach((transcript, index) => {
    if (transcript.sequence.length >= MIN_TRANSCRIPT_LENGTH_BP && (weights === undefined || weights[index] > 0)) eligibleList.push(index);
  });
  const source = run.abundancePath ?? run.transcriptomePath ?? 'the random transcriptome';
  if (eligibleList.length === 0)
    throw new HtsError(
      `no transcript can give reads (each needs ${MIN_TRANSCRIPT_LENGTH_BP}+ bases and, with abundances, one above 0)`,
      source,
    );
  const eligible = Int32Array.from(eligibleList);
  let cumulativeWeights: Float64Array | undefined;
  if (weights !== undefined) {
    cumulativeWeights = new Float64Array(eligible.length);
    const total = eligibleList.reduce((sum, index) => sum + weights[index], 0);
    let running = 0;
    eligibleList.forEach((index, slot) => (cumulativeWeights![slot] = running += weights[index] / total));
    cumulativeWeights[eligible.length - 1] = 1;
  }
  return { options, transcripts, sites, eligible, cumulativeWeights };
}

/** The SLOW5 header of one condition: what nanopolish needs to treat the reads as direct RNA (anchors §2.3). */
export function slow5HeaderFor(condition: Condition, options: SimulationOptions): Slow5Header {
  const profile = profileOf(options.pore);
  const attributes = new Map<string, string>([
    ['run_id', `signal-sim-${condition}-seed${options.seed}`],
    ['asic_id', 'asic_id_0'],
    ['exp_start_time', '2022-07-20T00:00:00Z'],
    ['flow_cell_id', 'FAN00000'],
    ['experiment_type', profile.experimentType],
    ['sequencing_kit', profile.sequencingKit],
    ['sample_frequency', String(profile.samplingRateHz)],
    ['sample_id', condition],
  ]);
  return { version: [0, 2, 0], readGroups: [attributes], auxFields: STANDARD_AUX_FIELDS };
}

/** transcripts.fa text and its .fai entries (60 bases a line). */
export function transcriptomeFasta(transcripts: readonly Transcript[]): { text: string; index: FaiEntry[] } {
  const parts: string[] = [];
  const index: FaiEntry[] = [];
  let offset = 0;
  for (const { name, sequence } of transcripts) {
    const header = `>${name}\n`;
    offset += Buffer.byteLength(header);
    parts.push(header);
    index.push({ name, length: sequence.length, offset, lineBases: FASTA_LINE_BASES, lineWidth: FASTA_LINE_BASES + 1 });
    for (let at = 0; at < sequence.length; at += FASTA_LINE_BASES) {
      const line = `${sequence.slice(at, at + FASTA_LINE_BASES)}\n`;
      parts.push(line);
      offset += line.length;
    }
  }
  return { text: parts.join(''), index };
}

/** Reads covering each site, per condition, and native reads modified there (filled as blocks are written). */
interface SiteCounts {
  readonly depth: Record<Condition, Int32Array>;
  readonly modified: Int32Array;
}

/** truth_sites.tsv: every DRACH A of every transcript (docs/formats.md, "Simulator truth"). */
export function truthSitesText(setup: SimulationSetup, counts: SiteCounts): string {
  const { options, transcripts, sites } = setup;
  const lines = ['contig\tposition\tmotif\tmodified\tstoichiometry\tshift\tdwell_factor\tnative_depth\tnative_modified\tivt_depth'];
  transcripts.forEach((transcript, t) => {
    for (let site = sites.firstSite[t]; site < sites.firstSite[t + 1]; site++) {
      const modified = sites.modified[site] === 1;
      lines.push(
        [
          transcript.name,
          sites.position[site],
          siteMotif(transcript, sites.position[site]),
          modified ? 1 : 0,
          sites.stoichiometry[site].toFixed(4),
          modified ? options.shiftPicoamps : 0,
          modified ? options.dwellFactor : 1,
          counts.depth.native[site],
          counts.modified[site],
          counts.depth.ivt[site],
        ].join('\t'),
      );
    }
  });
  return `${lines.join('\n')}\n`;
}

/** params.json: every setting that shapes the outputs (not --threads: the outputs are the same for every count). */
export function paramsJson(run: SimulationRun, context: SimulationContext, summary: Omit<SimulationSummary, 'files'>): string {
  const { options } = run;
  return `${JSON.stringify(
    {
      format: 'shoal.sim-params',
      version: 1,
      tool: 'signal-sim',
      options,
      transcriptome: run.transcriptomePath ?? null,
      abundance: run.abundancePath ?? null,
      pore: {
        model: options.pore in PORE_PRESETS ? `preset:${options.pore}` : options.pore,
        k: context.model.k,
        ontModelName: context.model.attributes.get('ont_model_name') ?? null,
      },
      profile: context.profile,
      leader: options.leader ? { adaptor: RNA_ADAPTOR, stall: RNA_STALL, adaptorShiftPicoamps: -ADAPTOR_SHIFT_PICOAMPS } : null,
      blow5: {
        recordCompression: run.recordCompression ?? DEFAULT_RECORD_COMPRESSION,
        signalCompression: run.signalCompression ?? DEFAULT_SIGNAL_COMPRESSION,
      },
      conventions: {
        sitePosition: '0-based contig coordinate of the modified base (the A of DRACH)',
        kmerPosition: '0-based contig coordinate of the first base of the k-mer (nanopolish eventalign position)',
        kmersCoveringSite: 'the k k-mers containing the site: positions site-k+1 .. site',
        signalOrder: "acquisition order: leader, then the molecule's k-mers 3'->5' (positions end-k down to start)",
      },
      counts: summary,
    },
    null,
    2,
  )}\n`;
}

/** Runs a simulation into `run.outputDir`. */
export async function runSimulation(run: SimulationRun): Promise<SimulationSummary> {
  const setup = prepareSimulation(run);
  const { options } = run;
  const context = contextOf(setup);
  const readsPerCondition = readsPerConditionTotal(context);
  const profile = context.profile;

  ensureOutputFolder(path.join(run.outputDir, 'x'));
  // A folder under an output's name would fail only at the last rename, after all the work.
  AtomicFile.refuseFolders(OUTPUT_FILES.map((name) => path.join(run.outputDir, name)));
  let staging: string;
  try {
    staging = fs.mkdtempSync(path.join(run.outputDir, '.signal-sim-'));
  } catch (error) {
    throw new HtsError(`cannot write outputs: ${describeFsError(error)}`, run.outputDir);
  }
  const removeStaging = (): void => fs.rmSync(staging, { recursive: true, force: true });
  process.on('exit', removeStaging);
  const staged = (name: string): string => path.join(staging, name);

  const references = setup.transcripts.map((transcript) => ({ name: transcript.name, length: transcript.sequence.length }));
  const headerText = (condition: Condition): string =>
    [
      '@HD\tVN:1.6\tSO:unsorted',
      ...references.map((reference) => `@SQ\tSN:${reference.name}\tLN:${reference.length}`),
      `@RG\tID:${condition}\tSM:${condition}\tPL:ONT`,
      // No CL: the command line holds the output folder and --threads, and the BAM is the same for every value of both.
      '@PG\tID:signal-sim\tPN:signal-sim',
      '',
    ].join('\n');

  const writers: { abort(): Promise<void> | void }[] = [];
  try {
    const fasta = transcriptomeFasta(setup.transcripts);
    for (const [name, contents] of [
      ['transcripts.fa', fasta.text],
      ['transcripts.fa.fai', formatFai(fasta.index)],
    ] as const) {
      const file = AtomicFile.create(staged(name));
      writers.push(file);
      file.write(contents);
      file.close();
      file.commit();
    }

    const outputs = {} as Record<Condition, { slow5: Slow5Writer; bam: BamSorter; fastq: AtomicFile; startTime: bigint }>;
    for (const condition of CONDITIONS) {
      const slow5 = await Slow5Writer.open(staged(`${condition}.blow5`), slow5HeaderFor(condition, options), {
        recordCompression: run.recordCompression ?? DEFAULT_RECORD_COMPRESSION,
        signalCompression: run.signalCompression ?? DEFAULT_SIGNAL_COMPRESSION,
      });
      writers.push(slow5);
      const bam = await BamSorter.open(staged(`${condition}.bam`), makeHeader(headerText(condition), references), { writeIndex: true });
      writers.push(bam);
      const fastq = AtomicFile.create(staged(`${condition}.fastq`));
      writers.push(fastq);
      outputs[condition] = { slow5, bam, fastq, startTime: 0n };
    }
    const truth = new BgzfWriter(openOutput(staged('truth_reads.ndjson.gz')));
    writers.push({ abort: () => truth.abort() });
    await truth.write(
      new TextEncoder().encode(
        `${JSON.stringify({
          type: 'header',
          format: 'shoal.sim-reads',
          version: 1,
          kmer_size: context.model.k,
          contigs: references,
        })}\n`,
      ),
    );

    const counts: SiteCounts = {
      depth: { native: new Int32Array(setup.sites.position.length), ivt: new Int32Array(setup.sites.position.length) },
      modified: new Int32Array(setup.sites.position.length),
    };
    let readsWritten = 0;
    let samples = 0;
    const blocksPerCondition = Math.ceil(readsPerCondition / READS_PER_BLOCK);
    const source = function* (): Generator<Payload> {
      for (let condition = 0; condition < CONDITIONS.length; condition++)
        for (let block = 0; block < blocksPerCondition; block++) {
          const firstRead = block * READS_PER_BLOCK;
          yield { condition, firstRead, readCount: Math.min(READS_PER_BLOCK, readsPerCondition - firstRead) };
        }
    };
    await runPipeline(
      { threads: run.threads, stages: [{ module: SIMULATION_STAGES_MODULE, name: 'simulate', options: setup }] },
      source(),
      async (payload) => {
        const block = payload as unknown as SimulatedBlock;
        const output = outputs[block.condition];
        let signalStart = 0;
        for (let r = 0; r < block.reads.length; r++) {
          const read = block.reads[r];
          const signalEnd = block.signalEnds[r];
          const rawSignal = block.signals.subarray(signalStart, signalEnd);
          const aux = new Map<string, Slow5AuxValue>([
            // squigulator's values: channel "0", mux 0; start_time = samples acquired before this read on the run.
            ['channel_number', '0'],
            ['median_before', read.medianBefore],
            ['read_number', read.readIndex],
            ['start_mux', 0],
            ['start_time', output.startTime],
          ]);
          output.startTime += BigInt(rawSignal.length);
          await output.slow5.write({
            readId: read.readId,
            readGroup: 0,
            digitisation: profile.digitisation,
            offset: read.offset,
            range: profile.rangePicoamps,
            samplingRate: profile.samplingRateHz,
            rawSignal,
            aux,
          });
          samples += rawSignal.length;
          signalStart = signalEnd;
          const depth = counts.depth[block.condition];
          for (let site = read.firstSite; site < read.endSite; site++) depth[site]++;
          for (const site of read.modifiedSites) counts.modified[site]++;
        }
        const view = new DataView(block.alignments.buffer, block.alignments.byteOffset, block.alignments.byteLength);
        for (let at = 0; at < block.alignments.length;) {
          const size = view.getInt32(at, true) + 4;
          await output.bam.add(block.alignments.slice(at, at + size));
          at += size;
        }
        output.fastq.write(block.fastq);
        await truth.write(block.truth);
        readsWritten += block.reads.length;
        run.onProgress?.(readsWritten);
      },
    );

    for (const condition of CONDITIONS) {
      const output = outputs[condition];
      await output.slow5.close();
      await output.bam.finish();
      output.fastq.close();
      output.fastq.commit();
    }
    await truth.close();
    const summary = {
      transcripts: setup.transcripts.length,
      readsPerCondition,
      sites: setup.sites.position.length,
      modifiedSites: setup.sites.modified.reduce((sum, flag) => sum + flag, 0),
      samples,
    };
    for (const [name, contents] of [
      ['truth_sites.tsv', truthSitesText(setup, counts)],
      ['params.json', paramsJson(run, context, summary)],
    ] as const) {
      const file = AtomicFile.create(staged(name));
      writers.push(file);
      file.write(contents);
      file.close();
      file.commit();
    }

    // Every file is complete in the staging folder: rename them into place as one group.
    const group = AtomicFile.group();
    try {
      for (const name of OUTPUT_FILES) {
        const target = path.join(run.outputDir, name);
        group.rename([target], () => fs.renameSync(staged(name), target));
      }
    } catch (error) {
      group.rollback();
      throw new HtsError(`cannot move the outputs into place: ${(error as Error).message}`, run.outputDir);
    }
    group.release();
    return { ...summary, files: OUTPUT_FILES };
  } catch (error) {
    for (const writer of writers) {
      try {
        await writer.abort();
      } catch {
        // The first error is the one to report; the staging folder goes below anyway.
      }
    }
    throw error;
  } finally {
    removeStaging();
    process.off('exit', removeStaging);
  }
}
