/**
 * fq-transform's stages for shoal's engine: one stage per [[step]] (parallel, or serial when the
 * step needs_serial), then `format`, which turns a block into the bytes of every output target
 * (formatted and, unless the sink must cut chunks, compressed), in parallel. The engine imports
 * this module on every thread and refers to stages by name; process.ts names this module by its URL
 * and does not import it, for importing it loads koffi (below), which `validate` and `template`
 * must not.
 */
import type { Payload, StageContext, StageDefinition } from '@shoal/engine';
import { threadCpuMs } from '@shoal/engine';
import { encodeRecord, Flag, formatReads, HtsError, formattedLength, nameOf, qualOf, seqOf, type ReadsBlock } from '@shoal/hts';
import { FastqBlock } from './block.js';
import { compress } from './compression.js';
import { outputTargets } from './output-names.js';
import type { OutputPlan } from './plan.js';
import { findStep } from './steps/index.js';
import type { PlannedStep, StepContext, StepDefinition } from './steps/types.js';

// Load koffi (behind threadCpuMs) while the engine waits for this thread to be ready: a worker
// terminated in the middle of loading a native addon aborts the whole process (seen when a Head
// ends a run while a worker took its first task).
threadCpuMs();

export interface StepStageOptions {
  step: PlannedStep;
  segments: string[];
  /** Unique to one run: a thread (or `verify`, running case after case) may serve several runs. */
  runKey: string;
}

/** Wall and CPU milliseconds a stage spent, and on how many blocks. */
export interface StageTiming {
  wallMs: number;
  cpuMs: number;
  blocks: number;
}

interface ParallelStepState {
  definition: StepDefinition;
  options: StepStageOptions;
  compiled: unknown;
  state: unknown;
  timing: StageTiming;
}

interface SerialStepState {
  options: StepStageOptions;
  state: unknown;
  timing: StageTiming;
}

/** A serial step's per-thread helpers, by run and step (its state travels between threads; these cannot). */
const compiledCache = new Map<string, unknown>();

function definitionOf(step: PlannedStep): StepDefinition {
  const definition = findStep(step.action);
  if (!definition) throw new Error(`unknown action '${step.action}'`);
  return definition;
}

function applyStep(
  definition: StepDefinition,
  options: StepStageOptions,
  compiled: unknown,
  holder: { state: unknown },
  payload: Payload,
  context: StageContext,
  timing: StageTiming,
): Payload {
  const wall = performance.now();
  const cpu = threadCpuMs();
  const block = FastqBlock.fromPayload(payload);
  const stepContext: StepContext = {
    segments: options.segments,
    state: holder.state,
    compiled,
    blockIndex: context.blockIndex,
    endInput: () => context.endInput(),
  };
  try {
    definition.apply(block, options.step.config, stepContext);
  } catch (error) {
    // Data errors name the step they came from (the input file is unknown here: a molecule has a read from every segment).
    if (error instanceof HtsError && !error.file)
      throw new HtsError(`step ${options.step.label}: ${error.detail}`, undefined, error.location);
    throw error;
  }
  holder.state = stepContext.state;
  const out = block.toPayload();
  timing.wallMs += performance.now() - wall;
  timing.cpuMs += threadCpuMs() - cpu;
  timing.blocks++;
  return out;
}

const newTiming = (): StageTiming => ({ wallMs: 0, cpuMs: 0, blocks: 0 });

const parallelStep: StageDefinition<StepStageOptions, ParallelStepState> = {
  kind: 'parallel',
  createState(options) {
    const definition = definitionOf(options.step);
    return {
      definition,
      options,
      compiled: definition.compile?.(options.step.config),
      state: definition.initState?.(options.step.config),
      timing: newTiming(),
    };
  },
  process(payload, holder, context) {
    return applyStep(holder.definition, holder.options, holder.compiled, holder, payload, context, holder.timing);
  },
  exportState: (holder) => holder.timing,
};

/** Serial steps' state is plain data, so it may travel to the thread that holds the block. */
const serialStep: StageDefinition<StepStageOptions, SerialStepState> = {
  kind: 'serial',
  portable: true,
  createState(options) {
    const definition = definitionOf(options.step);
    return { options, state: definition.initState?.(options.step.config), timing: newTiming() };
  },
  process(payload, holder, context) {
    const definition = definitionOf(holder.options.step);
    const key = `${holder.options.runKey}/${holder.options.step.label}`;
    let compiled = compiledCache.get(key);
    if (compiled === undefined && definition.compile) {
      compiled = definition.compile(holder.options.step.config);
      compiledCache.set(key, compiled);
    }
    return applyStep(definition, holder.options, compiled, holder, payload, context, holder.timing);
  },
  exportState: (holder) => holder.timing,
};

export interface FormatOptions {
  output: OutputPlan;
  segmentNames: string[];
  /** The sink cuts chunks (chunksize) and so compresses itself: hand it uncompressed bytes and record ends. */
  sinkCompresses: boolean;
}

const latin1 = new TextDecoder('latin1');

/** Unaligned BAM records as mbf writes them: name cut at the first space (the rest in CO), unmapped (+ pairing flags when interleaved). */
function bamRecords(
  block: FastqBlock,
  segments: number[],
  interleaved: boolean,
  molecules: ArrayLike<number>,
): { bytes: Uint8Array; ends: Int32Array } {
  const parts: Uint8Array[] = [];
  const ends = new Int32Array(molecules.length * segments.length);
  let total = 0;
  for (let m = 0; m < molecules.length; m++) {
    const i = molecules[m]!;
    segments.forEach((segment, k) => {
      const reads = block.segments[segment]!;
      const fullName = latin1.decode(nameOf(reads, i));
      const space = fullName.indexOf(' ');
      let flag: number = Flag.Unmapped;
      if (interleaved && segments.length > 1) {
        flag |= Flag.Paired | Flag.MateUnmapped;
        if (k === 0) flag |= Flag.FirstOfPair;
        if (k === segments.length - 1) flag |= Flag.SecondOfPair;
      }
      const quals = qualOf(reads, i).slice();
      for (let q = 0; q < quals.length; q++) quals[q] = Math.max(0, quals[q]! - 33);
      const record = encodeRecord({
        readName: space >= 0 ? fullName.slice(0, space) : fullName,
        flag,
        refId: -1,
        pos: -1,
        mapq: 255, // 'not available', as noodles writes for unaligned records
        cigar: new Uint32Array(0),
        mateRefId: -1,
        matePos: -1,
        templateLength: 0,
        sequence: latin1.decode(seqOf(reads, i)),
        qualities: quals,
        tags: space >= 0 ? [{ name: 'CO', type: 'Z', value: fullName.slice(space + 1) }] : [],
      });
      parts.push(record);
      total += record.length;
      ends[m * segments.length + k] = total;
    });
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.length;
  }
  return { bytes, ends };
}

/**
 * FASTQ/FASTA text of a target; `ends` holds the end of every record written (for chunking).
 * `molecules`: which molecules, in order (after Demultiplex, one output's); all when undefined.
 */
function formatTarget(
  block: FastqBlock,
  format: 'fastq' | 'fasta',
  segments: number[],
  withEnds: boolean,
  molecules?: Int32Array,
): { bytes: Uint8Array; ends?: Int32Array } {
  if (segments.length === 1 && !withEnds && !molecules) {
    const reads = block.segments[segments[0]!]!;
    const bytes = new Uint8Array(formattedLength(reads, format));
    formatReads(reads, format, bytes, 0);
    return { bytes };
  }
  const count = molecules ? molecules.length : block.count;
  const at = (m: number): number => (molecules ? molecules[m]! : m);
  let total = 0;
  for (const s of segments) {
    if (!molecules) total += formattedLength(block.segments[s]!, format);
    else for (let m = 0; m < count; m++) total += formattedLength(block.segments[s]!, format, at(m), at(m) + 1);
  }
  const bytes = new Uint8Array(total);
  const ends = withEnds ? new Int32Array(count * segments.length) : undefined;
  let written = 0;
  for (let m = 0; m < count; m++) {
    const i = at(m);
    segments.forEach((s, k) => {
      written = formatReads(block.segments[s]! as ReadsBlock, format, bytes, written, i, i + 1);
      if (ends) ends[m * segments.length + k] = written;
    });
  }
  return { bytes, ends };
}

/** The molecules of `block` whose output tag is `tag`, in order. */
function moleculesOf(block: FastqBlock, tag: number): Int32Array {
  const tags = block.outputTags;
  const picked = new Int32Array(block.count);
  let n = 0;
  for (let i = 0; i < block.count; i++) if ((tags ? tags[i]! : 0) === tag) picked[n++] = i;
  return picked.subarray(0, n);
}

interface FormatState {
  options: FormatOptions;
  timing: StageTiming;
}

const format: StageDefinition<FormatOptions, FormatState> = {
  kind: 'parallel',
  createState: (options) => ({ options, timing: newTiming() }),
  process(payload, holder) {
    const wall = performance.now();
    const cpu = threadCpuMs();
    const { output, sinkCompresses } = holder.options;
    const block = FastqBlock.fromPayload(payload);
    const out: Uint8Array[] = [];
    const raw: Uint8Array[] = [];
    const ends: Int32Array[] = [];
    for (const target of outputTargets(output, holder.options.segmentNames)) {
      const molecules = target.outputTag === undefined ? undefined : moleculesOf(block, target.outputTag);
      if (output.format === 'bam') {
        const records = bamRecords(
          block,
          target.segments,
          target.interleaved,
          molecules ?? Int32Array.from({ length: block.count }, (_, i) => i),
        );
        out.push(records.bytes);
        ends.push(records.ends);
        continue;
      }
      if (output.format === 'none') continue;
      const text = formatTarget(block, output.format, target.segments, sinkCompresses, molecules);
      if (sinkCompresses) {
        out.push(text.bytes);
        ends.push(text.ends!);
      } else {
        // A block with no records adds nothing to the file, not even an empty gzip member or zstd frame.
        out.push(text.bytes.length === 0 ? text.bytes : compress(text.bytes, output));
        if (output.hashUncompressed && output.compression !== 'Uncompressed') raw.push(text.bytes);
      }
    }
    const result: Payload = { out, count: block.count, final: block.final || undefined, side: block.side.length ? block.side : undefined };
    if (raw.length) result.raw = raw;
    if (ends.length) result.ends = ends;
    holder.timing.wallMs += performance.now() - wall;
    holder.timing.cpuMs += threadCpuMs() - cpu;
    holder.timing.blocks++;
    return result;
  },
  exportState: (holder) => holder.timing,
};

/** A serial step whose state grows with the input: it runs on the main thread, its state never copied. */
const serialStepAtHome: StageDefinition<StepStageOptions, SerialStepState> = { ...serialStep, portable: false };

export const stages: Record<string, StageDefinition> = { parallelStep, serialStep, serialStepAtHome, format };
