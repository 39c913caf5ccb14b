import { describe, expect, it } from 'vitest';
import { detectEvents, DNA_EVENT_DETECTOR, picoampsAsNanopolish, RNA_EVENT_DETECTOR } from './event-detection.js';
import { Random } from './test-support/synthetic-read.js';

/** A step signal: `levels[i]` held for `lengths[i]` samples, with N(0, noise) added. */
function stepSignal(levels: number[], lengths: number[], noise: number, seed: number): { signal: Float32Array; steps: number[] } {
  const random = new Random(seed);
  const total = lengths.reduce((sum, length) => sum + length, 0);
  const signal = new Float32Array(total);
  const steps: number[] = [];
  let position = 0;
  levels.forEach((level, i) => {
    if (i > 0) steps.push(position);
    for (let j = 0; j < lengths[i]; j++) signal[position++] = random.normal(level, noise);
  });
  return { signal, steps };
}

describe('event detection', () => {
  it('finds every step of a noisy step signal within two samples; extra splits stay inside a level', () => {
    const random = new Random(7);
    const levels: number[] = [];
    const lengths: number[] = [];
    for (let i = 0; i < 60; i++) {
      // Neighbouring levels at least 8 pA apart, 20-60 samples each, noise 0.5 pA: far above the RNA thresholds, no spurious split.
      let level = 70 + Math.floor(random.next() * 60);
      while (levels.length > 0 && Math.abs(level - levels[levels.length - 1]) < 8) level = 70 + Math.floor(random.next() * 60);
      levels.push(level);
      lengths.push(20 + Math.floor(random.next() * 41));
    }
    const { signal, steps } = stepSignal(levels, lengths, 0.5, 11);
    const events = detectEvents(signal, RNA_EVENT_DETECTOR);
    const boundaries = Array.from(events.start.subarray(1));
    for (const step of steps) expect(Math.min(...boundaries.map((boundary) => Math.abs(boundary - step)))).toBeLessThanOrEqual(2);
    // The RNA thresholds (t > 2.5 over 7 samples) also split some levels on noise alone, as in nanopolish (about 1.7
    // events per k-mer on real reads), but not most of them.
    expect(events.count).toBeLessThan(2 * levels.length);
    // Events tile the signal; an event that does not straddle a step has its level's mean and noise.
    expect(events.start[0]).toBe(0);
    for (let i = 0; i < events.count; i++) {
      const end = i + 1 < events.count ? events.start[i + 1] : signal.length;
      expect(events.start[i] + events.length[i]).toBe(end);
      const level = steps.filter((step) => step <= events.start[i] + 2).length;
      if (events.length[i] > 4 && steps.every((step) => step <= events.start[i] + 2 || step >= end - 2)) {
        expect(Math.abs(events.mean[i] - levels[level])).toBeLessThan(1);
        expect(events.stdv[i]).toBeLessThan(1.5);
      }
    }
  });

  it('computes the mean and population stdv of each event in float32, relative to `from`', () => {
    const { signal } = stepSignal([100, 60], [40, 40], 0.5, 3);
    const events = detectEvents(signal, RNA_EVENT_DETECTOR, 10, 80);
    expect(events.count).toBe(2);
    expect(events.start[1]).toBeGreaterThan(27);
    expect(events.start[1]).toBeLessThan(33);
    let sum = 0;
    let squares = 0;
    for (let i = 10; i < 10 + events.length[0]; i++) {
      sum += signal[i];
      squares += signal[i] * signal[i];
    }
    const mean = sum / events.length[0];
    expect(events.mean[0]).toBeCloseTo(mean, 4);
    // E[x^2] - mean^2 in float32 (as scrappie) loses about 3 digits at 100 pA.
    expect(events.stdv[0]).toBeCloseTo(Math.sqrt(squares / events.length[0] - mean * mean), 2);
  });

  it('gives one event for a flat trace or one shorter than two windows, none for an empty one', () => {
    expect(detectEvents(new Float32Array(500).fill(90), RNA_EVENT_DETECTOR).count).toBe(1);
    expect(detectEvents(Float32Array.from([1, 50, 1, 50, 1, 50, 1, 50, 1, 50]), RNA_EVENT_DETECTOR).count).toBe(1);
    expect(detectEvents(new Float32Array(0), RNA_EVENT_DETECTOR).count).toBe(0);
  });

  it('splits finer with the DNA detector (shorter windows) than with the RNA one', () => {
    const { signal } = stepSignal([80, 95, 80, 95, 80, 95, 80], [8, 8, 8, 8, 8, 8, 8], 0.3, 5);
    expect(detectEvents(signal, DNA_EVENT_DETECTOR).count).toBeGreaterThan(detectEvents(signal, RNA_EVENT_DETECTOR).count);
  });

  it('converts raw values to picoamperes in float32 as nanopolish does', () => {
    const raw = Int16Array.from([0, 100, -100, 1234]);
    const pa = picoampsAsNanopolish(raw, 8192, 4.65, 1126.47);
    const unit = Math.fround(Math.fround(1126.47) / 8192);
    for (let i = 0; i < raw.length; i++) expect(pa[i]).toBe(Math.fround(Math.fround(raw[i] + Math.fround(4.65)) * unit));
    expect(pa[1]).toBeCloseTo((100 + 4.65) * (1126.47 / 8192), 3);
  });
});
