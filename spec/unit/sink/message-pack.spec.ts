import type { Message, TopicMessages } from 'kafkajs';
import { packMessages, toSends, transferables, type OutgoingMessage } from '../../../lib/sink/message-pack';

const msg = (topic: string, key: string, bytes: number): OutgoingMessage => ({ topic, key, value: Buffer.alloc(bytes, 0x61) });

/** A send as plain data: Buffers back to strings, so it compares with what went in. */
function plain(sends: TopicMessages[][]): unknown {
  const text = (b: Message['key']) => (b === null || b === undefined ? b : b.toString());
  return sends.map((send) =>
    send.map(({ topic, messages }) => ({
      topic,
      messages: messages.map((m) => ({
        key: text(m.key),
        value: text(m.value),
        headers: m.headers && Object.fromEntries(Object.entries(m.headers).map(([k, v]) => [k, String(v)])),
        timestamp: m.timestamp,
      })),
    })),
  );
}

describe('packMessages / toSends', () => {
  it('round-trips keys, values, tombstones, null keys, headers and timestamps, byte for byte', () => {
    const headers = { 'r2k-resource': 'incidents', 'content-type': 'application/json', note: 'ü→✓' };
    const messages: OutgoingMessage[] = [
      { topic: 'a', key: 'INC-1', value: Buffer.from('{"id":"INC-1"}'), headers, timestamp: '1700000000000' },
      { topic: 'a', key: 'Ünïcödé-🔑', value: Buffer.from('{"t":"日本"}'), headers, timestamp: '1700000000001' },
      { topic: 'a', key: 'gone', value: null, headers },
      { topic: 'dlq', key: null, value: Buffer.from('{"reason":"x"}') },
      { topic: 'a', key: '', value: Buffer.alloc(0) },
    ];
    const [send] = toSends([packMessages(messages)]);
    expect(plain([send])).toEqual([
      [
        {
          topic: 'a',
          messages: [
            { key: 'INC-1', value: '{"id":"INC-1"}', headers, timestamp: '1700000000000' },
            { key: 'Ünïcödé-🔑', value: '{"t":"日本"}', headers, timestamp: '1700000000001' },
            { key: 'gone', value: null, headers, timestamp: undefined },
            { key: '', value: '', headers: undefined, timestamp: undefined },
          ],
        },
        { topic: 'dlq', messages: [{ key: null, value: '{"reason":"x"}', headers: undefined, timestamp: undefined }] },
      ],
    ]);
    expect(Buffer.isBuffer(send[0].messages[1].key)).toBe(true);
    expect((send[0].messages[1].key as Buffer).equals(Buffer.from('Ünïcödé-🔑', 'utf8'))).toBe(true);
  });

  it('stores a page header object once, however many records share it', () => {
    const headers = { 'r2k-resource': 'incidents' };
    const pack = packMessages(Array.from({ length: 50 }, (_, i) => ({ topic: 't', key: String(i), value: Buffer.from('v'), headers })));
    expect(pack.headerSets).toHaveLength(1);
    expect(toSends([pack])[0][0].messages).toHaveLength(50);
  });

  it('keeps order across packs and cuts a send before it would exceed the limit', () => {
    const sends = toSends([packMessages([msg('a', '1', 400), msg('a', '2', 400)]), packMessages([msg('a', '3', 400)])], 1000);
    expect(sends.map((s) => s[0].messages.map((m) => m.key!.toString()))).toEqual([['1', '2'], ['3']]);
  });

  it('groups by topic within a send, in order of first appearance', () => {
    const [send] = toSends([packMessages([msg('b', '1', 10), msg('a', '2', 10), msg('b', '3', 10)])]);
    expect(send.map((t) => [t.topic, t.messages.map((m) => m.key!.toString())])).toEqual([
      ['b', ['1', '3']],
      ['a', ['2']],
    ]);
  });

  it('refuses, when packing, a single record larger than a send, naming the topic and key', () => {
    expect(() => packMessages([msg('incidents', 'INC1', 2000)], 1000)).toThrow(/incidents \(key INC1\) is \d+ bytes, more than the 1000-byte send limit/);
  });

  it('an empty pack makes no send', () => {
    expect(toSends([packMessages([])])).toEqual([]);
  });

  it('packs into buffers that can move to another thread', () => {
    const pack = packMessages([msg('a', 'k', 100)]);
    const { port1, port2 } = new MessageChannel();
    port1.postMessage(pack, transferables(pack));
    expect(pack.bytes.byteLength).toBe(0); // detached here: moved, not copied
    port1.close();
    port2.close();
  });

  it('agrees with the sizes of randomly generated records', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pieces = ['a', 'é', '日', '🔑', '"', '\\'];
    const text = (n: number) => Array.from({ length: n }, () => pieces[Math.floor(random() * pieces.length)]).join('');
    const messages: OutgoingMessage[] = Array.from({ length: 300 }, () => ({
      topic: random() < 0.8 ? 'data' : 'dlq',
      key: random() < 0.1 ? null : text(Math.floor(random() * 20)),
      value: random() < 0.1 ? null : Buffer.from(text(Math.floor(random() * 300))),
      headers: random() < 0.5 ? { h: text(5) } : undefined,
      timestamp: random() < 0.5 ? String(1_700_000_000_000 + Math.floor(random() * 1000)) : undefined,
    }));
    const sends = toSends([packMessages(messages.slice(0, 100)), packMessages(messages.slice(100))], 20_000);
    expect(sends.length).toBeGreaterThan(1);
    const back = sends.flatMap((send) => send.flatMap((t) => t.messages.map((m) => ({ topic: t.topic, m }))));
    // Within a send, records are grouped by topic; compare per topic, in order.
    for (const topic of ['data', 'dlq']) {
      const sent = back.filter((b) => b.topic === topic).map(({ m }) => [m.key?.toString() ?? null, m.value?.toString() ?? null, m.timestamp]);
      const given = messages.filter((m) => m.topic === topic).map((m) => [m.key, m.value?.toString() ?? null, m.timestamp]);
      expect(sent).toEqual(given);
    }
  });
});
