#!/usr/bin/env python3
"""A few simulated direct-RNA reads for nanopolish eventalign (make-nanopolish-rows.sh): random transcripts, and per
read squigulator's method with the rna002 model (dwell per k-mer, Gaussian levels, signal reversed 3'->5', raw ADC
values), written with Debian's python3-slow5 (zlib records, no svb-zd: its 0.7.0 svb-zd is broken). Deterministic.

    python3 simulate-reads.py OUT_DIR
"""
import os
import random
import sys

import numpy as np
import pyslow5

out = sys.argv[1]
random.seed(7)
here = os.path.dirname(os.path.abspath(__file__))
model = {}
for line in open(os.path.join(here, '../../../packages/nanopore/models/r9.4_70bps.u_to_t_rna.5mer.template.model')):
    if line.startswith('#') or line.startswith('kmer'):
        continue
    fields = line.split()
    model[fields[0]] = (float(fields[1]), float(fields[2]))
K = 5
transcripts = {name: ''.join(random.choice('ACGT') for _ in range(length)) for name, length in (('tx1', 500), ('tx2', 400))}
with open(os.path.join(out, 'ref.fa'), 'w') as fasta:
    for name, bases in transcripts.items():
        fasta.write('>%s\n' % name)
        for i in range(0, len(bases), 60):
            fasta.write(bases[i:i + 60] + '\n')
digitisation, adc_range, rate, offset = 8192.0, 1126.47, 3012.0, 10.0
blow5 = pyslow5.Open(os.path.join(out, 'reads.blow5'), 'w', rec_press='zlib', sig_press='none')
header = blow5.get_empty_header()
header.update({'experiment_type': 'rna', 'sequencing_kit': 'sqk-rna002', 'sample_frequency': '3012', 'run_id': 'sim'})
blow5.write_header({key: value for key, value in header.items() if value is not None})
records = {}
with open(os.path.join(out, 'reads.fastq'), 'w') as fastq:
    for i in range(4):
        name = 'read%02d' % i
        bases = transcripts['tx1' if i % 2 == 0 else 'tx2']
        molecule = bases[random.randint(0, 20):len(bases) - random.randint(0, 20)]
        signal = []
        for j in range(len(molecule) - K + 1):
            mean, sd = model[molecule[j:j + K]]
            for _ in range(max(3, int(round(random.gauss(43, 20))))):
                signal.append(random.gauss(mean, sd))
        signal.reverse()
        record, aux = blow5.get_empty_record(aux=True)
        record.update({'read_id': name, 'read_group': 0, 'digitisation': digitisation, 'offset': offset, 'range': adc_range,
                       'sampling_rate': rate, 'len_raw_signal': len(signal),
                       'signal': np.array([int(round(pa * digitisation / adc_range - offset)) for pa in signal], dtype=np.int16)})
        aux.update({'channel_number': '1', 'median_before': 200.0, 'read_number': i, 'start_mux': 1, 'start_time': 0})
        records[name] = (record, aux)
        fastq.write('@%s\n%s\n+\n%s\n' % (name, molecule, 'I' * len(molecule)))
for name in sorted(records):
    blow5.write_record(*records[name])
blow5.close()
os._exit(0)  # python3-slow5 0.7.0 can crash at interpreter exit after writing
