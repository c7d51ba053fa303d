import { pythonRepr, pythonStr } from '../../../lib/template/python';

describe('pythonStr (Python str() of JSON values)', () => {
  it.each<[unknown, string]>([
    ['text', 'text'],
    [true, 'True'],
    [false, 'False'],
    [null, 'None'],
    [3, '3'],
    [-0, '0'],
    [3.14, '3.14'],
    [0.1, '0.1'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [1.5e-7, '1.5e-07'],
    [-2.5e-10, '-2.5e-10'],
    // Deliberate difference: the JSON int/float distinction is lost, so 1e10 is '10000000000', not '10000000000.0'.
    [1e10, '10000000000'],
    [1e21, '1000000000000000000000'],
    [Infinity, 'inf'],
    [NaN, 'nan'],
    [[1, 'a', null, true], "[1, 'a', None, True]"],
    [{ a: 1, b: [1, 2], c: { d: null } }, "{'a': 1, 'b': [1, 2], 'c': {'d': None}}"],
    [[], '[]'],
    [{}, '{}'],
    [["it's"], '["it\'s"]'],
    [['say "hi" it\'s'], "['say \"hi\" it\\'s']"],
    [['a\nb\\c\t'], "['a\\nb\\\\c\\t']"],
    [['\u0001\u00a0é\u2028'], "['\\x01\\xa0é\\u2028']"],
  ])('%p → %s', (value, expected) => {
    expect(pythonStr(value)).toBe(expected);
  });

  it('pythonRepr quotes strings', () => {
    expect(pythonRepr('x')).toBe("'x'");
  });
});
