/**
 * `GET /v1/alerts`: every live incident's alerts (one to three each), in id order, paged by an
 * opaque cursor with no total, as incident.io's and PagerDuty's cursor endpoints page.
 */
import { type AlertPosition, encodeCursor } from './cursor';
import { alertId, incidentId } from './naming';
import { pick, rngFor } from './random';
import { recordAt, type ResourceState } from './state';
import { isoSeconds } from './timeline';
import type { Alert, AlertSeverity, Incident } from './types';
import { rankBelow, sliceView, viewOf } from './view';
import { SYMPTOMS } from './vocabulary';

const SALT = 0xa1e7;
const SEVERITIES: readonly AlertSeverity[] = ['critical', 'error', 'error', 'warning', 'warning', 'info'];

export interface AlertsQuery {
  /** `null`: from the first alert. */
  after: AlertPosition | null;
  limit: number;
}

/**
 * The alerts grouped into `incident` (index `index`): how many and what they say come from the
 * seed; `service_id` and `status` follow the incident as it is now, so an update shows here too.
 *
 * @example alertsOf(1, 0, incident).map((a) => a.id) // ['ALR00000001-1', …]
 */
export function alertsOf(seed: number, index: number, incident: Incident): Alert[] {
  const rng = rngFor(seed, index, SALT);
  const r = rng();
  const count = r < 0.6 ? 1 : r < 0.9 ? 2 : 3;
  const createdAt = Date.parse(incident.created_at) / 1000;
  return Array.from({ length: count }, (_, j) => ({
    id: alertId(index, j),
    incident_id: incidentId(index),
    service_id: incident.service_id,
    severity: pick(rng, SEVERITIES),
    status: incident.status === 'resolved' ? 'resolved' : 'triggered',
    summary: pick(rng, SYMPTOMS),
    created_at: isoSeconds(createdAt + j * 90),
  }));
}

/**
 * The body `{"data": [...], "next_cursor": "…" | null, "limit": L}`: `next_cursor` is `null`
 * on the last page, which is never an empty page unless there are no alerts at all.
 *
 * @example renderAlertsPage(sim.state('incidents'), { after: null, limit: 100 })
 */
export function renderAlertsPage(incidents: ResourceState, query: AlertsQuery): string {
  const { after, limit } = query;
  const view = viewOf(incidents, { sort: 'id', since: null });
  const from = after === null ? 0 : rankBelow(view, after.index);
  // One alert more than the page tells whether another page follows. Every incident has an
  // alert, so those limit + 1 lie within the cursor's own incident and the limit + 1 after it.
  const picked: { alert: Alert; position: AlertPosition }[] = [];
  for (const index of sliceView(view, from, limit + 2)) {
    alertsOf(incidents.dataset.seed, index, recordAt(incidents, index) as Incident).forEach((alert, seq) => {
      if (after === null || index > after.index || seq > after.seq) picked.push({ alert, position: { index, seq } });
    });
    if (picked.length > limit) break;
  }
  const page = picked.slice(0, limit);
  const last = page.at(-1);
  const next = picked.length > limit && last ? encodeCursor(last.position) : null;
  return `{"data":[${page.map((p) => JSON.stringify(p.alert)).join(',')}],"next_cursor":${JSON.stringify(next)},"limit":${limit}}`;
}
