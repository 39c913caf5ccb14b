/**
 * What a step is. Each step is one module exporting a StepDefinition under mbf's action name. A
 * step reads its keys (parse, on the main thread, once), declares whether it must see blocks in
 * order (needsSerial), which tags it makes and uses (checked before any data is read), and applies
 * itself to a block. The parsed config is plain data: it is cloned to every worker thread.
 */
import { parseConditionalTag, type ConditionalTag, type FastqBlock, type TagKind } from '../block.js';
import type { Table } from '../table.js';

export interface StepEnvironment {
  /** Segment names in input order (read1, read2, index1, … or any names). */
  segments: string[];
  /** Tags made by earlier steps, with their kinds. */
  tags: ReadonlyMap<string, TagKind>;
  /** For steps that write side files: `{prefix}{ix_separator}{infix}…`. */
  output: { prefix: string; ixSeparator: string; directory: string };
  /** 0-based position of this step in the [[step]] list. */
  stepIndex: number;
  /** input.options.read_comment_character: where a read name's comment starts (default ' '). */
  readCommentChar: string;
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

export interface StepDefinition<Config = any, State = any, Compiled = any> {
  readonly action: string;
  parse(table: Table, env: StepEnvironment): Config;
  /** mbf's needs_serial: the step sees blocks strictly in order, one at a time. */
  needsSerial?(config: Config): boolean;
  /** Tags this step makes. */
  declares?(config: Config): TagDeclaration[];
  /** Tags this step reads (must exist; numeric/bool kinds are checked by the step's parse via env.tags). */
  uses?(config: Config): string[];
  /** Tags this step removes (ForgetTag). `'all'` for every tag. */
  removes?(config: Config): string[] | 'all';
  /** Side files this step writes (created even when empty), relative to the output directory. */
  sideFiles?(config: Config): string[];
  /** Initial state (plain, structured-clonable data for serial steps). */
  initState?(config: Config): State;
  /** Per-thread helpers made from the config (not cloned: functions, RegExps are fine). */
  compile?(config: Config): Compiled;
  apply(block: FastqBlock, config: Config, context: StepContext<State, Compiled>): void;
}

/** A step as planned: its definition's action and parsed config. */
export interface PlannedStep {
  action: string;
  config: unknown;
  needsSerial: boolean;
  /** For --timing and errors: `3 CutStart`. */
  label: string;
}

export function defineStep<Config, State = undefined, Compiled = undefined>(definition: StepDefinition<Config, State, Compiled>): StepDefinition<Config, State, Compiled> {
  return definition;
}

/** Resolves a `segment` key: a segment name; defaults to the only segment when there is one (mbf). */
export function segmentKey(table: Table, env: StepEnvironment, key = 'segment', aliases: string[] = []): number {
  if (!table.has(key, aliases)) {
    table.optional(() => undefined, key, aliases);
    if (env.segments.length === 1) return 0;
    throw table.error(`missing required key '${key}' (one of ${env.segments.map((s) => `'${s}'`).join(', ')})`);
  }
  const name = table.string(key, { aliases });
  const index = env.segments.indexOf(name);
  if (index < 0) {
    if (name.toLowerCase() === 'all') throw table.error(`'all' segments not valid here; name one of ${env.segments.map((s) => `'${s}'`).join(', ')}`, key);
    throw table.error(`segment '${name}' is not in [input] (${env.segments.map((s) => `'${s}'`).join(', ')})`, key);
  }
  return index;
}

/** A `segment` key that may also be `All` (-1). */
export function segmentOrAllKey(table: Table, env: StepEnvironment, key = 'segment', aliases: string[] = []): number {
  if (table.has(key, aliases)) {
    const name = table.raw(key, { aliases });
    if (typeof name === 'string' && name.toLowerCase() === 'all') return -1;
    // re-read through the checker for the error messages
    const t = table;
    const index = env.segments.indexOf(String(name));
    if (index < 0) throw t.error(`segment '${String(name)}' is not in [input] (${['All', ...env.segments].map((s) => `'${s}'`).join(', ')})`, key);
    return index;
  }
  return segmentKey(table, env, key, aliases);
}

/** Checks a used tag exists (and optionally its kind). */
export function requireTag(table: Table, env: StepEnvironment, label: string, key: string, kinds?: TagKind[]): TagKind {
  const kind = env.tags.get(label);
  if (!kind) throw table.error(`tag '${label}' is not set by any earlier step`, key);
  if (kinds && !kinds.includes(kind)) throw table.error(`tag '${label}' is a ${kind} tag; this step needs ${kinds.join(' or ')}`, key);
  return kind;
}

/** mbf's optional `if_tag` (`!label` inverts): the step then applies only to molecules whose tag is truthy. */
export function ifTagKey(table: Table, env: StepEnvironment): ConditionalTag | undefined {
  if (!table.has('if_tag')) {
    table.optional(() => undefined, 'if_tag');
    return undefined;
  }
  const condition = parseConditionalTag(table.string('if_tag'));
  requireTag(table, env, condition.tag, 'if_tag', ['bool', 'location', 'string']);
  return condition;
}
