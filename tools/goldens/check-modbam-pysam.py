#!/usr/bin/python3
"""Prints the base modifications of a BAM as pysam (htslib's MM/ML parser) reads them, as JSON,
for packages/nanopore/src/stats/read-results-bam.test.ts to compare with what we wrote.

    apt-get install -y python3-pysam
    /usr/bin/python3 tools/goldens/check-modbam-pysam.py read_results.bam

Prints one JSON array, records in file order, calls of a record in pysam's order:
  {"read": name, "reverse": bool, "readGroup": RG or null, "mn": MN or null,
   "queryPosition": 0-based index into SEQ as stored, "base": canonical base as in MM,
   "strand": "+" or "-" as in MM, "code": letter or ChEBI number (as a string),
   "ml": ML value 0-255 (-1 without ML), "probability": (ml + 0.5) / 256 or null}

pysam's `modified_bases` gives SEQ positions, but for a reverse record it flips the strand (it is
relative to SEQ there); `modified_bases_forward` keeps MM's strand. The strand printed is MM's.
A record whose MM/ML htslib cannot follow (pysam then gives None), whose ML length differs from the
calls MM lists, or whose MN differs from its SEQ length makes the script exit 1 naming the read.
"""
import json
import sys

import pysam


def calls_of(read):
    out = []
    mods = read.modified_bases
    if mods is None:
        # pysam 0.20 gives None (and htslib a warning) for an MM it cannot follow, e.g. a skip past the end.
        if read.has_tag('MM'):
            raise ValueError('htslib could not parse its MM/ML tags')
        return out
    for (base, strand, code), positions in mods.items():
        # Back to MM's strand: modified_bases is relative to SEQ, which a reverse record complements.
        mm_strand = (1 - strand) if read.is_reverse else strand
        code_text = str(-code) if isinstance(code, int) and code < 0 else str(code)
        for position, ml in positions:
            out.append({
                'read': read.query_name,
                'reverse': read.is_reverse,
                'readGroup': read.get_tag('RG') if read.has_tag('RG') else None,
                'mn': read.get_tag('MN') if read.has_tag('MN') else None,
                'queryPosition': position,
                'base': base,
                'strand': '-' if mm_strand else '+',
                'code': code_text,
                'ml': ml,
                'probability': None if ml < 0 else (ml + 0.5) / 256,
            })
    # pysam's htslib tolerates an ML longer than MM calls for (and, before htslib 1.21, ignores MN): check both here.
    ml_values = len(read.get_tag('ML')) if read.has_tag('ML') else None
    if ml_values is not None and ml_values != len(out):
        raise ValueError(f'MM lists {len(out)} calls but ML holds {ml_values} values')
    if read.has_tag('MN') and read.get_tag('MN') != read.query_length:
        raise ValueError(f"MN:i:{read.get_tag('MN')} differs from the sequence length {read.query_length}")
    out.sort(key=lambda call: (call['queryPosition'], call['code']))
    return out


def main():
    if len(sys.argv) != 2:
        sys.stderr.write('usage: check-modbam-pysam.py <file.bam>\n')
        sys.exit(2)
    calls = []
    with pysam.AlignmentFile(sys.argv[1], 'rb') as bam:
        for read in bam.fetch(until_eof=True):
            try:
                calls.extend(calls_of(read))
            except Exception as error:  # pysam raises ValueError (or others) for MM/ML htslib refuses
                sys.stderr.write(f'check-modbam-pysam: {read.query_name}: {error}\n')
                sys.exit(1)
    json.dump(calls, sys.stdout, indent=1)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
