import { PAGINATOR_TYPES as ACCEPTED } from '../../../lib/config/schema-client';
import { PAGINATOR_TYPES as IMPLEMENTED } from '../../../lib/pagination/index';

// config/ sits upstream of pagination/ and keeps its own list; this keeps the two from drifting.
it('the config accepts exactly the paginator types that pagination knows (custom is for module configs only)', () => {
  expect(new Set<string>(ACCEPTED)).toEqual(new Set<string>(IMPLEMENTED.filter((t) => t !== 'custom')));
});
