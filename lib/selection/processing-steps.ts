/**
 * dlt's `processing_steps` (§10): `filter`, `map` and `yield_map`, applied in list order. Like
 * dlt, each step runs over the whole page before the next step starts; since every step is a
 * per-record function, the records that come out are those of a record-by-record chain.
 */
import type { ProcessingStep } from '../config/types';
import { ConfigError, Rest2KafkaError } from '../errors';

type Row = Record<string, unknown>;
type PageStep = (records: unknown[]) => unknown[];

/**
 * Compiles a resource's steps into one function over a page of records. An empty list is the
 * identity (the same array comes back). A step that throws fails the run with a
 * `PROCESSING_STEP_FAILED` error naming the resource and the step; it is not retried.
 *
 * @example
 * const run = compileProcessingSteps([{ map: (r) => ({ ...r, n: 1 }) }, { filter: (r) => r.ok === true }], 'posts');
 * run([{ ok: true }, { ok: false }]); // [{ ok: true, n: 1 }]
 */
export function compileProcessingSteps(
  steps: readonly ProcessingStep[],
  resource = '',
): (records: unknown[]) => unknown[] {
  const compiled = steps.map((step, index) => compileStep(step, index, resource));
  if (compiled.length === 0) return (records) => records;
  return (records) => compiled.reduce((page, step) => step(page), records);
}

function compileStep(step: ProcessingStep, index: number, resource: string): PageStep {
  const kinds = Object.keys(step);
  const fn = (step as Record<string, unknown>)[kinds[0]];
  if (kinds.length !== 1 || typeof fn !== 'function' || !['filter', 'map', 'yield_map'].includes(kinds[0])) {
    throw new ConfigError(
      `resource "${resource}": processing_steps[${index}] must have exactly one of filter, map, yield_map, holding a function`,
      { context: { resource, path: `processing_steps[${index}]` } },
    );
  }
  const kind = kinds[0];
  const fail = (cause: unknown): Rest2KafkaError =>
    new Rest2KafkaError(
      `resource "${resource}": processing_steps[${index}] (${kind}) threw: ${cause instanceof Error ? cause.message : String(cause)}`,
      { code: 'PROCESSING_STEP_FAILED', retriable: false, cause, context: { resource, step: index } },
    );
  // One try/catch per page rather than per record keeps the hot loop free of extra closures.
  if (kind === 'filter') {
    const keep = fn as (r: Row) => boolean;
    return (records) => {
      try {
        return records.filter((r) => keep(r as Row));
      } catch (e) {
        throw fail(e);
      }
    };
  }
  if (kind === 'map') {
    const map = fn as (r: Row) => Row;
    return (records) => {
      try {
        return records.map((r) => map(r as Row));
      } catch (e) {
        throw fail(e);
      }
    };
  }
  const expand = fn as (r: Row) => Iterable<Row>;
  return (records) => {
    try {
      const out: unknown[] = [];
      for (const r of records) for (const produced of expand(r as Row)) out.push(produced);
      return out;
    } catch (e) {
      throw fail(e);
    }
  };
}
