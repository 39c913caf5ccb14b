/**
 * Deterministic sampling (docs/tools/fq-transform.md, "Deterministic random steps"): a molecule's
 * draw depends only on the seed and its input index, never on threads or block sizes.
 */
import type { Table } from '../table.js';

/** murmur3's 32-bit finaliser. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A u64 seed split into its low and high 32 bits. */
export interface Seed {
  lo: number;
  hi: number;
}

/** uniform(seed, i) in [0, 1). */
export function uniform(seed: Seed, i: number): number {
  const mixed = fmix32(Math.imul(i >>> 0, 0x9e3779b1));
  return fmix32((seed.lo ^ mixed ^ seed.hi) >>> 0) / 4294967296;
}

/**
 * The seed of stream `stream` (a Demultiplex output tag) drawn from one configured seed: stream 0 is
 * the seed itself; others have fmix32(stream) mixed into its low word, so two outputs do not make
 * the same draws.
 */
export function streamSeed(seed: Seed, stream: number): Seed {
  return stream === 0 ? seed : { lo: (seed.lo ^ fmix32(stream >>> 0)) >>> 0, hi: seed.hi };
}

/** A u64 `seed` key (required, as in mbf). */
export function seedKey(table: Table, key = 'seed'): Seed {
  const raw = table.raw(key);
  let value: bigint;
  if (typeof raw === 'bigint') value = raw;
  else if (typeof raw === 'number' && Number.isInteger(raw)) value = BigInt(raw);
  else throw table.error(`expected an integer, found ${typeof raw === 'string' ? `the string "${raw}"` : String(raw)}`, key);
  if (value < 0n || value >= 1n << 64n) throw table.error(`must be an integer from 0 to 2^64-1, found ${value}`, key);
  return { lo: Number(value & 0xffffffffn), hi: Number(value >> 32n) };
}
