/**
 * A block of reads simulated together: the unit of work the engine hands to a thread. Everything in a block is a
 * pure function of the run's settings and the reads' indices, so blocks may be simulated anywhere, in any order.
 */
import type { Payload } from '@shoal/engine';
import { loadPoreModel } from '../pore-model.js';
import type { SimulationOptions } from './options.js';
import { profileOf } from './profile.js';
import {
  CONDITIONS,
  alignmentRecord,
  fastqEntry,
  planRead,
  simulateBasecalls,
  simulateSignal,
  truthLine,
  type Condition,
  type SimulationContext,
} from './read.js';
import type { SiteTable, Transcript } from './transcriptome.js';

/** Reads per block: about 1 MB of signal at the default dwell and lengths, a few ms of work. */
export const READS_PER_BLOCK = 8;

/** What a thread needs to rebuild the context (plain data: structured-cloned once per thread). */
export interface SimulationSetup {
  readonly options: SimulationOptions;
  readonly transcripts: readonly Transcript[];
  readonly sites: SiteTable;
  readonly eligible: Int32Array;
  readonly cumulativeWeights?: Float64Array;
}

export function contextOf(setup: SimulationSetup): SimulationContext {
  return {
    ...setup,
    model: loadPoreModel(setup.options.pore),
    profile: profileOf(setup.options.pore),
  };
}

/** One read's SLOW5 fields that vary per read (the rest come from the profile). */
export interface SimulatedReadInfo {
  readonly readId: string;
  readonly readIndex: number;
  readonly offset: number;
  readonly medianBefore: number;
  readonly transcriptIndex: number;
  readonly firstSite: number;
  readonly endSite: number;
  readonly modifiedSites: readonly number[];
}

/** The outputs of a block of reads, ready for the writers (typed arrays move between threads without copies). */
export interface SimulatedBlock {
  readonly condition: Condition;
  readonly reads: SimulatedReadInfo[];
  /** The reads' raw signals back to back; read r is [signalEnds[r-1], signalEnds[r]). */
  readonly signals: Int16Array;
  readonly signalEnds: Float64Array;
  /** The reads' BAM records back to back (each starts with its block_size). */
  readonly alignments: Uint8Array;
  readonly fastq: Uint8Array;
  readonly truth: Uint8Array;
}

export function simulateBlock(context: SimulationContext, condition: Condition, firstRead: number, readCount: number): SimulatedBlock {
  const reads: SimulatedReadInfo[] = [];
  const signals: Int16Array[] = [];
  const records: Uint8Array[] = [];
  let fastq = '';
  let truth = '';
  for (let readIndex = firstRead; readIndex < firstRead + readCount; readIndex++) {
    const plan = planRead(context, condition, readIndex);
    const signal = simulateSignal(context, plan);
    const calls = simulateBasecalls(context, plan);
    reads.push({
      readId: plan.readId,
      readIndex,
      offset: signal.offset,
      medianBefore: signal.medianBefore,
      transcriptIndex: plan.transcriptIndex,
      firstSite: plan.firstSite,
      endSite: plan.endSite,
      modifiedSites: Array.from(plan.modifiedSites),
    });
    signals.push(signal.rawSignal);
    records.push(alignmentRecord(plan, calls));
    fastq += fastqEntry(plan, calls);
    truth += truthLine(context, plan, signal);
  }
  const signalEnds = new Float64Array(reads.length);
  let total = 0;
  signals.forEach((signal, index) => (signalEnds[index] = total += signal.length));
  const joined = new Int16Array(total);
  signals.forEach((signal, index) => joined.set(signal, index === 0 ? 0 : signalEnds[index - 1]));
  return {
    condition,
    reads,
    signals: joined,
    signalEnds,
    alignments: concatenate(records),
    fastq: new TextEncoder().encode(fastq),
    truth: new TextEncoder().encode(truth),
  };
}

function concatenate(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** The engine stage (engine/stage.ts): payload `{condition, firstRead, readCount}` in, a SimulatedBlock out. */
export const stages = {
  simulate: {
    kind: 'parallel' as const,
    createState: (setup: SimulationSetup): SimulationContext => contextOf(setup),
    process(payload: Payload, context: SimulationContext): Payload {
      const condition = CONDITIONS[payload.condition as number];
      return { ...simulateBlock(context, condition, payload.firstRead as number, payload.readCount as number) };
    },
  },
};

export const SIMULATION_STAGES_MODULE = new URL('./block.js', import.meta.url).href;
