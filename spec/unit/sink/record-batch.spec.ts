import { gzipSync } from 'node:zlib';
import { batchHeaders, readVarint, visitRecords, type AbortedTransaction } from '../../../lib/sink/record-batch';
import { encodeBatch, type BatchSpec } from '../../support/record-batch';

interface Seen {
  offset: number;
  key: string | null;
  value: string | null;
  headers: Record<string, unknown>;
  contentType: string | undefined;
}

async function read(batches: BatchSpec[], range = { from: 0, end: 1e9 }, aborted: AbortedTransaction[] | null = null, records = Buffer.concat(batches.map(encodeBatch))): Promise<Seen[]> {
  const seen: Seen[] = [];
  await visitRecords(records, batchHeaders(records), range, aborted, (view) => {
    const r = view.keep();
    const headers = Object.fromEntries(Object.entries(r.headers).map(([name, v]) => [name, Array.isArray(v) ? v.map(String) : String(v)]));
    seen.push({ offset: r.offset, key: r.key && r.key.toString(), value: r.value && r.value.toString(), headers, contentType: r.header('content-type') });
  });
  return seen;
}

describe('record batches', () => {
  it('reads offsets, keys, values, tombstones and headers of each record, in offset order', async () => {
    const seen = await read([
      { baseOffset: 10, records: [{ key: 'a', value: '{"n":1}', headers: { 'content-type': 'application/json', 'r2k-x': 'y' } }, { key: null, value: 'x' }] },
      { baseOffset: 12, deltas: [0, 3], records: [{ key: 'b', value: null }, { key: 'c', value: '' }] },
    ]);
    expect(seen).toEqual([
      { offset: 10, key: 'a', value: '{"n":1}', headers: { 'content-type': 'application/json', 'r2k-x': 'y' }, contentType: 'application/json' },
      { offset: 11, key: null, value: 'x', headers: {}, contentType: undefined },
      { offset: 12, key: 'b', value: null, headers: {}, contentType: undefined },
      { offset: 15, key: 'c', value: '', headers: {}, contentType: undefined },
    ]);
  });

  it('leaves a batch cut short at the end of a fetch for the next fetch, which starts after the last whole batch', () => {
    const whole = encodeBatch({ baseOffset: 0, deltas: [0, 4], records: [{ key: 'a', value: '1' }, { key: 'b', value: '2' }] });
    const next = encodeBatch({ baseOffset: 5, records: [{ key: 'c', value: '3' }] });
    const headers = batchHeaders(Buffer.concat([whole, next.subarray(0, next.length - 1)]));
    expect(headers.map((h) => h.nextOffset)).toEqual([5]);
  });

  it('visits only offsets in [from, end): a fetch returns the whole batch holding its start offset', async () => {
    const batch = { baseOffset: 0, records: ['a', 'b', 'c', 'd'].map((key) => ({ key, value: key })) };
    expect((await read([batch], { from: 1, end: 3 })).map((r) => r.key)).toEqual(['b', 'c']);
  });

  it('read_committed: skips an aborted transaction up to its abort marker, keeps committed ones and never visits markers', async () => {
    const aborted: AbortedTransaction[] = [{ producerId: 7n, firstOffset: 2 }];
    const seen = await read(
      [
        { baseOffset: 0, transactional: true, producerId: 7n, records: [{ key: 'committed', value: '1' }] },
        { baseOffset: 1, control: 1, producerId: 7n, records: [] },
        { baseOffset: 2, transactional: true, producerId: 7n, records: [{ key: 'aborted', value: '2' }] },
        { baseOffset: 3, transactional: true, producerId: 8n, records: [{ key: 'other producer', value: '3' }] },
        { baseOffset: 4, control: 0, producerId: 7n, records: [] },
        { baseOffset: 5, transactional: true, producerId: 7n, records: [{ key: 'after the abort', value: '4' }] },
        { baseOffset: 6, control: 1, producerId: 7n, records: [] },
      ],
      undefined,
      aborted,
    );
    expect(seen.map((r) => r.key)).toEqual(['committed', 'other producer', 'after the abort']);
  });

  it('decompresses a compressed batch with the codec its attributes name', async () => {
    const plain = encodeBatch({ baseOffset: 3, records: [{ key: 'a', value: 'x'.repeat(500) }, { key: 'b', value: null }] });
    const body = gzipSync(plain.subarray(61));
    const header = Buffer.from(plain.subarray(0, 61));
    header.writeInt32BE(61 - 12 + body.length, 8);
    header.writeInt16BE(header.readInt16BE(21) | 1, 21); // gzip
    const seen = await read([], undefined, null, Buffer.concat([header, body]));
    expect(seen.map((r) => [r.offset, r.key, r.value?.length ?? null])).toEqual([
      [3, 'a', 500],
      [4, 'b', null],
    ]);
  });
});

describe('readVarint', () => {
  /** Kafka's zigzag varlong, written with BigInt as a reference. */
  const encode = (n: bigint): Buffer => {
    let z = n >= 0n ? n << 1n : ((-n) << 1n) - 1n;
    const bytes: number[] = [];
    do {
      const low = Number(z & 0x7fn);
      z >>= 7n;
      bytes.push(z > 0n ? low | 0x80 : low);
    } while (z > 0n);
    return Buffer.from(bytes);
  };

  it.each([0, 1, -1, 63, -64, 64, 8191, -8192, 2 ** 27 - 1, -(2 ** 27), 2 ** 27, -(2 ** 27) - 1, 2 ** 31, -(2 ** 31) - 1, 2 ** 40 + 3, -(2 ** 52), 2 ** 53 - 1])(
    'decodes %d and advances past it, short and long forms alike',
    (n) => {
      const bytes = Buffer.concat([Buffer.from([0xff]), encode(BigInt(n)), Buffer.from([0x01])]);
      const cursor = { at: 1 };
      expect(readVarint(bytes, cursor)).toBe(n);
      expect(cursor.at).toBe(bytes.length - 1);
    },
  );
});
