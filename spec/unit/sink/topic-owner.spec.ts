import type { PipelineConfig } from '../../../lib/config/types';
import { pipelineWriter, sharedTopicMessage, writerHeaders } from '../../../lib/sink/topic-owner';

const pipeline = (base_url: string) => ({ pipeline_name: 'billing', source: { client: { base_url }, resources: [] } }) as unknown as PipelineConfig;

describe('pipelineWriter', () => {
  it.each([
    ['https://api.example.com/v1/', 'https://api.example.com/v1'],
    ['https://user:p4ss@api.example.com/v1?api_key=k#x', 'https://api.example.com/v1'],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
    ['not a url', ''],
  ])('names the source %s as %s: no credentials, query or fragment in a header', (baseUrl, source) => {
    expect(pipelineWriter(pipeline(baseUrl), 'services')).toEqual({ pipeline: 'billing', source, resource: 'services' });
  });

  it('becomes the r2k-* headers', () => {
    expect(writerHeaders(pipelineWriter(pipeline('https://api.example.com'), 'services'))).toEqual({
      'r2k-resource': 'services',
      'r2k-pipeline': 'billing',
      'r2k-source': 'https://api.example.com',
    });
  });
});

describe('sharedTopicMessage', () => {
  const ours = { pipeline: 'billing', source: 'https://api.example.com', resource: 'services' };
  it.each([
    [{ pipeline: 'rest2kafka', source: 'http://127.0.0.1:8080', resource: 'services' }, 'records of pipeline "rest2kafka" reading http://127.0.0.1:8080 (resource services)'],
    [{ resource: 'incidents' }, 'records of an earlier rest2kafka (resource incidents)'],
    [null, 'records not written by rest2kafka (no r2k-resource header)'],
  ])('names the other writer %j', (theirs, them) => {
    expect(sharedTopicMessage({ topic: 'services', ours, theirs })).toBe(
      `topic services already holds ${them}; this run is pipeline "billing" reading https://api.example.com (resource services). ` +
        'Both now publish into it, and compaction keeps whichever wrote a key last. Give each pipeline its own topics with topics.prefix ' +
        '(e.g. prefix: "billing.") and its own pipeline_name, which also names its state keys and transactional id.',
    );
  });
});
