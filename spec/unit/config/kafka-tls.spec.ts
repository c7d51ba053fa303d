import { join } from 'node:path';
import { isPem, readSslFiles, sslKey } from '../../../lib/config/kafka-tls';
import { loadConfig } from '../../../lib/config/load';
import { ConfigError } from '../../../lib/errors';
import { redact } from '../../../lib/secrets/redact';
import { clearSecrets, registerSecrets } from '../../../lib/secrets/registry';
import { useTempDir } from '../../support/temp-dir';

const CA = '-----BEGIN CERTIFICATE-----\nMIIBca\n-----END CERTIFICATE-----\n';
const CERT = '-----BEGIN CERTIFICATE-----\nMIIBclient\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN PRIVATE KEY-----\nMIIEvkeymaterial\n-----END PRIVATE KEY-----\n';
const BROKERS = ['b:9093'];

const temp = useTempDir('rest2kafka-tls-');
const write = temp.write;
beforeEach(() => clearSecrets());

async function configError(promise: Promise<unknown>): Promise<ConfigError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  if (!(error instanceof ConfigError)) throw new Error(`expected a ConfigError, got ${String(error)}`);
  return error;
}

describe('isPem', () => {
  it.each([
    [CA, true],
    [KEY, true],
    ['-----BEGIN EC PRIVATE KEY-----\nx\n-----END EC PRIVATE KEY-----', true],
    ['certs/ca.pem', false],
    ['/etc/ssl/BEGIN-----.pem', false],
  ])('%j → %s', (text, expected) => expect(isPem(text)).toBe(expected));
});

describe('readSslFiles', () => {
  it('replaces relative and absolute file paths with the PEM text they hold', async () => {
    write('certs/ca.pem', CA);
    const certFile = write('client.crt', CERT);
    write('certs/client.key', KEY);
    const kafka = await readSslFiles({ brokers: BROKERS, ssl: { ca: 'certs/ca.pem', cert: certFile, key: './certs/client.key', rejectUnauthorized: true } }, temp.path);
    expect(kafka).toEqual({ brokers: BROKERS, ssl: { ca: CA, cert: CERT, key: KEY, rejectUnauthorized: true } });
  });

  it('keeps PEM text, ssl: true and no ssl as they are', async () => {
    const inline = { brokers: BROKERS, ssl: { ca: CA, cert: CERT, key: KEY } };
    expect(await readSslFiles(inline, temp.path)).toEqual(inline);
    expect(await readSslFiles({ brokers: BROKERS, ssl: true }, temp.path)).toEqual({ brokers: BROKERS, ssl: true });
    expect(await readSslFiles({ brokers: BROKERS }, temp.path)).toEqual({ brokers: BROKERS });
  });

  it('names a key read from a file as the secret to register for redaction', async () => {
    write('client.key', KEY);
    registerSecrets(sslKey(await readSslFiles({ brokers: BROKERS, ssl: { key: 'client.key' } }, temp.path)));
    expect(redact(`oops: ${KEY}`)).toBe('oops: ***');
  });

  it('a missing file: a ConfigError naming the config path, the resolved file and both accepted forms', async () => {
    const error = await configError(readSslFiles({ brokers: BROKERS, ssl: { ca: 'nope/ca.pem' } }, temp.path));
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(
      `kafka.ssl.ca: file not found: ${join(temp.path, 'nope/ca.pem')} (a relative path is read from the config file's folder, ${temp.path}). Give the path of a PEM file, or the PEM text itself ("-----BEGIN ...").`,
    );
    expect(error.context).toEqual({ path: 'kafka.ssl.ca', file: join(temp.path, 'nope/ca.pem') });
  });

  it('a file that is not PEM: a ConfigError that never prints the file (a key file is secret)', async () => {
    write('client.key', 'MIIEvDERbinarykeybytes');
    const error = await configError(readSslFiles({ brokers: BROKERS, ssl: { key: 'client.key' } }, temp.path));
    expect(error.message).toMatch(/^kafka\.ssl\.key: .*client\.key is not a PEM file \(no "-----BEGIN \.\.\." line\)/);
    expect(error.message).not.toContain('MIIEvDER');
  });
});

describe('loadConfig with kafka.ssl files', () => {
  const pipeline = (ssl: Record<string, unknown>) =>
    JSON.stringify({
      source: { client: { base_url: 'http://127.0.0.1:1' }, resources: [{ name: 'r', endpoint: { path: '/r', paginator: { type: 'single_page' } } }] },
      kafka: { brokers: BROKERS, ssl },
    });

  it('reads the files relative to the config file, not the working directory; a key path draws no literal-secret warning', async () => {
    write('conf/tls/ca.pem', CA);
    write('conf/tls/client.key', KEY);
    const file = write('conf/pipeline.json', pipeline({ ca: 'tls/ca.pem', key: 'tls/client.key' }));
    const { pipeline: loaded, warnings } = await loadConfig(file, { env: {}, cwd: temp.path });
    expect(loaded.kafka.ssl).toEqual({ ca: CA, key: KEY });
    expect(warnings).toEqual([]);
  });

  it('registers the key it read for redaction', async () => {
    write('client.key', KEY);
    await loadConfig(write('pipeline.json', pipeline({ key: 'client.key' })), { env: {}, cwd: temp.path });
    expect(redact(`oops: ${KEY}`)).toBe('oops: ***');
  });

  it('an inline PEM key is a literal secret: warned about by path, never by value', async () => {
    const file = write('pipeline.json', pipeline({ key: KEY }));
    const { warnings } = await loadConfig(file, { env: {}, cwd: temp.path });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^kafka\.ssl\.key: a literal secret is written in the config file/);
    expect(warnings[0]).not.toContain('keymaterial');
  });

  it('a missing file fails the load (exit 2) before anything connects', async () => {
    const file = write('pipeline.json', pipeline({ ca: 'missing.pem' }));
    const error = await configError(loadConfig(file, { env: {}, cwd: temp.path }));
    expect(error.message).toContain(`kafka.ssl.ca: file not found: ${join(temp.path, 'missing.pem')}`);
  });
});
