/**
 * What `rest2kafka status` reports, built from the two places a fleet leaves its traces: the
 * state topic (what each resource last committed) and the coordination group (which instance
 * holds which unit now). Pure: the command reads Kafka, this file only joins the two.
 */
import { AssignerProtocol, type GroupDescription } from 'kafkajs';
import type { CoordinationMode, JsonValue } from '../config/types';
import type { ResourceState } from '../state/checkpoint';
import type { WorkUnit } from './units';

/** One live member of the coordination group and the coordination partitions it was assigned. */
export interface GroupMember {
  /** `host:pid` (membership.ts `instanceName()`), or the raw client id of a client that is not rest2kafka's. */
  instance: string;
  partitions: number[];
}

export interface GroupView {
  /** Kafka's group state: `Stable`, `Empty` (no member), `PreparingRebalance`, `Dead` (never joined), … */
  state: string;
  members: GroupMember[];
}

export interface RunStatus {
  id: string;
  started_at: string;
  /** Pages committed so far. */
  pages: number;
  /** Pages the API said the resource has; null when it did not say. */
  expected_pages: number | null;
  records: number;
  /** Null in states written before dead letters were counted. */
  dead_lettered: number | null;
}

export interface LastRunStatus {
  id: string;
  finished_at: string;
  full_refresh: boolean;
  pages: number;
  records: number;
  dead_lettered: number | null;
}

export interface ResourceStatus {
  resource: string;
  /** The unit that runs it: the resource's root in `distributed`, the pipeline otherwise. */
  unit: string;
  /** The instance the group assigned the unit to; null when none holds it. */
  owner: string | null;
  /** When its last run completed; null when none ever did. */
  last_sync: string | null;
  /** The committed incremental cursor (`last_value`); null for a resource without one. */
  cursor: JsonValue;
  /** A run committed part of its pages and has not completed: in progress, or interrupted when no instance holds it. */
  run: RunStatus | null;
  last_run: LastRunStatus | null;
}

export interface PipelineStatus {
  pipeline: string;
  coordination: { mode: CoordinationMode; group_id: string; group_state: string; instances: { instance: string; units: string[] }[] };
  resources: ResourceStatus[];
}

/**
 * The group's live members with their assignments decoded. `clientIdPrefix` is the pipeline's
 * `kafka.client_id`: `run` joins as `<client_id>:<host>:<pid>`, and the prefix adds nothing to
 * an operator looking for a process.
 *
 * @example groupView(description, 'orders.coordination', 'rest2kafka') // → { state: 'Stable', members: [{ instance: 'web-1:4242', partitions: [0] }] }
 */
export function groupView(description: GroupDescription, topic: string, clientIdPrefix: string): GroupView {
  const prefix = `${clientIdPrefix}:`;
  return {
    state: description.state,
    members: description.members.map((m) => ({
      instance: m.clientId.startsWith(prefix) ? m.clientId.slice(prefix.length) : m.clientId,
      // Empty while the group rebalances: kafkajs decodes that to null.
      partitions: [...(AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment[topic] ?? [])].sort((a, b) => a - b),
    })),
  };
}

export interface StatusInput {
  pipeline: string;
  coordination: { mode: CoordinationMode; group_id: string };
  units: readonly WorkUnit[];
  states: ReadonlyMap<string, ResourceState>;
  /** Null with `coordination.mode: none`: no group to ask. */
  group: GroupView | null;
}

/**
 * Joins states and group into one row per resource of the units, in the units' order.
 *
 * @example pipelineStatus({ pipeline: 'orders', coordination, units, states, group }).resources[0].owner // → 'web-1:4242'
 */
export function pipelineStatus(input: StatusInput): PipelineStatus {
  const members = input.group?.members ?? [];
  const ownerOf = (unit: WorkUnit): string | null => members.find((m) => m.partitions.includes(unit.partition))?.instance ?? null;
  const unitName = (partition: number): string => input.units.find((u) => u.partition === partition)?.name ?? `partition ${partition}`;
  return {
    pipeline: input.pipeline,
    coordination: {
      mode: input.coordination.mode,
      group_id: input.coordination.group_id,
      group_state: input.group?.state ?? 'none',
      instances: members.map((m) => ({ instance: m.instance, units: m.partitions.map(unitName) })),
    },
    resources: input.units.flatMap((unit) => unit.resources.map((resource) => resourceStatus(resource, unit.name, ownerOf(unit), input.states.get(resource)))),
  };
}

function resourceStatus(resource: string, unit: string, owner: string | null, state: ResourceState | undefined): ResourceStatus {
  const last = state?.last_completed_run ?? null;
  const run = state?.run ?? null;
  return {
    resource,
    unit,
    owner,
    last_sync: last?.finished_at ?? null,
    cursor: (state?.incremental as { last_value?: JsonValue } | null | undefined)?.last_value ?? null,
    run: run && {
      id: run.id,
      started_at: run.started_at,
      pages: run.pages,
      expected_pages: run.expected_pages ?? null,
      records: run.records,
      dead_lettered: run.dead_lettered ?? null,
    },
    last_run: last && { id: last.id, finished_at: last.finished_at, full_refresh: last.full_refresh, pages: last.pages, records: last.records, dead_lettered: last.dead_lettered ?? null },
  };
}
