import { createReadStream, createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { encodeFrameStream, framePayload, type Frame } from './codec.js';
import { FrameStreamWriter, readFrameStream } from './stream.js';
import { testDirectory } from '../test-support/index.js';

const directory = testDirectory('shoal-frames-');

async function collect(iterable: AsyncIterable<Frame>): Promise<Frame[]> {
  const frames: Frame[] = [];
  for await (const frame of iterable) frames.push(frame);
  return frames;
}

describe('frame streams', () => {
  it('writes a file that reads back, and matches encodeFrameStream byte for byte', async () => {
    const path = join(directory, 'out.frames');
    const writer = new FrameStreamWriter(createWriteStream(path));
    const samples = new Int16Array([1, 2, 3]);
    await writer.write({ type: 'segment', index: 0 }, { samples });
    samples[0] = 99; // the writer copied: reusing the array must not change what was written
    await writer.write({ type: 'segment', index: 1 }, { samples, means: new Float64Array([1.5]) });
    await writer.end();

    const expected = encodeFrameStream([
      { header: { type: 'segment', index: 0 }, payloads: { samples: new Int16Array([1, 2, 3]) } },
      { header: { type: 'segment', index: 1 }, payloads: { samples: new Int16Array([99, 2, 3]), means: new Float64Array([1.5]) } },
    ]);
    expect(Buffer.compare(readFileSync(path), Buffer.from(expected))).toBe(0);

    const frames = await collect(readFrameStream(path));
    expect(frames.map((frame) => frame.header.index)).toEqual([0, 1]);
    expect(Array.from(framePayload(frames[0], 'samples', 'i16'))).toEqual([1, 2, 3]);
    expect(Array.from(framePayload(frames[1], 'means', 'f64'))).toEqual([1.5]);
    const byteByByte = await collect(readFrameStream(createReadStream(path, { highWaterMark: 1 })));
    expect(byteByByte.map((frame) => Array.from(framePayload(frame, 'samples', 'i16')))).toEqual([
      [1, 2, 3],
      [99, 2, 3],
    ]);
  });

  it('writes a valid empty stream when no frame is written', async () => {
    const output = new PassThrough();
    const writer = new FrameStreamWriter(output);
    const chunks: Buffer[] = [];
    output.on('data', (chunk: Buffer) => chunks.push(chunk));
    await writer.end();
    expect(await collect(readFrameStream(Readable.from(chunks)))).toEqual([]);
  });

  it('honours backpressure through a slow reader', async () => {
    const output = new PassThrough({ highWaterMark: 64 });
    const writer = new FrameStreamWriter(output);
    const reading = collect(readFrameStream(output));
    for (let index = 0; index < 200; index++) {
      await writer.write({ type: 'n', index }, { values: new Float64Array(100).fill(index) });
    }
    await writer.end();
    const frames = await reading;
    expect(frames).toHaveLength(200);
    expect(framePayload(frames[199], 'values', 'f64')[99]).toBe(199);
  });

  it('reports a truncated file with its path and the frame offset', async () => {
    const stream = encodeFrameStream([{ header: { type: 't' }, payloads: { a: new Float32Array(10) } }]);
    const path = join(directory, 'truncated.frames');
    writeFileSync(path, stream.subarray(0, stream.length - 8));
    await expect(collect(readFrameStream(path))).rejects.toThrow(`${path} (byte offset 16): truncated frame at byte offset 16`);
  });

  it('reports a missing file', async () => {
    await expect(collect(readFrameStream(join(directory, 'absent.frames')))).rejects.toThrow('file not found');
  });
});
