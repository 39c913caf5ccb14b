/**
 * Picard AdapterUtility (2.27.5) with the default ADAPTER_SEQUENCE list: is a read adapter
 * sequence? Only unmapped or MAPQ-0 reads can be; their first 16 bases, in machine order (a
 * reverse-strand mapped read is reverse-complemented), must match a 16-mer of an adapter, or its
 * reverse complement, with at most one mismatch; 16-mers with more than one N are dropped.
 *
 * On the hot path (every PF read of the alignment collector): the k-mers are one flat array of
 * base codes built once, and a read's 16 bases are decoded into one scratch array reused for every
 * read; nothing is allocated per read.
 */
import { Flag, type BamRecordView } from '@shoal/hts';
import { COMPLEMENT_CODE, IUPAC_MASK } from './base-masks.js';

// hts's flag bits as module constants: the tests per record below compare with a plain number
// instead of reading a property of an imported object each time (measured on the alignment
// collector: those reads cost ~5%).
const FLAG_UNMAPPED = Flag.Unmapped;
const FLAG_REVERSE = Flag.Reverse;

/** IlluminaUtil.IlluminaAdapterPair SINGLE_END, PAIRED_END, INDEXED: 5' and 3' (AdapterUtility.DEFAULT_ADAPTER_SEQUENCE). */
const DEFAULT_ADAPTERS = [
  'AATGATACGGCGACCACCGAGATCTACACTCTTTCCCTACACGACGCTCTTCCGATCT',
  'AGATCGGAAGAGCTCGTATGCCGTCTTCTGCTTG',
  'AATGATACGGCGACCACCGAGATCTACACTCTTTCCCTACACGACGCTCTTCCGATCT',
  'AGATCGGAAGAGCGGTTCAGCAGGAATGCCGAGACCGATCTCGTATGCCGTCTTCTGCTTG',
  'AATGATACGGCGACCACCGAGATCTACACTCTTTCCCTACACGACGCTCTTCCGATCT',
  'AGATCGGAAGAGCACACGTCTGAACTCCAGTCACNNNNNNNNATCTCGTATGCCGTCTTCTGCTTG',
];
const ADAPTER_MATCH_LENGTH = 16;
const MAX_ADAPTER_ERRORS = 1;

/** Every 16-mer of the adapters with ≤ 1 N, and its reverse complement, as base codes (k-mer × 16). */
function adapterKmers(adapters: string[]): Uint8Array {
  const complement: Record<string, string> = { A: 'T', C: 'G', G: 'C', T: 'A' };
  const kmers = new Set<string>();
  for (const adapter of adapters) {
    for (let i = 0; i + ADAPTER_MATCH_LENGTH <= adapter.length; i++) {
      const kmer = adapter.slice(i, i + ADAPTER_MATCH_LENGTH).toUpperCase();
      if (kmer.split('N').length - 1 > MAX_ADAPTER_ERRORS) continue;
      kmers.add(kmer);
      let reverseComplement = '';
      for (let j = kmer.length - 1; j >= 0; j--) reverseComplement += complement[kmer[j]!] ?? kmer[j];
      kmers.add(reverseComplement);
    }
  }
  const codes = new Uint8Array(kmers.size * ADAPTER_MATCH_LENGTH);
  let at = 0;
  for (const kmer of kmers) for (const c of kmer) codes[at++] = IUPAC_MASK[c.charCodeAt(0)];
  return codes;
}

const ADAPTER_KMERS = adapterKmers(DEFAULT_ADAPTERS);
const adapterScratch = new Uint8Array(ADAPTER_MATCH_LENGTH);

/** AdapterUtility.isAdapter for a record whose flag the caller has already read. */
export function isAdapter(record: BamRecordView, flag: number): boolean {
  const unmapped = (flag & FLAG_UNMAPPED) !== 0;
  if (!unmapped && record.mapq !== 0) return false;
  const length = record.seqLength;
  if (length < ADAPTER_MATCH_LENGTH) return false;
  const reverse = !unmapped && (flag & FLAG_REVERSE) !== 0;
  const bytes = record.bytes;
  const seqStart = record.seqStart;
  for (let i = 0; i < ADAPTER_MATCH_LENGTH; i++) {
    const at = reverse ? length - i - 1 : i;
    const packed = bytes[seqStart + (at >> 1)];
    const code = at & 1 ? packed & 15 : packed >> 4;
    adapterScratch[i] = reverse ? COMPLEMENT_CODE[code] : code;
  }
  for (let k = 0; k < ADAPTER_KMERS.length; k += ADAPTER_MATCH_LENGTH) {
    let errors = 0;
    for (let i = 0; i < ADAPTER_MATCH_LENGTH; i++) {
      if (adapterScratch[i] !== ADAPTER_KMERS[k + i] && ++errors > MAX_ADAPTER_ERRORS) break;
    }
    if (errors <= MAX_ADAPTER_ERRORS) return true;
  }
  return false;
}
