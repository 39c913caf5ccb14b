/**
 * --read-bam: the primary records of the scored reads, from --native-bam and --ivt-bam, with their p_mod per site as
 * MM/ML/MN (writeReadResultsBam). The records of each scored contig are read through the BAMs' indexes where they
 * have one (the per-contig pipe passes whole-genome BAMs), else by reading the BAM through. A scored read that is
 * not a primary record of its condition's BAM means the matrices do not come from these BAMs: an error, found before
 * anything is written. The calls of the whole run are held until then (one contig in the per-contig pipe).
 */
import { HtsError, loadBaiFor, openAlignments, queryRegion, type AlignmentReader, type RecordBatch } from '@shoal/hts';
import { writeReadResultsBam, type ContigCalls, type ReadResult, type ReadSite } from '@shoal/nanopore';
import fs from 'node:fs';

export interface ReadBamOptions {
  output: string;
  nativeBam: string;
  ivtBam: string;
  contigs: ContigCalls[];
  commandLine: string;
}

const SECONDARY_OR_SUPPLEMENTARY = 0x100 | 0x800;

/**
 * Writes the BAM; returns the line for the end-of-run message. First a pass over the contigs' records checks that
 * every scored read is a primary record of its condition's BAM, once; only then is anything written, so a mismatch
 * leaves no BAM (and the caller takes back its other outputs).
 */
export async function writeReadBam(options: ReadBamOptions): Promise<string> {
  const wanted = { native: new Map<string, ReadSite[]>(), ivt: new Map<string, ReadSite[]>() };
  for (const contig of options.contigs)
    for (const read of contig.reads) {
      if (wanted[read.condition].has(read.read))
        throw new HtsError(
          `${read.condition} read ${read.read} was scored on two contigs: a read has one primary alignment`,
          options.output,
        );
      wanted[read.condition].set(
        read.read,
        read.sites.map((site, i) => ({ referencePosition: site, probability: read.pMod[i]! })),
      );
    }
  const native = await openAlignments(options.nativeBam);
  const ivt = await openAlignments(options.ivtBam);
  try {
    const names = (reader: AlignmentReader): string => reader.header.references.map((reference) => reference.name).join('\n');
    if (names(native) !== names(ivt))
      throw new HtsError(
        `its reference sequences differ from those of ${options.nativeBam}: both must be aligned to one reference`,
        options.ivtBam,
      );
    const contigNames = options.contigs.map((contig) => contig.contig);
    const inputs = [
      { condition: 'native', path: options.nativeBam },
      { condition: 'ivt', path: options.ivtBam },
    ] as const;
    for (const { condition, path } of inputs) {
      const found = new Set<string>();
      const reader = await openAlignments(path);
      try {
        for await (const batch of batchesOf(reader, path, contigNames))
          for (let i = 0; i < batch.count; i++) {
            const record = batch.record(i);
            if ((record.flag & SECONDARY_OR_SUPPLEMENTARY) !== 0 || !wanted[condition].has(record.readName)) continue;
            if (found.has(record.readName)) throw new HtsError(`read ${record.readName} has two primary records`, path);
            found.add(record.readName);
          }
      } finally {
        reader.close();
      }
      if (found.size < wanted[condition].size) {
        const missing = [...wanted[condition].keys()].find((read) => !found.has(read))!;
        throw new HtsError(
          `${wanted[condition].size - found.size} of the ${wanted[condition].size} scored ${condition} reads are not primary records in it (first: ${missing}): the matrices do not come from this BAM`,
          path,
        );
      }
    }
    async function* records(): AsyncGenerator<ReadResult> {
      for (const [condition, reader, path] of [
        ['native', native, options.nativeBam],
        ['ivt', ivt, options.ivtBam],
      ] as const) {
        for await (const batch of batchesOf(reader, path, contigNames)) {
          for (let i = 0; i < batch.count; i++) {
            const record = batch.record(i);
            if ((record.flag & SECONDARY_OR_SUPPLEMENTARY) !== 0) continue;
            const sites = wanted[condition].get(record.readName);
            if (sites === undefined) continue;
            yield { record, condition, sites };
          }
        }
      }
    }
    const summary = await writeReadResultsBam({
      output: options.output,
      header: native.header,
      records: records(),
      programCommandLine: options.commandLine,
      writeIndex: options.output !== '-',
    });
    return `${summary.records.toLocaleString('en-US')} reads in ${options.output} (${summary.sitesWritten.toLocaleString('en-US')} sites with MM/ML${
      summary.sitesInDeletion > 0 ? `, ${summary.sitesInDeletion.toLocaleString('en-US')} in deletions left out` : ''
    })`;
  } finally {
    native.close();
    ivt.close();
  }
}

/** The records of the contigs: through the index when there is one, else the whole file. */
async function* batchesOf(reader: AlignmentReader, path: string, contigs: string[]): AsyncGenerator<RecordBatch> {
  const indexed = reader.format === 'bam' && fs.existsSync(`${path}.bai`);
  if (!indexed) {
    yield* reader.batches();
    return;
  }
  const index = loadBaiFor(path);
  for (const contig of contigs) {
    const id = reader.header.referenceIds.get(contig);
    if (id === undefined) throw new HtsError(`contig '${contig}' of the matrices is not in the BAM header`, path);
    yield* queryRegion(path, reader.header, index, id, 0, reader.header.references[id]!.length);
  }
}
