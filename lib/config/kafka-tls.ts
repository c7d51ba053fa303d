/**
 * `kafka.ssl.ca`, `kafka.ssl.cert` and `kafka.ssl.key` are each either PEM text or the path of
 * a PEM file. Files are read once at start-up, so a wrong path fails before any request with
 * the config path named, instead of as a TLS error on the first broker connection.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigError } from '../errors';
import type { KafkaConfig } from './types';

const PEM_FIELDS = ['ca', 'cert', 'key'] as const;

/** True when `text` holds a PEM block (`-----BEGIN …-----`): PEM text rather than a file path. */
export function isPem(text: string): boolean {
  return /-----BEGIN [A-Z0-9 ]+-----/.test(text);
}

/**
 * The kafka config with every `ssl` file path replaced by the file's PEM text. A relative
 * path is read from `configDir` (the config file's folder). The key it reads is a secret:
 * {@link sslKey} names it for the loader to register.
 *
 * @example
 * const kafka = await readSslFiles({ brokers: ['b:9093'], ssl: { ca: 'certs/ca.pem' } }, '/etc/rest2kafka');
 */
export async function readSslFiles<K extends KafkaConfig>(kafka: K, configDir: string): Promise<K> {
  const ssl = kafka.ssl;
  if (typeof ssl !== 'object') return kafka;
  const resolved = { ...ssl };
  for (const field of PEM_FIELDS) {
    const value = ssl[field];
    if (value === undefined || isPem(value)) continue;
    const text = await readPemFile(`kafka.ssl.${field}`, resolve(configDir, value), configDir);
    resolved[field] = text;
  }
  return { ...kafka, ssl: resolved };
}

/** The client's private key (PEM text, written inline or read from a file): a secret to redact. */
export function sslKey(kafka: KafkaConfig): string | undefined {
  return typeof kafka.ssl === 'object' ? kafka.ssl.key : undefined;
}

async function readPemFile(path: string, file: string, configDir: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem = code === 'ENOENT' ? 'file not found' : `cannot read the file (${code ?? String(error)})`;
    throw new ConfigError(
      `${path}: ${problem}: ${file} (a relative path is read from the config file's folder, ${configDir}). Give the path of a PEM file, or the PEM text itself ("-----BEGIN ...").`,
      { cause: error, context: { path, file } },
    );
  }
  if (!isPem(text)) {
    throw new ConfigError(
      `${path}: ${file} is not a PEM file (no "-----BEGIN ..." line). Convert it to PEM, e.g. openssl x509 -inform DER -in FILE -out FILE.pem for a certificate.`,
      { context: { path, file } },
    );
  }
  return text;
}
