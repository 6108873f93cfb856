/**
 * Collects CSV rows as UTF-8 bytes in fixed-size chunks for the output stream. Rows are written
 * piece by piece straight into a preallocated buffer: the text that repeats (a customer, a
 * product, a supplier) as bytes encoded once, the rest encoded as it comes. No row, and no batch
 * of rows, is built as a string first: joining rows and encoding the result cost more than
 * copying the pieces, and left a string per row for the garbage collector (profiled at 1 M rows).
 */

/** Strings up to this length are encoded by a JavaScript loop, longer ones by `Buffer.write`. */
const SHORT_TEXT = 64;
/** Byte runs up to this length are copied by a JavaScript loop, longer ones by `set` (~20 ns). */
const SHORT_COPY = 8;
/** Room kept past the chunk size, so that the rows after `full` rarely have to grow the buffer. */
const SLACK_BYTES = 64 * 1024;

export class ChunkBuffer {
  private buffer: Buffer;
  private offset = 0;
  /** Buffers handed back by `recycle`, reused by `take`. */
  private readonly spare: Buffer[] = [];

  constructor(private readonly chunkBytes = 1 << 20) {
    this.buffer = Buffer.allocUnsafe(chunkBytes + SLACK_BYTES);
  }

  get byteLength(): number {
    return this.offset;
  }

  get full(): boolean {
    return this.offset >= this.chunkBytes;
  }

  /** The current position, for `since`. */
  get mark(): number {
    return this.offset;
  }

  /** A copy of the bytes written since `mark` (in this chunk: no `take` in between). */
  since(mark: number): Uint8Array {
    return new Uint8Array(this.buffer.subarray(mark, this.offset));
  }

  /** Any text, encoded as UTF-8 exactly as `Buffer.write` encodes it. */
  write(text: string): void {
    const n = text.length;
    // A UTF-16 code unit never takes more than 3 bytes in UTF-8.
    if (this.offset + 3 * n > this.buffer.length) this.grow(3 * n);
    if (n > SHORT_TEXT) this.offset += this.buffer.write(text, this.offset, "utf8");
    else this.offset = encodeUtf8(text, this.buffer, this.offset);
  }

  /** Bytes already encoded (see `utf8`), or the part of them from `start` to `end`. */
  bytes(bytes: Uint8Array, start = 0, end = bytes.length): void {
    const n = end - start;
    if (n <= 0) return;
    if (this.offset + n > this.buffer.length) this.grow(n);
    const buffer = this.buffer;
    if (n <= SHORT_COPY) {
      let o = this.offset;
      for (let i = start; i < end; i++) buffer[o++] = bytes[i];
    } else {
      buffer.set(start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end), this.offset);
    }
    this.offset += n;
  }

  /** Appends this buffer's bytes to `out` and empties this one. */
  moveTo(out: ChunkBuffer): void {
    // A plain Uint8Array view: `bytes` then only ever sees one kind of array.
    out.bytes(new Uint8Array(this.buffer.buffer, this.buffer.byteOffset, this.offset));
    this.offset = 0;
  }

  /** One ASCII character, by its code (44 for a comma). */
  byte(code: number): void {
    if (this.offset >= this.buffer.length) this.grow(1);
    this.buffer[this.offset++] = code;
  }

  /** The bytes written so far, handed to the stream; the next writes go to another buffer. */
  take(): Buffer {
    const chunk = this.buffer.subarray(0, this.offset);
    this.buffer = this.spare.pop() ?? Buffer.allocUnsafe(this.chunkBytes + SLACK_BYTES);
    this.offset = 0;
    return chunk;
  }

  /**
   * Hands back a chunk from `take` once nothing reads it any more: its memory takes later rows,
   * which spares allocating (and the kernel mapping) a fresh buffer per chunk.
   */
  recycle(chunk: Buffer): void {
    if (chunk.byteOffset !== 0 || chunk.buffer.byteLength < this.chunkBytes + SLACK_BYTES) return;
    this.spare.push(Buffer.from(chunk.buffer, 0, chunk.buffer.byteLength));
  }

  private grow(extra: number): void {
    const bigger = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.offset + extra));
    this.buffer.copy(bigger, 0, 0, this.offset);
    this.buffer = bigger;
  }
}

/** `text` as UTF-8 bytes, for `ChunkBuffer.bytes` (a plain Uint8Array, as all its other inputs are). */
export function utf8(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, "utf8"));
}

/**
 * Encodes `text` as UTF-8 into `target` from `offset` (which must have room for 3 bytes per code
 * unit) and returns the offset after it. The same bytes as `Buffer.write`: a surrogate pair is one
 * 4-byte character, a lone surrogate becomes U+FFFD. A loop beats the native call on short text.
 */
export function encodeUtf8(text: string, target: Uint8Array, offset: number): number {
  const n = text.length;
  let o = offset;
  for (let i = 0; i < n; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      target[o++] = c;
    } else if (c < 0x800) {
      target[o++] = 0xc0 | (c >> 6);
      target[o++] = 0x80 | (c & 0x3f);
    } else {
      if (c >= 0xd800 && c <= 0xdfff) {
        const next = i + 1 < n ? text.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          const code = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
          target[o++] = 0xf0 | (code >> 18);
          target[o++] = 0x80 | ((code >> 12) & 0x3f);
          target[o++] = 0x80 | ((code >> 6) & 0x3f);
          target[o++] = 0x80 | (code & 0x3f);
          i++;
          continue;
        }
        c = 0xfffd;
      }
      target[o++] = 0xe0 | (c >> 12);
      target[o++] = 0x80 | ((c >> 6) & 0x3f);
      target[o++] = 0x80 | (c & 0x3f);
    }
  }
  return o;
}
