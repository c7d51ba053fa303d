import { pageFingerprint } from '../../../lib/extract/resource-pages';

describe('pageFingerprint', () => {
  const records = [{ id: 'INC-1', s: 'é' }, { id: 'Ünï🔑' }, null, 5, { id: null }, { other: 1 }];

  it('is stable across versions: states written by earlier releases still resume', () => {
    // Pinned from the per-record hashing that wrote existing state topics.
    expect(pageFingerprint(['id'], records)).toBe('9pmHV-k6rsp9ELAOPMfXpv');
  });

  it('depends on the keys and their order, not on other fields', () => {
    const base = pageFingerprint(['id'], [{ id: 'a', x: 1 }, { id: 'b' }]);
    expect(pageFingerprint(['id'], [{ id: 'a', x: 2 }, { id: 'b', y: 3 }])).toBe(base);
    expect(pageFingerprint(['id'], [{ id: 'b' }, { id: 'a' }])).not.toBe(base);
    expect(pageFingerprint(['id'], [{ id: 'a' }, { id: 'c' }])).not.toBe(base);
  });
});
