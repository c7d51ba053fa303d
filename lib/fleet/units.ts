/**
 * The units of work a fleet of instances shares, and the coordination-topic partition each one
 * is. Pure, so every instance (and `status`) derives the same mapping from the same config.
 */
import type { PipelineConfig, ResolvedResource } from '../config/types';

export interface WorkUnit {
  /** The root resource's name (`pipeline` for the single unit of `standby`). */
  name: string;
  /** The coordination topic's partition that stands for this unit. */
  partition: number;
  /** The resources this unit publishes (`--resource` names for its runs). */
  resources: string[];
  /** Its producer's transactional id: a unit that moves fences its old owner. */
  transactionalId: string;
}

/**
 * `standby`: one unit holding every wanted resource, under the pipeline's transactional id.
 * `distributed`: one unit per root resource with the wanted resources that descend from it
 * (a parent drives its children, so they cannot run apart), sorted by name so every instance
 * numbers them alike.
 *
 * @example workUnits(pipeline, resources, wanted) // → [{ name: 'incidents', partition: 0, resources: ['incidents', 'log_entries'], … }]
 */
export function workUnits(pipeline: PipelineConfig, resources: readonly ResolvedResource[], wanted: readonly ResolvedResource[]): WorkUnit[] {
  const baseId = pipeline.delivery.transactional_id;
  if (pipeline.coordination.mode !== 'distributed') {
    return [{ name: pipeline.pipeline_name, partition: 0, resources: wanted.map((r) => r.name), transactionalId: baseId }];
  }
  const byName = new Map(resources.map((r) => [r.name, r]));
  const rootOf = (r: ResolvedResource): string => {
    let at = r;
    while (at.parent !== null && byName.has(at.parent)) at = byName.get(at.parent)!;
    return at.name;
  };
  const groups = new Map<string, string[]>();
  for (const r of wanted) groups.set(rootOf(r), [...(groups.get(rootOf(r)) ?? []), r.name]);
  return [...groups.keys()].sort().map((root, partition) => ({ name: root, partition, resources: groups.get(root)!, transactionalId: `${baseId}-${root}` }));
}
