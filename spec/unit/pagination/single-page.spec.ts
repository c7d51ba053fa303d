import { singlePagePaginator } from '../../../lib/pagination/single-page';
import { frozen, page, request } from './fixtures';

describe('single_page paginator', () => {
  it('sends the request as is and stops after it, even when the response has links', () => {
    const paginator = singlePagePaginator();
    const input = frozen(request({ params: { a: '1' } }));
    expect(paginator.first(input)).toEqual(input);
    const linked = page({ next: 'https://a.example/2' }, { headers: { link: '<https://a.example/2>; rel="next"' } });
    expect(paginator.next(input, linked)).toBeNull();
    expect(paginator.remaining).toBeUndefined();
  });
});
