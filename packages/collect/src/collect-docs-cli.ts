import { runTool, UsageError } from '@shoal/cli';
import { collectorDocs } from '@shoal/qc';

export function main(argv: string[]): Promise<never> {
  return runTool('collect-docs', argv, (program) => {
    program
      .description("Every file and column the collect-* tools write, with its definition (riker's docs); Markdown on stdout")
      .argument('[tool]', 'one collector: alignment, basic, isize, wgs, gcbias, hybcap or error (default: all)')
      .addHelpText(
        'after',
        `
Examples:
  collect-docs                 # every tool
  collect-docs error | less    # error's files, columns, stratifiers and options`,
      )
      .action((tool: string | undefined) => {
        let text: string;
        try {
          text = collectorDocs(tool);
        } catch (error) {
          if (error instanceof RangeError) throw new UsageError(error.message);
          throw error;
        }
        process.stdout.write(text);
      });
  });
}
