/**
 * The CLI's handling of user mistakes and its output flags, through `main(argv, io)` with
 * captured streams. Every case here fails before a request is sent: no sockets.
 */
import { Writable } from 'node:stream';
import { main } from '../../lib/cli';
import { COMMAND_NAMES } from '../../lib/commands';
import { useTempDir } from '../support/temp-dir';

const dir = useTempDir('rest2kafka-cli-');

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const sink = (add: (text: string) => void) => new Writable({ write: (chunk: Buffer, _e, done) => (add(chunk.toString()), done()) });
  const code = await main(argv, {
    stdout: sink((t) => (stdout += t)),
    stderr: sink((t) => (stderr += t)),
    env: { API_KEY: 'k' },
    signal: new AbortController().signal,
  });
  return { code, stdout, stderr };
}

/** A config whose API does not exist: any request would fail, so a test passing here sent none. */
function config(baseUrl = 'http://127.0.0.1:9'): string {
  return dir.write('pipeline.json', JSON.stringify({
    source: {
      client: { base_url: baseUrl, auth: { type: 'api_key', name: 'api_key', api_key: { $secret: 'api_key' }, location: 'query' } },
      resources: [{ name: 'incidents', endpoint: { path: '/v1/incidents' } }],
    },
  }));
}

describe('user mistakes are usage errors (exit 2, one line), not internal errors', () => {
  it('regression: schema --out into a folder that does not exist', async () => {
    const out = `${dir.path}/schemas/incidents.avsc`;
    const result = await cli(['schema', '--config', config(), '--resource', 'incidents', '--out', out]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`error [USAGE]: schema: --out ${out}: the folder ${dir.path}/schemas does not exist; create it first\n`);
  });

  it('schema --out naming a folder', async () => {
    const result = await cli(['schema', '--config', config(), '--resource', 'incidents', '--out', dir.path]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error \[USAGE\]: schema: --out .* is a folder; name a file, such as .*incidents\.avsc\n$/);
  });

  it('regression: --metrics-port past 65535 (node threw a RangeError, reported as a bug)', async () => {
    const result = await cli(['run', '--config', config(), '--interval', '10s', '--metrics-port', '99999']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('error [USAGE]: run: --metrics-port must be an integer from 1 to 65535, got "99999"\n');
  });

  it('regression: an unknown --log-level', async () => {
    const result = await cli(['run', '--config', config(), '--dry-run', '--log-level', 'verbose']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('error [USAGE]: run: --log-level must be one of debug, info, warn, error, got "verbose"\n');
  });
});

it('regression: check does not say "config ok" for a config that fails at the first request (a base_url without a scheme)', async () => {
  const result = await cli(['check', '--config', config('127.0.0.1:9')]);
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr).toContain('client.base_url must be an absolute http(s) URL');
});

describe('one set of output flags for every command', () => {
  const withLogs = COMMAND_NAMES.filter((name) => name !== 'simulator');

  it.each(withLogs)('regression: %s takes --log-format, --log-level and -q, and --help lists them', async (name) => {
    const help = (await cli([name, '--help'])).stdout;
    for (const flag of ['--log-format', '--log-level', '-q, --quiet']) expect(help).toContain(flag);
    const result = await cli([name, '-q', '--log-level', 'warn', '--log-format', 'yaml']);
    expect(result.stderr).toBe(`error [USAGE]: ${name}: --log-format must be one of json, pretty, got "yaml"\n`);
    expect(result.code).toBe(2);
  });
});
