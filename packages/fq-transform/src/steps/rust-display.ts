/**
 * Text as mbf prints it in messages and reports: Rust's Display and Debug of byte strings, and
 * mbf's thousands_format. Error messages and Progress lines match mbf's byte for byte.
 */

const utf8Decoder = new TextDecoder('utf-8');

/** Rust's `BString` Display: UTF-8, invalid sequences as U+FFFD. */
export function displayBytes(bytes: Uint8Array): string {
  return utf8Decoder.decode(bytes);
}

/** Rust's `{:?}` of a `&[u8]`: `[65, 67]`. */
export function debugByteList(bytes: Uint8Array): string {
  return `[${Array.from(bytes).join(', ')}]`;
}

/** Rust's `{:?}` of a `BStr`: a quoted string with escapes. */
export function debugBStr(bytes: Uint8Array): string {
  let out = '"';
  const text = displayBytes(bytes);
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c === 0) out += '\\0';
    else if (c === 0xfffd) out += '\\u{fffd}';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).toUpperCase().padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** mbf's thousands_format: `{value:.digits}` with `_` every three integer digits. */
export function thousandsFormat(value: number, digits: number): string {
  if (Number.isNaN(value)) return digits > 0 ? 'NaN.' : 'NaN';
  if (!Number.isFinite(value)) return (value < 0 ? '-inf' : 'inf') + (digits > 0 ? '.' : '');
  const text = value.toFixed(digits);
  const [integer, fraction] = text.split('.') as [string, string | undefined];
  // eslint-disable-next-line @typescript-eslint/no-misused-spread -- the digits of toFixed's output: ASCII only
  const chars = [...integer].reverse();
  const grouped: string[] = [];
  chars.forEach((ch, i) => {
    if (i > 0 && i % 3 === 0) grouped.push('_');
    grouped.push(ch);
  });
  const integerPart = grouped.reverse().join('');
  return digits > 0 ? `${integerPart}.${fraction ?? ''}` : integerPart;
}
