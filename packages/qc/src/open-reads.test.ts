/**
 * OpenReads against a Map from name to runs (what collect-wgs kept before), under random adds, replaces, forgets and
 * clears, with names that collide in the table (few distinct hashes) and enough entries to grow, rehash and compact.
 */
import { describe, expect, it } from 'vitest';
import { Random } from '@shoal/tools/dist/random.js';
import { nameHash, OpenReads } from './open-reads.js';

/** A seeded generator (the project's mulberry32), as a function. */
function random(seed: number): () => number {
  const generator = new Random(seed);
  return () => generator.next();
}

describe('OpenReads', () => {
  for (const [label, hashOf] of [
    ['FNV-1a hashes', (bytes: Uint8Array) => nameHash(bytes, 0, bytes.length)],
    ['four distinct hashes (every probe collides)', (bytes: Uint8Array) => bytes.length % 4],
  ] as const) {
    it(`remembers, replaces and forgets runs as a Map of names would (${label})`, () => {
      const next = random(label.length);
      const open = new OpenReads();
      const model = new Map<string, number[]>();
      const encoder = new TextEncoder();
      let position = 0;
      for (let step = 0; step < 40_000; step++) {
        position += Math.floor(next() * 3);
        const name = `read:${Math.floor(next() * 3000)}${'x'.repeat(Math.floor(next() * 5))}`;
        const bytes = encoder.encode(`@@${name}@`); // the name sits inside a record's bytes
        const hash = hashOf(encoder.encode(name));
        const entry = open.find(bytes, 2, name.length, hash);
        const expected = model.get(name);
        expect(entry >= 0, name).toBe(expected !== undefined);
        if (entry >= 0)
          expect(Array.from(open.runs.subarray(open.runsStart(entry), open.runsStart(entry) + 2 * open.runCount(entry)))).toEqual(expected);
        const count = Math.floor(next() * 4) * (next() < 0.02 ? 300 : 1);
        const runs = new Int32Array(2 * count);
        for (let i = 0, at = position; i < count; i++, at += 2 + Math.floor(next() * 5)) {
          runs[2 * i] = at;
          runs[2 * i + 1] = at + 1 + Math.floor(next() * 3);
          at = runs[2 * i + 1]!;
        }
        if (entry < 0) {
          if (count > 0) {
            open.add(bytes, 2, name.length, hash, runs, count);
            model.set(name, Array.from(runs));
          }
        } else {
          open.replace(entry, runs, count);
          if (count > 0) model.set(name, Array.from(runs));
          else model.delete(name);
        }
        if (next() < 0.01) {
          open.forgetEndingBy(position);
          // forgetEndingBy sweeps only now and then: the model keeps what the table kept, checked by the lookups above.
          for (const [key, value] of model)
            if (
              value[value.length - 1]! <= position &&
              open.find(encoder.encode(`@@${key}@`), 2, key.length, hashOf(encoder.encode(key))) < 0
            )
              model.delete(key);
        }
        if (next() < 0.0005) {
          open.clear();
          model.clear();
        }
        expect(open.size).toBe(model.size);
      }
    });
  }
});
