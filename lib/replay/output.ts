/**
 * Where a JSONL replay writes. When stdout is a regular file (`replay … > state.jsonl`), the
 * lines go through an `fs.WriteStream` on the same descriptor instead of `process.stdout`:
 * Node writes a file behind `process.stdout` synchronously, on the main thread, so the
 * kernel's copy of 470 MB (1M incidents) held back the next fetch. The bench measured
 * 0.25 s of it on a quiet disk and 0.9–1.2 s right after kcat had written its own file. The
 * write stream's `write` calls run on libuv's thread pool while the main thread visits the
 * next chunk. Terminals and pipes keep `process.stdout` (a pipe's reader sets the pace anyway).
 */
import { once } from 'node:events';
import { createWriteStream, fstatSync } from 'node:fs';
import { finished } from 'node:stream/promises';

/**
 * Lines queued before `write` waits: a few fetched chunks' worth (a chunk is up to 2 MiB of
 * records), so the pool's writes overlap the visits without holding more than this in memory.
 */
const QUEUED_BYTES = 8 << 20;

export interface ReplayOutput {
  /** Resolves once `chunk` is written or queued within the bound; rejects with the output's error. */
  write(chunk: Buffer): Promise<void>;
  /** Resolves once everything written has reached the file (or the stream); rejects with its error. */
  finish(): Promise<void>;
}

/**
 * The output for `stdout`: a pooled file writer when it is the process's stdout on a regular
 * file, otherwise `stdout` itself with back-pressure.
 *
 * @example const output = replayOutput(process.stdout); await output.write(lines); await output.finish();
 */
export function replayOutput(stdout: NodeJS.WritableStream): ReplayOutput {
  if (stdout === process.stdout && isRegularFile(1)) return fileOutput(1);
  return { write: (chunk) => writeWithBackPressure(stdout, chunk), finish: async () => undefined };
}

function isRegularFile(fd: number): boolean {
  try {
    return fstatSync(fd).isFile();
  } catch {
    return false;
  }
}

/** Writes to the open descriptor `fd` through the thread pool, at its current position (an `>>` append too); never closes it. */
export function fileOutput(fd: number): ReplayOutput {
  const stream = createWriteStream('', { fd, autoClose: false, highWaterMark: QUEUED_BYTES });
  let failed: Error | null = null;
  // Kept until the next write or the finish, which reject with it: an error with no listener would end the process.
  stream.on('error', (error) => (failed ??= described(error)));
  return {
    async write(chunk) {
      if (failed) throw failed;
      await writeWithBackPressure(stream, chunk);
    },
    async finish() {
      if (failed) throw failed;
      await finished(stream.end());
    },
  };
}

/** The descriptor's error names the output as a path would be named: the CLI then reports it as one line (ENOSPC: exit 2), not as a bug. */
function described(error: Error): Error {
  return Object.assign(error, { path: (error as NodeJS.ErrnoException).path ?? 'stdout' });
}

/**
 * Writes `chunk` and, when the stream's buffer is full, waits for it to drain, so a slow reader
 * of the output holds the replay back instead of the replay holding the output in memory.
 * Rejects with the stream's error (a closed pipe, a full disk).
 */
async function writeWithBackPressure(out: NodeJS.WritableStream, chunk: Buffer): Promise<void> {
  // `once` rejects with the error when the stream errs while it waits.
  if (!out.write(chunk)) await once(out, 'drain');
}
