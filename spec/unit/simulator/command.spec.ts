import { simulatorCommand, simulatorOptionsFromArgs } from '../../../lib/commands/simulator';
import { ConfigError, ExitCode, exitCodeOf } from '../../../lib/errors';

describe('simulator command arguments', () => {
  it('maps flags to options, leaving unset ones to the defaults', () => {
    expect(simulatorOptionsFromArgs([], {})).toEqual({ faults: {} });
    expect(
      simulatorOptionsFromArgs(
        ['--port', '0', '--seed', '9', '--incidents', '1000000', '--page-ties', '7', '--latency-ms', '10-50', '--rate-limit-per-minute', '960', '--fault', '503:0.05', '--fault', 'reset:0.01'],
        {},
      ),
    ).toEqual({
      port: 0,
      seed: 9,
      incidents: 1_000_000,
      pageTies: 7,
      rateLimit: { perMinute: 960 },
      faults: {
        latency: { minMs: 10, maxMs: 50 },
        rules: [
          { action: { kind: 'status', status: 503 }, rate: 0.05 },
          { action: { kind: 'reset' }, rate: 0.01 },
        ],
      },
    });
  });

  it('takes the api key from the flag, else from SIMULATOR_API_KEY', () => {
    expect(simulatorOptionsFromArgs([], { SIMULATOR_API_KEY: 'from-env' }).apiKey).toBe('from-env');
    expect(simulatorOptionsFromArgs(['--api-key', 'flag'], { SIMULATOR_API_KEY: 'from-env' }).apiKey).toBe('flag');
  });

  it('maps 429-bare to a rate-limit fault without rate-limit headers, at a rate or on request #n', () => {
    expect(simulatorOptionsFromArgs(['--fault', '429-bare:0.1', '--fault', '429-bare@5', '--fault', 'reset@2'], {}).faults).toEqual({
      rules: [{ action: { kind: 'rate-limit', bare: true }, rate: 0.1 }],
      script: [
        { request: 5, action: { kind: 'rate-limit', bare: true } },
        { request: 2, action: { kind: 'reset' } },
      ],
    });
  });

  it('accepts a whole fault config as JSON', () => {
    expect(simulatorOptionsFromArgs(['--faults', '{"script":[{"request":2,"action":{"kind":"reset"}}]}'], {}).faults).toEqual({
      script: [{ request: 2, action: { kind: 'reset' } }],
    });
  });

  it.each([
    [['--prot', '8080'], /Unknown option '--prot'/],
    [['extra'], /positional/i],
    [['--port', 'eighty'], /--port: expected an integer ≥ 0, got "eighty"/],
    [['--latency-ms', '50-10'], /--latency-ms: expected <ms> or <min>-<max>/],
    [['--fault', 'teapot:0.5'], /--fault: expected <kind>:<rate>/],
    [['--fault', '503:2'], /--fault: expected <kind>:<rate>/],
    [['--fault', '503:'], /--fault: expected <kind>:<rate>/],
    [['--fault', '429-bare@0'], /or <kind>@<n> with n ≥ 1/],
    [['--fault', '429-bare@1.5'], /or <kind>@<n> with n ≥ 1/],
    [['--faults', '{'], /--faults: not valid JSON/],
    [['--faults', '{"rules":[{"action":{"kind":"reset"}}]}'], /--faults.rules\[0\]: needs a rate/],
    [['--rate-limit-burst', '5'], /--rate-limit-burst needs --rate-limit-per-minute/],
  ])('rejects %j as a usage error (exit code 2)', (argv, message) => {
    let error: unknown;
    try {
      simulatorOptionsFromArgs(argv, {});
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect(exitCodeOf(error)).toBe(ExitCode.CONFIG);
  });

  it('documents every flag it accepts in --help', () => {
    for (const flag of ['--host', '--port', '--api-key', '--seed', '--incidents', '--services', '--page-ties', '--latency-ms', '--rate-limit-per-minute', '--rate-limit-burst', '--fault ', '--faults ', '429-bare', '<kind>@<n>', '/log_entries', '/v1/alerts', 'next_cursor']) {
      expect(simulatorCommand.help).toContain(flag);
    }
  });
});
