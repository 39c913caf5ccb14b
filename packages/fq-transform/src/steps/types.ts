/**
 * What a step is. Each step is one module exporting a StepDefinition under mbf's action name. A
 * step reads its keys (parse, on the main thread, once), declares whether it must see blocks in
 * order (needsSerial), which tags it makes and uses (checked before any data is read), and applies
 * itself to a block. The parsed config is plain data: it is cloned to every worker thread.
 * The keys steps share are read by ../config-keys.ts; steps/index.ts is the table of every step.
 */
import type { BarcodeTable } from '../barcodes.js';
import type { FastqBlock, TagKind } from '../block.js';
import type { Table } from '../table.js';

export interface StepEnvironment {
  /** Segment names in input order (read1, read2, index1, … or any names). */
  segments: string[];
  /** Tags made by earlier steps, with their kinds. */
  tags: ReadonlyMap<string, TagKind>;
  /** For steps that write side files: `{prefix}{ix_separator}{infix}…`. */
  /** `configured`: the configuration has an [output] table (side files of some steps need one, as in mbf). */
  output: { prefix: string; ixSeparator: string; directory: string; configured?: boolean };
  /** 0-based position of this step in the [[step]] list. */
  stepIndex: number;
  /** input.options.read_comment_character: where a read name's comment starts (default ' '). */
  readCommentChar: string;
  /** The `[barcodes.NAME]` sections. */
  barcodeTables: ReadonlyMap<string, BarcodeTable>;
  /** The outputs of the Demultiplex steps so far; undefined before any. */
  demultiplex?: DemultiplexOutputs;
  /** An earlier step needs every molecule of the input (StepDefinition.needsWholeInput): a Head must not stop the readers. */
  wholeInputNeeded?: boolean;
}

/**
 * What Demultiplex steps have made of the output (mbf's tag_to_name): every output tag (the OR of
 * each step's bits) with its output name, null where the molecules are not written (unmatched
 * without output_unmatched). `bits`: how many low bits the steps so far use.
 */
export interface DemultiplexOutputs {
  outputs: [tag: number, name: string | null][];
  bits: number;
}

export interface TagDeclaration {
  label: string;
  kind: TagKind;
}

/** What apply can reach besides the block. */
export interface StepContext<State = unknown, Compiled = unknown> {
  readonly segments: readonly string[];
  /** Serial steps: the one state, seeing blocks in order. Parallel steps: this thread's state. */
  state: State;
  /** Per-thread helpers made from the config once (regexes, tables). */
  readonly compiled: Compiled;
  readonly blockIndex: number;
  /** Stop reading input: the source closes its files and the run drains (Head reached). */
  endInput(): void;
}

export interface StepDefinition<Config = unknown, State = unknown, Compiled = unknown> {
  readonly action: string;
  parse(table: Table, env: StepEnvironment): Config;
  /** mbf's needs_serial: the step sees blocks strictly in order, one at a time. */
  needsSerial?(config: Config): boolean;
  /**
   * A serial step whose state grows with the input (TagDuplicates' set of every read seen): it
   * stays on the main thread rather than travelling, by structured clone, to the thread holding
   * each block. Its state need not be clonable.
   */
  stateStaysHome?: boolean;
  /** A Demultiplex step: the outputs after it (later steps see them in env.demultiplex). */
  forks?(config: Config): DemultiplexOutputs;
  /**
   * Whether the step can follow a Demultiplex step. Serial steps that count or sample molecules
   * must then keep their counts per output (mbf duplicates the steps after a Demultiplex
   * virtually); those that do not yet say so here and the configuration is refused.
   */
  followsDemultiplex?: boolean;
  /**
   * mbf's transmits_premature_termination = false: the step must see the whole input even when a
   * later Head has all it needs (a report of the input, a table of every read), so a Head after it
   * keeps the readers going and only drops what follows its n.
   */
  needsWholeInput?: boolean;
  /** A Report step: its name (unique among the reports; the order of the report files follows the steps). */
  reportName?(config: Config): string;
  /** Tags this step makes. */
  declares?(config: Config): TagDeclaration[];
  /** Tags this step reads (must exist; numeric/bool kinds are checked by the step's parse via env.tags). */
  uses?(config: Config): string[];
  /** Tags this step removes (ForgetTag). `'all'` for every tag. */
  removes?(config: Config): string[] | 'all';
  /** Side files this step writes (created even when empty), relative to the output directory. */
  sideFiles?(config: Config): string[];
  /**
   * Work done once before the run, which may read files (TagOtherFile reads its other file): it
   * returns the config the run uses. Not called by `validate`.
   */
  prepare?(config: Config, context: { baseDirectory: string }): Promise<Config>;
  /** Initial state (plain, structured-clonable data for serial steps). */
  initState?(config: Config): State;
  /** Per-thread helpers made from the config (not cloned: functions, RegExps are fine). */
  compile?(config: Config): Compiled;
  /** Never uses `this`: a step is a table of functions, and an alias is a copy of it (steps/index.ts). */
  apply(this: void, block: FastqBlock, config: Config, context: StepContext<State, Compiled>): void;
}

/** A step as planned: its definition's action and parsed config. */
export interface PlannedStep {
  action: string;
  config: unknown;
  needsSerial: boolean;
  /** The serial step's state stays on the main thread (StepDefinition.stateStaysHome). */
  stateStaysHome?: boolean;
  /** For --timing and errors: `3 CutStart`. */
  label: string;
}

export function defineStep<Config, State = undefined, Compiled = undefined>(
  definition: StepDefinition<Config, State, Compiled>,
): StepDefinition<Config, State, Compiled> {
  return definition;
}
