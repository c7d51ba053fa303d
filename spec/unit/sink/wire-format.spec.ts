import { parseFramed, writePrefix } from '../../../lib/sink/wire-format';

describe('wire format', () => {
  it('writes and parses the 5-byte prefix', () => {
    const value = Buffer.alloc(8, 0xff);
    writePrefix(value, 0, 258);
    expect(value.subarray(0, 5)).toEqual(Buffer.from([0, 0, 0, 1, 2]));
    const { schemaId, body } = parseFramed(value);
    expect(schemaId).toBe(258);
    expect(body).toEqual(Buffer.from([0xff, 0xff, 0xff]));
  });

  it.each([
    ['too short', Buffer.from([0, 0, 1])],
    ['a wrong magic byte', Buffer.from([1, 0, 0, 0, 1, 2])],
  ])('refuses a value with %s', (_what, value) => {
    expect(() => parseFramed(value)).toThrow(/not in the Confluent wire format/);
  });
});
