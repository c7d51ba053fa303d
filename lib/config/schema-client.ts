/**
 * Field tables for `client`, auth and paginators (dlt-rest-api.md §2–§4), with dlt's
 * shorthands normalised to their object forms.
 */
import { hasTemplate } from './interpolate';
import {
  INVALID, arrayOf, join, bool, byType, fn, int, num, nullable, object, oneOf, recordOf, report, required, str, tagged,
  type Ctx, type Spec,
} from './validator';
import { isPlainObject, isSecretRef, maskSecret } from './values';

/**
 * A secret string field (token, api_key, password, ...): masked in messages; a literal value
 * is collected for redaction and draws a warning that names the path, never the value.
 */
export function secretString(): Spec {
  const spec = str({ secret: true });
  return (value, path, ctx) => {
    const out = spec(value, path, ctx);
    if (typeof out === 'string' && out !== '' && !hasTemplate(out)) {
      ctx.secrets.push(out);
      const name = path.split(/[.[\]"]+/).filter(Boolean).pop() ?? 'secret';
      ctx.warnings.push(
        `${path}: a literal secret is written in the config file; reference it instead with { "$secret": "${name}" } ` +
          `(secret('${name}') in a module config) and set ${name.toUpperCase()} in the environment or ${name} in .dlt/secrets.toml`,
      );
    }
    return out;
  };
}

/** A field name, key or type tag: a literal string (no secret reference, no `${}`). */
export const literal = (options: { nonEmpty?: boolean } = {}): Spec => {
  const spec = str(options);
  return (value, path, ctx) => {
    if (isSecretRef(value) || (typeof value === 'string' && value.includes('${'))) {
      return report(ctx, path, 'CONFIG_VALUE', 'must be a literal string (no secret reference or ${} template)');
    }
    return spec(value, path, ctx);
  };
};

const typeTag = (name: string): Spec => oneOf([name], 'this type');

// ---------------------------------------------------------------- auth

export const AUTH_TYPES = ['bearer', 'api_key', 'http_basic', 'oauth2_client_credentials'] as const;

const authVariants: Record<string, Spec> = {
  bearer: object('a bearer auth object', { type: typeTag('bearer'), token: secretString() }),
  api_key: object('an api_key auth object', {
    type: typeTag('api_key'),
    name: str({ nonEmpty: true }),
    api_key: secretString(),
    location: oneOf(['header', 'query', 'param', 'cookie'], 'an api_key location'),
  }),
  http_basic: object('an http_basic auth object', { type: typeTag('http_basic'), username: str(), password: secretString() }),
  oauth2_client_credentials: object('an oauth2_client_credentials auth object', {
    type: typeTag('oauth2_client_credentials'),
    access_token_url: str({ nonEmpty: true }),
    client_id: str(),
    client_secret: secretString(),
    access_token_request_data: recordOf(str()),
    default_token_expiration: num({ min: 0 }),
    access_token: secretString(),
  }, { unsupported: { session: 'the token request uses rest2kafka\'s HTTP client' } }),
};

/** A module config's own auth: anything with an `apply` method (a plain object or a class instance). */
const customAuth: Spec = (value, path, ctx) => {
  const holder = value as { apply: unknown };
  if (fn(holder.apply, join(path, 'apply'), ctx) === INVALID) return INVALID;
  return { type: 'custom', apply: (holder.apply as (r: unknown) => unknown).bind(value) };
};
const authObject = tagged('an auth type', authVariants, { defaultType: 'bearer' });

/** A type name alone: every field then comes from dlt's credentials secrets. */
const authShorthand: Spec = (value, path, ctx) => {
  if (typeof value !== 'string') return report(ctx, path, 'CONFIG_TYPE', 'expected an auth type name or object, got a secret reference');
  if ((AUTH_TYPES as readonly string[]).includes(value)) return { type: value };
  // The value may be a pasted token: never echo it.
  return report(ctx, path, 'CONFIG_ENUM', `"${maskSecret(value)}" is not an auth type; known: ${AUTH_TYPES.join(', ')}`);
};

/** `auth`: a type name, an object (no `type` = bearer), or — in module configs — anything with `apply`. */
export const auth: Spec = nullable(
  byType(
    {
      string: authShorthand,
      object: (value, path, ctx) => ('apply' in (value as object) ? customAuth(value, path, ctx) : authObject(value, path, ctx)),
    },
    'an auth type name or object',
  ),
);

// ---------------------------------------------------------------- paginators

export const PAGINATOR_TYPES = ['offset', 'page_number', 'cursor', 'json_link', 'header_link', 'header_cursor', 'single_page', 'auto'] as const;
const PAGINATOR_ALIASES = { json_response: 'json_link' };

const optionalName = nullable(str({ nonEmpty: true }));
const rangeCommon = { total_path: nullable(str()), stop_after_empty_page: bool, has_more_path: nullable(str()) };

/** dlt refuses a range paginator that can never stop, and a value sent in two places. */
function rangeCheck(counter: 'offset' | 'page', maximum: string, pairs: [string, string][]) {
  return (p: Record<string, unknown>, path: string, ctx: Ctx): void => {
    const noStop = p.total_path === null && p[maximum] == null && p.has_more_path == null && p.stop_after_empty_page === false;
    if (noStop) {
      report(ctx, path, 'CONFIG_CONFLICT',
        `${counter === 'offset' ? 'offset' : 'page_number'} paginator has no stop condition: set total_path, ${maximum}, has_more_path or stop_after_empty_page: true`);
    }
    for (const [param, body] of pairs) {
      if (p[param] != null && p[body] != null) report(ctx, path, 'CONFIG_CONFLICT', `set ${param} or ${body}, not both`);
    }
  };
}

const paginatorVariants: Record<string, Spec> = {
  offset: object('an offset paginator object', {
    type: typeTag('offset'),
    limit: required(int({ min: 1 })),
    offset: int({ min: 0 }),
    offset_param: optionalName,
    offset_body_path: optionalName,
    limit_param: optionalName,
    limit_body_path: optionalName,
    maximum_offset: nullable(int({ min: 0 })),
    ...rangeCommon,
  }, { check: rangeCheck('offset', 'maximum_offset', [['offset_param', 'offset_body_path'], ['limit_param', 'limit_body_path']]) }),
  page_number: object('a page_number paginator object', {
    type: typeTag('page_number'),
    base_page: int({ min: 0 }),
    page: nullable(int({ min: 0 })),
    page_param: optionalName,
    page_body_path: optionalName,
    maximum_page: nullable(int({ min: 0 })),
    ...rangeCommon,
  }, { check: rangeCheck('page', 'maximum_page', [['page_param', 'page_body_path']]) }),
  cursor: object('a cursor paginator object', {
    type: typeTag('cursor'),
    cursor_path: str({ nonEmpty: true }),
    cursor_param: optionalName,
    cursor_body_path: optionalName,
    stop_after_empty_page: bool,
    has_more_path: nullable(str()),
  }, {
    check: (p, path, ctx) => {
      if (p.cursor_param != null && p.cursor_body_path != null) report(ctx, path, 'CONFIG_CONFLICT', 'set cursor_param or cursor_body_path, not both');
    },
  }),
  json_link: object('a json_link paginator object', { type: typeTag('json_link'), next_url_path: str({ nonEmpty: true }) }),
  header_link: object('a header_link paginator object', { type: typeTag('header_link'), links_next_key: str({ nonEmpty: true }) }),
  header_cursor: object('a header_cursor paginator object', {
    type: typeTag('header_cursor'),
    cursor_key: str({ nonEmpty: true }),
    cursor_param: str({ nonEmpty: true }),
  }),
  single_page: object('a single_page paginator object', { type: typeTag('single_page') }),
  auto: object('an auto paginator object', { type: typeTag('auto') }),
};

const paginatorObject = tagged('a paginator type', paginatorVariants, { aliases: PAGINATOR_ALIASES });

const paginatorShorthand: Spec = (value, path, ctx) => {
  if (value === 'offset') {
    return report(ctx, path, 'CONFIG_VALUE', '"offset" cannot be a shorthand because limit is required; write { type: offset, limit: <page size> }');
  }
  const known = (PAGINATOR_TYPES as readonly string[]).includes(value as string) || (value as string) in PAGINATOR_ALIASES;
  return known ? paginatorObject({ type: value }, path, ctx) : oneOf(PAGINATOR_TYPES, 'a paginator type')(value, path, ctx);
};

/** A module config's own paginator: an object with `first` and `next` functions. */
const customPaginator: Spec = (value, path, ctx) => {
  const p = value as Record<string, unknown>;
  for (const key of ['first', 'next']) if (fn(p[key], join(path, key), ctx) === INVALID) return INVALID;
  return { type: 'custom', paginator: value };
};

const deprecated = (spec: Spec): Spec => (value, path, ctx) => {
  const type = isPlainObject(value) ? value.type : value;
  if (type === 'json_response') ctx.warnings.push(`${path}: "json_response" is a deprecated alias of "json_link"`);
  return spec(value, path, ctx);
};

/** `paginator`: a type name, an object keyed on `type`, a custom paginator, or null. */
export const paginator: Spec = nullable(deprecated(
  byType(
    {
      string: paginatorShorthand,
      object: (value, path, ctx) => {
        if (isPlainObject(value) && value.type === 'custom') return customPaginator(value.paginator ?? {}, `${path}.paginator`, ctx);
        // An object with functions (or a class instance) implements lib/pagination/types.ts itself.
        const p = value as Record<string, unknown>;
        if (typeof p.first === 'function' || typeof p.next === 'function' || !isPlainObject(value)) return customPaginator(value, path, ctx);
        return paginatorObject(value, path, ctx);
      },
    },
    'a paginator type name or object',
  ),
));

// ---------------------------------------------------------------- client

export const client: Spec = object('a client object', {
  base_url: required(str()),
  headers: recordOf(str()),
  auth,
  paginator,
  timeout_ms: int({ min: 1 }),
  max_retries: int({ min: 0 }),
  backoff_factor: num({ min: 0 }),
  max_retry_delay_ms: int({ min: 0 }),
  retry_statuses: arrayOf(int({ min: 100, max: 599 })),
  page_concurrency: int({ min: 1 }),
  resource_concurrency: int({ min: 1 }),
  child_concurrency: int({ min: 1 }),
}, {
  unsupported: { session: 'rest2kafka uses its own HTTP client; set timeout_ms, max_retries, backoff_factor, max_retry_delay_ms and retry_statuses under client instead' },
});
