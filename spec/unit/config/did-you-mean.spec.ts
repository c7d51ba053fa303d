import { didYouMean, editDistance } from '../../../lib/config/did-you-mean';

describe('didYouMean', () => {
  const keys = ['base_url', 'headers', 'auth', 'paginator'];
  it.each<[string, string | undefined]>([
    ['auht', 'auth'],
    ['base_ulr', 'base_url'],
    ['BASE_URL', 'base_url'],
    ['paginater', 'paginator'],
    ['header', 'headers'],
    ['zzz', undefined],
    ['session', undefined],
  ])('%s → %s', (input, expected) => {
    expect(didYouMean(input, keys)).toBe(expected);
  });

  it('counts an adjacent transposition as one edit', () => {
    expect(editDistance('ofset', 'offset')).toBe(1);
    expect(editDistance('auht', 'auth')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });
});
