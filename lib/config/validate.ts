/**
 * The whole config, checked once before any request: structure and combinations
 * (`schema*.ts`, `references.ts`), then secrets, then defaults. Pure: the secret values it
 * found are returned, and the loader registers them for redaction in one call, so tests and
 * the fuzzer call it without files or global effects.
 */
import { ConfigError } from '../errors';
import { applyPipelineDefaults, resolveResources, type RawPipelineConfig } from './defaults';
import { resolveSecrets } from './resolve-secrets';
import { pipeline } from './schema-pipeline';
import { source } from './schema';
import type { SecretSources, SecretsFile } from './secrets';
import type { PipelineConfig, ResolvedResource, SourceConfig } from './types';
import { INVALID, type Ctx, type Issue } from './validator';
import { isPlainObject } from './values';

export interface ValidateOptions {
  /** Environment for secrets and `KAFKA_BROKERS`. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Parsed `.dlt/secrets.toml` candidates, in lookup order. Default none. */
  secretsFiles?: readonly SecretsFile[];
  /** True for module configs (`.ts`/`.js`): functions are allowed. Default false. */
  module?: boolean;
  /** Shown in error messages. */
  file?: string;
  /**
   * Default true. False leaves the source's secret references unresolved (`replay` never calls
   * the API, so a missing API key must not stop it); Kafka's secrets are still resolved.
   */
  resolveSourceSecrets?: boolean;
  /** Where a path stands in the file (`line 9, column 14`), added to its error line; YAML configs have it. */
  locate?: (path: string) => string | undefined;
}

export interface ValidatedConfig {
  /** The pipeline with every default applied (a bare source gets the default pipeline settings). */
  config: PipelineConfig;
  /** The resources after `resource_defaults` and dlt's defaults. */
  resources: ResolvedResource[];
  /** Non-fatal findings (literal secrets, ignored keys), each naming its path. */
  warnings: string[];
  /** Every secret value resolved or written literally: what `registerSecrets` must mask. */
  secrets: string[];
}

/**
 * Validates a raw config (a bare dlt source, or a pipeline file with `source:`), resolves its
 * secrets and applies defaults. Throws a ConfigError listing every problem (one per line,
 * `context.path` = the first, `context.issues` = all), or a SecretMissingError.
 *
 * @example
 * const { resources } = validateConfig({ client: { base_url: 'https://api.example.com' }, resources: ['incidents'] });
 */
export function validateConfig(raw: unknown, options: ValidateOptions = {}): ValidatedConfig {
  const ctx: Ctx = { issues: [], warnings: [], secrets: [], module: options.module ?? false };
  const isPipeline = isPlainObject(raw) && 'source' in raw;
  const checked = (isPipeline ? pipeline : source)(raw, '', ctx);
  if (ctx.issues.length > 0 || checked === INVALID) throw configError(ctx.issues, options.file, options.locate);

  const sources = { env: options.env ?? process.env, files: options.secretsFiles ?? [] };
  const { resolved, secrets } = options.resolveSourceSecrets === false ? resolveOutsideSource(checked, sources, isPipeline) : resolveSecrets(checked, sources, isPipeline ? 'source' : null);
  const rawPipeline = (isPipeline ? resolved : { source: resolved }) as RawPipelineConfig;
  const config = applyPipelineDefaults(rawPipeline, { env: sources.env });
  return { config, resources: resolveResources(config.source as SourceConfig), warnings: ctx.warnings, secrets: [...ctx.secrets, ...secrets] };
}

/** Secrets of everything but the source: only a pipeline file has anything outside it. */
function resolveOutsideSource(checked: unknown, sources: SecretSources, isPipeline: boolean): { resolved: unknown; secrets: string[] } {
  if (!isPipeline) return { resolved: checked, secrets: [] };
  const { source: unresolved, ...rest } = checked as Record<string, unknown>;
  const { resolved, secrets } = resolveSecrets(rest, sources, null);
  return { resolved: { ...resolved, source: unresolved }, secrets };
}

function configError(issues: Issue[], file: string | undefined, locate: ValidateOptions['locate']): ConfigError {
  const where = file ? ` in ${file}` : '';
  const lines = issues.map((i) => {
    const at = i.path ? locate?.(i.path) : undefined;
    return `  ${i.path || '(top level)'}${at ? ` (${at})` : ''}: ${i.message}`;
  });
  const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
  return new ConfigError(`Invalid configuration${where} (${count}):\n${lines.join('\n')}`, {
    context: { path: issues[0]?.path ?? '', issues, ...(file ? { file } : {}) },
  });
}
