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
