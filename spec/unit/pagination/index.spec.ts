import { ConfigError } from '../../../lib/errors';
import type { PaginatorConfig } from '../../../lib/config/types';
import { PAGINATOR_TYPES, createPaginator } from '../../../lib/pagination';
import type { Paginator } from '../../../lib/pagination';
import { request } from './fixtures';

describe('paginator registry', () => {
  it('knows every dlt paginator type', () => {
    expect([...PAGINATOR_TYPES].sort()).toEqual(
      ['auto', 'cursor', 'custom', 'header_cursor', 'header_link', 'json_link', 'offset', 'page_number', 'single_page'].sort(),
    );
  });

  it.each<PaginatorConfig>([
    { type: 'offset', limit: 10 },
    { type: 'page_number' },
    { type: 'cursor' },
    { type: 'json_link' },
    { type: 'header_link' },
    { type: 'header_cursor' },
    { type: 'single_page' },
  ])('creates $type', (config) => {
    const paginator = createPaginator(config);
    expect(paginator.type).toBe(config.type);
    expect(typeof paginator.first(request())).toBe('object');
  });

  it('returns a custom paginator object as is', () => {
    const custom: Paginator = { type: 'mine', first: (r) => r, next: () => null };
    expect(createPaginator({ type: 'custom', paginator: custom })).toBe(custom);
  });

  it.each<[string, unknown, RegExp]>([
    ['an unknown type, listing the known ones', { type: 'ofset', limit: 1 }, /^paginator.type: "ofset" is not a paginator; known: offset, page_number, cursor, json_link, header_link, header_cursor, single_page, auto, custom$/],
    ['a prototype key', { type: 'constructor' }, /"constructor" is not a paginator/],
    ['a missing type', {}, /paginator.type: undefined is not a paginator/],
    ['auto, which needs a response', { type: 'auto' }, /detectPaginator\(response\)/],
    ['a custom paginator without next', { type: 'custom', paginator: { first: (r: unknown) => r } }, /first\(request\) and next\(request, response\)/],
    ['an offset without limit', { type: 'offset' }, /paginator.limit: required/],
  ])('rejects %s', (_name, config, message) => {
    const attempt = () => createPaginator(config as PaginatorConfig);
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(message);
  });
});
