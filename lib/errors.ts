/**
 * Every failure rest2kafka reports is a {@link Rest2KafkaError}: a stable `code`, a `retriable`
 * flag that retry logic reads (never the message), an optional `cause` and a `context` that
 * locates the failure (resource, page, config path, redacted URL).
 *
 * Messages and context must already be redacted when an error is built; `lib/http/redact.ts`
 * is applied again at every exit as a second line of defence.
 */
export interface ErrorContext {
  resource?: string;
  page?: number;
  /** Always a redacted URL. */
  url?: string;
  /** A config path such as `resources[1].endpoint.paginator.limit`. */
  path?: string;
  [key: string]: unknown;
}

export interface ErrorOptions {
  code: string;
  retriable?: boolean;
  cause?: unknown;
  context?: ErrorContext;
}

/** Process exit codes, documented in the README and in `rest2kafka --help`. */
export const ExitCode = {
  OK: 0,
  INTERNAL: 1,
  CONFIG: 2,
  SOURCE: 3,
  AUTH: 4,
  KAFKA: 5,
  INVALID_RECORDS: 6,
  FENCED: 7,
  SCHEMA_REGISTRY: 8,
  INTERRUPTED: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export class Rest2KafkaError extends Error {
  readonly code: string;
  readonly retriable: boolean;
  readonly context: ErrorContext;
  /** Exit code the CLI uses when this error ends a run. */
  get exitCode(): ExitCode {
    return ExitCode.INTERNAL;
  }

  constructor(message: string, options: ErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code;
    this.retriable = options.retriable ?? false;
    this.context = options.context ?? {};
  }
}

/** The configuration file is missing, unreadable or invalid. Never retriable. */
export class ConfigError extends Rest2KafkaError {
  override get exitCode(): ExitCode {
    return ExitCode.CONFIG;
  }
  constructor(message: string, options: Partial<ErrorOptions> = {}) {
    super(message, { code: 'CONFIG_INVALID', ...options, retriable: false });
  }
}

/** A secret the config references could not be resolved. */
export class SecretMissingError extends Rest2KafkaError {
  override get exitCode(): ExitCode {
    return ExitCode.CONFIG;
  }
  constructor(message: string, options: Partial<ErrorOptions> = {}) {
    super(message, { code: 'SECRET_MISSING', ...options, retriable: false });
  }
}

/** The API answered with a status that is an error (429/5xx are retriable). */
export class HttpStatusError extends Rest2KafkaError {
  override get exitCode(): ExitCode {
    return ExitCode.SOURCE;
  }
  constructor(
    message: string,
    readonly status: number,
    /** Seconds or HTTP date from `Retry-After`, unparsed; `null` when absent. */
    readonly retryAfter: string | null,
    options: Partial<ErrorOptions> = {},
  ) {
    super(message, { code: 'HTTP_STATUS', retriable: isRetriableStatus(status), ...options });
  }
}

/** 401/403: credentials are wrong or lack permission. Retrying cannot help. */
export class AuthError extends Rest2KafkaError {
  override get exitCode(): ExitCode {
    return ExitCode.AUTH;
  }
  constructor(message: string, options: Partial<ErrorOptions> = {}) {
    super(message, { code: 'AUTH_FAILED', ...options, retriable: false });
  }
}

/** Connection refused/reset, DNS failure, timeout: the request never got an answer. */
export class NetworkError extends Rest2KafkaError {
  override get exitCode(): ExitCode {
    return ExitCode.SOURCE;
  }
  constructor(message: string, options: Partial<ErrorOptions> = {}) {
    super(message, { code: 'HTTP_NETWORK', retriable: true, ...options });
  }
}

/** The API answered 2xx but the body is not what the config says it is. */
export class ResponseError extends Rest2KafkaError {
  override get exitCode(): ExitCode {
    return ExitCode.SOURCE;
  }
  constructor(message: string, options: Partial<ErrorOptions> = {}) {
    super(message, { code: 'RESPONSE_INVALID', ...options, retriable: false });
  }
}

/** Retries ran out; the message says how many attempts were made and why the last failed. */
export class RetriesExhaustedError extends Rest2KafkaError {
  constructor(
    message: string,
    readonly attempts: number,
    cause: unknown,
    context: ErrorContext = {},
  ) {
    super(message, { code: 'RETRIES_EXHAUSTED', retriable: false, cause, context });
  }
  override get exitCode(): ExitCode {
    return this.cause instanceof Rest2KafkaError ? this.cause.exitCode : ExitCode.SOURCE;
  }
}

/** The broker is unreachable, refused a request, or a topic is misconfigured. */
export class KafkaError extends Rest2KafkaError {
  override get exitCode(): ExitCode {
    return ExitCode.KAFKA;
  }
  constructor(message: string, options: Partial<ErrorOptions> = {}) {
    super(message, { code: 'KAFKA', ...options });
  }
}

/** Another instance with the same transactional id took over (or our transaction timed out). */
export class FencedError extends Rest2KafkaError {
  override get exitCode(): ExitCode {
    return ExitCode.FENCED;
  }
  constructor(message: string, options: Partial<ErrorOptions> = {}) {
    super(message, { code: 'PRODUCER_FENCED', ...options, retriable: false });
  }
}

/**
 * The Schema Registry is unreachable, refused the credentials, failed (5xx) or rejected a schema
 * (incompatible, invalid). `code` tells which: REGISTRY_UNREACHABLE, REGISTRY_AUTH_FAILED,
 * REGISTRY_SERVER_ERROR, REGISTRY_INCOMPATIBLE, REGISTRY_REJECTED, REGISTRY_NOT_FOUND.
 */
export class SchemaRegistryError extends Rest2KafkaError {
  override get exitCode(): ExitCode {
    return ExitCode.SCHEMA_REGISTRY;
  }
  constructor(message: string, options: ErrorOptions) {
    super(message, options);
  }
}

/** Records failed validation and the pipeline is configured to fail instead of dead-lettering. */
export class InvalidRecordsError extends Rest2KafkaError {
  override get exitCode(): ExitCode {
    return ExitCode.INVALID_RECORDS;
  }
  constructor(message: string, options: Partial<ErrorOptions> = {}) {
    super(message, { code: 'RECORDS_INVALID', ...options, retriable: false });
  }
}

/** 429 and 5xx (dlt retries 429 and 500–599). */
export function isRetriableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599);
}

/** True when the error, or any error in its cause chain, says it is retriable. */
export function isRetriable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 16; depth++) {
    if (e instanceof Rest2KafkaError) {
      if (e.retriable) return true;
      // A non-retriable Rest2KafkaError is a decision, not a lack of information.
      return false;
    }
    if (typeof e === 'object' && e !== null && (e as { retriable?: unknown }).retriable === true) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** The exit code for any thrown value. */
export function exitCodeOf(error: unknown): ExitCode {
  return error instanceof Rest2KafkaError ? error.exitCode : ExitCode.INTERNAL;
}

/** The caller cancelled the operation (unsubscribed, or aborted its signal). Never retried. */
export class AbortedError extends Rest2KafkaError {
  override get exitCode(): ExitCode {
    return ExitCode.INTERRUPTED;
  }
  constructor(message: string, options: Partial<ErrorOptions> = {}) {
    super(message, { code: 'ABORTED', ...options, retriable: false });
  }
}
