/**
 * Partial collector states as files (`--partial FILE`, then `collect-merge`): runs over different
 * regions, read subsets, processes or machines combine into exactly the one-pass metrics.
 * Format `shoal.qc-partial` version 1 (docs/formats.md): JSON with the tools, their options, the
 * reference dictionary (merging refuses partials from different references) and each tool's state.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { HtsError, describeFsError, makeHeader, writeFileAtomic, type BamHeader, type ReferenceSequence } from '@shoal/hts';
import type { Collector } from './collector.js';
import type { PicardProvenance } from './metrics-file.js';
import { COLLECTORS } from './collectors/index.js';

export const PARTIAL_FORMAT = 'shoal.qc-partial';
export const PARTIAL_VERSION = 1;

export interface PartialFile {
  format: typeof PARTIAL_FORMAT;
  version: number;
  tools: string[];
  options: Record<string, unknown>;
  references: ReferenceSequence[];
  headerText: string;
  /** The reference FASTA's file name, or null: partial states with and without one do not merge. */
  reference: string | null;
  sample: string;
  /** The Picard layout's INPUT and REFERENCE_SEQUENCE for the merged files (absent in partials of older versions). */
  provenance?: PicardProvenance;
  records: number;
  states: Record<string, unknown>;
}

export function writePartial(
  path: string,
  header: BamHeader,
  tools: string[],
  options: Record<string, unknown>,
  collectors: Collector[],
  sample: string,
  records: number,
  reference: string | null = null,
  provenance?: PicardProvenance,
): void {
  const file: PartialFile = {
    format: PARTIAL_FORMAT,
    version: PARTIAL_VERSION,
    tools,
    options,
    references: header.references,
    headerText: header.text,
    reference,
    sample,
    ...(provenance ? { provenance } : {}),
    records,
    states: Object.fromEntries(collectors.map((c, i) => [tools[i]!, c.toPartial()])),
  };
  writeFileAtomic(path, Buffer.from(partialJson(file)));
}

/** A partial state as JSON text: typed arrays (the basic collector's per-cycle counts) as lists of numbers. */
export function partialJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => (item instanceof Float64Array ? Array.from(item) : item));
}

export function readPartial(path: string): PartialFile {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(path);
  } catch (error) {
    throw new HtsError(describeFsError(error), path);
  }
  return parsePartial(bytes, path);
}

function parsePartial(bytes: Buffer, path: string): PartialFile {
  let parsed: PartialFile;
  try {
    parsed = JSON.parse(bytes.toString('utf8')) as PartialFile;
  } catch {
    // JSON.parse quotes the offending text, binary bytes included: say only what is wrong.
    throw new HtsError('not a partial-state file (not valid JSON)', path);
  }
  if (parsed?.format !== PARTIAL_FORMAT) throw new HtsError('not a shoal partial-state file (from collect-* --partial)', path);
  if (parsed.version !== PARTIAL_VERSION) throw new HtsError(`unsupported partial-state version ${String(parsed.version)}`, path);
  // The shape merging relies on; a file edited by hand or cut short fails here, named, rather
  // than as an internal error inside a collector.
  const problem = shapeProblem(parsed);
  if (problem) throw new HtsError(`not a valid partial-state file: ${problem}`, path);
  return parsed;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function shapeProblem(file: PartialFile): string | undefined {
  const raw = file as unknown as Record<string, unknown>;
  if (!Array.isArray(raw.tools) || !raw.tools.every((tool) => typeof tool === 'string')) return "'tools' is not a list of names";
  if (!isRecord(raw.options)) return "'options' is not an object";
  if (
    !Array.isArray(raw.references) ||
    !raw.references.every((r) => isRecord(r) && typeof r.name === 'string' && Number.isInteger(r.length))
  )
    return "'references' is not a list of sequences";
  if (typeof raw.headerText !== 'string') return "'headerText' is not text";
  if (typeof raw.sample !== 'string') return "'sample' is not text";
  if (raw.provenance !== undefined && !(isRecord(raw.provenance) && typeof raw.provenance.input === 'string'))
    return "'provenance' has no input";
  if (!Number.isInteger(raw.records) || (raw.records as number) < 0) return "'records' is not a count";
  const states = raw.states;
  if (!isRecord(states)) return "'states' is not an object";
  const missing = file.tools.find((tool) => !isRecord(states[tool]));
  if (missing !== undefined) return `no state for tool '${missing}'`;
  return undefined;
}

/**
 * A partial given twice would count its records twice. Refused: the same file (by real path, not
 * by spelling), and a byte-identical copy of one with records. The bytes are the partial's
 * identity: a partial is a deterministic function of its input, region, tools and options (the
 * same for every --threads), so the same region of the same input run twice gives the same bytes.
 * Two empty regions give identical partials too, and adding nothing twice is harmless.
 */
function readDistinctPartials(paths: string[]): PartialFile[] {
  const seen = new Map<string, string>();
  const contents = new Map<string, string>();
  return paths.map((path) => {
    let real: string;
    let bytes: Buffer;
    try {
      real = fs.realpathSync(path);
      bytes = fs.readFileSync(real);
    } catch (error) {
      throw new HtsError(describeFsError(error), path);
    }
    const earlier = seen.get(real);
    if (earlier !== undefined) throw new HtsError(`given twice (also as ${earlier}): its records would count twice`, path);
    seen.set(real, path);
    const file = parsePartial(bytes, path);
    const digest = createHash('sha256').update(bytes).digest('hex');
    const copyOf = contents.get(digest);
    if (copyOf !== undefined && file.records > 0) throw new HtsError(`a copy of ${copyOf}: its records would count twice`, path);
    contents.set(digest, path);
    return file;
  });
}

/** Merges partial files into one set of collectors; they must agree on tools, options and references. */
export function mergePartials(paths: string[]): {
  header: BamHeader;
  tools: string[];
  collectors: Collector[];
  sample: string;
  records: number;
  provenance: PicardProvenance;
} {
  if (paths.length === 0) throw new HtsError('no partial-state files to merge');
  const files = readDistinctPartials(paths);
  const first = files[0]!;
  files.forEach((file, i) => {
    if (JSON.stringify(file.tools) !== JSON.stringify(first.tools))
      throw new HtsError(`tools ${file.tools.join(',')} differ from ${first.tools.join(',')} in ${paths[0]}`, paths[i]);
    if (JSON.stringify(file.options) !== JSON.stringify(first.options))
      throw new HtsError(`tool options differ from those in ${paths[0]}`, paths[i]);
    if (JSON.stringify(file.references) !== JSON.stringify(first.references))
      throw new HtsError(`reference sequences differ from those in ${paths[0]}`, paths[i]);
    if ((file.reference ?? null) !== (first.reference ?? null))
      throw new HtsError(
        `made with reference ${file.reference ?? '(none)'}, but ${paths[0]} with ${first.reference ?? '(none)'}`,
        paths[i],
      );
  });
  const header = makeHeader(first.headerText, first.references);
  const collectors = first.tools.map((tool) => {
    const factory = COLLECTORS[tool];
    if (!factory) throw new HtsError(`unknown tool '${tool}' in a partial-state file`, paths[0]);
    // Finishing needs no reference (states hold counts); the name is kept for the merge check.
    return factory.create({ header, options: first.options });
  });
  files.forEach((file, f) => {
    try {
      collectors.forEach((collector, i) => collector.merge(file.states[first.tools[i]!]));
    } catch (error) {
      if (error instanceof HtsError) throw error.file === undefined ? new HtsError(error.detail, paths[f]) : error;
      // A state of the wrong shape inside a well-formed file (edited by hand, another version).
      throw new HtsError(`not a valid partial-state file: a tool state cannot be merged (${(error as Error).message})`, paths[f]);
    }
  });
  // The first state's input names the merged files (shards of one input all name the same file).
  const provenance = first.provenance ?? { input: first.sample };
  return {
    header,
    tools: first.tools,
    collectors,
    sample: first.sample,
    records: files.reduce((sum, f) => sum + f.records, 0),
    provenance,
  };
}
