import { headerLinkPaginator } from '../../../lib/pagination/header-link';
import { findLink } from '../../../lib/pagination/link-header';
import { frozen, page, request } from './fixtures';

describe('findLink (RFC 8288 Link header)', () => {
  it.each<[string, string, string | null]>([
    ['<https://a.example/items?page=2>; rel="next", <https://a.example/items?page=9>; rel="last"', 'next', 'https://a.example/items?page=2'],
    ['<https://a.example/items?page=1>; rel="prev", <https://a.example/items?page=3>; rel="next"', 'next', 'https://a.example/items?page=3'],
    ['<https://a.example/x>; rel=next', 'next', 'https://a.example/x'],
    ['<https://a.example/x>; rel="NEXT"', 'next', 'https://a.example/x'],
    ['<https://a.example/x>; rel="next last"', 'next', 'https://a.example/x'],
    ['<https://a.example/x>; title="a, b"; rel="next"', 'next', 'https://a.example/x'],
    ['<https://a.example/x?ids=1,2>; rel="next"', 'next', 'https://a.example/x?ids=1,2'],
    ['<https://a.example/x>;rel="next"', 'next', 'https://a.example/x'],
    ['<https://a.example/x>; rel="prev"', 'next', null],
    ['<https://a.example/x>', 'next', null],
    ['garbage', 'next', null],
    ['<https://a.example/x>; rel="forward"', 'forward', 'https://a.example/x'],
  ])('%s (rel %s)', (header, rel, expected) => {
    expect(findLink(header, rel)).toBe(expected);
  });

  it('returns null without a header', () => {
    expect(findLink(undefined, 'next')).toBeNull();
  });
});

describe('header_link paginator', () => {
  const paginator = headerLinkPaginator({ type: 'header_link' });
  const previous = frozen(request({ params: { per_page: '100' }, json: { q: 1 } }));
  const linked = (link: string) => page([{ id: 1 }], { headers: { link } });

  it('leaves the first request alone', () => {
    expect(paginator.first(previous)).toEqual(previous);
  });

  it('follows rel=next, clearing the params and keeping headers and body', () => {
    const next = paginator.next(previous, linked('<https://api.example.com/v1/items?page=2&per_page=100>; rel="next"'));
    expect(next).toEqual({ ...previous, url: 'https://api.example.com/v1/items?page=2&per_page=100', params: {} });
  });

  it('resolves a relative link against the previous URL', () => {
    expect(paginator.next(previous, linked('</v1/items?page=2>; rel="next"'))?.url).toBe('https://api.example.com/v1/items?page=2');
  });

  it.each<[string, Record<string, string>]>([
    ['no Link header', {}],
    ['no rel=next', { link: '<https://api.example.com/v1/items?page=1>; rel="first"' }],
    ['an empty target', { link: '<>; rel="next"' }],
  ])('stops with %s', (_name, headers) => {
    expect(paginator.next(previous, page([], { headers }))).toBeNull();
  });

  it('uses links_next_key as the rel', () => {
    const custom = headerLinkPaginator({ type: 'header_link', links_next_key: 'forward' });
    const response = linked('<https://a.example/1>; rel="next", <https://a.example/2>; rel="forward"');
    expect(custom.next(previous, response)?.url).toBe('https://a.example/2');
  });

  it('ignores links in the body', () => {
    expect(paginator.next(previous, page({ next: 'https://a.example/2' }))).toBeNull();
  });
});
