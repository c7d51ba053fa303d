import { buildUrl, encodeQueryComponent, joinUrl, removeQueryParam } from '../../../lib/http/url';

describe('joinUrl', () => {
  // Every row of shared/reference/dlt-rest-api.md §2.1, plus the non-http scheme rule.
  it.each([
    ['http://example.com', 'path/to/resource', 'http://example.com/path/to/resource'],
    ['http://example.com/', '/path/to/resource', 'http://example.com/path/to/resource'],
    ['http://example.com///', '//path/to/resource', 'http://example.com/path/to/resource'],
    ['http://example.com', '/', 'http://example.com/'],
    ['http://example.com', '', 'http://example.com'],
    ['', 'path/to/resource', 'path/to/resource'],
    ['https://api.example.com/v1/', 'users', 'https://api.example.com/v1/users'],
    ['https://api.example.com', 'https://completely.different/endpoint', 'https://completely.different/endpoint'],
    ['https://api.example.com/api/v2', '/v1/incidents', 'https://api.example.com/api/v2/v1/incidents'],
    ['http://example.com', 'my://protocol', 'http://example.com/my://protocol'],
    ['http://example.com', 'HTTP://Other.example/x', 'HTTP://Other.example/x'],
    ['', '', ''],
  ])('joinUrl(%j, %j) = %j', (base, path, expected) => {
    expect(joinUrl(base, path)).toBe(expected);
  });
});

describe('buildUrl', () => {
  const url = (u: string, params: Record<string, string | null>): string => buildUrl({ url: u, params });

  it.each([
    ['no params leaves the URL alone', 'https://x/a', {}, 'https://x/a'],
    ['params start a query', 'https://x/a', { limit: '100', offset: '0' }, 'https://x/a?limit=100&offset=0'],
    ['null values are omitted', 'https://x/a', { a: '1', b: null }, 'https://x/a?a=1'],
    ['only nulls adds nothing', 'https://x/a', { b: null }, 'https://x/a'],
    ['empty string is sent as key=', 'https://x/a', { q: '' }, 'https://x/a?q='],
    ['params follow an existing query', 'https://x/a?page=2', { api_key: 'k' }, 'https://x/a?page=2&api_key=k'],
    ['a trailing ? gets no extra separator', 'https://x/a?', { a: '1' }, 'https://x/a?a=1'],
    ['a trailing & gets no extra separator', 'https://x/a?p=1&', { a: '1' }, 'https://x/a?p=1&a=1'],
    ['params go before a fragment', 'https://x/a?p=1#top', { a: '1' }, 'https://x/a?p=1&a=1#top'],
    ['space becomes +', 'https://x/a', { q: 'a b' }, 'https://x/a?q=a+b'],
    ['reserved characters are percent-encoded', 'https://x/a', { q: 'a&b=c/d?e#f+g' }, 'https://x/a?q=a%26b%3Dc%2Fd%3Fe%23f%2Bg'],
    ['unicode is UTF-8 percent-encoded', 'https://x/a', { 'näme': 'é€' }, 'https://x/a?n%C3%A4me=%C3%A9%E2%82%AC'],
    ['ISO timestamps encode their colons', 'https://x/a', { since: '2024-01-01T00:00:00+00:00' }, 'https://x/a?since=2024-01-01T00%3A00%3A00%2B00%3A00'],
  ])('%s', (_name, base, params, expected) => {
    expect(url(base, params)).toBe(expected);
  });

  it.each([
    ["!'()*", '%21%27%28%29%2A'],
    ['-_.~', '-_.~'],
    ['AZaz09', 'AZaz09'],
  ])('encodeQueryComponent(%j) = %j, as Python quote_plus', (input, expected) => {
    expect(encodeQueryComponent(input)).toBe(expected);
  });
});

describe('removeQueryParam', () => {
  it.each([
    ['https://x/a?api_key=old&page=2', 'https://x/a?page=2'],
    ['https://x/a?page=2&api_key=old&api_key=older', 'https://x/a?page=2'],
    ['https://x/a?api_key=old', 'https://x/a'],
    ['https://x/a?api_key=old#frag', 'https://x/a#frag'],
    ['https://x/a?api%5Fkey=old&b=1', 'https://x/a?b=1'],
    ['https://x/a?api_keys=1', 'https://x/a?api_keys=1'],
    ['https://x/a', 'https://x/a'],
  ])('removeQueryParam(%j, "api_key") = %j', (input, expected) => {
    expect(removeQueryParam(input, 'api_key')).toBe(expected);
  });
});
