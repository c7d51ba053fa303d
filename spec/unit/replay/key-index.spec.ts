import { KeyIndex, WinnerCursor, type KeyedRecord } from '../../../lib/replay/key-index';

const msg = (offset: number, key: string | null, value: string | null): KeyedRecord => {
  const buffer = Buffer.from(`##${key ?? ''}`); // the key not at the buffer's start, as in a fetched batch
  return { offset, buffer, keyAt: 2, keyLength: key === null ? -1 : buffer.length - 2, valueLength: value === null ? -1 : value.length };
};
const addAll = (index: KeyIndex, partition: number, records: KeyedRecord[]) => records.forEach((r) => index.add(partition, r));

describe('KeyIndex', () => {
  it("keeps each key's latest offset per partition, counting live and tombstoned keys", () => {
    const index = new KeyIndex();
    addAll(index, 0, [msg(0, 'a', '1'), msg(1, 'b', '1'), msg(2, 'a', '2'), msg(4, 'c', '1')]);
    addAll(index, 0, [msg(5, 'b', null), msg(6, null, 'x')]);
    addAll(index, 1, [msg(0, 'd', '1'), msg(1, 'e', null)]);
    const result = index.finish(false);
    expect(result).toMatchObject({ records: 8, unkeyed: 1, liveKeys: 3, tombstonedKeys: 2 });
    expect([...result.winners.get(0)!]).toEqual([2, 4]);
    expect([...result.winners.get(1)!]).toEqual([0]);
  });

  it('lists the latest tombstones too when asked (a refresh deletes those keys)', () => {
    const index = new KeyIndex();
    addAll(index, 0, [msg(3, 'a', null), msg(7, 'b', '1'), msg(9, 'a', '2'), msg(10, 'c', null)]);
    expect([...index.finish(true).winners.get(0)!]).toEqual([7, 9, 10]);
  });

  it('a key deleted and written again is live with its last value', () => {
    const index = new KeyIndex();
    addAll(index, 0, [msg(0, 'a', '1'), msg(1, 'a', null), msg(2, 'a', '3')]);
    const result = index.finish(false);
    expect(result).toMatchObject({ liveKeys: 1, tombstonedKeys: 0 });
    expect([...result.winners.get(0)!]).toEqual([2]);
  });

  it.each([
    ['growing from its smallest size', new Map<number, number>()],
    ['sized for the partition’s records', new Map([[0, 300_000]])],
  ])('keeps 200,000 keys apart (%s), empty and binary keys included, as a Map of their text would', (_label, sizes) => {
    const index = new KeyIndex(sizes);
    const expected = new Map<string, number>();
    for (let offset = 0; offset < 300_000; offset++) {
      const key = offset % 7 === 0 ? '' : `K${(offset * 7919) % 200_000}\u00e9\u0000`;
      addAll(index, 0, [msg(offset, key, offset % 5 === 0 ? null : 'v')]);
      expected.set(key, offset % 5 === 0 ? -1 : offset);
    }
    const result = index.finish(false);
    const live = [...expected.values()].filter((o) => o >= 0).sort((a, b) => a - b);
    expect(result.liveKeys).toBe(live.length);
    expect(result.tombstonedKeys).toBe(expected.size - live.length);
    expect([...result.winners.get(0)!]).toEqual(live);
  });

  it('sorts winners by offset whatever order the keys were first seen in', () => {
    const index = new KeyIndex();
    addAll(index, 0, [msg(0, 'a', '1'), msg(1, 'b', '1'), msg(2, 'c', '1'), msg(3, 'a', '2'), msg(4, 'b', '2')]);
    expect([...index.finish(false).winners.get(0)!]).toEqual([2, 3, 4]);
  });
});

describe('WinnerCursor', () => {
  it('says which offsets are winners as messages arrive in order', () => {
    const cursor = new WinnerCursor(Float64Array.from([2, 4, 9]));
    expect([0, 1, 2, 3, 4, 5, 9].map((o) => cursor.isWinner(o))).toEqual([false, false, true, false, true, false, true]);
    expect(cursor.missing).toBe(0);
  });

  it('counts winners that never arrived (compacted away between the passes)', () => {
    const cursor = new WinnerCursor(Float64Array.from([2, 4, 9]));
    expect(cursor.isWinner(3)).toBe(false);
    expect(cursor.isWinner(5)).toBe(false);
    expect(cursor.missing).toBe(3);
  });
});
