/**
 * The container's build and run configuration read as Docker and Compose read it, so tests can
 * check the Dockerfile against the repo and run a compose service's command outside Docker
 * (no daemon runs here). Pure: parsing and string work only, no I/O.
 */
import { parse } from 'yaml';

/** One Dockerfile instruction, continuation lines joined. */
export interface DockerInstruction {
  /** Upper-cased: `FROM`, `COPY`, `ENTRYPOINT`, ... */
  keyword: string;
  /** Everything after the keyword, trimmed. */
  args: string;
}

/** One `FROM` stage and the instructions up to the next `FROM`. */
export interface DockerStage {
  base: string;
  /** The `AS` name, or null for an unnamed stage. */
  name: string | null;
  instructions: DockerInstruction[];
}

/** A `COPY` (or `ADD`) instruction: from the build context when `from` is null, else from that stage. */
export interface DockerCopy {
  from: string | null;
  sources: string[];
  dest: string;
}

/**
 * Splits a Dockerfile into stages. Comment lines (parser directives included) are dropped even
 * inside a continuation, as BuildKit does; a trailing `\` continues the instruction.
 *
 * @example parseDockerfile('FROM node:20 AS build\nRUN npm ci')[0].name // 'build'
 */
export function parseDockerfile(text: string): DockerStage[] {
  const instructions: DockerInstruction[] = [];
  let pending = '';
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s*#/.test(raw)) continue;
    const continued = /\\\s*$/.test(raw);
    pending += `${continued ? raw.replace(/\\\s*$/, '') : raw} `;
    if (continued) continue;
    const match = /^\s*(\S+)\s*(.*?)\s*$/.exec(pending);
    pending = '';
    if (match) instructions.push({ keyword: match[1].toUpperCase(), args: match[2] });
  }
  const stages: DockerStage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const [base, as, name] = tokens(instruction.args).filter((t) => !t.startsWith('--'));
      stages.push({ base, name: as?.toUpperCase() === 'AS' ? name : null, instructions: [] });
    } else {
      if (stages.length === 0) throw new Error(`Dockerfile: ${instruction.keyword} before the first FROM`);
      stages[stages.length - 1].instructions.push(instruction);
    }
  }
  return stages;
}

/** The arguments of the last `keyword` instruction of a stage (the one that takes effect), or undefined. */
export function lastArgs(stage: DockerStage, keyword: string): string | undefined {
  return stage.instructions.filter((i) => i.keyword === keyword).at(-1)?.args;
}

/** An instruction's exec form (`["node", "cli.js"]`); throws on the shell form, which would run under `/bin/sh -c`. */
export function execForm(args: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(args);
  } catch {
    throw new Error(`not the exec form (a JSON array of strings): ${args}`);
  }
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string')) throw new Error(`not the exec form (a JSON array of strings): ${args}`);
  return parsed;
}

/** The stage's `COPY` and `ADD` instructions. */
export function copiesOf(stage: DockerStage): DockerCopy[] {
  return stage.instructions
    .filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD')
    .map((i) => {
      const all = i.args.startsWith('[') ? execForm(i.args) : tokens(i.args);
      const from = all.find((t) => t.startsWith('--from='))?.slice('--from='.length) ?? null;
      const paths = all.filter((t) => !t.startsWith('--'));
      return { from, sources: paths.slice(0, -1), dest: paths[paths.length - 1] };
    });
}

/** The stage's `ENV` variables (`KEY=value` pairs, or the legacy `KEY value`). */
export function envOf(stage: DockerStage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { args } of stage.instructions.filter((i) => i.keyword === 'ENV')) {
    const parts = tokens(args);
    if (!parts[0].includes('=')) env[parts[0]] = parts.slice(1).join(' ');
    else for (const part of parts) env[part.slice(0, part.indexOf('='))] = unquote(part.slice(part.indexOf('=') + 1));
  }
  return env;
}

/** Whitespace-separated words; a quoted part keeps its spaces (`MODE="x y"` is one word). */
function tokens(args: string): string[] {
  return args.match(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g) ?? [];
}

function unquote(value: string): string {
  return /^(["']).*\1$/.test(value) ? value.slice(1, -1) : value;
}

/**
 * Whether `.dockerignore` keeps `file` (a path relative to the build context) out of the
 * context: the last pattern matching the path or one of its parent folders decides, a `!`
 * pattern re-includes. Patterns use Go's filepath.Match syntax plus `**`.
 */
export function dockerIgnored(file: string, dockerignore: string): boolean {
  const parts = file.replace(/^\.?\//, '').replace(/\/$/, '').split('/');
  const candidates = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  let ignored = false;
  for (const line of dockerignore.split(/\r?\n/).map((l) => l.trim())) {
    if (line === '' || line.startsWith('#')) continue;
    const negated = line.startsWith('!');
    const pattern = (negated ? line.slice(1) : line).replace(/^\//, '').replace(/\/$/, '');
    const regex = new RegExp(`^${pattern.split('**').map((p) => p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')).join('.*')}$`);
    if (candidates.some((c) => regex.test(c))) ignored = !negated;
  }
  return ignored;
}

/**
 * Compose's variable interpolation of one value: `${VAR}`, `$VAR`, `${VAR:-default}` (default
 * when unset or empty), `${VAR-default}` (default when unset), `$$` for a literal `$`. An unset
 * variable without a default becomes `""`, as in compose. Other modifiers (`:?`, `:+`) throw,
 * so a compose file using one fails here rather than being run with a wrong value.
 *
 * @example interpolateCompose('${RUN_INTERVAL:-5m}', {}) // '5m'
 */
export function interpolateCompose(value: string, env: Readonly<Record<string, string | undefined>>): string {
  return value.replace(/\$\$|\$\{([^}]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (whole, braced: string | undefined, bare: string | undefined) => {
    if (whole === '$$') return '$';
    if (bare !== undefined) return env[bare] ?? '';
    const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)(.*))?$/s.exec(braced!);
    if (!match) throw new Error(`compose interpolation "${whole}" is not supported here (only \${VAR}, \${VAR:-default}, \${VAR-default})`);
    const [, name, operator, fallback] = match;
    const set = env[name];
    if (operator === ':-' && !set) return fallback;
    if (operator === '-' && set === undefined) return fallback;
    return set ?? '';
  });
}

/** A compose file's services, YAML merge keys (`<<: *anchor`) applied as compose applies them. */
export function parseCompose(text: string): Record<string, ComposeService> {
  const file = parse(text, { merge: true }) as { services?: Record<string, ComposeService> };
  if (!file?.services) throw new Error('docker-compose.yml: no services');
  return file.services;
}

/** The keys of a compose service that decide what its container runs. */
export interface ComposeService {
  image?: string;
  build?: unknown;
  entrypoint?: string[];
  command?: string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  [key: string]: unknown;
}

/** What a container of a service runs: its argv (entrypoint + command) and its environment. */
export interface ServiceProcess {
  argv: string[];
  env: Record<string, string>;
}

/**
 * The process a compose service starts from `image` (the Dockerfile's runtime stage): the
 * service's entrypoint or the image's ENTRYPOINT, then its command or the image's CMD; the
 * image's ENV overlaid with the service's `environment`. Every command and environment value is
 * interpolated with `hostEnv`, the environment `docker compose` itself runs in.
 *
 * @example serviceProcess(services.producer, runtime, { RUN_INTERVAL: '3s' }).argv // ['node', 'dist/lib/cli.js', 'run', ...]
 */
export function serviceProcess(service: ComposeService, image: DockerStage, hostEnv: Readonly<Record<string, string | undefined>>): ServiceProcess {
  const list = (value: unknown, what: string): string[] => {
    // Compose shell-splits a string command; the exec form is the only one this repo uses.
    if (!Array.isArray(value)) throw new Error(`compose ${what} must be a list (exec form), got ${JSON.stringify(value)}`);
    return value.map((v) => interpolateCompose(String(v), hostEnv));
  };
  const entrypoint = service.entrypoint ? list(service.entrypoint, 'entrypoint') : execForm(lastArgs(image, 'ENTRYPOINT') ?? '[]');
  const command = service.command ? list(service.command, 'command') : execForm(lastArgs(image, 'CMD') ?? '[]');
  const declared = Array.isArray(service.environment)
    ? Object.fromEntries(service.environment.map((e) => (e.includes('=') ? [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)] : [e, null])))
    : (service.environment ?? {});
  const env = { ...envOf(image) };
  for (const [name, value] of Object.entries(declared)) {
    if (value === null) throw new Error(`compose environment ${name} has no value (it would be passed through from the host)`);
    env[name] = interpolateCompose(String(value), hostEnv);
  }
  return { argv: [...entrypoint, ...command], env };
}
