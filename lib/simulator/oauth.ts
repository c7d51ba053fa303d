/**
 * The simulator's OAuth2 client-credentials grant (RFC 6749 §4.4): client authentication by
 * form fields or HTTP Basic (§2.3.1), opaque bearer tokens with a lifetime, and their check on
 * data requests (RFC 6750). No HTTP here; `token-endpoint.ts` puts it behind `POST /oauth/token`.
 */
import { randomBytes } from 'node:crypto';
import type { FaultConfig } from './faults';

export interface OAuthOptions {
  clientId: string;
  clientSecret: string;
  /** Lifetime of issued tokens, sent as `expires_in`. Default 3600. */
  tokenTtlSeconds?: number;
  /**
   * Faults of the token endpoint, decided per token request (numbered from 1, every POST
   * counted) exactly as data faults are decided per data request.
   */
  faults?: FaultConfig;
}

/** The path of the token endpoint. */
export const TOKEN_PATH = '/oauth/token';

/**
 * Every issued token starts with this, so a test can find any leaked token, even one it never
 * saw, by searching for the prefix.
 */
export const ACCESS_TOKEN_PREFIX = 'sim-at-';

export const DEFAULT_TOKEN_TTL_SECONDS = 3600;

/** The answer to a token request: RFC 6749 §5.1 on success, §5.2 otherwise. */
export interface TokenAnswer {
  status: 200 | 400 | 401;
  body: Record<string, string | number>;
  headers: Record<string, string>;
}

/** What the data endpoints learn from an `Authorization` header. */
export type BearerCheck = 'valid' | 'expired' | 'unknown' | 'absent';

// Expired tokens are kept this long past expiry so that a late request is told "expired",
// then forgotten so that a long benchmark does not accumulate them.
const FORGET_AFTER_MS = 10 * 60_000;

/**
 * Issues and checks tokens over an injected millisecond clock.
 *
 * @example
 * const issuer = new OAuthIssuer({ clientId: 'id', clientSecret: 's' }, Date.now);
 * const answer = issuer.grant(undefined, new URLSearchParams('grant_type=client_credentials&client_id=id&client_secret=s'));
 * issuer.check(`Bearer ${answer.body.access_token}`); // 'valid'
 */
export class OAuthIssuer {
  private readonly tokens = new Map<string, number>();
  private readonly ttlMs: number;

  constructor(
    private readonly options: OAuthOptions,
    private readonly now: () => number,
  ) {
    this.ttlMs = (options.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS) * 1000;
  }

  /** Revokes every token. */
  reset(): void {
    this.tokens.clear();
  }

  /** Answers a token request given its `Authorization` header (if any) and its form body. */
  grant(authorization: string | undefined, form: URLSearchParams): TokenAnswer {
    const basic = parseBasic(authorization);
    if (basic && form.has('client_secret')) {
      // RFC 6749 §2.3: a client MUST NOT use more than one authentication method per request.
      return failure(400, 'invalid_request', 'the client authenticated twice (HTTP Basic and client_secret in the body); use one');
    }
    const authenticated = basic
      ? basic.ok && matches(basic.id, this.options.clientId) && matches(basic.secret, this.options.clientSecret)
      : form.get('client_id') === this.options.clientId && form.get('client_secret') === this.options.clientSecret;
    if (!authenticated) {
      // §5.2: a client that tried HTTP Basic gets the scheme it must use back.
      const headers: Record<string, string> = basic ? { 'www-authenticate': 'Basic realm="simulator"' } : {};
      return failure(401, 'invalid_client', 'client authentication failed', headers);
    }
    const grantType = form.get('grant_type');
    if (grantType === null) return failure(400, 'invalid_request', 'grant_type is missing');
    if (grantType !== 'client_credentials') return failure(400, 'unsupported_grant_type', 'only client_credentials is supported');
    return { status: 200, body: this.issue(), headers: {} };
  }

  /** Checks an `Authorization: Bearer <token>` header. */
  check(authorization: string | undefined): BearerCheck {
    const match = /^Bearer +(\S+)$/i.exec(authorization ?? '');
    if (!match) return 'absent';
    const expiresAt = this.tokens.get(match[1] as string);
    if (expiresAt === undefined) return 'unknown';
    return this.now() < expiresAt ? 'valid' : 'expired';
  }

  private issue(): Record<string, string | number> {
    const now = this.now();
    for (const [token, expiresAt] of this.tokens) if (expiresAt + FORGET_AFTER_MS < now) this.tokens.delete(token);
    const token = `${ACCESS_TOKEN_PREFIX}${randomBytes(16).toString('hex')}`;
    this.tokens.set(token, now + this.ttlMs);
    return { access_token: token, token_type: 'Bearer', expires_in: this.ttlMs / 1000 };
  }
}

function failure(status: 400 | 401, error: string, description: string, headers: Record<string, string> = {}): TokenAnswer {
  return { status, body: { error, error_description: description }, headers };
}

/** The Basic credentials of an `Authorization` header; `ok: false` when it is Basic but unreadable. */
function parseBasic(authorization: string | undefined): { ok: true; id: string; secret: string } | { ok: false } | null {
  const match = /^Basic +(\S+)$/i.exec(authorization ?? '');
  if (!match) return null;
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon === -1 ? { ok: false } : { ok: true, id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

/**
 * RFC 6749 §2.3.1 has clients form-encode the id and secret before Basic encoding them, but
 * many clients (curl, requests' HTTPBasicAuth) send them raw: accept either form.
 */
function matches(given: string, expected: string): boolean {
  if (given === expected) return true;
  try {
    return decodeURIComponent(given.replace(/\+/g, ' ')) === expected;
  } catch {
    return false;
  }
}
