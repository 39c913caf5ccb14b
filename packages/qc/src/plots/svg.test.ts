import { describe, expect, it } from 'vitest';
import { chartSvg, formatNumber, niceTicks, type ChartSpec } from './svg.js';

describe('svg charts', () => {
  it('puts ticks at 1, 2 or 5 × 10^k, without floating-point noise', () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0, 0.3)).toEqual([0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3]);
    expect(niceTicks(3, 97)).toEqual([20, 40, 60, 80]); // within the range: the scale extends to the outer ticks
    expect(niceTicks(5, 5)).toEqual([5]);
  });

  it('prints tick labels short: percentages, k/M counts, small rates', () => {
    expect(formatNumber(0.25, 'percent')).toBe('25%');
    expect(formatNumber(0.0125, 'percent')).toBe('1.25%');
    expect(formatNumber(1_500_000, 'count')).toBe('1.5M');
    expect(formatNumber(12_000)).toBe('12k');
    expect(formatNumber(0.0004)).toBe('4.0e-4');
    expect(formatNumber(2.5)).toBe('2.5');
  });

  const spec: ChartSpec = {
    id: 'x.test',
    title: 'A <title> & "quotes"',
    x: { label: 'Depth' },
    y: { label: 'Share', format: 'percent' },
    y2: { label: 'Cumulative', min: 0, max: 1 },
    series: [
      {
        name: 'bars',
        kind: 'bars',
        points: [
          [0, 0.1],
          [1, 0.5],
          [2, 0.4],
        ],
      },
      {
        name: 'line',
        kind: 'line',
        axis: 'right',
        points: [
          [0, 1],
          [1, Number.NaN],
          [2, 0.4],
        ],
      },
    ],
  };

  it('escapes text, breaks a line at a missing value, and draws the same bytes every time', () => {
    const svg = chartSvg(spec);
    expect(svg).toContain('A &lt;title&gt; &amp; &quot;quotes&quot;');
    expect(svg).not.toContain('NaN');
    // The line's path: two pieces, each starting with a move (a gap at x = 1).
    const line = /data-series='line'>\n<path d='([^']*)'/.exec(svg)![1]!;
    expect(line.match(/M/g)).toHaveLength(2);
    expect(svg).toContain("class='axis y-axis y2-axis'");
    expect(chartSvg(spec)).toBe(svg);
  });

  it('keeps a line of 200,000 points to a path the size of the plot, spikes included', () => {
    const points = Array.from({ length: 200_000 }, (_, i): [number, number] => [i + 1, i === 123_456 ? 40 : 30 + (i % 3)]);
    const svg = chartSvg({
      id: 'x.long',
      title: 'long',
      x: { label: 'cycle' },
      y: { label: 'q', min: 0, max: 45 },
      series: [{ name: 'q', kind: 'line', points }],
    });
    expect(svg.length).toBeLessThan(60_000);
    // The spike at 40 (y = 40/45 of the plot's height) survives the thinning.
    const path = /data-series='q'>\n<path d='([^']*)'/.exec(svg)![1]!;
    const ys = [...path.matchAll(/L[\d.]+ ([\d.]+)/g)].map((m) => Number(m[1]));
    expect(Math.min(...ys)).toBeCloseTo(44 + (380 - 62 - 44) * (1 - 40 / 45), 0);
  });
});
