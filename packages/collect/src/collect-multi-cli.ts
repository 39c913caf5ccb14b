import { runTool } from '@shoal/cli';
import { COLLECTORS, DEFAULT_MULTI_TOOLS } from '@shoal/qc';
import { addCommonOptions, addToolOptions, runCollect, toolOptionsFrom, type CommonParsed } from './shell.js';

export function main(argv: string[]): Promise<never> {
  // riker's default set, limited to the collectors this build has.
  const defaultTools = DEFAULT_MULTI_TOOLS.filter((tool) => COLLECTORS[tool]);
  return runTool('collect-multi', argv, (program) => {
    program.description(
      'Many collectors in one pass over the input, data-parallel on every thread; output identical to each standalone collect-<tool>',
    );
    addCommonOptions(program);
    program.option(
      '--tools <tool...>',
      `collectors to run, repeated names once, in order (available: ${Object.keys(COLLECTORS).join(', ')})`,
      defaultTools,
    );
    for (const tool of Object.keys(COLLECTORS)) addToolOptions(program, tool, true);
    program.addHelpText(
      'after',
      `
Per-tool options carry the tool's name: --isize::min-frac 0.1, --isize::include-duplicates.

Besides the metrics: each collector's plots (<prefix>.<plot>.svg; --no-plots skips them) and
<prefix>.report.html, one self-contained page with the key numbers, every plot and links to the files.

Examples:
  collect-multi -i sample.bam -o qc/sample
  collect-multi -i sample.bam -o qc/sample --tools isize basic --threads 4 --format picard`,
    );
    program.action(async (parsed: CommonParsed & { tools: string[] } & Record<string, unknown>) => {
      const tools = parsed.tools.flatMap((t) => t.split(',')).filter(Boolean);
      await runCollect('collect-multi', tools, parsed, toolOptionsFrom(parsed, tools, true), argv);
    });
  });
}
