import { PassThrough } from 'node:stream';
import { clearSecrets, registerSecrets } from '../../../lib/secrets/registry';
import { createLogger, type LoggerOptions } from '../../../lib/observability/logger';

const SECRET = 'S3CRET-logger-7d1f';
const NOW = new Date('2026-11-28T10:00:00.000Z');

function capture(options: Omit<LoggerOptions, 'stream'>) {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  const logger = createLogger({ now: () => NOW, ...options, stream });
  const text = () => Buffer.concat(chunks).toString('utf8');
  return { logger, text, lines: () => text().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

beforeEach(() => {
  clearSecrets();
  registerSecrets(SECRET);
});

describe('JSON lines (pino)', () => {
  it('one object per line: time, level name, msg, then the fields', () => {
    const { logger, lines } = capture({ format: 'json' });
    logger.info('page published', { resource: 'incidents', page: 3 });
    expect(lines()).toEqual([{ time: NOW.toISOString(), level: 'info', msg: 'page published', resource: 'incidents', page: 3 }]);
  });

  it('drops lines below the level', () => {
    const { logger, lines } = capture({ format: 'json', level: 'warn' });
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(lines().map((l) => [l.level, l.msg])).toEqual([['warn', 'w'], ['error', 'e']]);
  });

  it('child loggers add their fields to every line, nested children too', () => {
    const { logger, lines } = capture({ format: 'json' });
    logger.child({ run_id: 'r1' }).child({ resource: 'services' }).warn('slow');
    expect(lines()[0]).toMatchObject({ run_id: 'r1', resource: 'services', msg: 'slow' });
  });

  it('a registered secret is masked in the message, in fields, in bindings and in errors', () => {
    const { logger, text } = capture({ format: 'json', level: 'debug' });
    const error = new Error(`request to http://api/v1?x=${SECRET} failed`);
    logger.child({ url: `http://api/v1?api_key=${SECRET}` }).error(`fetch failed: ${SECRET}`, { error, nested: { deep: [SECRET] } });
    expect(text()).not.toContain(SECRET);
    expect(text()).toContain('***');
  });

  it('query parameters named like secrets are masked in any URL, registered or not', () => {
    const { logger, text } = capture({ format: 'json' });
    logger.info('GET http://h/v1/incidents?offset=0&token=unregistered-value');
    expect(text()).not.toContain('unregistered-value');
    expect(text()).toContain('offset=0');
  });

  it('fields secret by name are censored whatever their value (pino redact paths)', () => {
    const { logger, lines } = capture({ format: 'json' });
    logger.info('auth', { password: 'p', sasl: { password: 'p2', username: 'alice' }, client_secret: 'c' });
    expect(lines()[0]).toMatchObject({ password: '***', sasl: { password: '***', username: 'alice' }, client_secret: '***' });
  });

  it('errors become name, message and code; bigints become strings', () => {
    const { logger, lines } = capture({ format: 'json' });
    logger.error('failed', { error: Object.assign(new Error('boom'), { code: 'E_X' }), offset: 12n });
    expect(lines()[0]).toMatchObject({ error: { name: 'Error', message: 'boom', code: 'E_X' }, offset: '12' });
  });
});

describe('pretty lines', () => {
  it('LEVEL message key=value, redacted, with child bindings', () => {
    const { logger, text } = capture({ format: 'pretty' });
    logger.child({ resource: 'incidents' }).warn(`retrying ${SECRET}`, { attempt: 2, detail: { a: 1 } });
    expect(text()).toBe('WARN  retrying *** resource=incidents attempt=2 detail={"a":1}\n');
  });

  it('respects the level', () => {
    const { logger, text } = capture({ format: 'pretty', level: 'error' });
    logger.warn('no');
    logger.error('yes');
    expect(text()).toBe('ERROR yes\n');
  });
});
