/**
 * The header of a coordinate-sorted output, as samtools sort 1.16.1 writes it (bam_sort.c,
 * `bam_sort_core_ext`, through htslib's header API): the @HD line says `SO:coordinate` and loses
 * GO and SS; every other line is kept, in its order.
 *
 * In detail, as htslib rebuilds the text: an @HD line's SO is replaced where it stands (or added
 * at the line's end) and the line moves to the top; without one, `@HD VN:1.6 SO:coordinate` is
 * added there (VN is htslib's SAM_FORMAT_VERSION), and an @HD without VN gets VN:1.6. @SQ lines follow the binary
 * dictionary: a line's LN is the binary length, and each reference without a line gets one after the other lines,
 * as htslib adds them. samtools also
 * adds its @PG line; we add none (docs/tools/bam-sort.md).
 */
import { makeHeader, type BamHeader } from '../header.js';

/** The @HD version htslib 1.16 writes on a line it creates (SAM_FORMAT_VERSION). */
const NEW_HD_VERSION = '1.6';

export function coordinateSortedHeader(header: BamHeader): BamHeader {
  const lines = header.text.split('\n');
  // The text's last newline leaves an empty last element; blank lines are dropped as htslib drops them.
  const kept = lines.filter((line) => line.length > 0);
  const hdIndex = kept.findIndex((line) => line.startsWith('@HD\t') || line === '@HD');
  let hd: string;
  if (hdIndex < 0) {
    hd = `@HD\tVN:${NEW_HD_VERSION}\tSO:coordinate`;
  } else {
    const fields = kept[hdIndex]!.split('\t').slice(1);
    const out: string[] = [];
    let hadSortOrder = false;
    for (const field of fields) {
      if (field.startsWith('GO:') || field.startsWith('SS:')) continue;
      if (field.startsWith('SO:')) {
        if (!hadSortOrder) out.push('SO:coordinate');
        hadSortOrder = true;
        continue;
      }
      out.push(field);
    }
    if (!hadSortOrder) out.push('SO:coordinate');
    // htslib gives an @HD line without VN one (a bare `@HD` becomes `@HD VN:1.6 SO:coordinate`).
    if (!out.some((field) => field.startsWith('VN:'))) out.unshift(`VN:${NEW_HD_VERSION}`);
    hd = ['@HD', ...out].join('\t');
    kept.splice(hdIndex, 1);
  }
  // The binary dictionary is the truth, as htslib makes it: an @SQ line of a reference gets the binary length (its
  // other tags kept, where it stands), and a reference without a line gets one after the other lines.
  const lengthOf = new Map(header.references.map((reference) => [reference.name, reference.length]));
  const described = new Set<string>();
  const body = [
    hd,
    ...kept.map((line) => {
      if (!line.startsWith('@SQ\t')) return line;
      const fields = line.split('\t');
      const name = fields.find((field) => field.startsWith('SN:'))?.slice(3);
      const length = name === undefined ? undefined : lengthOf.get(name);
      if (name === undefined || length === undefined) return line;
      described.add(name);
      return fields.map((field) => (field.startsWith('LN:') ? `LN:${length}` : field)).join('\t');
    }),
  ];
  for (const reference of header.references)
    if (!described.has(reference.name)) body.push(`@SQ\tSN:${reference.name}\tLN:${reference.length}`);
  return makeHeader(`${body.join('\n')}\n`, header.references);
}
