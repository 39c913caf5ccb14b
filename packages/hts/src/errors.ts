/** A user-facing error about input data: a message a biologist understands plus where it happened. */
export class HtsError extends Error {
  /** The message without the file and location. */
  readonly detail: string;
  constructor(
    message: string,
    readonly file?: string,
    readonly location?: string,
  ) {
    super(file ? `${file}${location ? ` (${location})` : ''}: ${message}` : location ? `${message} (${location})` : message);
    this.name = 'HtsError';
    this.detail = message;
  }

  /** The same error, attributed to `file` when it does not name one yet. */
  inFile(file: string, location?: string): HtsError {
    return this.file ? this : new HtsError(this.detail, file, this.location ?? location);
  }
}

/** Longest piece of user data quoted in a message. */
const QUOTED_MAX = 60;
const SHORT_ESCAPES: Record<number, string> = { 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r' };

/**
 * Text from the input for a message, escaped as JSON.stringify escapes it, and further: every
 * character outside printable ASCII becomes \uNNNN, so no raw control or binary byte reaches a
 * terminal or a log. Cut at 60 characters with `…`.
 */
export function escaped(text: string): string {
  let out = '';
  const end = Math.min(text.length, QUOTED_MAX);
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 || c === 92) out += `\\${text[i]}`;
    else if (c >= 32 && c < 127) out += text[i];
    else out += SHORT_ESCAPES[c] ?? `\\u${c.toString(16).padStart(4, '0')}`;
  }
  return text.length > QUOTED_MAX ? `${out}…` : out;
}

/** `escaped(text)` in double quotes. */
export function quoted(text: string): string {
  const inner = escaped(text);
  return inner.endsWith('…') ? `"${inner.slice(0, -1)}"…` : `"${inner}"`;
}

/** Bytes from a binary input for a message, quoted as `quoted` does (each byte one character). */
export function quotedBytes(bytes: Uint8Array, from: number, to: number): string {
  let text = '';
  for (let i = from; i < to && i <= from + QUOTED_MAX; i++) text += String.fromCharCode(bytes[i]!);
  return quoted(text);
}

/** A JSON value from the input for a message: as JSON.stringify writes it, with characters beyond ~ as \uNNNN, cut at 60. */
export function jsonText(value: unknown): string {
  const text = (JSON.stringify(value) as string | undefined) ?? String(value);
  const shown = text.slice(0, QUOTED_MAX).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return text.length > QUOTED_MAX ? `${shown}…` : shown;
}
