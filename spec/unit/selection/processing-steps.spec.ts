import type { ProcessingStep } from '../../../lib/config/types';
import { ConfigError, isRetriable, Rest2KafkaError } from '../../../lib/errors';
import { compileProcessingSteps } from '../../../lib/selection/processing-steps';

type R = Record<string, unknown>;
const page = (): R[] => [{ id: 1 }, { id: 2 }, { id: 3 }];
const double: ProcessingStep = { map: (r) => ({ ...r, id: (r.id as number) * 2 }) };
const evenOnly: ProcessingStep = { filter: (r) => (r.id as number) % 2 === 0 };

describe('compileProcessingSteps', () => {
  it.each<[string, ProcessingStep[], unknown[]]>([
    ['no steps: records unchanged', [], [{ id: 1 }, { id: 2 }, { id: 3 }]],
    ['map then filter', [double, evenOnly], [{ id: 2 }, { id: 4 }, { id: 6 }]],
    ['filter then map', [evenOnly, double], [{ id: 4 }]],
    ['yield_map expands, later steps see every produced record', [{ yield_map: (r) => [r, { id: (r.id as number) + 10 }] }, evenOnly], [{ id: 2 }, { id: 12 }]],
    ['yield_map may produce nothing', [{ yield_map: function* () {} }], []],
    ['filter keeps on a truthy result', [{ filter: (r) => (r.id === 2 ? ('yes' as unknown as boolean) : false) }], [{ id: 2 }]],
  ])('%s', (_name, steps, expected) => {
    expect(compileProcessingSteps(steps, 'posts')(page())).toEqual(expected);
  });

  it('returns the same array when there are no steps', () => {
    const records = page();
    expect(compileProcessingSteps([])(records)).toBe(records);
  });

  it('a throwing step fails with a non-retriable error naming resource and step', () => {
    const run = compileProcessingSteps([double, { map: () => { throw new Error('boom'); } }], 'posts');
    let error: unknown;
    try {
      run(page());
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Rest2KafkaError);
    expect((error as Rest2KafkaError).code).toBe('PROCESSING_STEP_FAILED');
    expect((error as Error).message).toBe('resource "posts": processing_steps[1] (map) threw: boom');
    expect((error as Rest2KafkaError).context).toMatchObject({ resource: 'posts', step: 1 });
    expect(isRetriable(error)).toBe(false);
  });

  it.each<[string, unknown]>([
    ['an unknown kind', { reduce: () => 0 }],
    ['two kinds in one step', { map: (r: R) => r, filter: () => true }],
    ['a non-function', { map: 'upper' }],
  ])('rejects %s with the step path', (_name, step) => {
    expect(() => compileProcessingSteps([double, step as ProcessingStep], 'posts')).toThrow(ConfigError);
    expect(() => compileProcessingSteps([double, step as ProcessingStep], 'posts')).toThrow(/processing_steps\[1\]/);
  });
});
