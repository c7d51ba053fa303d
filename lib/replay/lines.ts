/**
 * One buffer per batch of output lines, written with back-pressure. A replay writes millions
 * of short lines: gathering a batch's pieces (strings and value buffers) into one exactly-sized
 * buffer keeps that to one allocation and one `write` per batch.
 */
import { once } from 'node:events';

/** Pieces of text and bytes, joined into one buffer by {@link LineBatch.take}. */
export class LineBatch {
  private readonly pieces: (string | Buffer)[] = [];
  private bytes = 0;

  /** Appends pieces; the caller ends its line with `\n`. */
  push(...pieces: (string | Buffer)[]): void {
    for (const piece of pieces) {
      this.pieces.push(piece);
      this.bytes += typeof piece === 'string' ? Buffer.byteLength(piece, 'utf8') : piece.length;
    }
  }

  /** The batch as one buffer; the batch is empty afterwards. */
  take(): Buffer {
    const out = Buffer.allocUnsafe(this.bytes);
    let at = 0;
    for (const piece of this.pieces) at += typeof piece === 'string' ? out.write(piece, at, 'utf8') : piece.copy(out, at);
    this.pieces.length = 0;
    this.bytes = 0;
    return out;
  }
}

/**
 * Writes `chunk` and, when the stream's buffer is full, waits for it to drain, so a slow reader
 * of the output holds the replay back instead of the replay holding the output in memory.
 * Rejects with the stream's error (a closed pipe, a full disk).
 */
export async function writeWithBackPressure(out: NodeJS.WritableStream, chunk: Buffer): Promise<void> {
  if (out.write(chunk)) return;
  const abort = new AbortController();
  try {
    await Promise.race([once(out, 'drain', { signal: abort.signal }), once(out, 'error', { signal: abort.signal }).then(([error]) => Promise.reject(error))]);
  } finally {
    abort.abort();
  }
}
