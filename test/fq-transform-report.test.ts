/**
 * fq-transform's reports: the HTML page is the same bytes at every thread count and the JSON
 * carries per-step timings with report_timing; and the HTML report in a real browser (headless Chromium; Debian `chromium`): every plot
 * rendered, with a drawn series and labelled axes. The page itself has no script; the test adds a
 * probe that measures each SVG after layout and prints what it found, read back with --dump-dom.
 * Skipped, with the reason, when Chromium is absent.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { processConfig } from '@shoal/fq-transform';
import { repoRoot } from './helpers.js';

const browser = ['chromium', 'chromium-browser', 'google-chrome'].find(
  (name) => spawnSync('bash', ['-c', `command -v ${name}`]).status === 0,
);

const PROBE = `<pre id="probe"></pre><script>
const found = [...document.querySelectorAll('svg')].map((svg) => ({
  title: svg.getAttribute('aria-label'),
  width: svg.getBoundingClientRect().width,
  series: [...svg.querySelectorAll('polyline.series, rect:not([width="10"])')].filter((e) => { const b = e.getBBox(); return b.width > 0 || b.height > 0; }).length,
  ticks: [...svg.querySelectorAll('text.tick')].filter((t) => t.textContent.trim() !== '' && t.getComputedTextLength() > 0).length,
}));
document.getElementById('probe').textContent = JSON.stringify(found);
</script>`;

/** The report case's configuration, with absolute inputs and `extra` output keys. */
function reportConfig(dir: string, extra: string): string {
  const caseDir = path.join(repoRoot, 'test', 'fastq-cases', 'c', 'report', 'before_and_after_mott');
  const config = fs
    .readFileSync(path.join(caseDir, 'input.toml'), 'utf8')
    .replace('report_json = true', `report_json = true\n${extra}`)
    .replaceAll("'input_read", `'${caseDir}/input_read`);
  const file = path.join(dir, 'c.toml');
  fs.writeFileSync(file, config);
  return file;
}

describe('fq-transform reports', () => {
  it('writes the same HTML at --threads 1 and 8, and per-step timings into the JSON with report_timing', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-report-'));
    try {
      const pages: string[] = [];
      for (const threads of [1, 8]) {
        const out = path.join(dir, `t${threads}`);
        fs.mkdirSync(out);
        await processConfig({
          configFile: reportConfig(dir, '    report_html = true\n    report_timing = true'),
          outputDirectory: out,
          threads,
        });
        pages.push(fs.readFileSync(path.join(out, 'output.html'), 'utf8'));
        const report = JSON.parse(fs.readFileSync(path.join(out, 'output.json'), 'utf8')) as {
          timing: { step: string; wall_ms: number; blocks: number }[];
        };
        expect(report.timing.map((t) => t.step)).toEqual([
          '0 ValidateReadPairing (auto)',
          '1 Report',
          '2 TrimQualityMott',
          '3 Report',
          'output formatting',
        ]);
        for (const t of report.timing) {
          expect(t.wall_ms).toBeGreaterThanOrEqual(0);
          expect(t.blocks).toBeGreaterThan(0);
        }
      }
      expect(pages[1]).toBe(pages[0]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a Report before a Head', () => {
  it('sees the whole input (mbf: the Head does not stop the readers then), the outputs only the first n', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-report-head-'));
    try {
      const caseDir = path.join(repoRoot, 'test', 'fastq-cases', 'c', 'report', 'before_and_after_mott');
      const file = path.join(dir, 'c.toml');
      fs.writeFileSync(
        file,
        `[input]\n    read1 = '${caseDir}/input_read1.fq'\n[[step]]\n    action = 'Report'\n    name = 'all'\n[[step]]\n    action = 'Head'\n    n = 5\n` +
          `[[step]]\n    action = 'Report'\n    name = 'head'\n[output]\n    prefix = 'o'\n    report_json = true\n[options]\n    block_size = 3\n    max_blocks_in_flight = 2\n`,
      );
      await processConfig({ configFile: file, outputDirectory: dir, threads: 2 });
      const report = JSON.parse(fs.readFileSync(path.join(dir, 'o.json'), 'utf8')) as Record<string, { molecule_count: number }>;
      const inputReads = fs.readFileSync(path.join(caseDir, 'input_read1.fq'), 'utf8').split('\n').length - 1;
      expect(report.all!.molecule_count).toBe(inputReads / 4);
      expect(report.head!.molecule_count).toBe(5);
      expect(fs.readFileSync(path.join(dir, 'o_read1.fq'), 'utf8').split('\n').length - 1).toBe(20);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!browser)(
  `fq-transform HTML report in ${browser ?? 'a browser (skipped: no chromium on PATH; apt-get install chromium)'}`,
  () => {
    it('renders every plot with a series and labelled axes', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-report-html-'));
      try {
        const caseDir = path.join(repoRoot, 'test', 'fastq-cases', 'c', 'report', 'before_and_after_mott');
        const config = fs
          .readFileSync(path.join(caseDir, 'input.toml'), 'utf8')
          .replace('report_json = true', 'report_json = true\n    report_html = true')
          .replaceAll("'input_read", `'${caseDir}/input_read`)
          // the second report also draws tag histograms (text and numbers) and counts oligos
          .replace(
            "[[step]]\n    action = 'Report'\n    name = 'after'",
            "[[step]]\n    action = 'CalcLength'\n    segment = 'read1'\n    out_label = 'length'\n" +
              "[[step]]\n    action = 'ExtractRegion'\n    segment = 'read1'\n    start = 0\n    length = 2\n    anchor = 'Start'\n    out_label = 'first'\n" +
              "[[step]]\n    action = 'Report'\n    name = 'after'\n    tag_histograms = ['length', 'first']\n    count_oligos = ['AGATCGG', 'GGGG']",
          );
        expect(config).toContain('tag_histograms');
        fs.writeFileSync(path.join(dir, 'c.toml'), config);
        await processConfig({ configFile: path.join(dir, 'c.toml'), outputDirectory: dir, threads: 2 });
        const html = fs.readFileSync(path.join(dir, 'output.html'), 'utf8');
        expect(html).not.toMatch(/<script|(src|href)="https?:/); // self-contained: nothing fetched
        fs.writeFileSync(path.join(dir, 'probe.html'), html.replace('</body>', `${PROBE}</body>`));
        const run = spawnSync(
          browser!,
          [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--virtual-time-budget=5000',
            '--dump-dom',
            `file://${path.join(dir, 'probe.html')}`,
          ],
          { encoding: 'utf8', timeout: 60_000 },
        );
        const match = /<pre id="probe">([^<]*)<\/pre>/.exec(run.stdout);
        expect(match, run.stderr).not.toBeNull();
        const plots = JSON.parse(match![1]!.replaceAll('&quot;', '"')) as { title: string; width: number; series: number; ticks: number }[];
        // two reports x two segments: base content and quality each; read lengths each; two tag histograms
        expect(plots.length).toBe(14);
        expect(plots.filter((p) => p.title.startsWith('Values of tag')).map((p) => p.title)).toEqual([
          'Values of tag length',
          'Values of tag first',
        ]);
        expect(html).toMatch(/<td>AGATCGG<\/td><td>[\d,]+<\/td>/);
        for (const plot of plots) {
          expect(plot.width, plot.title).toBeGreaterThan(0);
          expect(plot.series, plot.title).toBeGreaterThan(0);
          expect(plot.ticks, plot.title).toBeGreaterThanOrEqual(4);
        }
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }, 120_000);
  },
);
