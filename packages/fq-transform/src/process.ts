/**
 * `fq-transform process`: plan → source → engine (workpool) or classic pipeline → sink.
 * The library entry point the CLI, `verify` and tests share.
 */
import path from 'node:path';
import { runClassicPipeline, runPipeline, type EngineOptions, type StageSpec } from '@shoal/engine';
import type { ByteSink } from '@shoal/hts';
import { DEFAULT_THREADS } from '@shoal/cli';
import { planFromFile } from './config.js';
import type { Plan } from './plan.js';
import { MoleculeSource } from './source.js';
import { OutputSink } from './sink.js';
import type { FormatOptions, StageTiming, StepStageOptions } from './stages.js';
import { findStep } from './steps/index.js';

/**
 * The engine loads the stages module on every thread, by URL. Named here rather than imported:
 * importing stages.ts loads koffi, and this module is loaded by every subcommand, `validate` and
 * `template` included, which must not load a native library.
 */
const STAGES_MODULE = new URL('./stages.js', import.meta.url).href;

export interface ProcessOptions {
  configFile: string;
  /** Where relative input paths start (default: the working directory, as mbf). */
  inputDirectory?: string;
  /** Where outputs go (default: the working directory, as mbf). */
  outputDirectory?: string;
  allowOverwrite?: boolean;
  /** Overrides options.threads. */
  threads?: number;
  /** false: the classic thread-per-stage pipeline. */
  workpool?: boolean;
  stdin?: AsyncIterable<Uint8Array>;
  stdout?: ByteSink;
  /** Parsed plan, when the caller has it already. */
  plan?: Plan;
  /** Called after each block is written, with the molecules read so far (progress display). */
  onProgress?: (moleculesRead: number) => void;
}

export interface ProcessReport {
  molecules: number;
  blocks: number;
  threads: number;
  workpool: boolean;
  /** Per stage: label, and wall/CPU milliseconds summed over threads. */
  timings: { label: string; wallMs: number; cpuMs: number; blocks: number }[];
  wallMs: number;
}

/** Runs started in this process (verify runs many): part of each run's key for per-thread caches. */
let runsStarted = 0;

export async function processConfig(options: ProcessOptions): Promise<ProcessReport> {
  const started = performance.now();
  const plan = options.plan ?? planFromFile(options.configFile);
  // Every tool's --threads contract (@shoal/cli): the flag, else the configuration's options.threads, else 2.
  const threads = options.threads ?? plan.threads ?? DEFAULT_THREADS;
  const workpool = options.workpool ?? true;
  const cwd = process.cwd();
  const source = new MoleculeSource({
    input: plan.input,
    baseDirectory: options.inputDirectory ?? cwd,
    blockSize: plan.blockSize,
    benchmarkMolecules: plan.benchmark?.moleculeCount,
    stdin: options.stdin,
  });
  const benchmark = plan.benchmark !== undefined;
  const segments = plan.input.segments;
  // steps that read files of their own (TagOtherFile) do it now, once, on the main thread
  for (const step of plan.steps) {
    const definition = findStep(step.action);
    if (definition?.prepare) step.config = await definition.prepare(step.config, { baseDirectory: options.inputDirectory ?? cwd });
  }
  const runKey = `${process.pid}.${++runsStarted}`;
  const stages: StageSpec[] = plan.steps.map((step) => ({
    module: STAGES_MODULE,
    name: step.needsSerial ? (step.stateStaysHome ? 'serialStepAtHome' : 'serialStep') : 'parallelStep',
    options: { step, segments, runKey } satisfies StepStageOptions,
  }));
  const output = benchmark ? undefined : plan.output;
  if (output) {
    stages.push({
      module: STAGES_MODULE,
      name: 'format',
      options: { output, segmentNames: segments, sinkCompresses: output.chunkSize !== undefined } satisfies FormatOptions,
    });
  }
  const sink = await OutputSink.open({
    plan: benchmark ? { ...plan, output: undefined, sideFiles: [] } : plan,
    outputDirectory: path.resolve(options.outputDirectory ?? cwd),
    allowOverwrite: options.allowOverwrite ?? false,
    stdout: options.stdout,
  });
  const engineOptions: EngineOptions = {
    threads,
    stages,
    maxBlocksInFlight: plan.maxBlocksInFlight,
    onEndInput: () => source.stop(),
  };
  let summary;
  try {
    summary = await (workpool ? runPipeline : runClassicPipeline)(engineOptions, source, async (payload) => {
      if (!benchmark) await sink.write(payload);
      options.onProgress?.(source.moleculesRead);
    });
  } catch (error) {
    sink.abort();
    throw error;
  }
  const labels = [...plan.steps.map((s) => s.label), ...(output ? ['output formatting'] : [])];
  const timings = summary.states.map((states, i) => {
    const sum = { label: labels[i] ?? `stage ${i}`, wallMs: 0, cpuMs: 0, blocks: 0 };
    for (const state of states as StageTiming[]) {
      if (!state) continue;
      sum.wallMs += state.wallMs;
      sum.cpuMs += state.cpuMs;
      sum.blocks += state.blocks;
    }
    return sum;
  });
  try {
    await sink.commit(timings);
  } catch (error) {
    sink.abort();
    throw error;
  }
  return { molecules: source.moleculesRead, blocks: summary.blocks, threads, workpool, timings, wallMs: performance.now() - started };
}

/** The --timing table (mbf's timing collector: wall and CPU per step). */
export function formatTimings(report: ProcessReport): string {
  const lines = [`step\twall_ms\tcpu_ms\tblocks`];
  for (const t of report.timings)
    lines.push(`${t.label}\t${t.wallMs.toFixed(1)}\t${Number.isNaN(t.cpuMs) ? 'NA' : t.cpuMs.toFixed(1)}\t${t.blocks}`);
  lines.push(`total\t${report.wallMs.toFixed(1)}\t\t${report.blocks}`);
  return `${lines.join('\n')}\n`;
}
