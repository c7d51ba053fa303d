/**
 * The simulated incident-management API's data model. Field order in these interfaces is the
 * order the JSON templates in `incidents.ts` / `services.ts` write, and the order
 * `JSON.stringify` writes for records built by the generators.
 */

/** The two list endpoints, `/v1/incidents` and `/v1/services`. */
export type ResourceName = 'incidents' | 'services';

export const RESOURCE_NAMES: readonly ResourceName[] = ['incidents', 'services'];

export type IncidentStatus = 'triggered' | 'acknowledged' | 'resolved';
export type ServiceStatus = 'active' | 'warning' | 'critical' | 'maintenance' | 'disabled';

/** A responder assigned to an incident. */
export interface Assignee {
  id: string;
  name: string;
  email: string;
}

export interface Incident {
  id: string;
  title: string;
  status: IncidentStatus;
  urgency: 'high' | 'low';
  priority: string | null;
  service_id: string;
  created_at: string;
  updated_at: string;
  /** Set if and only if `status` is `resolved`. */
  resolved_at: string | null;
  assignees: Assignee[];
  description: string | null;
}

export interface Team {
  id: string;
  name: string;
}

export interface Service {
  id: string;
  name: string;
  status: ServiceStatus;
  description: string | null;
  team: Team | null;
  created_at: string;
  updated_at: string;
}

/** Any record the simulator serves; every record has a string `id` and `updated_at`. */
export type SimRecord = Incident | Service;

export type LogEntryType = 'trigger' | 'notify' | 'acknowledge' | 'annotate' | 'escalate' | 'assign';

/**
 * One entry of `/v1/incidents/{id}/log_entries`. Entries are derived from their incident and
 * never change (an incident's history is append-only), so they carry no `updated_at`.
 */
export interface LogEntry {
  id: string;
  incident_id: string;
  type: LogEntryType;
  created_at: string;
  /** Who acted; `null` for what the system did on its own (the trigger, an escalation). */
  agent: Assignee | null;
  summary: string;
}

export type AlertSeverity = 'critical' | 'error' | 'warning' | 'info';

/** One record of `/v1/alerts`: a monitoring signal grouped into an incident. */
export interface Alert {
  id: string;
  incident_id: string;
  service_id: string;
  severity: AlertSeverity;
  /** `resolved` once its incident is, else `triggered`. */
  status: 'triggered' | 'resolved';
  summary: string;
  created_at: string;
}
