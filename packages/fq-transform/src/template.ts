/** `fq-transform template`: a commented configuration (filled in fully later in this file's history). */
export const TEMPLATE = `# fq-transform configuration (mbf-fastq-processor compatible)
[input]
    read1 = ['reads_R1.fq.gz']
    read2 = ['reads_R2.fq.gz']

[[step]]
    action = 'Head'
    n = 1000

[output]
    prefix = 'output'
    compression = 'Gzip'
`;
