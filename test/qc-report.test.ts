/**
 * collect-multi's report and plots in a real browser: Debian's Chromium, headless, loads PREFIX.report.html and a script
 * added to a copy of the page measures every plot (tick labels and axis labels drawn with a size, marks drawn). Skipped
 * with the reason when Chromium is absent (apt-get install chromium). Also, without a browser: the page is
 * self-contained (nothing fetched) and every link names a file the run wrote.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { qcData, runCollect, tempDir } from './helpers.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((file) => fs.existsSync(file));

const QC_TARGETS = [
  '--hybcap::targets',
  'test/fixtures/hybcap/qc.targets.interval_list',
  '--hybcap::baits',
  'test/fixtures/hybcap/qc.baits.interval_list',
];
const TOOLS = ['alignment', 'basic', 'isize', 'gcbias', 'wgs', 'hybcap', 'error'];

interface PlotCheck {
  id: string;
  xTicks: number;
  yTicks: number;
  xLabel: boolean;
  yLabel: boolean;
  marks: number;
  width: number;
  height: number;
}

/** Runs in the page: what each plot drew, as the browser laid it out. */
const CHECK_SCRIPT = `<script>
addEventListener('load', () => {
  const drawn = (e) => { const b = e.getBBox(); return b.width > 0 || b.height > 0; };
  const ticks = (svg, axis) => [...svg.querySelectorAll(axis + ' text.tick')].filter((t) => t.textContent.trim() !== '' && drawn(t)).length;
  const label = (svg, axis) => { const t = svg.querySelector(axis + ' text.axis-label'); return t !== null && t.textContent.trim() !== '' && drawn(t); };
  const result = [...document.querySelectorAll('svg.shoal-plot')].map((svg) => ({
    id: svg.dataset.plot,
    xTicks: ticks(svg, '.x-axis'),
    yTicks: ticks(svg, '.y-axis'),
    xLabel: label(svg, '.x-axis'),
    yLabel: label(svg, '.y-axis'),
    marks: [...svg.querySelectorAll('g.series > *')].filter(drawn).length,
    width: svg.getBoundingClientRect().width,
    height: svg.getBoundingClientRect().height,
  }));
  const pre = document.createElement('pre');
  pre.id = 'plot-check';
  pre.textContent = JSON.stringify(result);
  document.body.appendChild(pre);
});
</script>`;

describe('collect-multi report', () => {
  let dir: string;
  let report: string;
  let svgFiles: string[];
  beforeAll(async () => {
    const qc = await qcData();
    dir = tempDir();
    const result = runCollect('collect-multi', [
      '-i',
      qc.bam,
      '-r',
      qc.fasta,
      '-o',
      path.join(dir, 's'),
      '--tools',
      ...TOOLS,
      ...QC_TARGETS,
    ]);
    expect(result.status, result.stderr).toBe(0);
    report = fs.readFileSync(path.join(dir, 's.report.html'), 'utf8');
    svgFiles = fs.readdirSync(dir).filter((name) => name.endsWith('.svg'));
  }, 120_000);

  it('is one self-contained page whose links name files the run wrote, with a section and plots for every collector', () => {
    // Nothing fetched: no scripts, styles or images from elsewhere (the SVG namespace is a name, not a fetch).
    expect(report).not.toMatch(/<(script|link|img|iframe)\b/i);
    expect(report.replaceAll('http://www.w3.org/2000/svg', '')).not.toMatch(/https?:\/\//);
    const links = [...report.matchAll(/href='([^'#][^']*)'/g)].map((m) => decodeURI(m[1]!));
    expect(links.length).toBeGreaterThan(20);
    for (const link of links) expect(fs.existsSync(path.join(dir, link)), link).toBe(true);
    for (const tool of TOOLS) expect(report).toContain(`data-collector='${tool}'`);
    // Every plot file is in the page, inline.
    for (const file of svgFiles) expect(report, file).toContain(`data-plot='${file.slice('s.'.length, -'.svg'.length)}'`);
    expect(svgFiles.length).toBeGreaterThanOrEqual(TOOLS.length + 5);
  });

  it.skipIf(CHROMIUM === undefined)(
    'renders every plot in Chromium with labelled axes and drawn data (skipped without chromium)',
    () => {
      const page = path.join(dir, 'checked.html');
      fs.writeFileSync(page, report.replace('</body>', `${CHECK_SCRIPT}\n</body>`));
      const run = spawnSync(
        CHROMIUM!,
        [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          `--user-data-dir=${path.join(dir, 'profile')}`,
          '--virtual-time-budget=5000',
          '--dump-dom',
          `file://${page}`,
        ],
        { encoding: 'utf8', timeout: 90_000, maxBuffer: 1 << 28 },
      );
      const match = /<pre id="plot-check">([^<]*)<\/pre>/.exec(run.stdout ?? '');
      expect(match, `chromium printed no check (status ${run.status}): ${run.stderr?.slice(-500)}`).not.toBeNull();
      const text = match![1]!.replaceAll('&quot;', '"').replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
      const plots = JSON.parse(text) as PlotCheck[];
      expect(plots.map((p) => `${p.id}.svg`).sort()).toEqual(svgFiles.map((f) => f.slice('s.'.length)).sort());
      for (const plot of plots) {
        expect(plot.xTicks, `${plot.id}: x tick labels`).toBeGreaterThanOrEqual(2);
        expect(plot.yTicks, `${plot.id}: y tick labels`).toBeGreaterThanOrEqual(2);
        expect(plot.xLabel && plot.yLabel, `${plot.id}: axis labels`).toBe(true);
        expect(plot.marks, `${plot.id}: data drawn`).toBeGreaterThanOrEqual(1);
        expect(plot.width, `${plot.id}: laid out`).toBeGreaterThan(300);
        expect(plot.height, `${plot.id}: laid out`).toBeGreaterThan(150);
      }
    },
    120_000,
  );
});
