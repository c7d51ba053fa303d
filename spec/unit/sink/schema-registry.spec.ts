import { SchemaRegistryError } from '../../../lib/errors';
import { redact } from '../../../lib/secrets/redact';
import { clearSecrets, registerSecrets } from '../../../lib/secrets/registry';
import { createSchemaRegistry, subjectName } from '../../../lib/sink/schema-registry';

type Answer = { status: number; body?: unknown } | Error;

/** A fetch that answers from a script and records the requests. */
function scriptedFetch(answers: Answer[]) {
  const requests: { url: string; method: string; headers: Record<string, string>; body?: unknown }[] = [];
  const fake = (async (url: string, init: RequestInit) => {
    requests.push({ url, method: init.method ?? 'GET', headers: init.headers as Record<string, string>, body: init.body === undefined ? undefined : JSON.parse(String(init.body)) });
    const answer = answers.shift();
    if (!answer) throw new Error('no more answers');
    if (answer instanceof Error) throw answer;
    return new Response(answer.body === undefined ? '' : JSON.stringify(answer.body), { status: answer.status });
  }) as unknown as typeof fetch;
  return { fake, requests };
}

const SCHEMA = { type: 'record', name: 'incidents', namespace: 'pd', fields: [{ name: 'id', type: 'string' }] };
const refused = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });

async function failure(work: Promise<unknown>): Promise<SchemaRegistryError> {
  const error = await work.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(SchemaRegistryError);
  expect((error as SchemaRegistryError).exitCode).toBe(8);
  return error as SchemaRegistryError;
}

describe('subjectName', () => {
  it.each([
    ['topic', 'prod.incidents-value'],
    ['record', 'pd.incidents'],
    ['topic_record', 'prod.incidents-pd.incidents'],
  ] as const)('%s → %s', (strategy, subject) => {
    expect(subjectName(strategy, 'prod.incidents', SCHEMA)).toBe(subject);
  });

  it('a dotted name is already full', () => {
    expect(subjectName('record', 't', { name: 'a.b.C', namespace: 'ignored' })).toBe('a.b.C');
  });
});

describe('createSchemaRegistry', () => {
  afterEach(clearSecrets);
  const options = (fake: typeof fetch) => ({ fetch: fake, backoffMs: () => 0 });

  it('registers the schema text under the subject, with basic auth, and returns the id', async () => {
    const { fake, requests } = scriptedFetch([{ status: 200, body: { id: 7 } }]);
    const registry = createSchemaRegistry({ url: 'http://sr:8081/apis/ccompat/v7/', username: 'u', password: 'p' }, options(fake));
    expect(await registry.register('t-value', SCHEMA)).toBe(7);
    expect(requests[0]).toMatchObject({ method: 'POST', url: 'http://sr:8081/apis/ccompat/v7/subjects/t-value/versions', body: { schema: JSON.stringify(SCHEMA) } });
    expect(requests[0].headers.authorization).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
  });

  it('an incompatible schema (409) names the subject and the reason the compatibility check gives', async () => {
    const { fake, requests } = scriptedFetch([
      { status: 409, body: { error_code: 409, message: 'Schema being registered is incompatible with an earlier schema' } },
      { status: 200, body: { is_compatible: false, messages: ["READER_FIELD_MISSING_DEFAULT_VALUE: the new field 'urgency' has no default"] } },
    ]);
    const error = await failure(createSchemaRegistry({ url: 'http://sr' }, options(fake)).register('t-value', SCHEMA));
    expect(error.code).toBe('REGISTRY_INCOMPATIBLE');
    expect(error.message).toContain('the schema for subject "t-value" is incompatible');
    expect(error.message).toContain("the new field 'urgency' has no default");
    expect(error.message).toContain('Nothing was published');
    expect(requests[1].url).toBe('http://sr/compatibility/subjects/t-value/versions/latest?verbose=true');
  });

  it("an incompatible schema: Apicurio's reason", async () => {
    const { fake } = scriptedFetch([{ status: 409, body: { error_code: 0, message: 'Incompatible artifact' } }, { status: 200, body: { is_compatible: false, reason: 'Causes: b at /fields/1' } }]);
    const error = await failure(createSchemaRegistry({ url: 'http://sr' }, options(fake)).register('t-value', SCHEMA));
    expect(error.message).toContain('compatibility level: Causes: b at /fields/1.');
  });

  it('an incompatible schema without a reason says what the 409 said', async () => {
    const { fake } = scriptedFetch([{ status: 409, body: { error_code: 0, message: 'Incompatible artifact' } }, { status: 200, body: { is_compatible: false, reason: null } }]);
    const error = await failure(createSchemaRegistry({ url: 'http://sr' }, options(fake)).register('t-value', SCHEMA));
    expect(error.message).toContain('subject "t-value" is incompatible with its earlier versions under the subject\'s compatibility level: Incompatible artifact.');
  });

  it.each([401, 403])('%i is REGISTRY_AUTH_FAILED and never shows the password', async (status) => {
    registerSecrets('hunter2-registry');
    const { fake, requests } = scriptedFetch([{ status, body: { error_code: status, message: 'Unauthorized' } }]);
    const error = await failure(createSchemaRegistry({ url: 'http://sr', username: 'u', password: 'hunter2-registry' }, options(fake)).register('t-value', SCHEMA));
    expect(error.code).toBe('REGISTRY_AUTH_FAILED');
    expect(error.retriable).toBe(false);
    expect(error.message).toContain('check delivery.schema_registry.username and password');
    expect(requests).toHaveLength(1);
    expect(redact(JSON.stringify({ message: error.message, context: error.context }))).not.toContain('hunter2');
  });

  it('a 5xx is retried, then REGISTRY_SERVER_ERROR with the attempts', async () => {
    const { fake, requests } = scriptedFetch([{ status: 503, body: { message: 'busy' } }, { status: 500, body: { message: 'storage down' } }, { status: 502, body: { message: 'bad gateway' } }]);
    const error = await failure(createSchemaRegistry({ url: 'http://sr' }, options(fake)).register('t-value', SCHEMA));
    expect(error.code).toBe('REGISTRY_SERVER_ERROR');
    expect(error.retriable).toBe(true);
    expect(error.message).toContain('failed with HTTP 502 (3 attempts): bad gateway');
    expect(requests).toHaveLength(3);
  });

  it('a 5xx then a success registers', async () => {
    const { fake } = scriptedFetch([{ status: 503 }, { status: 200, body: { id: 3 } }]);
    expect(await createSchemaRegistry({ url: 'http://sr' }, options(fake)).register('t-value', SCHEMA)).toBe(3);
  });

  it('an unreachable registry is REGISTRY_UNREACHABLE with the socket error and the attempts', async () => {
    const { fake } = scriptedFetch([refused, refused, refused]);
    const error = await failure(createSchemaRegistry({ url: 'http://127.0.0.1:1' }, options(fake)).register('t-value', SCHEMA));
    expect(error.code).toBe('REGISTRY_UNREACHABLE');
    expect(error.message).toBe('registering the schema of subject "t-value": the Schema Registry at http://127.0.0.1:1 did not answer (ECONNREFUSED, 3 attempts). Is it running, and is delivery.schema_registry.url its Confluent API base URL?');
  });

  it('a 404 hints at the base URL; a 422 is REGISTRY_REJECTED with the registry message', async () => {
    const { fake } = scriptedFetch([{ status: 404, body: { error_code: 404, message: 'HTTP 404 Not Found' } }, { status: 422, body: { error_code: 42201, message: 'Invalid schema' } }]);
    const registry = createSchemaRegistry({ url: 'http://sr' }, options(fake));
    expect((await failure(registry.register('t-value', SCHEMA))).message).toContain('Apicurio: …/apis/ccompat/v7');
    const rejected = await failure(registry.register('t-value', SCHEMA));
    expect(rejected.code).toBe('REGISTRY_REJECTED');
    expect(rejected.message).toContain('HTTP 422, error 42201): Invalid schema');
  });

  it('fetches a schema by id once', async () => {
    const { fake, requests } = scriptedFetch([{ status: 200, body: { schema: JSON.stringify(SCHEMA) } }]);
    const registry = createSchemaRegistry({ url: 'http://sr' }, options(fake));
    expect(await registry.schemaById(5)).toEqual(SCHEMA);
    expect(await registry.schemaById(5)).toEqual(SCHEMA);
    expect(requests.map((r) => r.url)).toEqual(['http://sr/schemas/ids/5']);
  });
});
