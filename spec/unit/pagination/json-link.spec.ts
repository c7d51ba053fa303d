import { ResponseError } from '../../../lib/errors';
import { jsonLinkPaginator } from '../../../lib/pagination/json-link';
import { BASE_URL, frozen, page, request } from './fixtures';

const previous = frozen(
  request({ params: { status: 'open', api_key: 'sentinel', since: '2024-01-01' }, headers: { accept: 'application/json' }, json: { q: 1 } }),
);

describe('json_link paginator', () => {
  const paginator = jsonLinkPaginator({ type: 'json_link' });

  it('leaves the first request alone', () => {
    expect(paginator.first(previous)).toEqual(previous);
  });

  it.each<[string, string, string]>([
    ['an absolute link is used as is', 'https://api.example.com/v1/items?page=2&limit=10', 'https://api.example.com/v1/items?page=2&limit=10'],
    ['an absolute link is not re-encoded', 'https://API.example.com/v1/items?cursor=a%2Fb c', 'https://API.example.com/v1/items?cursor=a%2Fb c'],
    ['a root-relative link replaces the path', '/v2/items?page=2', 'https://api.example.com/v2/items?page=2'],
    ['a query-only link replaces the query', '?page=3', `${BASE_URL}?page=3`],
    ['a relative path replaces the last segment', 'items?page=4', 'https://api.example.com/v1/items?page=4'],
    ['a dot-relative path', '../v0/items', 'https://api.example.com/v0/items'],
    ['a scheme-relative link keeps the scheme', '//cdn.example.com/items?p=2', 'https://cdn.example.com/items?p=2'],
  ])('%s', (_name, link, url) => {
    expect(paginator.next(previous, page({ next: link }))).toEqual({ ...previous, url, params: {} });
  });

  it('clears every param (static, incremental, auth), keeping headers and body', () => {
    const next = paginator.next(previous, page({ next: '/v1/items?page=2' }));
    expect(next?.params).toEqual({});
    expect(next?.headers).toBe(previous.headers);
    expect(next?.json).toEqual({ q: 1 });
  });

  it('resolves against the previous URL, which may itself be a followed link', () => {
    const second = paginator.next(previous, page({ next: '/v1/items/page/2' }));
    const third = second && paginator.next(second, page({ next: '3' }));
    expect(third?.url).toBe('https://api.example.com/v1/items/page/3');
  });

  it.each<[string, unknown]>([
    ['a missing link', { data: [] }],
    ['a null link', { next: null }],
    ['an empty link (dlt would request "")', { next: '' }],
  ])('stops on %s', (_name, body) => {
    expect(paginator.next(previous, page(body))).toBeNull();
  });

  it('reads next_url_path, including bracket-quoted names', () => {
    const paging = jsonLinkPaginator({ type: 'json_link', next_url_path: 'paging.next' });
    expect(paging.next(previous, page({ paging: { next: 'https://x.example.com/a' } }))?.url).toBe('https://x.example.com/a');
    const odata = jsonLinkPaginator({ type: 'json_link', next_url_path: "['@odata.nextLink']" });
    expect(odata.next(previous, page({ '@odata.nextLink': 'https://x.example.com/b' }))?.url).toBe('https://x.example.com/b');
  });

  it('raises a ResponseError for a link that is not a string', () => {
    const attempt = () => paginator.next(previous, page({ next: 2 }));
    expect(attempt).toThrow(ResponseError);
    expect(attempt).toThrow('Next-page link at "next" is not a URL string (got 2)');
  });

  it('raises a ResponseError for a relative link when the previous URL cannot be a base', () => {
    const attempt = () => paginator.next(request({ url: 'not a url' }), page({ next: '/x' }));
    expect(attempt).toThrow(ResponseError);
    expect(attempt).toThrow(/cannot be resolved against the request URL/);
  });
});
