import { describe, expect, it } from 'vitest';
import { kmerOfRank, kmerRank, loadPoreModel, parsePoreModel } from './pore-model.js';

describe('pore models', () => {
  it('loads the shipped rna002 preset with its header and 1024 levels', () => {
    const model = loadPoreModel('rna002');
    expect(model.k).toBe(5);
    expect(model.attributes.get('ont_model_name')).toBe('r9.4_180mv_70bps_5mer_RNA');
    expect(model.levelMean.length).toBe(1024);
    // Rows of the file, spot-checked: AAAAA is the first row, TTTTT the last.
    expect(model.levelMean[kmerRank('AAAAA', 0, 5)]).toBeCloseTo(108.901413, 6);
    expect(model.levelStdv[kmerRank('AAAAC', 0, 5)]).toBeCloseTo(2.676522, 6);
    expect(model.levelMean.every((level) => level > 40 && level < 160)).toBe(true);
  });

  it('ranks k-mers in base 4 with A C G T, U read as T, and -1 for other letters', () => {
    expect(kmerRank('AAAAA', 0, 5)).toBe(0);
    expect(kmerRank('AAAAC', 0, 5)).toBe(1);
    expect(kmerRank('TTTTT', 0, 5)).toBe(1023);
    expect(kmerRank('xxGGACUyy', 2, 5)).toBe(kmerRank('GGACT', 0, 5));
    expect(kmerRank('GGNCT', 0, 5)).toBe(-1);
    for (const rank of [0, 1, 77, 513, 1023]) expect(kmerRank(kmerOfRank(rank, 5), 0, 5)).toBe(rank);
  });

  it('refuses a model with a missing k-mer, a duplicate or a bad number, naming the line', () => {
    const header = 'kmer\tlevel_mean\tlevel_stdv\tsd_mean\tsd_stdv\n';
    expect(() => parsePoreModel(header + 'A\t1\t2\t3\t4\nC\t1\t2\t3\t4\nG\t1\t2\t3\t4\n', 'm.model')).toThrow(/needs 4 k-mers/);
    expect(() => parsePoreModel(header + 'A\t1\t2\t3\t4\nA\t1\t2\t3\t4\n', 'm.model')).toThrow(
      /m.model \(line 3\): k-mer A is listed twice/,
    );
    expect(() => parsePoreModel(header + 'A\tx\t2\t3\t4\n', 'm.model')).toThrow(/line 2.*not a number/);
    expect(() => loadPoreModel('/nonexistent/model')).toThrow(/no such pore model file/);
  });
});
