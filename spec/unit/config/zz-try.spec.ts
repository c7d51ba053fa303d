import { validateConfig } from '../../../lib/config/validate';
const base = () => ({ client: { base_url: 'https://x' }, resources: [{ name: 'a', endpoint: { path: 'a', paginator: { type: 'ofset', limit: '100' } } }, 'b', 'b'] });
const cases: unknown[] = [
  base(),
  { client: { base_url: 'x', auht: 'bearer', auth: 'sk_live_12345' }, resources: [{ name: 'a', endpoint: { path: '{resources.zz.id}', json: {a: 1}, data: {b: 'c'} } }, {name: 'c', endpoint: {path: 'c/{id}', params: {id: {type: 'resolve', resource: 'a', field: 'id'}, x: {type: 'resolve', resource: 'a', field: 'id'}}}}] },
  { source: { client: { base_url: 'x' }, resources: [{ name: 'a', endpoint: { paginator: { type: 'offset', limit: 100, total_path: null, stop_after_empty_page: false } } }] }, kafka: { brokers: [], sasl: { mechanism: 'plain', username: 'u', password: 12345 } } },
  null,
];
it('x', () => { for (const c of cases) { try { console.log(validateConfig(c, { env: {} })); } catch (e) { console.log((e as Error).message, JSON.stringify((e as {context: unknown}).context).slice(0, 300)); } } });
