/**
 * The last few things parsed from files in this thread, by path, size and modification time (and whatever else the
 * parse depends on). Every collector on every engine thread opens the same reference index, and a --by-region run
 * opens the same BAI and interval files once per region: hundreds of parses of an unchanged file. Values are shared
 * between callers: treat them as read-only.
 */
import fs from 'node:fs';

export class ParsedFileCache<T> {
  private readonly values = new Map<string, T>();

  constructor(private readonly capacity = 4) {}

  /**
   * The value parsed from `file` as it is now (`extra`: the rest of what the parse depends on), or `parse()`'s, kept
   * when `file` is a regular file. A file that cannot be stat'ed is left to `parse` to report.
   */
  get(file: string, parse: () => T, extra = ''): T {
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(file);
    } catch {
      stat = undefined;
    }
    const key = stat?.isFile() ? `${file}\0${stat.size}\0${stat.mtimeMs}\0${extra}` : undefined;
    const cached = key === undefined ? undefined : this.values.get(key);
    if (cached !== undefined) return cached;
    const value = parse();
    if (key !== undefined) {
      if (this.values.size >= this.capacity) this.values.delete(this.values.keys().next().value!);
      this.values.set(key, value);
    }
    return value;
  }
}
