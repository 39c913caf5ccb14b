/**
 * A Plan: everything a run needs, as plain data (it is cloned to every worker thread). config.ts
 * makes it from the TOML; output names, stages, source and sink read it. The types live here, apart
 * from the parser, so that the modules reading a plan do not import the one that makes it.
 */
import type { Compression } from './compression.js';
import type { PlannedStep } from './steps/types.js';

export type OutputFormat = 'fastq' | 'fasta' | 'bam' | 'none';

export interface InputPlan {
  /** Segment names in order. */
  segments: string[];
  /** Files per segment (separate input), each list concatenated. */
  files: string[][];
  /** The segments' keys as the configuration gives them (mbf's report lists the input files in this order). */
  sourceOrder?: string[];
  /** Interleaved input: one list of files whose records cycle through `segments`. */
  interleavedFiles?: string[];
  fastaFakeQuality?: number;
  bamIncludeMapped?: boolean;
  bamIncludeUnmapped?: boolean;
  readCommentChar: string;
}

export interface OutputPlan {
  prefix: string;
  format: OutputFormat;
  compression: Compression;
  level: number;
  suffix: string;
  ixSeparator: string;
  stdout: boolean;
  /** Segment indexes written interleaved into one file (or stdout), in this order. */
  interleave: number[] | undefined;
  /** Segment indexes written to their own files. */
  segments: number[];
  chunkSize: number | undefined;
  hashUncompressed: boolean;
  hashCompressed: boolean;
  /** `{prefix}.json` / `{prefix}.html` from the Report steps (report_json, report_html); per-step timings in the JSON (report_timing). */
  reports: { json: boolean; html: boolean; timing: boolean; names: string[] };
  /** After Demultiplex steps: the outputs written, [output tag, name], by tag; every target is written once per output. */
  demultiplex?: [tag: number, name: string][];
}

export interface Plan {
  configFile: string;
  input: InputPlan;
  steps: PlannedStep[];
  output: OutputPlan | undefined;
  blockSize: number;
  threads: number | undefined;
  maxBlocksInFlight: number;
  benchmark: { moleculeCount: number; quiet: boolean } | undefined;
  /** Side files steps write (relative to the output directory), created even when empty. */
  sideFiles: string[];
}
