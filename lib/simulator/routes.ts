/**
 * The data endpoints under `/v1/`, by path pattern: how each reads its query and renders its
 * page. Authentication, the rate limit, faults and latency are the same for all of them and
 * live in `data-endpoints.ts`.
 */
import { renderAlertsPage } from './alerts';
import { renderLogEntriesPage } from './log-entries';
import { indexOfId } from './naming';
import { parseAlertsQuery, parseListQuery, parsePaging, type Parsed } from './query';
import type { Simulator } from './simulator';
import { isLive } from './state';
import type { ResourceName } from './types';

/** A request that passed validation renders its page when answered (after any latency). */
export type Prepared = { ok: true; page: () => string } | { ok: false; status: 400 | 404; code: string; message: string; extra?: Record<string, unknown> };

interface Route {
  /** The path as documented; also the key requests are counted under in the stats. */
  template: string;
  pattern: RegExp;
  prepare(sim: Simulator, params: URLSearchParams, match: RegExpExecArray): Prepared;
}

function validated<Q>(parsed: Parsed<Q>, page: (query: Q) => string): Prepared {
  if (!parsed.ok) return { ok: false, status: 400, code: 'invalid_parameter', message: parsed.problem.message, extra: { parameter: parsed.problem.parameter } };
  return { ok: true, page: () => page(parsed.query) };
}

// The current state is read when the page is rendered, so a mutation during the latency shows.
const list = (resource: ResourceName): Route => ({
  template: `/v1/${resource}`,
  pattern: new RegExp(`^/v1/${resource}$`),
  prepare: (sim, params) => validated(parseListQuery(params), (query) => sim.page(resource, query)),
});

const ROUTES: readonly Route[] = [
  list('incidents'),
  list('services'),
  {
    template: '/v1/incidents/{id}/log_entries',
    pattern: /^\/v1\/incidents\/([^/]+)\/log_entries$/,
    prepare(sim, params, match) {
      const id = match[1] as string;
      // The incident is looked up when the request arrives; its entries are rendered from that
      // same state, so an incident deleted during the latency still answers this request.
      const incidents = sim.state('incidents');
      const index = indexOfId(incidents.spec.idPrefix, id);
      if (index === null || incidents.spec.idOf(index) !== id || !isLive(incidents, index)) return { ok: false, status: 404, code: 'not_found', message: `no incident ${JSON.stringify(id)}` };
      return validated(parsePaging(params), (paging) => renderLogEntriesPage(incidents, index, paging));
    },
  },
  {
    template: '/v1/alerts',
    pattern: /^\/v1\/alerts$/,
    prepare: (sim, params) => validated(parseAlertsQuery(params), (query) => renderAlertsPage(sim.state('incidents'), query)),
  },
];

/** The documented paths, for the 404 of an unknown one. */
export const ROUTE_TEMPLATES: readonly string[] = ROUTES.map((r) => r.template);

/**
 * The route `path` names and how to prepare a request to it, or `null` for an unknown path.
 *
 * @example findRoute('/v1/incidents/INC00000001/log_entries')?.template // '/v1/incidents/{id}/log_entries'
 */
export function findRoute(path: string): { template: string; prepare: (sim: Simulator, params: URLSearchParams) => Prepared } | null {
  for (const route of ROUTES) {
    const match = route.pattern.exec(path);
    if (match) return { template: route.template, prepare: (sim, params) => route.prepare(sim, params, match) };
  }
  return null;
}
