/** readLines: the same lines and numbers for every chunk size, lines longer than many chunks, \r\n, UTF-8 cut mid-character. */
import { describe, expect, it } from 'vitest';
import type { ByteSource } from './byte-source.js';
import { readLines } from './lines.js';

/** A source over `bytes` that hands out at most `step` bytes a read, as a pipe does. */
function memorySource(bytes: Uint8Array, step: number): ByteSource {
  let at = 0;
  return {
    name: 'memory',
    sizeBytes: bytes.length,
    seekable: false,
    read: (into) => {
      const n = Math.min(step, into.length, bytes.length - at);
      into.set(bytes.subarray(at, at + n));
      at += n;
      return Promise.resolve(n);
    },
    seek: () => {
      throw new Error('not seekable');
    },
    close: () => {},
  };
}

async function lines(text: string, step: number, bufferBytes?: number): Promise<[number, string][]> {
  const found: [number, string][] = [];
  for await (const line of readLines(memorySource(Buffer.from(text, 'utf8'), step), bufferBytes)) found.push([line.number, line.text]);
  return found;
}

describe('readLines', () => {
  it('gives the same numbered lines for every chunk size', async () => {
    const text = 'a\tb\r\n\nsecond é line\nthird ☃\r\nlast without newline';
    const expected: [number, string][] = [
      [1, 'a\tb'],
      [2, ''],
      [3, 'second é line'],
      [4, 'third ☃'],
      [5, 'last without newline'],
    ];
    for (let step = 1; step <= text.length + 2; step++) expect(await lines(text, step, 64), `step ${step}`).toEqual(expected);
  });

  it('has no empty line after a final newline, and none for empty input', async () => {
    expect(await lines('x\ny\n', 3)).toEqual([
      [1, 'x'],
      [2, 'y'],
    ]);
    expect(await lines('', 3)).toEqual([]);
  });

  it('reads a line longer than many chunks whole', async () => {
    const long = 'ACGT'.repeat(1 << 20);
    const found = await lines(`@h\n${long}\r\nend\n`, 65536, 65536);
    expect(found.map(([n, t]) => [n, t.length])).toEqual([
      [1, 2],
      [2, long.length],
      [3, 3],
    ]);
    expect(found[1]![1]).toBe(long);
  });
});
