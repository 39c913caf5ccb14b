#!/usr/bin/python3
"""Writes small SLOW5/BLOW5 fixtures with Debian's slow5 library (python3-slow5 0.7.0), for
packages/hts/src/slow5/pyslow5.test.ts to read with our reader.

    apt-get install -y python3-slow5
    /usr/bin/python3 tools/goldens/make-slow5-fixtures.py   # from the repository root

Writes into test/fixtures/slow5/:
  pyslow5-zlib.blow5   BLOW5, zlib records, uncompressed signal (the pair python3-slow5 0.7.0 writes correctly)
  pyslow5.slow5        SLOW5 text, the same reads
  pyslow5-expected.json  the values given to the library, which our reader must give back

Known bugs of python3-slow5 0.7.0 worked around here (see shared/research/nanopore-anchors.md 2.2):
sig_press="svb_zd" writes signal that reads back wrong (Debian links the library against the
system streamvbyte, whose zigzag_delta_decode writes int32 where slow5lib's vendored copy writes
int16), so it is not used; header dicts carry only the keys we set (None values crash); the
interpreter may crash at exit after writing, so the script ends with os._exit.
"""
import json
import os
import sys

import numpy as np
import pyslow5

OUT = os.path.join('test', 'fixtures', 'slow5')


def signal(seed, length):
    """A deterministic int16 signal with both extremes in it (LCG, no numpy RNG version drift)."""
    values = []
    state = seed
    for i in range(length):
        state = (state * 1103515245 + 12345) % (1 << 31)
        values.append(400 + (state >> 16) % 300 - 150)
    if length >= 4:
        values[1] = -32768
        values[2] = 32767
    return values


HEADERS = [
    {'run_id': 'run0', 'experiment_type': 'rna', 'sequencing_kit': 'sqk-rna002', 'sample_frequency': '3012'},
    {'run_id': 'run1', 'experiment_type': 'rna', 'sequencing_kit': 'sqk-rna002', 'sample_frequency': '4000'},
]

READS = [
    {'read_id': 'read-0', 'read_group': 0, 'digitisation': 8192.0, 'offset': 13.0, 'range': 1467.61, 'sampling_rate': 3012.0,
     'signal': signal(1, 500), 'aux': {'channel_number': '12', 'median_before': 212.25, 'read_number': 7, 'start_mux': 1, 'start_time': 123456789}},
    {'read_id': 'read-1', 'read_group': 1, 'digitisation': 2048.0, 'offset': -3.5, 'range': 748.5801, 'sampling_rate': 4000.0,
     'signal': signal(2, 1001), 'aux': {'channel_number': '511', 'median_before': 180.0, 'read_number': 8, 'start_mux': 4, 'start_time': 9876543210}},
    {'read_id': 'read-2', 'read_group': 0, 'digitisation': 8192.0, 'offset': 0.0, 'range': 1467.61, 'sampling_rate': 3012.0,
     'signal': signal(3, 7), 'aux': {'channel_number': '3', 'median_before': 201.5, 'read_number': 9, 'start_mux': 2, 'start_time': 1}},
]


def write(path, **press):
    if os.path.exists(path):
        os.remove(path)
    s5 = pyslow5.Open(path, 'w', **press)
    for group, values in enumerate(HEADERS):
        header = s5.get_empty_header()
        for key in list(header):
            if key not in values:
                del header[key]
        for key, value in values.items():
            header[key] = value
        if s5.write_header(header, read_group=group) != 0:
            sys.exit(f'write_header failed for read group {group}')
    for read in READS:
        record, aux = s5.get_empty_record(aux=True)
        for key in record:
            if key == 'signal':
                record[key] = np.array(read['signal'], dtype=np.int16)
            elif key == 'len_raw_signal':
                record[key] = len(read['signal'])
            else:
                record[key] = read[key]
        for key in aux:
            aux[key] = read['aux'][key]
        if s5.write_record(record, aux) != 0:
            sys.exit(f'write_record failed for {read["read_id"]}')
    s5.close()


def main():
    os.makedirs(OUT, exist_ok=True)
    write(os.path.join(OUT, 'pyslow5-zlib.blow5'), rec_press='zlib', sig_press='none')
    write(os.path.join(OUT, 'pyslow5.slow5'))
    with open(os.path.join(OUT, 'pyslow5-expected.json'), 'w') as out:
        json.dump({'readGroups': HEADERS, 'reads': READS}, out, indent=1)
        out.write('\n')
    print('wrote', ', '.join(sorted(os.listdir(OUT))))
    sys.stdout.flush()
    # python3-slow5 0.7.0 can crash in interpreter teardown after writing.
    os._exit(0)


if __name__ == '__main__':
    main()
