/**
 * Stages for the engine's own tests and its demo: arithmetic with random delays, an order check,
 * failures on demand, per-thread counters, and a small FASTQ-like chain (parse → Head → rename
 * with a running read index → trim → format) whose serial steps must see blocks in order.
 */
import { HtsError } from '@shoal/hts';
import type { Payload, StageDefinition } from '../stage.js';

const sleeper = new Int32Array(new SharedArrayBuffer(4));
/** Blocks this thread for `ms` (workers may block; it is how the tests shuffle completion order). */
function sleep(ms: number): void {
  if (ms > 0) Atomics.wait(sleeper, 0, 0, ms);
}

/** A seeded delay per (block, stage), so "random" delays are the same at every thread count. */
function delayFor(blockIndex: number, salt: number, maxMs: number): number {
  let x = (blockIndex * 2654435761 + salt * 40503) >>> 0;
  x ^= x >>> 13;
  x = Math.imul(x, 0x5bd1e995) >>> 0;
  return maxMs > 0 ? x % (maxMs + 1) : 0;
}

interface DelayOptions {
  maxDelayMs?: number;
}

export const stages: Record<string, StageDefinition> = {
  /** values → values², records which thread ran it. */
  square: {
    kind: 'parallel',
    process(payload: Payload, _state, context) {
      const options = payload.options as DelayOptions | undefined;
      sleep(delayFor(context.blockIndex, 1, options?.maxDelayMs ?? 0));
      const values = payload.values as Float64Array;
      for (let i = 0; i < values.length; i++) values[i] = values[i]! * values[i]!;
      return { ...payload, values, threads: [...((payload.threads as number[]) ?? []), context.threadId] };
    },
  },
  /** Fails unless blocks arrive in order; appends the order it saw. */
  orderCheck: {
    kind: 'serial',
    createState: () => ({ next: 0 }),
    process(payload: Payload, state: { next: number }, context) {
      if (payload.index !== state.next || context.blockIndex !== state.next)
        throw new Error(`serial stage saw block ${String(payload.index)} when ${state.next} was due`);
      state.next++;
      return { ...payload, seenInOrder: true };
    },
  },
  /** Throws an HtsError (or a plain Error) at one block, after an optional delay. */
  failAt: {
    kind: 'parallel',
    createState: (options: { block: number; plain?: boolean; delayMs?: number }) => options,
    process(payload: Payload, state: { block: number; plain?: boolean; delayMs?: number }, context) {
      if (context.blockIndex === state.block) {
        sleep(state.delayMs ?? 0);
        if (state.plain) throw new Error(`stage failed on block ${context.blockIndex}`);
        throw new HtsError(`bad data in block ${context.blockIndex}`, 'input.dat', `block ${context.blockIndex}`);
      }
      return payload;
    },
  },
  /** Per-thread count of values, exported at the end (the QC collectors' mode). */
  countValues: {
    kind: 'parallel',
    createState: () => ({ values: 0, blocks: 0 }),
    process(payload: Payload, state: { values: number; blocks: number }) {
      state.values += (payload.values as Float64Array).length;
      state.blocks++;
      return payload;
    },
    exportState: (state: { values: number; blocks: number }) => state,
  },

  // ── A FASTQ-like chain ────────────────────────────────────────────────────
  /** FASTQ text (whole records) → names, sequences, qualities. */
  parseReads: {
    kind: 'parallel',
    process(payload: Payload, _state, context) {
      sleep(delayFor(context.blockIndex, 2, (payload.maxDelayMs as number) ?? 0));
      const lines = new TextDecoder().decode(payload.text as Uint8Array).split('\n');
      const names: string[] = [];
      const sequences: string[] = [];
      const qualities: string[] = [];
      for (let i = 0; i + 3 < lines.length; i += 4) {
        names.push(lines[i]!.slice(1));
        sequences.push(lines[i + 1]!);
        qualities.push(lines[i + 3]!);
      }
      context.release((payload.text as Uint8Array).buffer as ArrayBuffer);
      return { names, sequences, qualities, maxDelayMs: payload.maxDelayMs };
    },
  },
  /** Keeps the first `reads` reads (mbf's Head: needs_serial) and ends the run there. */
  head: {
    kind: 'serial',
    createState: (options: { reads: number }) => ({ left: options.reads }),
    process(payload: Payload, state: { left: number }, context) {
      const names = payload.names as string[];
      const keep = Math.min(state.left, names.length);
      state.left -= keep;
      if (state.left === 0) context.markLast();
      return {
        ...payload,
        names: names.slice(0, keep),
        sequences: (payload.sequences as string[]).slice(0, keep),
        qualities: (payload.qualities as string[]).slice(0, keep),
      };
    },
  },
  /** Renames reads to `read_<global index>` (mbf's Rename with {{READ_INDEX}}: needs_serial). */
  renameByIndex: {
    kind: 'serial',
    createState: () => ({ next: 1 }),
    process(payload: Payload, state: { next: number }) {
      return { ...payload, names: (payload.names as string[]).map(() => `read_${state.next++}`) };
    },
  },
  /** Trims the last `bases` bases of every read. */
  trimEnd: {
    kind: 'parallel',
    createState: (options: { bases: number }) => options,
    process(payload: Payload, state: { bases: number }, context) {
      sleep(delayFor(context.blockIndex, 3, (payload.maxDelayMs as number) ?? 0));
      const cut = (s: string): string => s.slice(0, Math.max(0, s.length - state.bases));
      return { ...payload, sequences: (payload.sequences as string[]).map(cut), qualities: (payload.qualities as string[]).map(cut) };
    },
  },
  /** Back to FASTQ text bytes. */
  formatReads: {
    kind: 'parallel',
    process(payload: Payload) {
      const names = payload.names as string[];
      const text = names
        .map((name, i) => `@${name}\n${(payload.sequences as string[])[i]}\n+\n${(payload.qualities as string[])[i]}\n`)
        .join('');
      return { text: new TextEncoder().encode(text) };
    },
  },
};
