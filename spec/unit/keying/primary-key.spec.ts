import { compileKey } from '../../../lib/keying/primary-key';

describe('compileKey', () => {
  describe('single field', () => {
    const keyOf = compileKey(['id']);

    it.each<[string, unknown, string | null]>([
      ['a string as is, without quotes', 'INC00042', 'INC00042'],
      ['a string with quotes and unicode', 'a"b é', 'a"b é'],
      ['an empty string', '', ''],
      ['an integer', 42, '42'],
      ['zero', 0, '0'],
      ['a negative integer', -7, '-7'],
      ['the largest safe integer', Number.MAX_SAFE_INTEGER, '9007199254740991'],
      ['an integer below 1e21 in plain digits', 1e20, '100000000000000000000'],
      ['1e21 and above in exponent form', 1e21, '1e+21'],
      ['a fraction', 1.5, '1.5'],
      ['a tiny fraction in exponent form', 1e-7, '1e-7'],
      ['a boolean', true, 'true'],
      ['missing', undefined, null],
      ['null', null, null],
      ['an object', { a: 1 }, null],
      ['an array', [1], null],
      ['NaN', Number.NaN, null],
      ['Infinity', Number.POSITIVE_INFINITY, null],
    ])('encodes %s', (_case, value, expected) => {
      expect(keyOf(value === undefined ? {} : { id: value, other: 'x' })).toBe(expected);
    });

    it('gives the string "42" and the number 42 the same key', () => {
      expect(keyOf({ id: '42' })).toBe(keyOf({ id: 42 }));
    });

    it.each([null, 'INC1', 42, [{ id: 'x' }]])('has no key for a record that is not an object: %p', (record) => {
      expect(keyOf(record)).toBeNull();
    });

    it('has no key when the field name only matches an inherited method', () => {
      expect(compileKey(['constructor'])({})).toBeNull();
    });
  });

  describe('compound', () => {
    const keyOf = compileKey(['tenant', 'id']);

    it.each<[string, Record<string, unknown>, string | null]>([
      ['a JSON array in declared order', { id: 7, tenant: 'acme' }, '["acme",7]'],
      ['strings JSON-escaped', { tenant: 'a"c,"me', id: 'x' }, '["a\\"c,\\"me","x"]'],
      ['strings and numbers kept apart', { tenant: 'acme', id: '7' }, '["acme","7"]'],
      ['booleans', { tenant: false, id: 1 }, '[false,1]'],
      ['no key when one part is missing', { tenant: 'acme' }, null],
      ['no key when one part is null', { tenant: 'acme', id: null }, null],
      ['no key when one part is an object', { tenant: { name: 'acme' }, id: 1 }, null],
    ])('encodes %s', (_case, record, expected) => {
      expect(keyOf(record)).toBe(expected);
    });

    it('depends on the declared order, not the record order', () => {
      expect(compileKey(['id', 'tenant'])({ tenant: 'acme', id: 7 })).toBe('[7,"acme"]');
    });
  });

  it('never keys a record when there is no primary key', () => {
    expect(compileKey([])({ id: 1 })).toBeNull();
  });

  it.each([
    [['id'], 'id'],
    [['tenant', 'id'], '[tenant,id]'],
  ])('describes %p as %s and exposes its fields', (fields, label) => {
    const keyOf = compileKey(fields);
    expect(keyOf.label).toBe(label);
    expect(keyOf.fields).toEqual(fields);
  });

  it('is not affected by later changes to the array it was compiled from', () => {
    const fields = ['id'];
    const keyOf = compileKey(fields);
    fields[0] = 'other';
    expect(keyOf({ id: 'a', other: 'b' })).toBe('a');
  });
});
