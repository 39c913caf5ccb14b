/**
 * `[barcodes.NAME]` sections (mbf's): barcode = 'output name' tables that Demultiplex and
 * HammingCorrect name by `barcodes = 'NAME'`. Checked as mbf checks them, each error naming the
 * section, key and line: at least one entry; barcodes of upper-case IUPAC letters and '_' (which
 * joins the hits of a multi-region tag); all of one length; no output named 'no-barcode'
 * (reserved for unmatched reads); no two barcodes of different outputs that one sequence could
 * match (IUPAC codes overlapping at every position). Several barcodes may share one output name.
 */
import { ConfigError, type TomlDocument } from './toml.js';

export interface BarcodeTable {
  name: string;
  /** [barcode, output name] in the order written. */
  entries: [barcode: string, output: string][];
  length: number;
  /** Whether a barcode has a letter other than A, C, G, T and '_' (mbf's had_iupac). */
  hasIupac: boolean;
}

/** The bases each IUPAC letter stands for, as bits (A 1, C 2, G 4, T 8); '_' stands for itself. */
const BASES: Record<string, number> = {
  A: 1, C: 2, G: 4, T: 8, U: 8, R: 5, Y: 10, S: 6, W: 9, K: 12, M: 3, B: 14, D: 13, H: 11, V: 7, N: 15, _: 16,
}; // prettier-ignore

/** Whether one sequence could match both barcodes (equal lengths). */
function overlap(a: string, b: string): boolean {
  for (let i = 0; i < a.length; i++) if ((BASES[a[i]!]! & BASES[b[i]!]!) === 0) return false;
  return true;
}

export function parseBarcodeTables(doc: TomlDocument): Map<string, BarcodeTable> {
  const tables = new Map<string, BarcodeTable>();
  const section = doc.data.barcodes;
  if (section === undefined) return tables;
  const fail = (message: string, path: string[]) =>
    new ConfigError(`[${path.slice(0, 2).join('.')}]: ${message}`, doc.file, doc.lineOf(path));
  if (typeof section !== 'object' || section === null || Array.isArray(section))
    throw fail("must be tables: [barcodes.NAME] with barcode = 'output name' lines", ['barcodes']);
  for (const [name, raw] of Object.entries(section as Record<string, unknown>)) {
    const path = ['barcodes', name];
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
      throw fail(`must be a table of barcode = 'output name' lines, found ${typeof raw}`, path);
    const entries: [string, string][] = [];
    for (const [barcode, output] of Object.entries(raw as Record<string, unknown>)) {
      const at = [...path, barcode];
      const bad = /[^ACGTURYSWKMBDHVN_]/.exec(barcode);
      if (barcode.length === 0 || bad)
        throw fail(
          `barcode '${barcode}' has ${bad ? `'${bad[0]}', which is` : 'nothing: it is'} not an upper-case IUPAC letter or '_'`,
          at,
        );
      if (typeof output !== 'string' || output.length === 0)
        throw fail(`barcode '${barcode}': the output name must be a non-empty string`, at);
      if (output === 'no-barcode')
        throw fail(`barcode '${barcode}': the output name must not be 'no-barcode' (it names the unmatched reads)`, at);
      if (/[/\\\0]/.test(output)) throw fail(`barcode '${barcode}': the output name '${output}' would name a folder (no '/' or '\\')`, at);
      entries.push([barcode, output]);
    }
    if (entries.length === 0) throw fail("needs at least one barcode = 'output name' line", path);
    const length = entries[0]![0].length;
    for (const [barcode] of entries) {
      if (barcode.length !== length)
        throw fail(`barcodes of different lengths: '${entries[0]![0]}' has ${length} letters, '${barcode}' ${barcode.length}`, [
          ...path,
          barcode,
        ]);
    }
    for (let i = 0; i < entries.length; i++)
      for (let j = 0; j < i; j++)
        // two patterns for one output may overlap (mbf's same_files case): the molecule goes there either way
        if (entries[i]![1] !== entries[j]![1] && overlap(entries[i]![0], entries[j]![0]))
          throw fail(`barcodes '${entries[j]![0]}' and '${entries[i]![0]}' can match the same sequence`, [...path, entries[i]![0]]);
    const hasIupac = entries.some(([barcode]) => /[^ACGT_]/.test(barcode));
    tables.set(name, { name, entries, length, hasIupac });
  }
  return tables;
}
