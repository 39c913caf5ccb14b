/**
 * Typed reading of one TOML table with mbf's rules: every key must be known (unknown keys are
 * errors that name the key and its line), types are checked and aliases are accepted. Steps read
 * their keys through this, so their errors all look alike; enum values go through config-keys.ts's
 * enumKey, which spells them as normalizeValue below says.
 */
import { ConfigError, type KeyPath, type TomlDocument } from './toml.js';

interface KeyOptions<T> {
  /** Other names for the key (mbf's aliases, e.g. `pattern` for `search`). */
  aliases?: string[];
  default?: T;
}

export class Table {
  private readonly used = new Set<string>();

  constructor(
    readonly doc: TomlDocument,
    readonly path: KeyPath,
    readonly data: Record<string, unknown>,
    /** How errors name this table, e.g. `[[step]] 3 (CutStart)`. */
    readonly label: string,
  ) {}

  /** An error about `key` (or the table itself), with the line where it is. */
  error(message: string, key?: string): ConfigError {
    const line = (key !== undefined ? this.doc.lineOf([...this.path, key]) : undefined) ?? this.doc.lineOf(this.path);
    return new ConfigError(`${this.label}: ${key !== undefined ? `'${key}': ` : ''}${message}`, this.doc.file, line);
  }

  /** The keys present that spell `key` or an alias (mbf matches keys ignoring case and '_': chunk_size = chunksize). */
  private present(key: string, aliases: string[] = []): string[] {
    const wanted = new Set([key, ...aliases].map(normalizeKey));
    return Object.keys(this.data).filter((k) => wanted.has(normalizeKey(k)));
  }

  /** The key actually present among `key` and its aliases. */
  private find(key: string, aliases: string[] = []): string | undefined {
    const present = this.present(key, aliases);
    if (present.length > 1) throw this.error(`given twice, as ${present.map((p) => `'${p}'`).join(' and ')}`, present[1]);
    for (const name of present) this.used.add(name);
    return present[0];
  }

  has(key: string, aliases?: string[]): boolean {
    return this.present(key, aliases).length > 0;
  }

  private value<T>(key: string, options: KeyOptions<T>, check: (value: unknown, name: string) => T): T {
    const name = this.find(key, options.aliases);
    if (name === undefined) {
      if (options.default !== undefined || 'default' in options) return options.default as T;
      throw this.error(`missing required key '${key}'`);
    }
    return check(this.data[name], name);
  }

  optional<T>(read: () => T, key: string, aliases?: string[]): T | undefined {
    return this.has(key, aliases) ? read() : (this.find(key, aliases), undefined);
  }

  string(key: string, options: KeyOptions<string> = {}): string {
    return this.value(key, options, (value, name) => {
      if (typeof value !== 'string') throw this.error(`expected a string, found ${describe(value)}`, name);
      return value;
    });
  }

  integer(key: string, options: KeyOptions<number> & { min?: number; max?: number } = {}): number {
    return this.value(key, options, (value, name) => {
      const n = typeof value === 'bigint' ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isInteger(n)) throw this.error(`expected an integer, found ${describe(value)}`, name);
      if (options.min !== undefined && n < options.min) throw this.error(`must be at least ${options.min}, found ${n}`, name);
      if (options.max !== undefined && n > options.max) throw this.error(`must be at most ${options.max}, found ${n}`, name);
      return n;
    });
  }

  number(key: string, options: KeyOptions<number> & { min?: number; max?: number } = {}): number {
    return this.value(key, options, (value, name) => {
      const n = typeof value === 'bigint' ? Number(value) : value;
      if (typeof n !== 'number' || Number.isNaN(n)) throw this.error(`expected a number, found ${describe(value)}`, name);
      if (options.min !== undefined && n < options.min) throw this.error(`must be at least ${options.min}, found ${n}`, name);
      if (options.max !== undefined && n > options.max) throw this.error(`must be at most ${options.max}, found ${n}`, name);
      return n;
    });
  }

  boolean(key: string, options: KeyOptions<boolean> = {}): boolean {
    return this.value(key, options, (value, name) => {
      if (typeof value !== 'boolean') throw this.error(`expected true or false, found ${describe(value)}`, name);
      return value;
    });
  }

  /** A list of strings; a single string counts as a list of one. */
  stringList(key: string, options: KeyOptions<string[]> = {}): string[] {
    return this.value(key, options, (value, name) => {
      const list = typeof value === 'string' ? [value] : value;
      if (!Array.isArray(list) || list.some((v) => typeof v !== 'string'))
        throw this.error(`expected a list of strings, found ${describe(value)}`, name);
      return list as string[];
    });
  }

  /** A raw value, for keys of several shapes (checked by the caller). */
  raw(key: string, options: KeyOptions<unknown> = {}): unknown {
    return this.value(key, options, (value) => value);
  }

  subtable(key: string, label: string): Table | undefined {
    const name = this.find(key);
    if (name === undefined) return undefined;
    const value = this.data[name];
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw this.error(`expected a table, found ${describe(value)}`, name);
    return new Table(this.doc, [...this.path, name], value as Record<string, unknown>, label);
  }

  /** Fails on the first key no reader asked for. */
  finish(): void {
    for (const key of Object.keys(this.data)) {
      if (!this.used.has(key)) throw this.error(`unknown key '${key}'`, key);
    }
  }
}

/**
 * mbf's spelling rule for enum values (toml-pretty-deser, FieldMatchMode::AnyCase): ASCII case and
 * the characters '-', '_' and '.' do not count, so to = 'illumina_1_3' is Illumina13.
 */
export function normalizeValue(value: string): string {
  return value.replace(/[-_.]/g, '').replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** mbf's spelling rule for keys: case and '_' do not count (chunk_size = chunksize). */
export function normalizeKey(key: string): string {
  return key.toLowerCase().replaceAll('_', '');
}

export function describe(value: unknown): string {
  if (typeof value === 'string') return `the string "${value}"`;
  if (Array.isArray(value)) return 'a list';
  if (value === null || value === undefined) return 'nothing';
  if (typeof value === 'object') return 'a table';
  // What TOML has left: a number, an integer too large for one (bigint), a boolean.
  return `${typeof value === 'bigint' ? 'integer' : typeof value} ${String(value as number | bigint | boolean)}`;
}
