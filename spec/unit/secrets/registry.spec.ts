import { redact } from '../../../lib/secrets/redact';
import { clearSecrets, registerSecrets, secretMatcher } from '../../../lib/secrets/registry';

afterEach(() => clearSecrets());

describe('secret registry', () => {
  it('matches nothing until a secret is registered', () => {
    expect(secretMatcher()).toBeNull();
    expect(redact('token-value-1')).toBe('token-value-1');
  });

  it('builds the matcher once per change, on first use', () => {
    registerSecrets('first-secret-1', 'second-secret-2');
    const built = secretMatcher();
    expect(secretMatcher()).toBe(built);
    registerSecrets('first-secret-1'); // already known: no change
    expect(secretMatcher()).toBe(built);
    registerSecrets('third-secret-3');
    expect(secretMatcher()).not.toBe(built);
    expect(redact('first-secret-1 second-secret-2 third-secret-3')).toBe('*** *** ***');
  });

  it('skips empty values and values shorter than 4 characters', () => {
    registerSecrets(undefined, null, '', 'abc');
    expect(secretMatcher()).toBeNull();
  });

  it('masks the percent-encoded and form-encoded forms, the longest secret first', () => {
    registerSecrets('p@ss word', 'p@ss word/extended');
    expect(redact('a=p%40ss%20word b=p%40ss+word c=p@ss word/extended')).toBe('a=*** b=*** c=***');
  });
});
