/**
 * Pore models: the expected current (pA) of every k-mer, in nanopolish's text format.
 *
 * A k-mer's rank is its base-4 value with A=0, C=1, G=2, T=3 (U read as T), first base most significant: the order
 * nanopolish and f5c use, so rank arithmetic (drop the first base, append one) walks a sequence in O(1) per base.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { HtsError } from '@shoal/hts';

export interface PoreModel {
  /** Where it came from: a file path or `preset:<name>`. */
  readonly source: string;
  readonly k: number;
  /** Header lines (`#name value`), e.g. `ont_model_name`, `kit`, `alphabet`. */
  readonly attributes: ReadonlyMap<string, string>;
  /** Per k-mer rank, 4^k entries: mean and standard deviation of the level (pA), and of the event noise. */
  readonly levelMean: Float64Array;
  readonly levelStdv: Float64Array;
  readonly sdMean: Float64Array;
  readonly sdStdv: Float64Array;
}

/** Presets shipped in `models/` (see `models/README.md` for origin and licence). */
export const PORE_PRESETS: Readonly<Record<string, string>> = {
  rna002: 'r9.4_70bps.u_to_t_rna.5mer.template.model',
};
export const DEFAULT_PORE = 'rna002';

/** Base code for k-mer ranks: A C G T (and U as T); -1 for anything else (N, IUPAC). */
export const BASE_RANK: Int8Array = (() => {
  const table = new Int8Array(256).fill(-1);
  const set = (letters: string, value: number): void => {
    for (const letter of letters) {
      table[letter.charCodeAt(0)] = value;
      table[letter.toLowerCase().charCodeAt(0)] = value;
    }
  };
  set('A', 0);
  set('C', 1);
  set('G', 2);
  set('TU', 3);
  return table;
})();

/** The rank of the k-mer `sequence[start, start+k)`, or -1 when it holds a base other than ACGTU. */
export function kmerRank(sequence: string, start: number, k: number): number {
  let rank = 0;
  for (let i = 0; i < k; i++) {
    const code = BASE_RANK[sequence.charCodeAt(start + i) & 0xff];
    if (code < 0) return -1;
    rank = rank * 4 + code;
  }
  return rank;
}

/** The k-mer spelled by `rank` (ACGT). */
export function kmerOfRank(rank: number, k: number): string {
  let text = '';
  for (let i = k - 1; i >= 0; i--) text += 'ACGT'[Math.floor(rank / 4 ** i) % 4];
  return text;
}

/** Parses a model in nanopolish's format; `source` names the file in errors. */
export function parsePoreModel(text: string, source: string): PoreModel {
  const attributes = new Map<string, string>();
  const lines = text.split('\n');
  let lineIndex = 0;
  for (; lineIndex < lines.length; lineIndex++) {
    const line = lines[lineIndex];
    if (!line.startsWith('#')) break;
    const tab = line.search(/[\t ]/);
    if (tab > 1) attributes.set(line.slice(1, tab), line.slice(tab + 1).trim());
  }
  const header = (lines[lineIndex] ?? '').trim().split(/\t| +/);
  if (header[0] !== 'kmer' || header[1] !== 'level_mean' || header[2] !== 'level_stdv')
    throw new HtsError(`expected a column header 'kmer level_mean level_stdv …' in a pore model`, source, `line ${lineIndex + 1}`);
  const rows: string[][] = [];
  for (let i = lineIndex + 1; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    rows.push(line.split(/\t| +/));
  }
  const k = rows[0]?.[0]?.length ?? 0;
  if (k < 1 || k > 12) throw new HtsError('a pore model needs k-mers of 1 to 12 bases', source, `line ${lineIndex + 2}`);
  const declaredK = attributes.get('k');
  if (declaredK !== undefined && Number(declaredK) !== k)
    throw new HtsError(`the header says k=${declaredK} but the k-mers have ${k} bases`, source);
  const size = 4 ** k;
  const levelMean = new Float64Array(size).fill(Number.NaN);
  const levelStdv = new Float64Array(size).fill(Number.NaN);
  const sdMean = new Float64Array(size).fill(Number.NaN);
  const sdStdv = new Float64Array(size).fill(Number.NaN);
  rows.forEach((fields, index) => {
    const line = lineIndex + 2 + index;
    const rank = fields[0].length === k ? kmerRank(fields[0], 0, k) : -1;
    if (rank < 0) throw new HtsError(`'${fields[0]}' is not a ${k}-mer of ACGT`, source, `line ${line}`);
    const values = fields.slice(1, 5).map(Number);
    if (values.length < 2 || values.some((value) => !Number.isFinite(value)))
      throw new HtsError(`k-mer ${fields[0]} has a level that is not a number`, source, `line ${line}`);
    if (!Number.isNaN(levelMean[rank])) throw new HtsError(`k-mer ${fields[0]} is listed twice`, source, `line ${line}`);
    levelMean[rank] = values[0];
    levelStdv[rank] = values[1];
    sdMean[rank] = values[2] ?? Number.NaN;
    sdStdv[rank] = values[3] ?? Number.NaN;
  });
  if (rows.length !== size) throw new HtsError(`a ${k}-mer model needs ${size} k-mers, this one has ${rows.length}`, source);
  return { source, k, attributes, levelMean, levelStdv, sdMean, sdStdv };
}

/** The folder of shipped models, beside `dist/` in the package. */
export function modelsFolder(): string {
  return fileURLToPath(new URL('../models/', import.meta.url));
}

/** Loads a preset by name (`rna002`) or a model file by path. */
export function loadPoreModel(presetOrPath: string = DEFAULT_PORE): PoreModel {
  const preset = PORE_PRESETS[presetOrPath];
  const path = preset === undefined ? presetOrPath : modelsFolder() + preset;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new HtsError(
      code === 'ENOENT'
        ? `no such pore model file (presets: ${Object.keys(PORE_PRESETS).join(', ')})`
        : `cannot read the pore model (${code ?? String(error)})`,
      presetOrPath,
    );
  }
  const model = parsePoreModel(text, preset === undefined ? path : `preset:${presetOrPath}`);
  return model;
}
