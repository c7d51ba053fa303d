import { parentsOf } from '../../../lib/config/placeholders';

describe('parentsOf', () => {
  it('finds parents in path, params (names too), headers, json and data, once each', () => {
    expect(parentsOf({
      path: 'x/{resources.a.id}',
      params: { '{resources.b.key}': 1, q: '{resources.a.name}' },
      headers: { H: '{resources.c.h}' },
      json: { deep: [{ v: '{resources.d.v}' }], type: '{resources.e.t}' },
      data: [['f', '{resources.f.x}']],
    })).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });

  it('ignores incremental params and escaped braces', () => {
    expect(parentsOf({ params: { s: { type: 'incremental', cursor_path: 'u' }, q: '{{resources.a.id}}' } })).toEqual([]);
  });
});
