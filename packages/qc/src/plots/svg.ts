/**
 * Charts as standalone SVG text, drawn by the project (no R, no browser, no dependency): line, bar and point series on
 * a numeric or categorical x axis, a left and an optional right y axis, error bars, a reference line, a legend.
 *
 * The output is a pure function of the data: coordinates are rounded to 0.1 px and numbers printed by fixed rules, so
 * the same metrics give the same bytes on every machine and thread count (collect-multi's files are compared byte for
 * byte). Elements carry classes the report's browser test reads: `shoal-plot` on the root, `x-axis`/`y-axis` groups
 * with `tick` labels and an `axis-label`, `series` groups with the marks.
 */

export type SeriesKind = 'line' | 'bars' | 'points' | 'step';

export interface Series {
  name: string;
  kind: SeriesKind;
  /**
   * [x, y]; on a categorical axis x is the category's index. Non-finite y values are left out (a gap in a line). Or the
   * same by column, for series of a million points (a long read's cycles): no array per point.
   */
  points: [number, number][] | PointColumns;
  /** Measured on the right axis (its own scale and label). */
  axis?: 'left' | 'right';
  /** Half-widths of error bars, one per point (points and lines). */
  errors?: number[];
  dashed?: boolean;
  /**
   * How a line of more than two points per pixel column is thinned: `envelope` (default) keeps each column's lowest and
   * highest point, no spike lost; `mean` keeps their mean, for shares that swing 0-100% where few reads reach (the late
   * cycles of long reads), whose envelope would be a solid block.
   */
  thin?: 'envelope' | 'mean';
}

export interface PointColumns {
  xs: ArrayLike<number>;
  ys: ArrayLike<number>;
}

/** A series' points by column, however it holds them. */
function columnsOf(series: Series): PointColumns {
  const points = series.points;
  if (!Array.isArray(points)) return points;
  const xs = new Float64Array(points.length);
  const ys = new Float64Array(points.length);
  for (let i = 0; i < points.length; i++) [xs[i], ys[i]] = points[i]!;
  return { xs, ys };
}

export interface AxisSpec {
  label: string;
  min?: number;
  max?: number;
  /** Format of the tick labels: plain numbers (default), percentages of fractions (0.25 → 25%), or integers with k/M. */
  format?: 'number' | 'percent' | 'count';
}

export interface ChartSpec {
  /** A name unique in a run, used as the element id and the file name (`isize.insert-size`). */
  id: string;
  title: string;
  x: AxisSpec & { categories?: string[] };
  y: AxisSpec;
  y2?: AxisSpec;
  series: Series[];
  /** A horizontal line at this y of the left axis, with its label (normalised coverage 1). */
  reference?: { y: number; label: string };
  width?: number;
  height?: number;
}

/** Okabe-Ito: distinguishable with the common colour-vision deficiencies, and in greyscale by order. */
const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'];

const FONT = "font-family='Helvetica, Arial, sans-serif'";

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A coordinate to 0.1 px, printed without a trailing `.0`. */
function px(value: number): string {
  const rounded = Math.round(value * 10) / 10;
  return Object.is(rounded, -0) ? '0' : String(rounded);
}

/** Ticks at 1, 2 or 5 × 10^k covering [min, max], about `count` of them. */
export function niceTicks(min: number, max: number, count = 6): number[] {
  if (!(max > min)) return [min];
  const rough = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough)!;
  const ticks: number[] = [];
  for (let i = Math.ceil(min / step - 1e-9); i * step <= max + step * 1e-9; i++) ticks.push(roundTo(i * step, step));
  return ticks;
}

/** Removes floating-point noise (0.30000000000000004) at the tick step's precision. */
function roundTo(value: number, step: number): number {
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  return Number(value.toFixed(Math.min(decimals, 12)));
}

/** A tick or value label: short, and the same on every machine. */
export function formatNumber(value: number, format: AxisSpec['format'] = 'number'): string {
  if (!Number.isFinite(value)) return String(value);
  if (format === 'percent') return `${trimZeros((value * 100).toPrecision(3))}%`;
  const magnitude = Math.abs(value);
  if (format === 'count' || magnitude >= 10_000) {
    if (magnitude >= 1e9) return `${trimZeros((value / 1e9).toPrecision(3))}G`;
    if (magnitude >= 1e6) return `${trimZeros((value / 1e6).toPrecision(3))}M`;
    if (magnitude >= 1e4) return `${trimZeros((value / 1e3).toPrecision(3))}k`;
  }
  if (magnitude !== 0 && magnitude < 1e-3) return value.toExponential(1).replace('e', 'e');
  return trimZeros(Number(value.toPrecision(4)).toString());
}

function trimZeros(text: string): string {
  return text.includes('e') || !text.includes('.') ? text : text.replace(/\.?0+$/, '');
}

interface Scale {
  min: number;
  max: number;
  ticks: number[];
  map: (value: number) => number;
}

function linearScale(lists: ArrayLike<number>[], spec: AxisSpec, from: number, to: number, includeZero: boolean): Scale {
  // A loop, not Math.min(...values): a long-read run has hundreds of thousands of cycles, past the call's argument limit.
  let low = includeZero ? 0 : Number.POSITIVE_INFINITY;
  let high = includeZero ? 0 : Number.NEGATIVE_INFINITY;
  for (const values of lists)
    for (let i = 0; i < values.length; i++) {
      const value = values[i]!;
      if (!Number.isFinite(value)) continue;
      if (value < low) low = value;
      if (value > high) high = value;
    }
  let min = spec.min ?? low;
  let max = spec.max ?? high;
  if (!Number.isFinite(min) || !Number.isFinite(max)) [min, max] = [0, 1];
  if (max === min) max = min === 0 ? 1 : min + Math.abs(min) * 0.1;
  const ticks = niceTicks(min, max);
  // Extend to the outer ticks unless the spec fixes the end, so the data never touches the frame's corner unlabelled.
  if (spec.min === undefined) min = Math.min(min, ticks[0]!);
  if (spec.max === undefined) {
    const step = ticks.length > 1 ? ticks[1]! - ticks[0]! : 1;
    if (ticks.at(-1)! < max) ticks.push(roundTo(ticks.at(-1)! + step, step));
    max = Math.max(max, ticks.at(-1)!);
  }
  const kept = ticks.filter((t) => t >= min - 1e-12 && t <= max + 1e-12);
  return { min, max, ticks: kept, map: (value) => from + ((value - min) / (max - min)) * (to - from) };
}

/** The chart as an SVG document (also valid inline in HTML). */
export function chartSvg(spec: ChartSpec): string {
  const width = spec.width ?? 760;
  const height = spec.height ?? 380;
  const hasRight = spec.y2 !== undefined && spec.series.some((s) => s.axis === 'right');
  const categories = spec.x.categories;
  const hasLegend = spec.series.length > 1;
  const columns = new Map(spec.series.map((series) => [series, columnsOf(series)]));
  // Category labels turn 35° when the widest would not fit its band (~6.2 px a character at 11 px), and take room below.
  const longest = (categories ?? []).reduce((most, c) => Math.max(most, c.length), 0);
  const plotWidth = width - 78 - (hasRight ? 78 : 24);
  const rotate = categories !== undefined && longest * 6.2 > (plotWidth / Math.max(1, Math.min(categories.length, 24))) * 0.95;
  const margin = {
    left: 78,
    right: hasRight ? 78 : 24,
    top: hasLegend ? 70 : 44,
    bottom: rotate ? 40 + Math.ceil(longest * 6.2 * 0.58) : 62,
  };
  const plot = { left: margin.left, right: width - margin.right, top: margin.top, bottom: height - margin.bottom };
  const out: string[] = [];
  out.push(
    `<svg xmlns='http://www.w3.org/2000/svg' class='shoal-plot' id='plot-${escapeXml(spec.id)}' data-plot='${escapeXml(spec.id)}' ` +
      `viewBox='0 0 ${width} ${height}' width='${width}' height='${height}' role='img' aria-label='${escapeXml(spec.title)}'>`,
    `<title>${escapeXml(spec.title)}</title>`,
    `<rect width='${width}' height='${height}' fill='#ffffff'/>`,
    `<text x='${px(width / 2)}' y='22' text-anchor='middle' font-size='15' font-weight='bold' ${FONT}>${escapeXml(spec.title)}</text>`,
  );

  // x scale: categories are bands; numbers are linear from the data (bars get half a step of room on each side).
  let xMap: (value: number) => number;
  let band = 0;
  const xTicks: { at: number; label: string }[] = [];
  if (categories !== undefined) {
    band = (plot.right - plot.left) / Math.max(1, categories.length);
    xMap = (index) => plot.left + band * (index + 0.5);
    // At most ~24 labels: every k-th category, so long category lists stay legible.
    const every = Math.max(1, Math.ceil(categories.length / 24));
    categories.forEach((label, i) => {
      if (i % every === 0) xTicks.push({ at: xMap(i), label });
    });
  } else {
    // By column: a long read's plot has millions of points, and an array per point made the GC the cost.
    const xs = spec.series.map((s) => columns.get(s)!.xs);
    const hasBars = spec.series.some((s) => s.kind === 'bars');
    const scale = linearScale(xs, spec.x, plot.left, plot.right, false);
    if (hasBars && spec.x.min === undefined && spec.x.max === undefined) {
      const step = barStep(xs);
      const padded = linearScale([[scale.min - step / 2, scale.max + step / 2]], spec.x, plot.left, plot.right, false);
      Object.assign(scale, padded);
      band = ((plot.right - plot.left) / (padded.max - padded.min)) * step;
    } else if (hasBars) band = ((plot.right - plot.left) / (scale.max - scale.min)) * barStep(xs);
    xMap = scale.map;
    for (const tick of scale.ticks) xTicks.push({ at: scale.map(tick), label: formatNumber(tick, spec.x.format) });
  }

  const leftValues: ArrayLike<number>[] = [];
  const rightValues: ArrayLike<number>[] = [];
  for (const s of spec.series) {
    const values = s.axis === 'right' ? rightValues : leftValues;
    const errors = s.axis === 'right' ? undefined : s.errors;
    const ys = columns.get(s)!.ys;
    if (errors === undefined) values.push(ys);
    else {
      const spread: number[] = [];
      for (let i = 0; i < ys.length; i++) spread.push(ys[i]! + (errors[i] ?? 0), ys[i]! - (errors[i] ?? 0));
      values.push(spread);
    }
  }
  if (spec.reference) leftValues.push([spec.reference.y]);
  const y = linearScale(leftValues, spec.y, plot.bottom, plot.top, true);
  const y2 = hasRight ? linearScale(rightValues, spec.y2!, plot.bottom, plot.top, true) : undefined;

  // Grid and frame.
  out.push(`<g class='grid' stroke='#e4e4e4' stroke-width='1'>`);
  for (const tick of y.ticks)
    out.push(`<line x1='${px(plot.left)}' x2='${px(plot.right)}' y1='${px(y.map(tick))}' y2='${px(y.map(tick))}'/>`);
  out.push('</g>');
  out.push(
    `<rect class='frame' x='${px(plot.left)}' y='${px(plot.top)}' width='${px(plot.right - plot.left)}' height='${px(plot.bottom - plot.top)}' fill='none' stroke='#888888'/>`,
  );

  // Axes: ticks and labels.
  out.push(`<g class='axis x-axis' font-size='11' ${FONT} fill='#333333'>`);
  for (const { at, label } of xTicks) {
    out.push(`<line x1='${px(at)}' x2='${px(at)}' y1='${px(plot.bottom)}' y2='${px(plot.bottom + 5)}' stroke='#888888'/>`);
    out.push(
      rotate
        ? `<text class='tick' x='${px(at)}' y='${px(plot.bottom + 14)}' text-anchor='end' transform='rotate(-35 ${px(at)} ${px(plot.bottom + 14)})'>${escapeXml(label)}</text>`
        : `<text class='tick' x='${px(at)}' y='${px(plot.bottom + 18)}' text-anchor='middle'>${escapeXml(label)}</text>`,
    );
  }
  out.push(
    `<text class='axis-label' x='${px((plot.left + plot.right) / 2)}' y='${px(height - 10)}' text-anchor='middle' font-size='13'>${escapeXml(spec.x.label)}</text>`,
    '</g>',
  );
  out.push(axisY('y-axis', y, spec.y, plot.left, -1, plot));
  if (y2 !== undefined) out.push(axisY('y-axis y2-axis', y2, spec.y2!, plot.right, 1, plot));

  if (spec.reference) {
    const at = y.map(spec.reference.y);
    out.push(
      `<g class='reference'><line x1='${px(plot.left)}' x2='${px(plot.right)}' y1='${px(at)}' y2='${px(at)}' stroke='#555555' stroke-dasharray='6 4'/>`,
      `<text x='${px(plot.right - 4)}' y='${px(at - 4)}' text-anchor='end' font-size='11' ${FONT} fill='#555555'>${escapeXml(spec.reference.label)}</text></g>`,
    );
  }

  // Series: bars first (behind lines), each series one group in its palette colour.
  const bars = spec.series.filter((s) => s.kind === 'bars');
  const order = [...bars, ...spec.series.filter((s) => s.kind !== 'bars')];
  for (const series of order) {
    const color = PALETTE[spec.series.indexOf(series) % PALETTE.length]!;
    const scale = series.axis === 'right' && y2 !== undefined ? y2 : y;
    const base = scale.map(Math.max(scale.min, 0));
    out.push(`<g class='series' data-series='${escapeXml(series.name)}'>`);
    const { xs, ys } = columns.get(series)!;
    const points: [number, number][] = [];
    if (series.kind === 'bars' || series.kind === 'points')
      for (let i = 0; i < ys.length; i++) if (Number.isFinite(ys[i])) points.push([xs[i]!, ys[i]!]);
    if (series.kind === 'bars') {
      // Side by side within the band when several bar series share the axis.
      const slot = Math.max(0.5, (band * 0.8) / bars.length);
      const offset = -band * 0.4 + slot * bars.indexOf(series);
      const rects = points.map(([x, v]) => {
        const top = scale.map(v);
        return `M${px(xMap(x) + offset)} ${px(base)}V${px(top)}h${px(slot)}V${px(base)}z`;
      });
      if (rects.length > 0) out.push(`<path d='${rects.join('')}' fill='${color}' fill-opacity='0.75'/>`);
    } else if (series.kind === 'points') {
      for (const [x, v] of points) out.push(`<circle cx='${px(xMap(x))}' cy='${px(scale.map(v))}' r='2.5' fill='${color}'/>`);
    } else {
      const path = linePath(series, columns.get(series)!, xMap, scale.map);
      if (path !== '')
        out.push(
          `<path d='${path}' fill='none' stroke='${color}' stroke-width='1.8'${series.dashed ? " stroke-dasharray='5 3'" : ''} stroke-linejoin='round'/>`,
        );
    }
    if (series.errors !== undefined) {
      const whiskers: string[] = [];
      for (let i = 0; i < ys.length; i++) {
        const v = ys[i]!;
        const e = series.errors[i] ?? 0;
        if (Number.isFinite(v) && e > 0) whiskers.push(`M${px(xMap(xs[i]!))} ${px(scale.map(v - e))}V${px(scale.map(v + e))}`);
      }
      if (whiskers.length > 0) out.push(`<path class='error-bars' d='${whiskers.join('')}' stroke='${color}' stroke-opacity='0.6'/>`);
    }
    out.push('</g>');
  }
  if (hasLegend) out.push(legend(spec.series, plot.left, plot.right, 44));
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

function axisY(className: string, scale: Scale, spec: AxisSpec, at: number, side: -1 | 1, plot: { top: number; bottom: number }): string {
  const parts = [`<g class='axis ${className}' font-size='11' ${FONT} fill='#333333'>`];
  for (const tick of scale.ticks) {
    const yAt = scale.map(tick);
    parts.push(`<line x1='${px(at)}' x2='${px(at + side * 5)}' y1='${px(yAt)}' y2='${px(yAt)}' stroke='#888888'/>`);
    parts.push(
      `<text class='tick' x='${px(at + side * 8)}' y='${px(yAt + 4)}' text-anchor='${side < 0 ? 'end' : 'start'}'>${escapeXml(formatNumber(tick, spec.format))}</text>`,
    );
  }
  const x = side < 0 ? 16 : at + 64;
  const y = (plot.top + plot.bottom) / 2;
  parts.push(
    `<text class='axis-label' x='${px(x)}' y='${px(y)}' text-anchor='middle' font-size='13' transform='rotate(-90 ${px(x)} ${px(y)})'>${escapeXml(spec.label)}</text>`,
    '</g>',
  );
  return parts.join('\n');
}

/**
 * A line through the finite points; a non-finite y breaks it. `step` draws a histogram outline. Past two points per
 * pixel column (a long-read run's 100,000 cycles), each column keeps its lowest and highest point, in x order: the
 * path's size follows the plot's width, not the data's, and no spike is lost.
 */
function linePath(series: Series, points: PointColumns, xMap: (x: number) => number, yMap: (y: number) => number): string {
  const parts: string[] = [];
  let pen = false;
  for (const [x, v] of thinned(points, xMap, series.thin ?? 'envelope')) {
    if (!Number.isFinite(v)) {
      pen = false;
      continue;
    }
    const X = px(xMap(x));
    const Y = px(yMap(v));
    if (!pen) parts.push(`M${X} ${Y}`);
    else parts.push(series.kind === 'step' ? `H${X}V${Y}` : `L${X} ${Y}`);
    pen = true;
  }
  return parts.join('');
}

/** The points, or per pixel column its lowest and highest (in x order) when there are more than two per column. */
function thinned({ xs, ys }: PointColumns, xMap: (x: number) => number, how: 'envelope' | 'mean'): [number, number][] {
  const count = xs.length;
  const all = (): [number, number][] => Array.from({ length: count }, (_, i): [number, number] => [xs[i]!, ys[i]!]);
  if (count < 2) return all();
  const span = Math.abs(xMap(xs[count - 1]!) - xMap(xs[0]!));
  if (count <= 2 * span + 2) return all();
  const kept: [number, number][] = [];
  let column = Number.NaN;
  // The column's lowest and highest points by index (-1: none yet), and its sums for the mean.
  let low = -1;
  let high = -1;
  let sumX = 0;
  let sumY = 0;
  let n = 0;
  const flush = (): void => {
    if (low < 0 || high < 0) return;
    if (how === 'mean') kept.push([sumX / n, sumY / n]);
    else if (low === high) kept.push([xs[low]!, ys[low]!]);
    else if (xs[low]! <= xs[high]!) kept.push([xs[low]!, ys[low]!], [xs[high]!, ys[high]!]);
    else kept.push([xs[high]!, ys[high]!], [xs[low]!, ys[low]!]);
    low = high = -1;
    sumX = sumY = n = 0;
  };
  for (let i = 0; i < count; i++) {
    const x = xs[i]!;
    const y = ys[i]!;
    if (!Number.isFinite(y)) {
      flush();
      kept.push([x, y]); // a gap stays a gap
      continue;
    }
    const at = Math.floor(xMap(x));
    if (at !== column) {
      flush();
      column = at;
    }
    if (low < 0 || y < ys[low]!) low = i;
    if (high < 0 || y > ys[high]!) high = i;
    sumX += x;
    sumY += y;
    n++;
  }
  flush();
  return kept;
}

/** The smallest gap between distinct x values (a bar's width), 1 when there is none. */
function barStep(lists: ArrayLike<number>[]): number {
  const sorted = [...new Set(lists.flatMap((xs) => Array.from(xs)))].sort((a, b) => a - b);
  let step = Number.POSITIVE_INFINITY;
  for (let i = 1; i < sorted.length; i++) step = Math.min(step, sorted[i]! - sorted[i - 1]!);
  return Number.isFinite(step) ? step : 1;
}

function legend(series: Series[], left: number, right: number, top: number): string {
  if (series.length < 2) return '';
  const parts = [`<g class='legend' font-size='12' ${FONT} fill='#333333'>`];
  let x = left;
  let y = top;
  series.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length]!;
    const label = s.axis === 'right' ? `${s.name} (right axis)` : s.name;
    // Approximate text width (no layout engine here): 6.6 px per character at 12 px; wrap to a second line.
    const width = 18 + label.length * 6.6 + 18;
    if (x > left && x + width > right) {
      x = left;
      y += 15;
    }
    const mark =
      s.kind === 'bars'
        ? `<rect x='${px(x)}' y='${px(y - 9)}' width='12' height='10' fill='${color}' fill-opacity='0.75'/>`
        : s.kind === 'points'
          ? `<circle cx='${px(x + 7)}' cy='${px(y - 4)}' r='3.5' fill='${color}'/>`
          : `<line x1='${px(x)}' x2='${px(x + 14)}' y1='${px(y - 4)}' y2='${px(y - 4)}' stroke='${color}' stroke-width='2.5'${s.dashed ? " stroke-dasharray='5 3'" : ''}/>`;
    parts.push(mark, `<text x='${px(x + 18)}' y='${px(y)}'>${escapeXml(label)}</text>`);
    x += width;
  });
  parts.push('</g>');
  return parts.join('\n');
}
