import { ConfigError, ExitCode, KafkaError } from '../../../lib/errors';
import { userFacing } from '../../../lib/commands/os-error';

const osError = (code: string, fields: Record<string, unknown>) => Object.assign(new Error(`${code}: something`), { code, ...fields });

describe('userFacing', () => {
  it.each([
    ['ENOENT', { syscall: 'open', path: 'out/x.avsc' }, 'open out/x.avsc: no such file or directory (ENOENT)'],
    ['EACCES', { syscall: 'open', path: '/etc/x.avsc' }, 'open /etc/x.avsc: permission denied (EACCES)'],
    ['EISDIR', { syscall: 'open', path: 'schemas' }, 'open schemas: is a directory (EISDIR)'],
    ['ENOSPC', { syscall: 'write', path: 'x.avsc' }, 'write x.avsc: no space left on the device (ENOSPC)'],
    ['EADDRINUSE', { syscall: 'listen', address: '127.0.0.1', port: 9464 }, 'listen 127.0.0.1:9464: address in use (EADDRINUSE)'],
  ])('%s naming what it touched becomes a usage error (exit 2)', (code, fields, message) => {
    const error = userFacing(osError(code, fields));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(message);
    expect((error as ConfigError).exitCode).toBe(ExitCode.CONFIG);
  });

  it('leaves alone what is not a user mistake: errors without a path, other codes, rest2kafka errors', () => {
    const bare = osError('ENOENT', {});
    const other = osError('ECONNRESET', { syscall: 'read', address: '127.0.0.1' });
    const own = new KafkaError('broker down', { code: 'KAFKA' });
    const bug = new TypeError('x is undefined');
    for (const error of [bare, other, own, bug]) expect(userFacing(error)).toBe(error);
  });
});
