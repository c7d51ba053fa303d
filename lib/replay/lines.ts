/**
 * One buffer per batch of output lines. A replay writes millions of short lines: gathering a
 * batch's pieces (strings and value buffers) into one exactly-sized buffer keeps that to one
 * allocation and one `write` per batch.
 */
import { writeSync } from 'node:fs';

/**
 * Pieces up to this size are copied byte by byte: a replay's lines are mostly short pieces (the
 * JSON around a key, the key), and a loop beats a call into C++ (`copy`, `write`) for each one.
 */
const SMALL = 32;

/**
 * Pieces of text and bytes, joined into one buffer by {@link LineBatch.take}. Constant text is
 * best pushed as a buffer made once (see {@link bytesOf}): its size is known and it is copied
 * without encoding.
 */
export class LineBatch {
  private readonly pieces: (string | Buffer)[] = [];
  /** Each buffer piece's bytes are `piece[froms[i] .. tos[i])`. */
  private readonly froms: number[] = [];
  private readonly tos: number[] = [];
  private bytes = 0;

  /** Appends pieces; the caller ends its line with `\n`. */
  push(...pieces: (string | Buffer)[]): void {
    for (const piece of pieces) {
      const length = typeof piece === 'string' ? Buffer.byteLength(piece, 'utf8') : piece.length;
      this.pieces.push(piece);
      this.froms.push(0);
      this.tos.push(length);
      this.bytes += length;
    }
  }

  /** Appends bytes `from` to `to` of `buffer` without slicing it (a slice is an object per piece); `buffer` must not change before the batch is taken. */
  pushRange(buffer: Buffer, from: number, to: number): void {
    this.pieces.push(buffer);
    // As integers: positions computed from varints can be doubles to V8, and a double index made the copy loop ~3× slower.
    this.froms.push(from | 0);
    this.tos.push(to | 0);
    this.bytes += to - from;
  }

  /** The batch as one new buffer; the batch is empty afterwards. */
  take(): Buffer {
    return this.pack(Buffer.allocUnsafe(this.bytes));
  }

  /**
   * Writes the batch to the file `fd` synchronously, through one buffer kept for the next batch;
   * the batch is empty afterwards. For local files: a new buffer per batch (as {@link take}) is
   * garbage that V8 frees only at its next collection, and that memory counts against a replay's
   * peak RSS while DuckDB loads.
   */
  writeSync(fd: number): void {
    if (this.spare.length < this.bytes) this.spare = Buffer.allocUnsafe(Math.max(this.bytes, this.spare.length * 2));
    const chunk = this.pack(this.spare);
    for (let at = 0; at < chunk.length; ) at += writeSync(fd, chunk, at, chunk.length - at);
  }

  private spare = Buffer.alloc(0);

  /** Packs the pieces into the start of `out` and empties the batch. */
  private pack(out: Buffer): Buffer {
    let at = 0;
    const { pieces, froms, tos } = this;
    for (let p = 0; p < pieces.length; p++) {
      const piece = pieces[p];
      const from = froms[p];
      const to = tos[p];
      if (typeof piece === 'string') at += out.write(piece, at, 'utf8');
      else if (to - from > SMALL) at += piece.copy(out, at, from, to);
      else for (let i = from; i < to; i++) out[at++] = piece[i];
    }
    pieces.length = 0;
    froms.length = 0;
    tos.length = 0;
    this.bytes = 0;
    return out.subarray(0, at);
  }
}

/** Text as UTF-8 bytes, made once for a piece every line repeats. */
export function bytesOf(text: string): Buffer {
  return Buffer.from(text, 'utf8');
}
