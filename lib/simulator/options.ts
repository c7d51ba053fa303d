/** Simulator options, their defaults, and validation at start-up. */
import { ConfigError } from '../errors';
import type { FaultConfig } from './faults';
import { parseFaultConfig } from './fault-config';
import { DEFAULT_TOKEN_TTL_SECONDS, type OAuthOptions } from './oauth';
import type { RateLimitOptions } from './rate-limit';

export interface SimulatorOptions {
  /** Interface to listen on. Default `127.0.0.1`. */
  host: string;
  /** Default 8080; 0 picks a free port. */
  port: number;
  /** The `api_key` query value `/v1/*` requires. Default `demo-key`. */
  apiKey: string;
  /** Seed of the dataset (and of faults unless the fault config has its own). Default 1. */
  seed: number;
  /** Base incident count. Default 1,000. */
  incidents: number;
  /** Base service count. Default 50. */
  services: number;
  /** Consecutive base records sharing one `updated_at`; e.g. 7 puts ties across page edges. Default 1. */
  pageTies: number;
  faults: FaultConfig;
  /** `null`: no rate limit (the default). */
  rateLimit: RateLimitOptions | null;
  /**
   * `null` (the default): no token endpoint. Otherwise `POST /oauth/token` issues bearer
   * tokens to this client, and data requests accept a live one instead of the api_key.
   */
  oauth: OAuthOptions | null;
}

export const DEFAULT_OPTIONS: Readonly<SimulatorOptions> = {
  host: '127.0.0.1',
  port: 8080,
  apiKey: 'demo-key',
  seed: 1,
  incidents: 1000,
  services: 50,
  pageTies: 1,
  faults: {},
  rateLimit: null,
  oauth: null,
};

function check(ok: boolean, path: string, message: string): void {
  if (!ok) throw new ConfigError(`simulator.${path}: ${message}`, { context: { path: `simulator.${path}` } });
}

const isCount = (n: number, min: number) => Number.isSafeInteger(n) && n >= min;

/** Defaults filled in and every value checked; throws {@link ConfigError} naming the option. */
export function resolveOptions(partial: Partial<SimulatorOptions> = {}): SimulatorOptions {
  const options = { ...DEFAULT_OPTIONS, ...partial };
  check(isCount(options.port, 0) && options.port <= 65535, 'port', 'must be an integer from 0 to 65535');
  check(options.apiKey.length > 0, 'apiKey', 'must not be empty');
  check(isCount(options.seed, 0) && options.seed <= 0xffffffff, 'seed', 'must be an integer from 0 to 2^32−1');
  // Ids carry 8 digits; beyond that string order would stop matching creation order.
  check(isCount(options.incidents, 0) && options.incidents <= 99_999_999, 'incidents', 'must be an integer from 0 to 99,999,999');
  check(isCount(options.services, 0) && options.services <= 99_999, 'services', 'must be an integer from 0 to 99,999');
  check(isCount(options.pageTies, 1), 'pageTies', 'must be an integer ≥ 1');
  if (options.rateLimit) {
    const { perMinute, burst } = options.rateLimit;
    check(Number.isFinite(perMinute) && perMinute > 0, 'rateLimit.perMinute', 'must be a positive number');
    check(burst === undefined || isCount(burst, 1), 'rateLimit.burst', 'must be an integer ≥ 1');
  }
  return { ...options, faults: parseFaultConfig(options.faults, 'simulator.faults'), oauth: options.oauth && resolveOAuth(options.oauth) };
}

function resolveOAuth(oauth: OAuthOptions): OAuthOptions {
  check(typeof oauth.clientId === 'string' && oauth.clientId.length > 0, 'oauth.clientId', 'must be a non-empty string');
  check(typeof oauth.clientSecret === 'string' && oauth.clientSecret.length > 0, 'oauth.clientSecret', 'must be a non-empty string');
  const tokenTtlSeconds = oauth.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
  check(isCount(tokenTtlSeconds, 1), 'oauth.tokenTtlSeconds', 'must be an integer ≥ 1 (RFC 6749 expires_in is whole seconds)');
  return { ...oauth, tokenTtlSeconds, faults: parseFaultConfig(oauth.faults ?? {}, 'simulator.oauth.faults') };
}
