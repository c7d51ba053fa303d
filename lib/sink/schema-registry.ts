/**
 * A Confluent Schema Registry client: the three calls rest2kafka needs (register, compatibility
 * reason, schema by id), with each failure worded for the person running the pipeline and
 * mapped to a {@link SchemaRegistryError} code (exit 8).
 *
 * Why not a library: `@kafkajs/confluent-schema-registry` 4.x requires Node 22 and encodes
 * record by record (rest2kafka encodes whole pages into one buffer, see encode.ts), and
 * `@confluentinc/schemaregistry` brings the AWS, Azure, GCP and Vault KMS SDKs for client-side
 * field encryption rest2kafka does not use. Both would still need their errors re-worded.
 * API: https://docs.confluent.io/platform/current/schema-registry/develop/api.html
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { SchemaRegistryConfig, SubjectNameStrategy } from '../config/types';
import { SchemaRegistryError } from '../errors';
import { redact } from '../secrets/redact';

export interface SchemaRegistry {
  /**
   * Registers `schema` under `subject` and returns its id; an identical schema already there
   * keeps its id, a changed one becomes the subject's next version.
   *
   * @throws {SchemaRegistryError} REGISTRY_INCOMPATIBLE naming the subject and the reason, or any other failure.
   */
  register(subject: string, schema: object): Promise<number>;
  /** The writer schema with this id (cached: ids are immutable). */
  schemaById(id: number): Promise<object>;
}

export interface RegistryClientOptions {
  /** Per request. Default 10 s. */
  timeoutMs?: number;
  /** Attempts for an unreachable registry or a 5xx. Default 3. */
  attempts?: number;
  /** For tests. Default the global fetch. */
  fetch?: typeof fetch;
  /** Wait between attempts. Default 500 ms × attempt. */
  backoffMs?: (attempt: number) => number;
}

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/**
 * The subject a resource's value schema goes under.
 *
 * @example subjectName('topic', 'prod.incidents', { name: 'Incident', namespace: 'pd' }) // 'prod.incidents-value'
 */
export function subjectName(strategy: SubjectNameStrategy, topic: string, schema: object): string {
  const { name, namespace } = schema as { name?: string; namespace?: string };
  const fullName = name === undefined || name.includes('.') || !namespace ? String(name) : `${namespace}.${name}`;
  if (strategy === 'record') return fullName;
  if (strategy === 'topic_record') return `${topic}-${fullName}`;
  return `${topic}-value`;
}

/** @example const registry = createSchemaRegistry({ url: 'http://127.0.0.1:8081' }); await registry.register('t-value', schema) */
export function createSchemaRegistry(config: SchemaRegistryConfig, options: RegistryClientOptions = {}): SchemaRegistry {
  const base = config.url.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  const attempts = options.attempts ?? 3;
  const backoff = options.backoffMs ?? ((attempt: number) => 500 * attempt);
  const auth = config.username !== undefined || config.password !== undefined ? `Basic ${Buffer.from(`${config.username ?? ''}:${config.password ?? ''}`).toString('base64')}` : undefined;
  const byId = new Map<number, Promise<object>>();

  /** One call, retried while the registry is unreachable or answers 5xx. Resolves status and parsed body. */
  const call = async (method: 'GET' | 'POST', path: string, doing: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> => {
    const url = `${base}${path}`;
    let last: SchemaRegistryError | undefined;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) await sleep(backoff(attempt - 1));
      let response: Response;
      try {
        response = await doFetch(url, {
          method,
          headers: { accept: CONTENT_TYPE, ...(body === undefined ? {} : { 'content-type': CONTENT_TYPE }), ...(auth ? { authorization: auth } : {}) },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        });
      } catch (error) {
        // fetch's own message is "fetch failed"; the reason is in its cause (ECONNREFUSED, a timeout).
        const reason = (error as { cause?: { code?: string; message?: string } }).cause?.code ?? (error as Error).name;
        last = new SchemaRegistryError(`${doing}: the Schema Registry at ${redact(base)} did not answer (${reason}, ${attempt} attempt${attempt > 1 ? 's' : ''}). Is it running, and is delivery.schema_registry.url its Confluent API base URL?`, { code: 'REGISTRY_UNREACHABLE', retriable: true, cause: error, context: { url: redact(url) } });
        continue;
      }
      const text = await response.text();
      let json: Record<string, unknown> = {};
      try {
        json = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
      } catch {
        json = { message: text.slice(0, 200) };
      }
      if (response.status < 500) return { status: response.status, json };
      last = new SchemaRegistryError(`${doing}: the Schema Registry at ${redact(base)} failed with HTTP ${response.status} (${attempt} attempt${attempt > 1 ? 's' : ''}): ${redact(String(json.message ?? ''))}`, { code: 'REGISTRY_SERVER_ERROR', retriable: true, context: { url: redact(url), status: response.status } });
    }
    throw last!;
  };

  const refused = (status: number, json: Record<string, unknown>, doing: string, url: string): SchemaRegistryError => {
    const message = redact(String(json.message ?? ''));
    if (status === 401 || status === 403) {
      return new SchemaRegistryError(`${doing}: the Schema Registry at ${redact(base)} refused the credentials (HTTP ${status}): check delivery.schema_registry.username and password (or the secret it references)`, { code: 'REGISTRY_AUTH_FAILED', context: { url: redact(url), status } });
    }
    if (status === 404) return new SchemaRegistryError(`${doing}: not found (HTTP 404): ${message}. Is delivery.schema_registry.url the Confluent API base URL (Apicurio: …/apis/ccompat/v7)?`, { code: 'REGISTRY_NOT_FOUND', context: { url: redact(url), status } });
    return new SchemaRegistryError(`${doing}: the Schema Registry rejected it (HTTP ${status}, error ${String(json.error_code ?? '?')}): ${message}`, { code: 'REGISTRY_REJECTED', context: { url: redact(url), status } });
  };

  /**
   * Why `schema` is incompatible with the subject's latest version, as the registry explains it:
   * Confluent's verbose check lists `messages`, Apicurio gives a `reason`.
   */
  const incompatibility = async (subject: string, schema: string): Promise<string | undefined> => {
    const check = await call('POST', `/compatibility/subjects/${encodeURIComponent(subject)}/versions/latest?verbose=true`, `checking the compatibility of subject "${subject}"`, { schema }).catch(() => undefined);
    const { messages, reason } = check?.json ?? {};
    if (Array.isArray(messages) && messages.length > 0) return redact(messages.map(String).join('; '));
    return typeof reason === 'string' && reason !== '' ? redact(reason) : undefined;
  };

  return {
    async register(subject, schema) {
      const doing = `registering the schema of subject "${subject}"`;
      const text = JSON.stringify(schema);
      const path = `/subjects/${encodeURIComponent(subject)}/versions`;
      const { status, json } = await call('POST', path, doing, { schema: text });
      if (status === 200 && typeof json.id === 'number') return json.id;
      if (status === 409) {
        const reason = (await incompatibility(subject, text)) ?? redact(String(json.message ?? 'the registry gave no reason'));
        return Promise.reject(new SchemaRegistryError(`the schema for subject "${subject}" is incompatible with its earlier versions under the subject's compatibility level: ${reason}. Nothing was published. Make the change compatible (e.g. give new fields a default), or change the subject's compatibility level.`, { code: 'REGISTRY_INCOMPATIBLE', context: { subject } }));
      }
      return Promise.reject(refused(status, json, doing, `${base}${path}`));
    },
    schemaById(id) {
      let schema = byId.get(id);
      if (!schema) {
        const doing = `fetching schema id ${id}`;
        schema = call('GET', `/schemas/ids/${id}`, doing).then(({ status, json }) => {
          if (status === 200 && typeof json.schema === 'string') return JSON.parse(json.schema) as object;
          throw refused(status, json, doing, `${base}/schemas/ids/${id}`);
        });
        // A failed lookup is not cached: the next record may try again.
        schema.catch(() => byId.delete(id));
        byId.set(id, schema);
      }
      return schema;
    },
  };
}
