/**
 * FilterReservoirSample: exactly `n` molecules (or all, if fewer), uniformly chosen by Algorithm R
 * with fq-transform's deterministic draws (docs/tools/fq-transform.md): molecule c (0-based, counted
 * as they reach the step) fills slot c while c < n, else replaces slot floor(uniform(seed, c)·(c+1))
 * when that is < n. Blocks leave empty; the final block carries the reservoir, in input order.
 * Serial; the reservoir is plain data in the state. After a Demultiplex step each output has its
 * own reservoir of `n`, its own count c and its own draws (seeded-random.ts streamSeed); the final
 * block carries them in output-tag order, each in input order.
 */
import { emptyReadsBlock, nameOf, pushRead, qualOf, seqOf } from '@shoal/hts';
import type { TagValue } from '../../block.js';
import { type Seed, seedKey, streamSeed, uniform } from '../seeded-random.js';
import { defineStep } from '../types.js';

interface Config {
  n: number;
  seed: Seed;
  /** After a Demultiplex step: the final block must carry output tags (it may arrive without them). */
  demultiplexed: boolean;
}

interface Slot {
  /** Arrival position c: the reservoir is emitted in this order. */
  order: number;
  inputIndex: number;
  /** Per segment: name, seq, qual. */
  reads: [Uint8Array, Uint8Array, Uint8Array][];
  tags: Record<string, TagValue>;
}

interface Reservoir {
  seed: Seed;
  seen: number;
  slots: Slot[];
}

interface State {
  /** Per output tag (0 without Demultiplex). */
  reservoirs: Map<number, Reservoir>;
  /** Tag labels seen, in first-seen order. */
  labels: string[];
}

export const filterReservoirSample = defineStep<Config, State>({
  action: 'FilterReservoirSample',
  parse(table, env) {
    const n = table.integer('n');
    if (n <= 0) throw table.error('n must be > 0. Set to a positive integer.', 'n');
    const seed = seedKey(table);
    return { n, seed, demultiplexed: env.demultiplex !== undefined };
  },
  needsSerial: () => true,
  followsDemultiplex: true,
  initState: () => ({ reservoirs: new Map(), labels: [] }),
  apply(block, config, context) {
    const state = context.state;
    const labels = Object.keys(block.tags);
    for (const label of labels) if (!state.labels.includes(label)) state.labels.push(label);
    for (let i = 0; i < block.count; i++) {
      const output = block.outputTags ? block.outputTags[i]! : 0;
      let reservoir = state.reservoirs.get(output);
      if (!reservoir) state.reservoirs.set(output, (reservoir = { seed: streamSeed(config.seed, output), seen: 0, slots: [] }));
      const c = reservoir.seen++;
      let slot: number;
      if (c < config.n) slot = c;
      else {
        slot = Math.floor(uniform(reservoir.seed, c) * (c + 1));
        if (slot >= config.n) continue;
      }
      const tags: Record<string, TagValue> = {};
      for (const label of labels) tags[label] = structuredClone(block.tags[label]![i] ?? null);
      reservoir.slots[slot] = {
        order: c,
        inputIndex: block.inputIndex[i]!,
        reads: block.segments.map((reads) => [nameOf(reads, i).slice(), seqOf(reads, i).slice(), qualOf(reads, i).slice()]),
        tags,
      };
    }
    block.keep(new Uint8Array(block.count));
    if (!block.final) return;

    const outputs = [...state.reservoirs.keys()].sort((a, b) => a - b);
    const chosenPerOutput = outputs.map((output) => state.reservoirs.get(output)!.slots.sort((x, y) => x.order - y.order));
    const chosen = chosenPerOutput.flat();
    if (config.demultiplexed) block.outputTags = Float64Array.from(outputs.flatMap((output, k) => chosenPerOutput[k]!.map(() => output)));
    const segmentCount = Math.max(block.segments.length, context.segments.length, chosen[0]?.reads.length ?? 0);
    while (block.segments.length < segmentCount) block.segments.push(emptyReadsBlock());
    for (const slot of chosen) slot.reads.forEach(([name, seq, qual], s) => pushRead(block.segments[s]!, name, seq, qual));
    block.inputIndex = Float64Array.from(chosen.map((slot) => slot.inputIndex));
    for (const label of state.labels) block.tags[label] = chosen.map((slot) => slot.tags[label] ?? null);
    block.count = chosen.length;
    state.reservoirs.clear();
  },
});
