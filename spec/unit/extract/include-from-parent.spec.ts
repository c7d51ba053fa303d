import { ResponseError } from '../../../lib/errors';
import { includeFromParent } from '../../../lib/extract/include-from-parent';

const post = { id: 5, kind: 'blog', ok: true, none: null, meta: { tag: 't1' }, items: [{ id: 'i0' }] };

describe('includeFromParent', () => {
  it('adds _<parent>_<key> fields to every child record', () => {
    expect(includeFromParent([{ body: 'a' }, { body: 'b', _posts_id: 'old' }], 'posts', post, ['id', 'kind'])).toEqual([
      { body: 'a', _posts_id: 5, _posts_kind: 'blog' },
      { body: 'b', _posts_id: 5, _posts_kind: 'blog' },
    ]);
  });

  it('a key missing from the parent is an error even with no child records', () => {
    expect(() => includeFromParent([], 'posts', post, ['author'])).toThrow(ResponseError);
    expect(() => includeFromParent([], 'posts', post, ['author'])).toThrow(/"author".*"posts"/);
  });
});
