/**
 * Cuts a byte stream into newline-terminated lines without ever holding more
 * than `maxLineBytes` of an unfinished line: past that, `next()` reports
 * `tooLong` and the splitter is done (the connection is to be closed). Lines
 * are decoded as UTF-8 only once whole, so a character split across chunks
 * survives. The bytes after the last line taken stay available (`takeRest`)
 * for a raw body that follows a header line.
 */

export type SplitResult =
  { readonly kind: 'line'; readonly text: string } | { readonly kind: 'tooLong' };

const NEWLINE = 0x0a;
const EMPTY = Buffer.alloc(0);

export class LineSplitter {
  /** Chunks not yet looked at. */
  private readonly queued: Buffer[] = [];
  /** The part of the current chunk after the last newline found. */
  private head: Buffer = EMPTY;
  /** Pieces of the unfinished line (none holds a newline). */
  private parts: Buffer[] = [];
  private partBytes = 0;
  private failed = false;

  constructor(private readonly maxLineBytes: number) {}

  push(chunk: Uint8Array): void {
    if (chunk.byteLength > 0)
      this.queued.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }

  /** Bytes of a line have come, its newline not yet. */
  get hasPartialLine(): boolean {
    return this.partBytes > 0;
  }

  /** The next whole line (without its newline), `tooLong`, or undefined until more bytes come. */
  next(): SplitResult | undefined {
    if (this.failed) return { kind: 'tooLong' };
    for (;;) {
      if (this.head.length === 0) {
        const chunk = this.queued.shift();
        if (chunk === undefined) return undefined;
        this.head = chunk;
      }
      const at = this.head.indexOf(NEWLINE);
      if (at >= 0) {
        const length = this.partBytes + at;
        const last = this.head.subarray(0, at);
        this.head = this.head.subarray(at + 1);
        const line = this.parts.length === 0 ? last : Buffer.concat([...this.parts, last], length);
        this.parts = [];
        this.partBytes = 0;
        if (length > this.maxLineBytes) return this.fail();
        return { kind: 'line', text: line.toString('utf8') };
      }
      this.parts.push(this.head);
      this.partBytes += this.head.length;
      this.head = EMPTY;
      if (this.partBytes > this.maxLineBytes) return this.fail();
    }
  }

  /** Every byte after the last line returned (valid only between lines); the splitter is emptied. */
  takeRest(): Buffer {
    if (this.parts.length > 0) throw new Error('takeRest in the middle of a line');
    const rest = Buffer.concat([this.head, ...this.queued.splice(0)]);
    this.head = EMPTY;
    return rest;
  }

  private fail(): SplitResult {
    this.failed = true;
    this.parts = [];
    this.partBytes = 0;
    this.head = EMPTY;
    this.queued.length = 0;
    return { kind: 'tooLong' };
  }
}
