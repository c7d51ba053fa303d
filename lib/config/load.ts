/**
 * The edge: read a config file (JSON, YAML or a TS/JS module), read `.dlt/secrets.toml`, and
 * hand both to {@link validateConfig}, then register the secrets it found for redaction. Every read or parse failure is a ConfigError naming
 * the file (with line and column for JSON, YAML and TOML); a YAML config's validation errors
 * also give the line and column of each path.
 */
import { readFile } from 'node:fs/promises';
import { dirname, extname, join, resolve } from 'node:path';
import { createJiti } from 'jiti';
import { parse as parseToml, TomlError } from 'smol-toml';
import { LineCounter, parseDocument } from 'yaml';
import { ConfigError } from '../errors';
import { registerSecrets } from '../secrets/registry';
import { readSslFiles, sslKey } from './kafka-tls';
import { resolveSchemasDir } from './paths';
import type { SecretsFile } from './secrets';
import type { PipelineConfig, ResolvedResource } from './types';
import { validateConfig } from './validate';
import { describeYamlError, yamlLocator, type Locate } from './yaml-position';

export interface LoadedConfig {
  /** Absolute path of the config file. */
  file: string;
  /** Every default applied; a bare source config gets the default pipeline settings. */
  pipeline: PipelineConfig;
  /** Resources after `resource_defaults` and dlt's defaults, in config order. */
  resources: ResolvedResource[];
  /** Non-fatal findings, each naming its config path (never a secret value). */
  warnings: string[];
}

export interface LoadOptions {
  /** Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Resolves a relative `file` and locates the second `.dlt/secrets.toml`. Default `process.cwd()`. */
  cwd?: string;
  /** Default true. False leaves the source's secrets unresolved (replay never calls the API). */
  resolveSourceSecrets?: boolean;
}

const MODULE_EXTENSIONS = ['.ts', '.mts', '.cts', '.mjs', '.js', '.cjs'];
const SUPPORTED = ['.json', '.yaml', '.yml', ...MODULE_EXTENSIONS];

/**
 * Loads, validates and resolves a config file.
 *
 * @example
 * const { pipeline, resources, warnings } = await loadConfig('examples/pipeline.yaml');
 */
export async function loadConfig(file: string, options: LoadOptions = {}): Promise<LoadedConfig> {
  const cwd = options.cwd ?? process.cwd();
  const path = resolve(cwd, file);
  const ext = extname(path).toLowerCase();
  if (!SUPPORTED.includes(ext)) {
    throw new ConfigError(`${path}: unsupported config file type "${ext || '(none)'}"; use one of ${SUPPORTED.join(', ')}`, { context: { file: path } });
  }
  const module = MODULE_EXTENSIONS.includes(ext);
  const { raw, locate } = module ? { raw: await importModule(path) } : parseText(await readText(path), path, ext);
  const secretsFiles = await readSecretsFiles([...new Set([join(dirname(path), '.dlt', 'secrets.toml'), join(cwd, '.dlt', 'secrets.toml')])]);
  const { config, resources, warnings, secrets } = validateConfig(raw, { env: options.env ?? process.env, secretsFiles, module, file: path, resolveSourceSecrets: options.resolveSourceSecrets, locate });
  const kafka = await readSslFiles(config.kafka, dirname(path));
  // The one registration of the config's secrets, before anything can print them.
  registerSecrets(...secrets, sslKey(kafka));
  const pipeline = {
    ...config,
    kafka,
    delivery: { ...config.delivery, schemas_dir: resolveSchemasDir(config.delivery.schemas_dir, dirname(path)) },
  };
  return { file: path, pipeline, resources, warnings };
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message = code === 'ENOENT' ? `${path}: config file not found` : `${path}: cannot read config file (${code ?? String(error)})`;
    throw new ConfigError(message, { cause: error, context: { file: path } });
  }
}

/** The parsed config; for YAML also where each path stands in the file, for validation errors. */
function parseText(text: string, path: string, ext: string): { raw: unknown; locate?: Locate } {
  if (ext === '.json') {
    try {
      return { raw: JSON.parse(text) as unknown };
    } catch (error) {
      const position = /position (\d+)/.exec((error as Error).message);
      const where = position ? ` at ${lineColumn(text, Number(position[1]))}` : '';
      throw new ConfigError(`${path}: invalid JSON${where}: ${(error as Error).message}`, { cause: error, context: { file: path } });
    }
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const problem = doc.errors[0];
  if (problem) throw new ConfigError(`${path}: invalid YAML${describeYamlError(text, problem)}`, { cause: problem, context: { file: path } });
  return { raw: doc.toJS() as unknown, locate: yamlLocator(doc, lineCounter) };
}

function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${before[before.length - 1].length + 1}`;
}

/** A module's default export: the config, or a (possibly async) function returning it. */
async function importModule(path: string): Promise<unknown> {
  await readText(path); // the same not-found/unreadable errors as the other formats
  // No caches: a test or a watch loop may rewrite the file between loads.
  const jiti = createJiti(__filename, { moduleCache: false, fsCache: false });
  let exported: unknown;
  try {
    const namespace = await jiti.import<Record<string | symbol, unknown>>(path);
    exported = defaultExport(namespace);
    if (typeof exported === 'function') exported = await (exported as () => unknown)();
  } catch (error) {
    throw new ConfigError(`${path}: the config module failed to load: ${(error as Error).message ?? String(error)}`, { cause: error, context: { file: path } });
  }
  if (exported === undefined || exported === null) {
    throw new ConfigError(`${path}: the config module has no default export (export default { client, resources } or a function returning it)`, { context: { file: path } });
  }
  return exported;
}

/**
 * `in`, not `.default`: jiti's interop answers `.default` with the namespace itself when a
 * module has none. A CommonJS `module.exports = {...}` is its default export.
 */
function defaultExport(namespace: Record<string | symbol, unknown>): unknown {
  if ('default' in namespace) return namespace.default;
  // Own property only: jiti's interop proxy reports `__esModule` for CommonJS modules too.
  const esm = namespace[Symbol.toStringTag] === 'Module' || Object.prototype.hasOwnProperty.call(namespace, '__esModule');
  return esm ? undefined : namespace;
}

async function readSecretsFiles(paths: string[]): Promise<SecretsFile[]> {
  return Promise.all(paths.map(async (file) => {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { file, data: null };
      throw new ConfigError(`${file}: cannot read secrets file (${(error as NodeJS.ErrnoException).code ?? String(error)})`, { cause: error, context: { file } });
    }
    try {
      return { file, data: parseToml(text) as Record<string, unknown> };
    } catch (error) {
      // The codeblock would echo the file's lines, which hold secrets: report the position only.
      const where = error instanceof TomlError ? ` at line ${error.line}, column ${error.column}` : '';
      throw new ConfigError(`${file}: invalid TOML${where}`, { context: { file } });
    }
  }));
}
