/** Run plans for extraction without stored state (preview, check, dry runs of new pipelines). */
import type { ResolvedResource } from '../config/types';
import { createIncrementalFilter } from '../incremental/filter';
import { incrementalParamOf } from '../incremental/forms';
import type { ResourcePlan } from '../pipeline';

/** Each resource starts from its configured `initial_value`, as a first dlt run would. */
export function freshPlans(resources: readonly ResolvedResource[]): Map<string, ResourcePlan> {
  return new Map(
    resources.map((r) => {
      const incremental = incrementalParamOf(r);
      return [r.name, { incremental: incremental ? createIncrementalFilter(incremental.config, null, r.primaryKey, { resource: r.name, dependent: r.parent !== null }) : null }];
    }),
  );
}
