import { dltSource, fanOut, INCIDENTS, logEntriesOf, pipelineConfig, SEED, totalOf } from '../../../bench/shapes';
import { DEFAULT_OPTIONS } from '../../../lib/simulator';
import { logEntryCount } from '../../../lib/simulator/log-entries';

describe('bench shapes', () => {
  it('expects the records the simulator generates: services at their default count, every log entry of every incident', () => {
    expect(INCIDENTS.expected(300)).toEqual({ incidents: 300 });
    expect(SEED.expected(300)).toEqual({ incidents: 300, services: DEFAULT_OPTIONS.services });
    const counts = [0, 1, 2].map((i) => logEntryCount(DEFAULT_OPTIONS.seed, i));
    expect(fanOut().expected(3)).toEqual({ incidents: 3, log_entries: counts[0] + counts[1] + counts[2] });
    expect(fanOut({ firstEntries: 10 }).expected(3).log_entries).toBe(counts.reduce((sum, c) => sum + Math.min(10, c), 0));
    expect(totalOf(SEED.expected(300))).toBe(300 + DEFAULT_OPTIONS.services);
  });

  it('gives 2,000 incidents children of one to three pages of 100, about 64 entries each', () => {
    const pages = Array.from({ length: 2000 }, (_, i) => Math.ceil(logEntryCount(DEFAULT_OPTIONS.seed, i) / 100));
    expect(new Set(pages)).toEqual(new Set([1, 2, 3]));
    expect(logEntriesOf(2000)).toBe(127_482);
  });

  it('sets parallelized on the child only when asked, and pages it by offset or reads one page of n', () => {
    const child = (shape: ReturnType<typeof fanOut>) => shape.resources[1];
    expect(child(fanOut())).not.toHaveProperty('parallelized');
    expect(child(fanOut({ parallelized: false }))).toMatchObject({ parallelized: false, endpoint: { path: '/v1/incidents/{resources.incidents.id}/log_entries', paginator: { type: 'offset', limit: 100 } } });
    expect(child(fanOut({ firstEntries: 10 }))).toMatchObject({ endpoint: { params: { limit: 10 }, paginator: { type: 'single_page' } } });
  });

  it('hands rest2kafka and dlt the same resources; only rest2kafka gets $secret, retries and client settings', () => {
    const shape = fanOut({ parallelized: true });
    const r2k = pipelineConfig('p', 'http://sim', ['b:9092'], shape, { page_concurrency: 8 }, '/schemas') as { source: { client: Record<string, unknown>; resources: unknown } };
    const dlt = dltSource('http://sim', 'k', shape) as { client: Record<string, unknown>; resources: unknown };
    expect(dlt.resources).toBe(r2k.source.resources);
    expect(r2k.source.client).toMatchObject({ page_concurrency: 8, max_retries: 3, auth: { api_key: { $secret: 'api_key' }, location: 'query' } });
    expect(dlt.client).toEqual({ base_url: 'http://sim', auth: { type: 'api_key', name: 'api_key', api_key: 'k', location: 'query' } });
  });
});
