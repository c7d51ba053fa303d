import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, read as fsRead, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { userFacing } from '../../../lib/commands/os-error';
import { ConfigError } from '../../../lib/errors';
import { fileOutput, replayOutput } from '../../../lib/replay/output';

let dir: string;
beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'r2k-output-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** 24 chunks of 1 MiB, each filled with its own letter: three times the queue's bound. */
const chunks = Array.from({ length: 24 }, (_, i) => Buffer.alloc(1 << 20, 0x61 + i));

describe('fileOutput', () => {
  it('writes every chunk in order, past its queue bound, at the descriptor position (`>>` appends after what the file held)', async () => {
    const file = path.join(dir, 'out.jsonl');
    writeFileSync(file, 'before\n');
    const fd = openSync(file, 'a');
    try {
      const output = fileOutput(fd);
      for (const chunk of chunks) await output.write(chunk);
      await output.finish();
      expect(readFileSync(file).equals(Buffer.concat([Buffer.from('before\n'), ...chunks]))).toBe(true);
    } finally {
      closeSync(fd); // left open by the output, as stdout is
    }
  });

  it('holds the writer back once 8 MiB are queued, until the file takes them (memory stays bounded by a slow disk or reader)', async () => {
    const fifo = path.join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const fd = openSync(fifo, 'r+'); // read-write: opening does not wait for a reader, and writes block once the pipe is full
    const output = fileOutput(fd);
    let done = 0;
    const writing = (async () => {
      for (const chunk of chunks) {
        await output.write(chunk);
        done++;
      }
      await output.finish();
    })();
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Nothing has read the pipe yet: the first write blocks in the pool and the queue fills to its bound.
    const whileBlocked = done;
    // Read everything before asserting, so that a failure leaves no write blocked in the pool.
    const read = Buffer.alloc(chunks.length << 20);
    for (let at = 0; at < read.length; ) at += await new Promise<number>((resolve, reject) => fsRead(fd, read, at, read.length - at, null, (e, n) => (e ? reject(e) : resolve(n))));
    await writing;
    closeSync(fd);
    expect(whileBlocked).toBeGreaterThanOrEqual(7);
    expect(whileBlocked).toBeLessThanOrEqual(9);
    expect(done).toBe(chunks.length);
    expect(read.equals(Buffer.concat(chunks))).toBe(true);
  });

  it('rejects with the device error, named as stdout, instead of ending the process; the CLI reports it as a usage error', async () => {
    const fd = openSync('/dev/full', 'w');
    try {
      const output = fileOutput(fd);
      const failure = (async () => {
        for (const chunk of chunks) await output.write(chunk);
        await output.finish();
      })();
      const error = await failure.then(() => null, (e: unknown) => e);
      expect(error).toMatchObject({ code: 'ENOSPC', syscall: 'write', path: 'stdout' });
      const reported = userFacing(error);
      expect(reported).toBeInstanceOf(ConfigError);
      expect((reported as Error).message).toBe('write stdout: no space left on the device (ENOSPC)');
      await expect(output.write(Buffer.from('x'))).rejects.toBe(error);
    } finally {
      closeSync(fd);
    }
  });
});

describe('replayOutput', () => {
  it('writes a stream other than the process stdout with back-pressure: a write waits until the reader has taken the full buffer', async () => {
    const out = new PassThrough({ highWaterMark: 4 });
    const output = replayOutput(out);
    let written = false;
    const write = output.write(Buffer.from('0123456789')).then(() => (written = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(written).toBe(false);
    expect(out.read()?.toString()).toBe('0123456789');
    await write;
    expect(written).toBe(true);
    await output.finish();
  });

  it("rejects with the stream's error (a closed pipe)", async () => {
    const out = new Writable({
      highWaterMark: 1,
      write: (_chunk, _encoding, callback) => setImmediate(() => callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }))),
    });
    out.on('error', () => undefined);
    await expect(replayOutput(out).write(Buffer.from('line\n'))).rejects.toMatchObject({ code: 'EPIPE' });
  });
});
