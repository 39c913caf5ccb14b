/**
 * `{prefix}.json` and `{prefix}.html`: the Report steps' sections gathered by the sink, in mbf's
 * layout. The JSON: `"__"` (version, working directory, input files, repository), one key per
 * report in step order, `run_info` (version, the configuration's text, working directory),
 * `report_order`, and `timing` (per step: wall and CPU milliseconds, blocks) when
 * `report_timing = true`. Only `timing` varies between two runs of one input; the HTML holds no
 * time or path at all, so it is byte-identical between runs and thread counts.
 */
import fs from 'node:fs';
import type { Plan } from './plan.js';
import { ordered, prettyJson } from './ordered-json.js';
import { reportHtml } from './report-html.js';

export const FQ_TRANSFORM_VERSION = (
  JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
const REPOSITORY = 'shoal (fq-transform)';

export interface ReportSection {
  name: string;
  section: unknown;
}

export interface StepTiming {
  label: string;
  wallMs: number;
  cpuMs: number;
  blocks: number;
}

/** The JSON report's text. */
export function reportJson(plan: Plan, sections: ReportSection[], timings: StepTiming[] | undefined): string {
  const cwd = process.cwd();
  const inputFiles: Record<string, unknown> = { interleaved: plan.input.interleavedFiles ?? null };
  if (!plan.input.interleavedFiles)
    for (const segment of plan.input.sourceOrder ?? plan.input.segments)
      inputFiles[segment] = plan.input.files[plan.input.segments.indexOf(segment)];
  let configText = '';
  try {
    configText = fs.readFileSync(plan.configFile, 'utf8');
  } catch {
    // a configuration from standard input or a string: nothing to quote
  }
  // report names may look like integers: keep them in step order (ordered-json.ts)
  const doc: [string, unknown][] = [['__', { version: FQ_TRANSFORM_VERSION, cwd, input_files: inputFiles, repository: REPOSITORY }]];
  for (const { name, section } of sections) doc.push([name, section]);
  doc.push(['run_info', { program_version: FQ_TRANSFORM_VERSION, input_toml: configText, working_directory: cwd }]);
  doc.push(['report_order', sections.map((s) => s.name)]);
  if (timings)
    doc.push([
      'timing',
      timings.map((t) => ({
        step: t.label,
        wall_ms: Math.round(t.wallMs * 1000) / 1000,
        cpu_ms: Math.round(t.cpuMs * 1000) / 1000,
        blocks: t.blocks,
      })),
    ]);
  return `${prettyJson(ordered(doc))}\n`;
}

export { reportHtml };
