/** Small blocks for step unit tests: molecules written as FASTQ-ish tuples, read back the same way. */
import { emptyReadsBlock, nameOf, pushRead, qualOf, seqOf } from '@shoal/hts';
import { FastqBlock, type TagValue } from '../block.js';
import { Table } from '../table.js';
import { parseToml } from '../toml.js';
import type { StepContext, StepDefinition, StepEnvironment } from '../steps/types.js';
import type { TagKind } from '../block.js';

export interface TestRead {
  name: string;
  seq: string;
  qual?: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('latin1');

/** molecules[i][s] = read of segment s of molecule i. */
export function makeBlock(molecules: TestRead[][], tags: Record<string, TagValue[]> = {}, firstIndex = 0): FastqBlock {
  const segmentCount = molecules[0]?.length ?? 1;
  const segments = Array.from({ length: segmentCount }, () => emptyReadsBlock());
  for (const molecule of molecules) {
    molecule.forEach((read, s) =>
      pushRead(segments[s]!, encoder.encode(read.name), encoder.encode(read.seq), encoder.encode(read.qual ?? 'I'.repeat(read.seq.length))),
    );
  }
  const index = new Float64Array(molecules.length).map((_, i) => firstIndex + i);
  return new FastqBlock(segments, molecules.length, index, tags);
}

export function readsOf(block: FastqBlock): TestRead[][] {
  const out: TestRead[][] = [];
  for (let i = 0; i < block.count; i++) {
    out.push(
      block.segments.map((reads) => ({
        name: decoder.decode(nameOf(reads, i)),
        seq: decoder.decode(seqOf(reads, i)),
        qual: decoder.decode(qualOf(reads, i)),
      })),
    );
  }
  return out;
}

export function environment(segments: string[] = ['read1'], tags: Record<string, TagKind> = {}): StepEnvironment {
  return {
    segments,
    tags: new Map(Object.entries(tags)),
    output: { prefix: 'output', ixSeparator: '_', directory: '.' },
    stepIndex: 0,
    readCommentChar: ' ',
    barcodeTables: new Map(),
  };
}

/** Parses a step's keys from TOML text (the [[step]] body without `action`). */
export function parseStep<C>(step: StepDefinition<C>, body: string, env: StepEnvironment = environment()): C {
  const doc = parseToml(`[[step]]\n${body}\n`, 'test.toml');
  const data = (doc.data.step as Record<string, unknown>[])[0]!;
  const table = new Table(doc, ['step', 0], data, `[[step]] 1 (${step.action})`);
  const config = step.parse(table, env);
  table.finish();
  return config;
}

/** Runs a step over blocks in order, as a serial run would; returns whether endInput was called. */
export function applyStep<C>(
  step: StepDefinition<C>,
  config: C,
  blocks: FastqBlock[],
  segments: string[] = ['read1'],
): { ended: boolean; state: unknown } {
  let ended = false;
  const context: StepContext = {
    segments,
    state: step.initState?.(config),
    compiled: step.compile?.(config),
    blockIndex: 0,
    endInput: () => {
      ended = true;
    },
  };
  blocks.forEach((block, index) => {
    (context as { blockIndex: number }).blockIndex = index;
    step.apply(block, config, context);
  });
  return { ended, state: context.state };
}
