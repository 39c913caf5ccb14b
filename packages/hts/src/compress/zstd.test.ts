import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { concatBytes } from '../bytes.js';
import { ZstdDecompressor, zstdAvailable, zstdCompress, zstdDecompressChunks } from './zstd.js';

/** Deterministic pseudo-random bytes (xorshift32), so failures reproduce. */
function randomBytes(length: number, seed = 0x9e3779b9): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

function repetitiveBytes(length: number): Uint8Array {
  const unit = new TextEncoder().encode('read_0001\t99\tchr1\t10468\t60\t100M\t=\t10570\t202\tACGTACGTTTAGGC\n');
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = unit[i % unit.length];
  return out;
}

/** Fast byte comparison (toEqual walks typed arrays element by element, which is slow at these sizes). */
function expectBytes(actual: Uint8Array, expected: Uint8Array): void {
  if (
    Buffer.from(actual.buffer, actual.byteOffset, actual.length).equals(Buffer.from(expected.buffer, expected.byteOffset, expected.length))
  )
    return;
  let at = 0;
  while (at < actual.length && at < expected.length && actual[at] === expected[at]) at++;
  expect.fail(`bytes differ: lengths ${actual.length} and ${expected.length}, first difference at offset ${at}`);
}

/** Decompresses `data` fed in pieces of `chunkSize` bytes and checks the stream ends cleanly. */
function decompress(data: Uint8Array, chunkSize = data.length || 1): Uint8Array {
  const decompressor = new ZstdDecompressor();
  const pieces: Uint8Array[] = [];
  try {
    for (let at = 0; at < data.length; at += chunkSize) pieces.push(...decompressor.push(data.subarray(at, at + chunkSize)));
    decompressor.end();
  } finally {
    decompressor.close();
  }
  return concatBytes(pieces);
}

// eslint-disable-next-line @typescript-eslint/require-await -- an asynchronous source on purpose: the stream path under test
async function* chunksOf(data: Uint8Array, size: number): AsyncIterable<Uint8Array> {
  for (let at = 0; at < data.length; at += size) yield data.subarray(at, at + size);
}

const hasZstdCli = spawnSync('zstd', ['--version'], { encoding: 'utf8' }).status === 0;

const random = randomBytes(200_000);
const repetitive = repetitiveBytes(400_000); // over ZSTD_DStreamOutSize (128 KiB): several output buffers

describe('zstd', () => {
  it('loads libzstd.so.1', () => {
    expect(zstdAvailable()).toBe(true);
  });

  for (const level of [1, 5, 19]) {
    it(`round trips random and repetitive data at level ${level}`, () => {
      for (const input of [random, repetitive, new Uint8Array(0), new Uint8Array([42])]) {
        const compressed = zstdCompress(input, level);
        expect(Array.from(compressed.subarray(0, 4))).toEqual([0x28, 0xb5, 0x2f, 0xfd]); // frame magic
        expectBytes(decompress(compressed), input);
      }
      expect(zstdCompress(repetitive, level).length).toBeLessThan(repetitive.length / 50);
    });
  }

  it('decompresses concatenated frames, including an empty one', () => {
    const inputs = [repetitive.subarray(0, 1000), new Uint8Array(0), random.subarray(0, 5000), repetitive];
    const stream = concatBytes(inputs.map((input, i) => zstdCompress(input, i + 1)));
    const expected = concatBytes(inputs);
    expectBytes(decompress(stream), expected);
    expectBytes(decompress(stream, 7), expected);
  });

  it('decompresses input fed one byte at a time', () => {
    const compressed = zstdCompress(repetitive, 3);
    const decompressor = new ZstdDecompressor();
    const pieces: Uint8Array[] = [];
    for (let i = 0; i < compressed.length; i++) pieces.push(...decompressor.push(compressed.subarray(i, i + 1)));
    decompressor.end();
    expectBytes(concatBytes(pieces), repetitive);
  });

  it('decompresses input in chunks bigger than ZSTD_DStreamInSize', () => {
    const big = randomBytes(600_000, 7);
    const compressed = zstdCompress(big, 1);
    expect(compressed.length).toBeGreaterThan(131_075 * 2);
    expectBytes(decompress(compressed, 1 << 20), big);
    expectBytes(decompress(compressed, 131_075), big);
  });

  it('returns pieces that stay valid after later pushes', () => {
    const compressed = zstdCompress(repetitive, 1);
    const decompressor = new ZstdDecompressor();
    const first = decompressor.push(compressed.subarray(0, compressed.length >> 1));
    const copies = first.map((piece) => piece.slice());
    const rest = decompressor.push(compressed.subarray(compressed.length >> 1));
    decompressor.end();
    first.forEach((piece, i) => expectBytes(piece, copies[i]));
    expectBytes(concatBytes([...first, ...rest]), repetitive);
  });

  it('zstdDecompressChunks decompresses an async stream', async () => {
    const stream = concatBytes([zstdCompress(random, 1), zstdCompress(repetitive, 2)]);
    const pieces: Uint8Array[] = [];
    for await (const piece of zstdDecompressChunks(chunksOf(stream, 65_536))) pieces.push(piece);
    expectBytes(concatBytes(pieces), concatBytes([random, repetitive]));
  });

  it('ending with no input at all gives no output and no error', () => {
    const decompressor = new ZstdDecompressor();
    expect(decompressor.push(new Uint8Array(0))).toEqual([]);
    expect(() => decompressor.end()).not.toThrow();
  });

  it.skipIf(!hasZstdCli)('interoperates with the zstd command-line tool', () => {
    const input = concatBytes([repetitive, random.subarray(0, 50_000)]);
    const fromCli = spawnSync('zstd', ['-q', '-c', '-3'], { input, maxBuffer: 1 << 26 });
    expect(fromCli.status).toBe(0);
    expectBytes(decompress(new Uint8Array(fromCli.stdout)), input);

    // The CLI writes a content checksum and, for this, two frames concatenated.
    const twoFrames = concatBytes([fromCli.stdout, fromCli.stdout]);
    expectBytes(decompress(twoFrames, 4096), concatBytes([input, input]));

    const toCli = spawnSync('zstd', ['-q', '-d', '-c'], { input: zstdCompress(input, 19), maxBuffer: 1 << 26 });
    expect(toCli.status).toBe(0);
    expectBytes(new Uint8Array(toCli.stdout), input);
  });

  it('reports truncated input at end()', () => {
    const compressed = zstdCompress(repetitive, 5);
    for (const cut of [1, 4, 10, compressed.length >> 1, compressed.length - 1]) {
      const decompressor = new ZstdDecompressor();
      decompressor.push(compressed.subarray(0, cut));
      expect(() => decompressor.end()).toThrow(/truncated/);
    }
    // A complete first frame followed by part of a second one.
    const second = zstdCompress(random.subarray(0, 1000), 1);
    const decompressor = new ZstdDecompressor();
    decompressor.push(concatBytes([compressed, second.subarray(0, 6)]));
    expect(() => decompressor.end()).toThrow(/truncated zstd data/);
  });

  it('zstdDecompressChunks throws on truncated input', async () => {
    const compressed = zstdCompress(repetitive, 1);
    const run = async () => {
      for await (const _ of zstdDecompressChunks(chunksOf(compressed.subarray(0, compressed.length - 3), 1000))) {
        // drain
      }
    };
    await expect(run()).rejects.toThrow(/truncated/);
  });

  it('throws on corrupt input', () => {
    const notZstd = new TextEncoder().encode('this is not zstd data at all');
    const decompressor = new ZstdDecompressor();
    expect(() => decompressor.push(notZstd)).toThrow(/^corrupt zstd data: /);
    expect(() => decompressor.push(notZstd)).toThrow(/^corrupt zstd data: /); // stays failed
    expect(() => decompressor.end()).toThrow(/^corrupt zstd data: /);

    // Valid magic, then a frame header that declares a reserved bit.
    const compressed = zstdCompress(repetitive, 1).slice();
    compressed[4] |= 0x08;
    expect(() => decompress(compressed)).toThrow(/^corrupt zstd data: /);

    // A frame followed by garbage.
    expect(() => decompress(concatBytes([zstdCompress(random.subarray(0, 100), 1), notZstd]))).toThrow(/corrupt zstd data/);
  });

  it.skipIf(!hasZstdCli)('detects a damaged frame when the CLI wrote a checksum', () => {
    const input = repetitive.subarray(0, 100_000);
    const compressed = new Uint8Array(spawnSync('zstd', ['-q', '-c', '-1', '--check'], { input }).stdout);
    compressed[compressed.length - 2] ^= 0xff; // inside the trailing XXH64 checksum
    expect(() => decompress(compressed)).toThrow(/corrupt zstd data: .*checksum/i);
  });

  it('close() is safe to call twice, and push() after it throws', () => {
    const decompressor = new ZstdDecompressor();
    decompressor.close();
    decompressor.close();
    expect(() => decompressor.push(new Uint8Array([1]))).toThrow(/after close/);
  });
});

describe('zstd without the library', () => {
  afterEach(() => {
    delete process.env.SHOAL_NO_LIBZSTD;
    vi.resetModules();
  });

  it('says which library is missing', async () => {
    process.env.SHOAL_NO_LIBZSTD = '1';
    vi.resetModules();
    const fresh = await import('./zstd.js');
    expect(fresh.zstdAvailable()).toBe(false);
    expect(() => fresh.zstdCompress(new Uint8Array(1), 1)).toThrow(/libzstd\.so\.1/);
    expect(() => new fresh.ZstdDecompressor()).toThrow(/libzstd\.so\.1/);
  });
});
