import { describe, expect, it } from 'vitest';
import { HtsError } from '../errors.js';
import { errorOf } from '../test-support/index.js';
import {
  encodeFrame,
  encodeFrameChunks,
  encodeFrameStream,
  encodeStreamPreamble,
  FrameDecoder,
  framePayload,
  type Frame,
  type FrameMetadata,
} from './codec.js';

const FRAMES: Array<{ header: FrameMetadata; payloads: Record<string, ArrayBufferView> }> = [
  {
    header: { type: 'signal-segment', readId: 'r1', sampleRateHz: 4000 },
    payloads: {
      samples: new Int16Array([1, -2, 3, -32768, 32767]),
      levels: new Float32Array([85.5, 90.25, -1]),
      starts: new BigUint64Array([0n, 18446744073709551615n]),
    },
  },
  { header: { type: 'empty' }, payloads: {} },
  {
    header: { type: 'matrix', rows: 2, columns: 3, note: 'ü' },
    payloads: {
      values: new Float64Array([0.5, 1e300, -0, Number.NaN, Infinity, 6]),
      flags: new Uint8Array([1, 2, 3]),
      signed: new Int8Array([-1]),
      counts: new Uint16Array([65535]),
      index: new Uint32Array([4294967295, 7]),
      offsets: new Int32Array([-2147483648]),
      deltas: new BigInt64Array([-9223372036854775808n]),
      none: new Float64Array(0),
    },
  },
];

const STREAM = encodeFrameStream(FRAMES);

function decodeAll(chunks: Uint8Array[]): Frame[] {
  const decoder = new FrameDecoder();
  const frames: Frame[] = [];
  for (const chunk of chunks) {
    decoder.push(chunk);
    frames.push(...decoder.frames());
  }
  decoder.end();
  frames.push(...decoder.frames());
  return frames;
}

/** Plain values for comparison: typed arrays become [dtype, values] pairs. */
function plain(frames: Frame[]): unknown {
  return frames.map((frame) => ({
    header: frame.header,
    payloads: Object.fromEntries(
      Object.entries(frame.payloads).map(([name, array]) => [name, [array.constructor.name, Array.from(array as ArrayLike<unknown>)]]),
    ),
  }));
}

describe('frame codec layout', () => {
  it('starts with the 16-byte preamble', () => {
    expect(Buffer.from(encodeStreamPreamble()).toString('hex')).toBe('53484f414c46524d0100000000000000');
  });

  it('lays a frame out as length, JSON header, padding, payloads padded to 8 bytes', () => {
    const frame = encodeFrame({ type: 't' }, { a: new Uint16Array([0x0102, 0x0304, 0x0506]) });
    const json = '{"type":"t","payloads":[{"name":"a","dtype":"u16","length":3}]}';
    const headerEnd = 4 + json.length;
    const payloadStart = headerEnd + ((8 - (headerEnd % 8)) % 8);
    expect(new DataView(frame.buffer).getUint32(0, true)).toBe(json.length);
    expect(Buffer.from(frame.subarray(4, headerEnd)).toString()).toBe(json);
    expect(payloadStart % 8).toBe(0);
    expect([...frame.subarray(payloadStart)]).toEqual([2, 1, 4, 3, 6, 5, 0, 0]);
    expect(frame.length % 8).toBe(0);
  });

  it('keeps payloads as views in encodeFrameChunks', () => {
    const samples = new Float32Array([1, 2, 3]);
    const chunks = encodeFrameChunks({ type: 't' }, { samples });
    expect(chunks[1].buffer).toBe(samples.buffer);
  });

  it('round-trips every dtype and metadata', () => {
    const decoded = decodeAll([STREAM]);
    expect(decoded.map((frame) => frame.header.type)).toEqual(['signal-segment', 'empty', 'matrix']);
    expect(decoded[0].header.readId).toBe('r1');
    expect(decoded[2].header.payloads.map((spec) => spec.dtype)).toEqual(['f64', 'u8', 'i8', 'u16', 'u32', 'i32', 'i64', 'f64']);
    for (const [frameIndex, frame] of FRAMES.entries()) {
      expect(Object.keys(decoded[frameIndex].payloads)).toEqual(Object.keys(frame.payloads));
      for (const [name, array] of Object.entries(frame.payloads)) {
        const decodedArray = decoded[frameIndex].payloads[name];
        expect(decodedArray.constructor).toBe(array.constructor);
        expect(Array.from(decodedArray as ArrayLike<unknown>)).toEqual(Array.from(array as unknown as ArrayLike<unknown>));
      }
    }
    expect(Object.is((decoded[2].payloads.values as Float64Array)[2], -0)).toBe(true);
  });

  it('decodes identically when split at every byte boundary', () => {
    const expected = plain(decodeAll([STREAM]));
    for (let cut = 0; cut <= STREAM.length; cut++) {
      expect(plain(decodeAll([STREAM.subarray(0, cut), STREAM.subarray(cut)]))).toEqual(expected);
    }
    const oneByteChunks = Array.from({ length: STREAM.length }, (_, index) => STREAM.subarray(index, index + 1));
    expect(plain(decodeAll(oneByteChunks))).toEqual(expected);
  });

  it('decodes identically from chunks at unaligned memory offsets (copying when it must)', () => {
    const expected = plain(decodeAll([STREAM]));
    for (let shift = 1; shift < 8; shift++) {
      const shifted = new Uint8Array(STREAM.length + shift);
      shifted.set(STREAM, shift);
      expect(plain(decodeAll([shifted.subarray(shift)]))).toEqual(expected);
    }
  });

  it('returns zero-copy views when a frame arrives in one aligned chunk', () => {
    const [first] = decodeAll([STREAM]);
    expect(first.payloads.levels.buffer).toBe(STREAM.buffer);
  });

  it('gives typed access to payloads with framePayload', () => {
    const [first] = decodeAll([STREAM]);
    const samples: Int16Array = framePayload(first, 'samples', 'i16');
    expect(samples[3]).toBe(-32768);
    expect(errorOf(() => framePayload(first, 'samples', 'f32')).message).toContain('is i16, expected f32');
    expect(errorOf(() => framePayload(first, 'absent', 'u8')).message).toContain("has no payload 'absent'");
  });

  it('decodes an empty stream (preamble only) to no frames', () => {
    expect(decodeAll([encodeStreamPreamble()])).toEqual([]);
  });

  it('uses declared payload order and checks it against the arrays', () => {
    const a = new Uint8Array([1]);
    const b = new Float32Array([2]);
    const payloads = [
      { name: 'b', dtype: 'f32' as const, length: 1 },
      { name: 'a', dtype: 'u8' as const, length: 1 },
    ];
    const [frame] = decodeAll([encodeFrameStream([{ header: { type: 't', payloads }, payloads: { a, b } }])]);
    expect(frame.header.payloads.map((spec) => spec.name)).toEqual(['b', 'a']);
    const mismatch = errorOf(() => encodeFrame({ type: 't', payloads: [{ name: 'a', dtype: 'u8', length: 2 }] }, { a }));
    expect(mismatch.message).toContain('payload length mismatch');
    expect(() => encodeFrame({ type: 't' }, { d: new DataView(new ArrayBuffer(8)) })).toThrow(TypeError);
  });
});

describe('frame codec errors', () => {
  it('reports a stream that ends mid-frame with the frame offset', () => {
    // Frame start offsets in STREAM: after the preamble, each frame follows the previous.
    const frameStarts = [16];
    for (const frame of FRAMES) frameStarts.push(frameStarts.at(-1)! + encodeFrame(frame.header, frame.payloads).length);
    expect(frameStarts.at(-1)).toBe(STREAM.length);
    for (let frameIndex = 0; frameIndex < FRAMES.length; frameIndex++) {
      for (let cut = frameStarts[frameIndex] + 1; cut < frameStarts[frameIndex + 1]; cut++) {
        const decoder = new FrameDecoder({ file: 'segments.frames' });
        decoder.push(STREAM.subarray(0, cut));
        expect([...decoder.frames()]).toHaveLength(frameIndex);
        const error = errorOf(() => decoder.end());
        expect(error.message).toContain(`truncated frame at byte offset ${frameStarts[frameIndex]}: the stream ends inside a frame`);
        expect(error.file).toBe('segments.frames');
        expect(error.location).toBe(`byte offset ${frameStarts[frameIndex]}`);
      }
    }
    const error = errorOf(() => decodeAll([STREAM.subarray(0, frameStarts[1] + 3)]));
    expect(error.message).toBe(`truncated frame at byte offset ${frameStarts[1]}: the stream ends inside a frame`);
  });

  it('keeps complete frames available when end() is called before draining', () => {
    const decoder = new FrameDecoder();
    decoder.push(STREAM);
    decoder.end();
    expect([...decoder.frames()]).toHaveLength(3);
  });

  it('rejects a foreign stream, an empty input and a truncated preamble', () => {
    expect(errorOf(() => decodeAll([Buffer.from('>chr1\nACGT\n')])).message).toContain('not a shoal frame stream');
    const decoder = new FrameDecoder();
    decoder.push(Buffer.from('SHX'));
    expect(() => [...decoder.frames()]).toThrow('not a shoal frame stream');
    expect(errorOf(() => decodeAll([])).message).toContain('the input is empty');
    expect(errorOf(() => decodeAll([STREAM.subarray(0, 10)])).message).toContain('preamble');
  });

  it('rejects an unsupported version', () => {
    const stream = STREAM.slice();
    new DataView(stream.buffer).setUint32(8, 2, true);
    expect(errorOf(() => decodeAll([stream])).message).toContain('unsupported frame format version 2');
  });

  function streamWithHeader(header: object, payloadBytes = 0): Uint8Array {
    const json = Buffer.from(JSON.stringify(header));
    const headerBytes = 4 + json.length + ((8 - ((4 + json.length) % 8)) % 8);
    const stream = new Uint8Array(16 + headerBytes + payloadBytes);
    stream.set(encodeStreamPreamble());
    new DataView(stream.buffer).setUint32(16, json.length, true);
    stream.set(json, 20);
    return stream;
  }

  it('rejects an unknown dtype, a bad length and malformed headers', () => {
    const unknown = streamWithHeader({ type: 't', payloads: [{ name: 'x', dtype: 'f16', length: 1 }] }, 8);
    expect(errorOf(() => decodeAll([unknown])).message).toContain('unknown dtype "f16" for payload \'x\'');
    const badLength = streamWithHeader({ type: 't', payloads: [{ name: 'x', dtype: 'u8', length: -1 }] });
    expect(errorOf(() => decodeAll([badLength])).message).toContain('payload length mismatch');
    expect(errorOf(() => decodeAll([streamWithHeader({ payloads: [] })])).message).toContain("no string 'type'");
    expect(errorOf(() => decodeAll([streamWithHeader({ type: 't' })])).message).toContain("no 'payloads' list");
    const notJson = streamWithHeader({ type: 't', payloads: [] });
    notJson[20] = 0x7b + 1;
    expect(errorOf(() => decodeAll([notJson])).message).toContain('not valid UTF-8 JSON');
  });

  it('rejects nonzero padding and an implausible header length', () => {
    const frame = encodeFrame({ type: 't' }, { a: new Uint8Array([9]) });
    const stream = new Uint8Array(16 + frame.length);
    stream.set(encodeStreamPreamble());
    stream.set(frame, 16);
    stream[stream.length - 1] = 1;
    expect(errorOf(() => decodeAll([stream])).message).toContain('nonzero padding');
    const huge = encodeStreamPreamble().slice();
    const withLength = new Uint8Array(20);
    withLength.set(huge);
    new DataView(withLength.buffer).setUint32(16, 0xffffffff, true);
    expect(errorOf(() => decodeAll([withLength])).message).toContain('exceeds');
  });

  it('keeps failing after an error', () => {
    const decoder = new FrameDecoder();
    decoder.push(Buffer.from('garbage!garbage!'));
    expect(() => [...decoder.frames()]).toThrow(HtsError);
    decoder.push(encodeStreamPreamble());
    expect(() => [...decoder.frames()]).toThrow(HtsError);
  });
});
