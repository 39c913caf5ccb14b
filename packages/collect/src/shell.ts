/**
 * The shell shared by every collect-* tool: riker's flags (-i, -o, -r, --threads), the output
 * layout (--format riker|picard), per-tool options (standalone `--min-frac`, in collect-multi
 * `--isize::min-frac`), progress and the one-pass run.
 */
import fs from 'node:fs';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { Progress, UsageError, positiveInteger, runTool } from '@shoal/cli';
import { CollectUsageError, collectMetrics, type OutputFormat } from '@shoal/qc';

interface ToolOption {
  tool: string;
  /** Flag name without dashes (riker's). */
  flag: string;
  /** Key in the collector's options. */
  key: string;
  description: string;
  type: 'number' | 'boolean';
  defaultValue?: number | boolean;
}

/** Per-tool options, named as riker names them; defaults are Picard's. */
export const TOOL_OPTIONS: ToolOption[] = [
  { tool: 'alignment', flag: 'max-insert-size', key: 'maxInsertSize', description: 'pairs with a larger insert are chimeric (Picard MAX_INSERT_SIZE)', type: 'number', defaultValue: 100000 },
  { tool: 'alignment', flag: 'min-mapq', key: 'minMappingQuality', description: "mapping quality of high-quality (HQ) reads and of the chimera test (riker's option; Picard's fixed 20)", type: 'number', defaultValue: 20 },
  { tool: 'alignment', flag: 'aligned-length-over-aligned-reads', key: 'alignedLengthOverAlignedReads', description: "riker's rule: MEAN_ALIGNED_READ_LENGTH over aligned reads (Picard: over all PF reads)", type: 'boolean' },
  { tool: 'alignment', flag: 'improper-pairs-need-mapped-mate', key: 'improperPairsNeedMappedMate', description: "riker's rule: count improper pairs only with the mate mapped (Picard counts mate-unmapped reads too)", type: 'boolean' },
  { tool: 'isize', flag: 'include-duplicates', key: 'includeDuplicates', description: 'count duplicate pairs too (Picard INCLUDE_DUPLICATES)', type: 'boolean' },
  { tool: 'isize', flag: 'min-frac', key: 'minimumPct', description: 'report an orientation holding at least this fraction of pairs (Picard MINIMUM_PCT)', type: 'number', defaultValue: 0.05 },
  { tool: 'isize', flag: 'deviations', key: 'deviations', description: 'trim to MEDIAN + DEVIATIONS x MAD for the mean and SD (Picard DEVIATIONS)', type: 'number', defaultValue: 10 },
  { tool: 'isize', flag: 'exclude-qc-fail', key: 'excludeQcFail', description: "riker's rule: drop QC-fail reads (Picard keeps them)", type: 'boolean' },
  { tool: 'basic', flag: 'exclude-qc-fail', key: 'excludeQcFail', description: "drop QC-fail reads (Picard PF_READS_ONLY; riker's rule)", type: 'boolean' },
  { tool: 'basic', flag: 'aligned-reads-only', key: 'alignedReadsOnly', description: 'count aligned reads only (Picard ALIGNED_READS_ONLY)', type: 'boolean' },
  { tool: 'basic', flag: 'include-no-calls', key: 'includeNoCalls', description: 'count N bases in the quality distribution (Picard INCLUDE_NO_CALLS)', type: 'boolean' },
];

function parseNumber(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`${flag} takes a number, got '${value}'`);
    return n;
  };
}

export function addCommonOptions(program: Command): void {
  program
    .requiredOption('-i, --input <path>', 'BAM or SAM file, or - for BAM, SAM or bam2ndjson NDJSON on stdin')
    .option('-o, --output <prefix>', 'output prefix: files are <prefix>.<metric>.txt')
    .option('-r, --reference <fasta>', 'reference FASTA (with .fai), for tools that need or use one')
    .option('-t, --threads <n>', 'total threads: the main thread plus n-1 workers', positiveInteger('--threads'), 2)
    .option('--format <layout>', "output layout: riker (TSV per table, lower-case columns, sample first) or picard (htsjdk metrics files)", 'riker')
    .option('--region <region>', 'only records overlapping chr, chr:start-end (needs the .bai), or * for unplaced reads')
    .option('--partial <file>', 'write the mergeable partial state to <file> instead of metrics (combine with collect-merge)')
    .option('-q, --quiet', 'no progress on stderr');
}

/** Adds a tool's options; `prefixed` for collect-multi (`--isize::min-frac`). */
export function addToolOptions(program: Command, tool: string, prefixed: boolean): void {
  for (const option of TOOL_OPTIONS.filter((o) => o.tool === tool)) {
    const flag = prefixed ? `--${tool}::${option.flag}` : `--${option.flag}`;
    if (option.type === 'boolean') program.option(flag, option.description);
    else program.option(`${flag} <n>`, `${option.description} (default ${option.defaultValue})`, parseNumber(flag));
  }
}

/** Reads the parsed tool options back into { isize: { minimumPct: … } }. */
export function toolOptionsFrom(parsed: Record<string, unknown>, tools: string[], prefixed: boolean): Record<string, Record<string, unknown>> {
  const options: Record<string, Record<string, unknown>> = {};
  for (const option of TOOL_OPTIONS.filter((o) => tools.includes(o.tool))) {
    const camel = option.flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    const value = parsed[prefixed ? `${option.tool}::${camel}` : camel];
    if (value !== undefined) (options[option.tool] ??= {})[option.key] = value;
  }
  return options;
}

export interface CommonParsed {
  input: string;
  output?: string;
  region?: string;
  partial?: string;
  reference?: string;
  threads: number;
  format: string;
  quiet?: boolean;
}

export async function runCollect(tool: string, tools: string[], parsed: CommonParsed, toolOptions: Record<string, unknown>, argv: string[]): Promise<void> {
  if (parsed.format !== 'riker' && parsed.format !== 'picard') throw new UsageError(`--format takes riker or picard, got '${parsed.format}'`);
  if (parsed.output === undefined && parsed.partial === undefined) throw new UsageError("required option '-o, --output <prefix>' not specified (or give --partial <file>)");
  // A bar when the input is a file (its size known); records/s and elapsed time either way.
  let sizeBytes: number | undefined;
  try {
    sizeBytes = parsed.input === '-' ? undefined : fs.statSync(parsed.input).size;
  } catch {
    sizeBytes = undefined; // the real open reports the error
  }
  const progress = new Progress(tool, sizeBytes, !parsed.quiet && process.stderr.isTTY === true);
  try {
    const result = await collectMetrics({
      input: parsed.input,
      prefix: parsed.output ?? '',
      region: parsed.region,
      partial: parsed.partial,
      tools,
      threads: parsed.threads,
      format: parsed.format as OutputFormat,
      options: toolOptions,
      reference: parsed.reference,
      commandLine: argv.slice(2).join(' '),
      onProgress: (records, compressedBytes) => progress.update(records, compressedBytes),
    });
    progress.done();
    if (!parsed.quiet) process.stderr.write(`${tool}: ${result.records.toLocaleString('en-US')} records; wrote ${result.files.join(', ')}\n`);
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
