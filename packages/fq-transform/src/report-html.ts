/**
 * `{prefix}.html`: one self-contained page (no script, no network) with every Report step's
 * numbers and plots drawn here as inline SVG: base content and quality along the read, and the
 * read length distribution, per segment (and per output after a Demultiplex step), oligo counts
 * and tag histograms. Deterministic: no time, path or random id in it.
 */
import { entriesOf } from './ordered-json.js';

interface BaseStatistics {
  total_bases: number;
  q20_bases: number;
  q30_bases: number;
  expected_errors_from_quality_curve: number[];
  gc_bases: number;
  per_position_counts: { a: number[]; c: number[]; g: number[]; t: number[]; n: number[] };
}

interface SegmentEntry {
  length_distribution?: number[];
  duplicate_count?: number;
  base_statistics?: BaseStatistics;
}

/** A report's section: a plain or an ordered object (ordered-json.ts). */
type Section = unknown;

export interface HtmlReport {
  name: string;
  /** The section, or one per output name after a Demultiplex step (then also `count_oligos` and `histogram` for all outputs). */
  section: Section;
  perOutput: boolean;
}

/** The keys a Report adds beside its per-output sections after a Demultiplex step (report.ts). */
const TAG_SECTION_KEYS = new Set(['count_oligos', 'histogram']);
const HISTOGRAM_BARS = 100;

const escape = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const percent = (part: number, whole: number): string => (whole > 0 ? `${((100 * part) / whole).toFixed(2)} %` : '–');
const integer = (n: number): string => n.toLocaleString('en-US');

/** Round tick steps (1, 2 or 5 times a power of ten) covering [0, max]. */
function ticks(max: number, count = 5): number[] {
  if (max <= 0) return [0];
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = 0; v <= max + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

interface Series {
  label: string;
  color: string;
  values: number[];
}

const COLORS = { A: '#2e7d32', C: '#1565c0', G: '#f9a825', T: '#c62828', N: '#616161', line: '#37474f' };

/**
 * A line (or bar) chart: x is 1-based position (or the value itself for bars), y from 0 to
 * `yMax`. Axes carry tick labels and titles; a legend names every series.
 */
function chart(options: {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  yMax?: number;
  bars?: boolean;
  xStart?: number;
}): string {
  const width = 680;
  const height = 280;
  const left = 64;
  const right = 16;
  const top = 36;
  const bottom = 48;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const n = Math.max(1, ...options.series.map((s) => s.values.length));
  const xStart = options.xStart ?? 1;
  const dataMax = Math.max(0, ...options.series.flatMap((s) => s.values));
  const yTicks = ticks(options.yMax ?? (dataMax > 0 ? dataMax : 1));
  const yMax = yTicks[yTicks.length - 1]!;
  const xTicks = ticks(xStart + n - 1).filter((v) => v >= xStart);
  // bars sit in n slots (half a slot of room at each end), lines run edge to edge
  const x = (i: number): number =>
    options.bars ? left + ((i - xStart + 0.5) / n) * plotW : left + (n === 1 ? plotW / 2 : ((i - xStart) / Math.max(1, n - 1)) * plotW);
  const y = (v: number): number => top + plotH - (v / yMax) * plotH;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escape(options.title)}">`,
  );
  parts.push(`<text x="${width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${escape(options.title)}</text>`);
  for (const v of yTicks) {
    const yy = y(v).toFixed(1);
    parts.push(`<line x1="${left}" x2="${left + plotW}" y1="${yy}" y2="${yy}" stroke="#e0e0e0"/>`);
    parts.push(`<text class="tick" x="${left - 6}" y="${yy}" text-anchor="end" dominant-baseline="middle" font-size="11">${v}</text>`);
  }
  for (const v of xTicks) {
    const xx = x(v).toFixed(1);
    parts.push(`<text class="tick" x="${xx}" y="${top + plotH + 16}" text-anchor="middle" font-size="11">${v}</text>`);
  }
  parts.push(`<line x1="${left}" x2="${left}" y1="${top}" y2="${top + plotH}" stroke="#000"/>`);
  parts.push(`<line x1="${left}" x2="${left + plotW}" y1="${top + plotH}" y2="${top + plotH}" stroke="#000"/>`);
  parts.push(`<text x="${left + plotW / 2}" y="${height - 8}" text-anchor="middle" font-size="12">${escape(options.xLabel)}</text>`);
  parts.push(
    `<text x="14" y="${top + plotH / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 14 ${top + plotH / 2})">${escape(options.yLabel)}</text>`,
  );
  for (const s of options.series) {
    if (options.bars) {
      const barW = Math.max(1, plotW / n - 0.5);
      s.values.forEach((v, i) => {
        if (v <= 0) return;
        const xx = x(i + xStart) - barW / 2;
        parts.push(
          `<rect x="${xx.toFixed(1)}" y="${y(v).toFixed(1)}" width="${barW.toFixed(1)}" height="${(top + plotH - y(v)).toFixed(1)}" fill="${s.color}"/>`,
        );
      });
    } else {
      const points = s.values.map((v, i) => `${x(i + xStart).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
      parts.push(`<polyline class="series" fill="none" stroke="${s.color}" stroke-width="1.5" points="${points}"/>`);
    }
  }
  options.series.forEach((s, k) => {
    const lx = left + 12 + k * 64;
    parts.push(`<rect x="${lx}" y="${top + 4}" width="10" height="10" fill="${s.color}"/>`);
    parts.push(`<text x="${lx + 14}" y="${top + 13}" font-size="11">${escape(s.label)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}

function segmentHtml(segment: string, entry: SegmentEntry): string {
  const out: string[] = [`<h4>${escape(segment)}</h4>`];
  const stats = entry.base_statistics;
  const rows: [string, string][] = [];
  if (stats) {
    rows.push(['bases', integer(stats.total_bases)]);
    rows.push(['Q20 bases (quality ≥ 20)', `${integer(stats.q20_bases)} (${percent(stats.q20_bases, stats.total_bases)})`]);
    rows.push(['Q30 bases (quality ≥ 30)', `${integer(stats.q30_bases)} (${percent(stats.q30_bases, stats.total_bases)})`]);
    rows.push(['G+C bases', `${integer(stats.gc_bases)} (${percent(stats.gc_bases, stats.total_bases)})`]);
  }
  if (entry.duplicate_count !== undefined) rows.push(['reads whose sequence was seen before', integer(entry.duplicate_count)]);
  if (rows.length) out.push(`<table>${rows.map(([k, v]) => `<tr><th>${escape(k)}</th><td>${escape(v)}</td></tr>`).join('')}</table>`);
  if (stats) {
    const { a, c, g, t, n } = stats.per_position_counts;
    const covered = a.map((_, i) => a[i]! + c[i]! + g[i]! + t[i]! + n[i]!);
    const share = (list: number[]): number[] => list.map((v, i) => (covered[i]! > 0 ? (100 * v) / covered[i]! : 0));
    out.push(
      '<p>The share of each base at each position of the read. On a library without a composition bias the four lines run flat and close to each other; a rising N line marks cycles the sequencer could not call.</p>',
    );
    out.push(
      chart({
        title: `Base content along ${segment}`,
        xLabel: 'position in the read (base)',
        yLabel: 'share of reads (%)',
        yMax: 100,
        series: [
          { label: 'A', color: COLORS.A, values: share(a) },
          { label: 'C', color: COLORS.C, values: share(c) },
          { label: 'G', color: COLORS.G, values: share(g) },
          { label: 'T', color: COLORS.T, values: share(t) },
          { label: 'N', color: COLORS.N, values: share(n) },
        ],
      }),
    );
    const quality = stats.expected_errors_from_quality_curve.map((e, i) =>
      covered[i]! > 0 && e > 0 ? -10 * Math.log10(e / covered[i]!) : 0,
    );
    out.push(
      '<p>The quality at each position, as the Phred score of the mean error probability of the bases there (so a few very bad bases pull it down more than an average of scores would). Above 30 is one error in a thousand bases.</p>',
    );
    out.push(
      chart({
        title: `Quality along ${segment}`,
        xLabel: 'position in the read (base)',
        yLabel: 'Phred score of mean error',
        series: [{ label: 'quality', color: COLORS.line, values: quality }],
      }),
    );
  }
  if (entry.length_distribution) {
    out.push('<p>How many reads have each length, after the steps before this report (trimming makes the left tail).</p>');
    out.push(
      chart({
        title: `Read lengths of ${segment}`,
        xLabel: 'read length (bases)',
        yLabel: 'reads',
        bars: true,
        xStart: 0,
        series: [{ label: 'reads', color: COLORS.C, values: entry.length_distribution }],
      }),
    );
  }
  return out.join('\n');
}

function sectionHtml(section: Section, perOutput: boolean): string {
  const out: string[] = [];
  const entries = entriesOf(section);
  if (perOutput) {
    for (const [output, outputSection] of entries)
      if (!TAG_SECTION_KEYS.has(output)) out.push(`<h3>output ${escape(output)}</h3>`, countsHtml(entriesOf(outputSection)));
  } else out.push(countsHtml(entries));
  const value = (key: string): unknown => entries.find(([k]) => k === key)?.[1];
  const oligos = value('count_oligos');
  if (oligos !== undefined) {
    out.push('<h4>Oligo counts</h4><p>Reads holding each sequence exactly (a read counted once per oligo however often it holds it).</p>');
    const tables = perOutput ? entriesOf(oligos) : [['', oligos] as [string, unknown]];
    for (const [output, counts] of tables) {
      if (output) out.push(`<p>output ${escape(output)}</p>`);
      out.push(
        `<table><tr><th>oligo</th><th>reads</th></tr>${entriesOf(counts)
          .map(([oligo, n]) => `<tr><td>${escape(oligo)}</td><td>${integer(n as number)}</td></tr>`)
          .join('')}</table>`,
      );
    }
  }
  const histograms = value('histogram');
  if (histograms !== undefined) {
    const perTag = perOutput
      ? entriesOf(histograms).flatMap(([output, tags]) =>
          entriesOf(tags).map(([tag, counts]) => [`${tag}, output ${output}`, counts] as const),
        )
      : entriesOf(histograms);
    for (const [tag, counts] of perTag) out.push(histogramHtml(tag, entriesOf(counts) as [string, number][]));
  }
  return out.join('\n');
}

function countsHtml(entries: [string, unknown][]): string {
  const out: string[] = [];
  const rows: [string, string][] = [];
  const value = (key: string): unknown => entries.find(([k]) => k === key)?.[1];
  const molecules = value('molecule_count');
  const fragmentDuplicates = value('fragment_duplicate_count');
  if (typeof molecules === 'number') rows.push(['molecules', integer(molecules)]);
  if (typeof fragmentDuplicates === 'number')
    rows.push(['molecules whose every read was seen before, together', integer(fragmentDuplicates)]);
  if (rows.length) out.push(`<table>${rows.map(([k, v]) => `<tr><th>${escape(k)}</th><td>${escape(v)}</td></tr>`).join('')}</table>`);
  for (const [key, entry] of entries) {
    if (key === 'molecule_count' || key === 'fragment_duplicate_count' || TAG_SECTION_KEYS.has(key)) continue;
    out.push(segmentHtml(key, entry as SegmentEntry));
  }
  return out.join('\n');
}

/** A tag histogram as horizontal bars (the first HISTOGRAM_BARS values, as mbf shows them; all of them are in the JSON). */
function histogramHtml(tag: string, counts: [string, number][]): string {
  const shown = counts.slice(0, HISTOGRAM_BARS);
  const width = 680;
  const left = 150;
  const right = 70;
  const top = 36;
  const bar = 16;
  const bottom = 44;
  const plotW = width - left - right;
  const height = top + Math.max(1, shown.length) * bar + bottom;
  const xTicks = ticks(Math.max(1, ...shown.map(([, n]) => n)));
  const xMax = xTicks[xTicks.length - 1]!;
  const x = (n: number): number => left + (n / xMax) * plotW;
  const label = (text: string): string => (text === '' ? '(none)' : text.length > 20 ? `${text.slice(0, 19)}…` : text);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="Values of tag ${escape(tag)}">`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">Values of tag ${escape(tag)}</text>`,
  ];
  const plotBottom = top + Math.max(1, shown.length) * bar;
  for (const v of xTicks) {
    const xx = x(v).toFixed(1);
    parts.push(`<line x1="${xx}" x2="${xx}" y1="${top}" y2="${plotBottom}" stroke="#e0e0e0"/>`);
    parts.push(`<text class="tick" x="${xx}" y="${plotBottom + 16}" text-anchor="middle" font-size="11">${v}</text>`);
  }
  shown.forEach(([value, n], i) => {
    const yy = top + i * bar;
    parts.push(
      `<text class="tick" x="${left - 6}" y="${(yy + bar / 2).toFixed(1)}" text-anchor="end" dominant-baseline="middle" font-size="11">${escape(label(value))}</text>`,
    );
    parts.push(`<rect x="${left}" y="${(yy + 2).toFixed(1)}" width="${(x(n) - left).toFixed(1)}" height="${bar - 4}" fill="${COLORS.C}"/>`);
    parts.push(
      `<text x="${(x(n) + 4).toFixed(1)}" y="${(yy + bar / 2).toFixed(1)}" dominant-baseline="middle" font-size="10">${integer(n)}</text>`,
    );
  });
  parts.push(`<line x1="${left}" x2="${left}" y1="${top}" y2="${plotBottom}" stroke="#000"/>`);
  parts.push(`<line x1="${left}" x2="${left + plotW}" y1="${plotBottom}" y2="${plotBottom}" stroke="#000"/>`);
  parts.push(`<text x="${left + plotW / 2}" y="${height - 8}" text-anchor="middle" font-size="12">molecules</text>`);
  parts.push('</svg>');
  const note =
    counts.length > HISTOGRAM_BARS
      ? ` The first ${HISTOGRAM_BARS} of ${integer(counts.length)} values are drawn; the JSON report has them all.`
      : '';
  return `<h4>Tag ${escape(tag)}</h4><p>How many molecules carry each value of the tag (numbers rounded to whole numbers; "(none)" where the tag found nothing).${note}</p>\n${parts.join('')}`;
}

export function reportHtml(reports: HtmlReport[], title: string): string {
  const body: string[] = [];
  body.push(`<h1>${escape(title)}</h1>`);
  body.push(
    '<p>fq-transform report: one part per Report step, in the order of the steps. Counts are of the molecules (a read from every segment) that reached the step. The same numbers are in the JSON report beside this page.</p>',
  );
  if (reports.length > 1) body.push(`<ul>${reports.map((r, i) => `<li><a href="#report-${i}">${escape(r.name)}</a></li>`).join('')}</ul>`);
  reports.forEach((report, i) => {
    body.push(`<section id="report-${i}"><h2>${escape(report.name)}</h2>`);
    body.push(sectionHtml(report.section, report.perOutput));
    body.push('</section>');
  });
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escape(title)}</title>
<style>
body { font-family: sans-serif; margin: 2em; max-width: 60em; color: #212121; }
table { border-collapse: collapse; margin: 0.5em 0 1em; }
th, td { border: 1px solid #ccc; padding: 0.2em 0.6em; text-align: left; }
th { font-weight: normal; color: #555; }
svg { display: block; margin: 0.5em 0 1.5em; }
section { border-top: 2px solid #90a4ae; margin-top: 2em; }
</style>
</head>
<body>
${body.join('\n')}
</body>
</html>
`;
}
