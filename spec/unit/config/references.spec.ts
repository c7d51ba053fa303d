/**
 * Errors about dependent resources name the resource, and its parent when it has one: a path
 * such as `resources[2].endpoint` alone makes the reader count resources (issue 13).
 */
import { validateConfig } from '../../../lib/config/validate';
import type { Issue } from '../../../lib/config/validator';
import { ConfigError } from '../../../lib/errors';

const client = { base_url: 'https://api.example.com' };

function issues(resources: unknown[]): Issue[] {
  try {
    validateConfig({ client, resources }, { env: {} });
  } catch (error) {
    if (error instanceof ConfigError) return error.context.issues as Issue[];
    throw error;
  }
  throw new Error('expected a ConfigError');
}

it.each<[string, unknown[], Pick<Issue, 'path' | 'message'>]>([
  [
    'several parents',
    ['incidents', 'services', { name: 'notes', endpoint: { path: 'notes/{resources.incidents.id}', params: { s: '{resources.services.id}' } } }],
    { path: 'resources[2].endpoint', message: 'resource "notes" has several parent resources (incidents, services); a resource has exactly one parent' },
  ],
  [
    'a parent that does not exist',
    ['incidents', { name: 'notes', endpoint: 'incident/{resources.incident.id}/notes' }],
    { path: 'resources[1].endpoint', message: 'resource "notes": parent resource "incident" does not exist; known: incidents, notes; did you mean "incidents"?' },
  ],
  [
    'a placeholder of a child',
    ['incidents', { name: 'notes', endpoint: { path: 'incidents/{resources.incidents.id}/notes', params: { since: '{incremental.start_value}' } } }],
    { path: 'resources[1].endpoint.params.since', message: 'resource "notes" (child of "incidents"): placeholder "{incremental.start_value}" needs endpoint.incremental' },
  ],
  [
    'a resolve param not bound in the path',
    ['incidents', { name: 'notes', endpoint: { path: 'notes', params: { incident_id: { type: 'resolve', resource: 'incidents', field: 'id' } } } }],
    { path: 'resources[1].endpoint.params.incident_id', message: 'resource "notes" (child of "incidents"): resolve param "incident_id" is not bound in path "notes"; add {incident_id} to the path' },
  ],
  [
    'include_from_parent without a parent',
    [{ name: 'notes', endpoint: 'notes', include_from_parent: ['id'] }],
    { path: 'resources[0].include_from_parent', message: 'resource "notes": include_from_parent needs a parent resource (a {resources.<parent>.<field>} placeholder in the endpoint)' },
  ],
])('%s: the message names the resource (and its parent)', (_name, resources, expected) => {
  expect(issues(resources)).toEqual([expect.objectContaining(expected)]);
});
