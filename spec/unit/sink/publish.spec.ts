import { chunkBySize, type OutgoingMessage } from '../../../lib/sink/publish';

const msg = (topic: string, key: string, bytes: number): OutgoingMessage => ({ topic, key, value: Buffer.alloc(bytes) });

describe('chunkBySize', () => {
  it('keeps order and groups by topic within a chunk', () => {
    const chunks = chunkBySize([msg('a', '1', 10), msg('b', '2', 10), msg('a', '3', 10)], 10_000);
    expect(chunks).toHaveLength(1);
    expect(chunks[0].map((t) => [t.topic, t.messages.map((m) => m.key)])).toEqual([['a', ['1', '3']], ['b', ['2']]]);
  });

  it('cuts a send before it would exceed the limit', () => {
    const chunks = chunkBySize([msg('a', '1', 400), msg('a', '2', 400), msg('a', '3', 400)], 1000);
    expect(chunks.map((c) => c[0].messages.map((m) => m.key))).toEqual([['1', '2'], ['3']]);
  });

  it('refuses a single record larger than the limit with a message that names it', () => {
    expect(() => chunkBySize([msg('incidents', 'INC1', 2000)], 1000)).toThrow(/incidents \(key INC1\) is \d+ bytes/);
  });

  it('keeps tombstones as null values', () => {
    const [chunk] = chunkBySize([{ topic: 'a', key: 'gone', value: null }], 1000);
    expect(chunk[0].messages[0].value).toBeNull();
  });
});
