/**
 * The pictures of a run: each collector's plots as `PREFIX.<plot id>.svg` beside its metrics, and for collect-multi one
 * self-contained page, `PREFIX.report.html`: the key numbers of each collector, every plot inline, a short explanation of
 * each section, and links to the metric and plot files (relative, so the folder can move).
 *
 * Nothing in them depends on the time, the machine or --threads: the same metrics give the same bytes.
 */
import path from 'node:path';
import type { MetricsOutput } from '../collector.js';
import type { RenderedFile } from '../metrics-file.js';
import { chartSvg, escapeXml } from './svg.js';
import { count } from './collector-reports.js';
import type { CollectorReport, Plot } from './types.js';

/**
 * Prose for the page (about, captions, key numbers): escaped, and with '_' as a character reference, which a browser
 * shows as '_'. MultiQC picks Picard files by their text (MEAN_QUALITY, COUNT_OF_Q, …): with the column names spelled
 * literally, it would take the report for a metrics file of the run.
 */
function prose(text: string): string {
  return escapeXml(text).replaceAll('_', '&#95;');
}

/** One collector's finished outputs with its report definition (undefined: it has none). */
export interface CollectorResult {
  name: string;
  report: CollectorReport | undefined;
  outputs: MetricsOutput[];
}

function plotsOf(result: CollectorResult): Plot[] {
  return result.report?.plots(result.outputs) ?? [];
}

export function plotPath(prefix: string, plot: Plot): string {
  return `${prefix}.${plot.spec.id}.svg`;
}

/** Every plot of the run as an SVG file. */
export function plotFiles(results: CollectorResult[], prefix: string): RenderedFile[] {
  return results.flatMap((result) =>
    plotsOf(result).map((plot) => ({
      path: plotPath(prefix, plot),
      text: `<?xml version='1.0' encoding='UTF-8'?>\n${chartSvg(plot.spec)}`,
    })),
  );
}

export interface ReportContext {
  sample: string;
  /** The input as named on the command line (its base name is shown). */
  input: string;
  records: number;
  /** Every file the run writes besides the report, metrics and plots, for the links. */
  files: string[];
  version: string;
}

const STYLE = `
body { font-family: Helvetica, Arial, sans-serif; margin: 0; color: #222; background: #f6f6f4; line-height: 1.45; }
header { background: #1f3a5f; color: #fff; padding: 18px 32px; }
header h1 { margin: 0 0 4px; font-size: 24px; }
header p { margin: 0; opacity: 0.9; }
nav { padding: 10px 32px; background: #e8ecf1; font-size: 14px; }
nav a { margin-right: 16px; color: #1f3a5f; }
main { padding: 8px 32px 40px; max-width: 1180px; }
section { background: #fff; border: 1px solid #ddd; border-radius: 6px; margin: 18px 0; padding: 6px 22px 18px; }
h2 { font-size: 20px; margin: 14px 0 6px; color: #1f3a5f; }
.about { margin: 0 0 12px; max-width: 900px; }
table.key { border-collapse: collapse; margin: 6px 0 14px; font-size: 14px; }
table.key th { text-align: left; font-weight: normal; color: #555; padding: 3px 18px 3px 0; }
table.key td { font-weight: bold; padding: 3px 18px 3px 0; font-variant-numeric: tabular-nums; }
table.key td.hint { font-weight: normal; color: #666; font-size: 13px; }
figure { margin: 14px 0 18px; }
figure svg { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { font-size: 13px; color: #444; max-width: 760px; }
.files { font-size: 13px; color: #555; }
.files a { color: #1f3a5f; margin-right: 10px; }
footer { font-size: 12px; color: #777; padding: 0 32px 24px; }
`;

/** The report page of a collect-multi run. */
export function reportHtml(results: CollectorResult[], prefix: string, context: ReportContext): string {
  const link = (file: string): string => `<a href='${escapeXml(encodeURI(path.basename(file)))}'>${escapeXml(path.basename(file))}</a>`;
  const base = path.basename(prefix);
  const sections: string[] = [];
  const nav: string[] = [];
  for (const result of results) {
    const report = result.report;
    if (report === undefined) continue;
    const anchor = `section-${result.name}`;
    nav.push(`<a href='#${anchor}'>${escapeXml(report.title)}</a>`);
    const keyNumbers = report.keyNumbers(result.outputs);
    const plots = plotsOf(result);
    // The files this collector wrote: those whose name after the prefix is one of its outputs' or plots' suffixes.
    const own = context.files.filter((file) => {
      const rest = path.basename(file).slice(base.length);
      return (
        result.outputs.some((o) => rest === o.picardSuffix || rest === o.rikerSuffix || rest === o.rikerHistogramSuffix) ||
        plots.some((plot) => rest === `.${plot.spec.id}.svg`)
      );
    });
    sections.push(
      `<section id='${anchor}' data-collector='${escapeXml(result.name)}'>`,
      `<h2>${escapeXml(report.title)}</h2>`,
      `<p class='about'>${prose(report.about)}</p>`,
      keyNumbers.length === 0
        ? ''
        : `<table class='key'>\n${keyNumbers
            .map((k) => `<tr><th>${prose(k.label)}</th><td>${prose(k.value)}</td><td class='hint'>${prose(k.hint)}</td></tr>`)
            .join('\n')}\n</table>`,
      ...plots.map((plot) => `<figure>\n${chartSvg(plot.spec)}<figcaption>${prose(plot.caption)}</figcaption>\n</figure>`),
      plots.length === 0 ? `<p class='about'>No plot: the metrics hold nothing to draw.</p>` : '',
      own.length === 0 ? '' : `<p class='files'>Files: ${own.map(link).join(' ')}</p>`,
      '</section>',
    );
  }
  const title = `QC report: ${context.sample}`;
  return `<!DOCTYPE html>
<html lang='en'>
<head>
<meta charset='utf-8'>
<meta name='viewport' content='width=device-width, initial-scale=1'>
<title>${escapeXml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>${escapeXml(title)}</h1><p>${escapeXml(path.basename(context.input))} · ${escapeXml(count(context.records))} records · ${results.length} collectors</p></header>
<nav>${nav.join('\n')}</nav>
<main>
${sections.filter((s) => s !== '').join('\n')}
</main>
<footer>Made by shoal collect-multi ${escapeXml(context.version)}. Metric definitions are Picard's (collect-docs lists every column); plots are drawn from the same rows as the files linked in each section.</footer>
</body>
</html>
`;
}
