/**
 * The seed's pipeline as a TypeScript module config: what JSON/YAML cannot say — functions.
 * Incidents are loaded incrementally on `updated_at` (the API filters with `updated_since`),
 * and a processing step trims a field before records are keyed and published.
 *
 *   API_KEY=demo-key npx rest2kafka run --config examples/pipeline.ts
 *
 * The README's "Incremental loading" section walks through it against the simulator.
 */
import { secret } from '../lib/config/secrets';

const offset = { type: 'offset', limit: 100 } as const;
// PIPELINE_NAME runs another copy beside this one, with its own state and topics (the test of
// the README's walk-through does).
const name = process.env.PIPELINE_NAME ?? 'incidents-incremental';

export default {
  pipeline_name: name,
  source: {
    client: {
      base_url: process.env.BASE_URL ?? 'http://127.0.0.1:8080',
      auth: { type: 'api_key', name: 'api_key', api_key: secret('api_key'), location: 'query' },
    },
    resource_defaults: { primary_key: 'id', write_disposition: 'merge' },
    resources: [
      {
        name: 'incidents',
        endpoint: {
          path: '/v1/incidents',
          data_selector: 'data',
          paginator: offset,
          // Oldest changes first, so the cursor only moves forward page by page.
          params: { sort: 'updated_at' },
          incremental: { cursor_path: 'updated_at', initial_value: '2024-01-01T00:00:00Z', start_param: 'updated_since' },
        },
        processing_steps: [
          { map: (incident: Record<string, unknown>) => ({ ...incident, title: String(incident.title ?? '').trim() }) },
        ],
      },
      { name: 'services', endpoint: { path: '/v1/services', data_selector: 'data', paginator: offset } },
    ],
  },
  // Its own topics (incidents-incremental.incidents, …): without a prefix they would be
  // `incidents` and `services`, the topics of examples/pipeline.yaml.
  topics: { prefix: `${name}.` },
  delivery: { schemas_dir: '../schemas' },
};
