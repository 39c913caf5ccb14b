/**
 * The shell shared by every collect-* tool: riker's flags (-i, -o, -r, --threads), the output
 * layout (--format riker|picard), per-tool options (standalone `--min-frac`, in collect-multi
 * `--isize::min-frac`), progress and the one-pass run.
 */
import { Option, type Command } from 'commander';
import {
  integerInRange,
  numberInRange,
  inputOption,
  inputSizeBytes,
  outputPrefixOption,
  Progress,
  progressOptions,
  progressWanted,
  quietOption,
  readingFrom,
  referenceOption,
  regionOption,
  runTool,
  SHOAL_VERSION,
  threadsOption,
  UsageError,
  type CommonFlags,
} from '@shoal/cli';
import { COLLECTORS, CollectUsageError, collectMetrics, type CollectorOption, type OutputFormat } from '@shoal/qc';

/** A collector's option (declared beside the collector in @shoal/qc, default included), with its tool. */
type ToolOption = CollectorOption & { tool: string };

/**
 * The order in which toolOptionsFrom lists the tools. --partial files record the parsed options as
 * JSON and collect-merge compares that text, so partials written before the options moved into
 * @shoal/qc (alignment, isize, basic) must still match; tools added later follow, in collector order.
 */
const PARTIAL_OPTIONS_TOOL_ORDER = ['alignment', 'isize', 'basic'];

function partialOptionsRank(tool: string): number {
  const rank = PARTIAL_OPTIONS_TOOL_ORDER.indexOf(tool);
  return rank >= 0 ? rank : PARTIAL_OPTIONS_TOOL_ORDER.length;
}

/** Every collector's options, tools in PARTIAL_OPTIONS_TOOL_ORDER, each tool's options in their declared order. */
export const TOOL_OPTIONS: ToolOption[] = Object.values(COLLECTORS)
  // A stable sort: tools of the same rank keep collector order.
  .sort((a, b) => partialOptionsRank(a.name) - partialOptionsRank(b.name))
  .flatMap((collector) => collector.options.map((option): ToolOption => ({ ...option, tool: collector.name })));

/** `--format <layout>`: riker (default) or picard; collect-merge takes it too. */
export function formatOption(): Option {
  return new Option(
    '--format <layout>',
    'output layout: riker (TSV per table, lower-case columns, sample first) or picard (htsjdk metrics files)',
  ).default('riker');
}

/** The flags of every collect-<tool> and collect-multi: the shared ones from @shoal/cli, riker's names. */
export function addCommonOptions(program: Command): void {
  program
    .addOption(inputOption('BAM or SAM file, or - for BAM, SAM or bam2ndjson NDJSON on stdin'))
    .addOption(outputPrefixOption('output prefix: files are <prefix>.<metric>.txt'))
    .addOption(referenceOption('reference FASTA (with .fai), for tools that need or use one'))
    .addOption(threadsOption())
    .addOption(formatOption())
    .addOption(regionOption('only records overlapping chr, chr:start-end (needs the .bai), or * for unplaced reads'))
    .option('--partial <file>', 'write the mergeable partial state to <file> instead of metrics (combine with collect-merge)')
    .option(
      '--by-region',
      'read an indexed BAM as genome regions on --threads worker threads for wgs, hybcap and error (slower on genomes of many contigs)',
    )
    .option('--no-plots', 'do not draw the SVG plots beside the metrics')
    .addOption(quietOption());
  for (const option of progressOptions()) program.addOption(option);
}

/** Adds a tool's options; `prefixed` for collect-multi (`--isize::min-frac`). */
export function addToolOptions(program: Command, tool: string, prefixed: boolean): void {
  for (const option of TOOL_OPTIONS.filter((o) => o.tool === tool && (prefixed || o.multiOnly !== true))) {
    const flag = prefixed ? `--${tool}::${option.flag}` : `--${option.flag}`;
    if (option.type === 'boolean') program.option(flag, option.description);
    else if (option.type === 'string') program.option(`${flag} <${option.argument}>`, option.description);
    else {
      const parse = option.integer ? integerInRange(flag, option.min, option.max) : numberInRange(flag, option.min, option.max);
      program.option(`${flag} <n>`, `${option.description} (default ${option.defaultValue})`, parse);
    }
  }
}

/** Reads the parsed tool options back into { isize: { minimumPct: … } }. */
export function toolOptionsFrom(
  parsed: Record<string, unknown>,
  tools: string[],
  prefixed: boolean,
): Record<string, Record<string, unknown>> {
  const options: Record<string, Record<string, unknown>> = {};
  for (const option of TOOL_OPTIONS.filter((o) => tools.includes(o.tool))) {
    const camel = option.flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    const value = parsed[prefixed ? `${option.tool}::${camel}` : camel];
    if (value !== undefined) (options[option.tool] ??= {})[option.key] = value;
  }
  return options;
}

export interface CommonParsed extends CommonFlags {
  input: string;
  output?: string;
  region?: string;
  partial?: string;
  byRegion?: boolean;
  reference?: string;
  threads: number;
  format: string;
  /** false with --no-plots. */
  plots: boolean;
}

export async function runCollect(
  tool: string,
  tools: string[],
  parsed: CommonParsed,
  toolOptions: Record<string, unknown>,
  argv: string[],
): Promise<void> {
  if (parsed.format !== 'riker' && parsed.format !== 'picard')
    throw new UsageError(`--format takes riker or picard, got '${parsed.format}'`);
  if (parsed.output === undefined && parsed.partial === undefined)
    throw new UsageError("required option '-o, --output <prefix>' not specified (or give --partial <file>)");
  // A bar when the input is a file (its size known); records/s and elapsed time either way.
  const progress = new Progress(tool, inputSizeBytes(parsed.input), progressWanted(parsed));
  readingFrom(parsed.input);
  try {
    const result = await collectMetrics({
      input: parsed.input,
      prefix: parsed.output ?? '',
      region: parsed.region,
      partial: parsed.partial,
      byRegion: parsed.byRegion,
      tools,
      threads: parsed.threads,
      format: parsed.format as OutputFormat,
      options: toolOptions,
      reference: parsed.reference,
      commandLine: [tool, ...argv.slice(2)].join(' '),
      plots: parsed.plots,
      // One page over every collector: collect-multi's (a single collect-<tool> has its plots).
      report: tool === 'collect-multi' ? { version: SHOAL_VERSION } : undefined,
      onProgress: (records, compressedBytes) => progress.update(records, compressedBytes),
    });
    progress.done();
    if (!parsed.quiet)
      process.stderr.write(`${tool}: ${result.records.toLocaleString('en-US')} records; wrote ${result.files.join(', ')}\n`);
  } catch (error) {
    progress.done();
    if (error instanceof CollectUsageError) throw new UsageError(error.message);
    throw error;
  }
}

/** The whole executable of a single-tool collect-<tool>: riker's common flags, the tool's own, help, run. */
export function singleToolMain(tool: string, description: string, helpText: string): (argv: string[]) => Promise<never> {
  const name = `collect-${tool}`;
  return (argv) =>
    runTool(name, argv, (program) => {
      program.description(description);
      addCommonOptions(program);
      addToolOptions(program, tool, false);
      program.addHelpText('after', helpText);
      program.action(async (parsed: CommonParsed & Record<string, unknown>) => {
        await runCollect(name, [tool], parsed, toolOptionsFrom(parsed, [tool], false), argv);
      });
    });
}
