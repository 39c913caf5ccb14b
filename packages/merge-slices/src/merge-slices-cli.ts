import { quietOption, runTool, UsageError, type CommonFlags } from '@shoal/cli';
import { mergeSlices } from '@shoal/nanopore';
import { Option } from 'commander';

interface Flags extends CommonFlags {
  siteTsv: string;
  readBam?: string;
  bamSlice: string[];
  commandLine?: string;
}

export function main(argv: string[]): Promise<never> {
  return runTool('merge-slices', argv, (program) => {
    program
      .description(
        'Per-contig site tables (hmm-smooth --site-tsv) under one header, sorted by contig and position, and read-BAM slices into one sorted, indexed BAM; atomically',
      )
      .argument('<tsv...>', 'site-table slices (with or without the header line)')
      .addOption(new Option('--site-tsv <file>', 'the merged site table').makeOptionMandatory())
      .addOption(new Option('--read-bam <file>', 'the merged read BAM (with its .bai), from the --bam-slice slices'))
      .addOption(
        new Option('--bam-slice <bam>', 'a read-BAM slice to merge (repeat the flag for each)')
          .argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value])
          .default([]),
      )
      .addOption(new Option('--command-line <text>', "the CL of the merged BAM's hmm-smooth @PG line (default: the first slice's)"))
      .addOption(quietOption());
    program
      .addHelpText(
        'after',
        `
Rows are sorted by contig name (byte order, as baleen sorts its slices) then position; a site in two
slices is an error. BAM slices are merged in coordinate order under the first slice's header; they
must share their reference sequences. The table and the BAM appear together or not at all.

Examples:
  merge-slices per_contig/*.tsv --site-tsv site_results.tsv
  merge-slices per_contig/*.tsv --site-tsv site_results.tsv --read-bam read_results.bam \\
      $(printf -- '--bam-slice %s ' per_contig/*.bam)`,
      )
      .action(async (tsv: string[], flags: Flags) => {
        if ((flags.readBam === undefined) !== (flags.bamSlice.length === 0)) throw new UsageError('--read-bam and --bam-slice go together');
        // Files, not streams: slices are read once per contig they hold, and the outputs appear together by renames.
        if (tsv.includes('-') || flags.bamSlice.includes('-'))
          throw new UsageError("slices are files: '-' (stdin) cannot be read more than once");
        if (flags.siteTsv === '-' || flags.readBam === '-')
          throw new UsageError("--site-tsv and --read-bam are files written atomically, not '-'; cat the table afterwards");
        const summary = await mergeSlices({
          tsvSlices: tsv,
          siteTsv: flags.siteTsv,
          bamSlices: flags.readBam === undefined ? undefined : flags.bamSlice,
          readBam: flags.readBam,
          commandLine: flags.commandLine,
        });
        if (!flags.quiet)
          process.stderr.write(
            `merge-slices: ${summary.sites.toLocaleString('en-US')} sites on ${summary.contigs.toLocaleString('en-US')} contigs (${summary.significant.toLocaleString('en-US')} with padj < 0.05) from ${tsv.length} slices${flags.readBam === undefined ? '' : `; ${summary.reads.toLocaleString('en-US')} reads in ${flags.readBam}`}\n`,
          );
      });
  });
}
