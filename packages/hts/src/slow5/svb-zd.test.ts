import { describe, expect, it } from 'vitest';
import { HtsError } from '../errors.js';
import { decodeSvbZd, encodeSvbZd, svbZdMaxBytes } from './svb-zd.js';

function randomSignal(length: number, seed: number, spread: number): Int16Array {
  const out = new Int16Array(length);
  let state = seed >>> 0;
  let level = 500;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    level += (state % (2 * spread + 1)) - spread;
    out[i] = level; // wraps into int16 now and then: the codec must not care
    level = out[i]!;
  }
  return out;
}

describe('svb-zd', () => {
  it('encodes a hand-worked example byte for byte', () => {
    // Samples 0, 1, -1, 300, -32768, 32767: deltas 0, 1, -2, 301, -33068, 65535; zig-zag 0, 2, 3,
    // 602, 66135, 131070; lengths 1, 1, 1, 2 | 3, 3 bytes; keys 0b01_00_00_00 = 0x40 and 0b10_10 = 0x0a.
    const signal = Int16Array.from([0, 1, -1, 300, -32768, 32767]);
    const expected = [6, 0, 0, 0, 0x40, 0x0a, 0x00, 0x02, 0x03, 0x5a, 0x02, 0x57, 0x02, 0x01, 0xfe, 0xff, 0x01];
    expect(Array.from(encodeSvbZd(signal))).toEqual(expected);
    expect(Array.from(decodeSvbZd(Uint8Array.from(expected)))).toEqual(Array.from(signal));
  });

  it('round-trips the empty signal as a bare count', () => {
    const encoded = encodeSvbZd(new Int16Array(0));
    expect(Array.from(encoded)).toEqual([0, 0, 0, 0]);
    expect(decodeSvbZd(encoded).length).toBe(0);
  });

  it('round-trips every tail length (1 to 9 samples) and noisy signals', () => {
    for (let length = 1; length <= 9; length++) {
      const signal = randomSignal(length, length, 20000);
      expect(Array.from(decodeSvbZd(encodeSvbZd(signal)))).toEqual(Array.from(signal));
    }
    for (const spread of [3, 200, 40000]) {
      const signal = randomSignal(10007, spread, spread);
      const encoded = encodeSvbZd(signal);
      expect(encoded.length).toBeLessThanOrEqual(svbZdMaxBytes(signal.length));
      expect(decodeSvbZd(encoded)).toEqual(signal);
    }
  });

  it('round-trips the extreme deltas -32768 → 32767 → -32768 at 3 bytes each', () => {
    const signal = new Int16Array(1001);
    for (let i = 0; i < signal.length; i++) signal[i] = i % 2 === 0 ? -32768 : 32767;
    const encoded = encodeSvbZd(signal);
    // First sample: zig-zag(-32768) = 65535 (2 bytes); then |delta| = 65535 → 131069 or 131070 (3 bytes).
    expect(encoded.length).toBe(4 + Math.ceil(1001 / 4) + 2 + 3 * 1000);
    expect(decodeSvbZd(encoded)).toEqual(signal);
  });

  it('decodes 4-byte values the format allows though int16 deltas never need them', () => {
    // One sample coded with key 3 (4 bytes): zig-zag 2 → delta 1 → sample 1.
    const payload = Uint8Array.from([1, 0, 0, 0, 0x03, 2, 0, 0, 0]);
    expect(Array.from(decodeSvbZd(payload))).toEqual([1]);
  });

  it('reports a payload shorter or longer than its keys say as a signal length mismatch', () => {
    const encoded = encodeSvbZd(Int16Array.from([5, 600, -600, 7, 8]));
    const where = { file: 'x.blow5', location: 'record 0 at byte offset 100' };
    expect(() => decodeSvbZd(encoded.subarray(0, encoded.length - 1), where)).toThrow(HtsError);
    expect(() => decodeSvbZd(encoded.subarray(0, encoded.length - 1), where)).toThrow(
      /x\.blow5 \(record 0 at byte offset 100\): signal length mismatch/,
    );
    const longer = new Uint8Array(encoded.length + 1);
    longer.set(encoded);
    expect(() => decodeSvbZd(longer, where)).toThrow(/signal length mismatch/);
    expect(() => decodeSvbZd(Uint8Array.from([200, 0, 0, 0, 0]), where)).toThrow(/signal length mismatch/);
    expect(() => decodeSvbZd(Uint8Array.from([1, 0]), where)).toThrow(/corrupt svb-zd signal/);
  });
});
