#!/usr/bin/env -S node --max-semi-space-size=8
/**
 * The command line: argv → sub-command, errors → documented exit codes.
 * The only place that calls process.exit.
 *
 * The shebang caps V8's young generation at 2 × 8 MB (Node 20's default grows it to 2 × 16 MB):
 * a run allocates fast (parsed pages, records, encoded batches), so the young generation grows
 * to its cap and whatever survives two scavenges is promoted with it. Measured (npm run bench,
 * 2 cores): fanout-100k-0ms peak RSS 256–268 MB → 215–233 MB, pipeline-0ms 236–243 MB → 211–227 MB,
 * records/s unchanged within the machine's noise. V8 reads the flag only at start-up
 * (v8.setFlagsFromString has no effect then), so it is a node flag: the Dockerfile's ENTRYPOINT
 * and every spawned CLI in specs and benches read it from this line (shebangNodeFlags).
 */
// First: it must run before anything loads kafkajs.
import './preload';
import { COMMAND_NAMES, loadCommand, loadCommands } from './commands';
import { userFacing } from './commands/os-error';
import type { CommandIO } from './commands/types';
import { ExitCode, exitCodeOf } from './errors';
import { formatError } from './observability/format-error';
import { version } from './version';

export const EXIT_CODES_HELP = `Exit codes:
  0    success
  1    internal error (a bug: please report it with the log)
  2    configuration or usage error (bad config, unknown flag, missing secret)
  3    source API error (unreachable, error status after retries, malformed response)
  4    source API rejected the credentials (401/403)
  5    Kafka error (broker unreachable, topic misconfigured, publish failed)
  6    invalid records and delivery.on_invalid is "fail"
  7    fenced: another instance with the same transactional id took over
  8    Schema Registry: unreachable, credentials refused, server error, or a schema it rejected
       (incompatible with the subject's earlier versions, or invalid)
  130  interrupted: SIGINT/SIGTERM stopped a command before it finished
       (run --interval stopped by a signal exits 0: the service stopping is its normal end)`;

async function mainHelp(): Promise<string> {
  const commands = await loadCommands();
  const width = Math.max(...commands.map((c) => c.name.length), 8);
  const list = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n');
  return `rest2kafka ${version} — pull paginated REST APIs (dlt rest_api_source configs) into compacted Kafka topics

Usage: rest2kafka <command> [options]
       rest2kafka <command> --help

Commands:
${list}

Options:
  -h, --help     show this help
  -v, --version  print the version

${EXIT_CODES_HELP}
`;
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: string[], io: CommandIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    io.stdout.write(await mainHelp());
    return name === undefined ? ExitCode.CONFIG : ExitCode.OK;
  }
  if (name === '-v' || name === '--version') {
    io.stdout.write(`${version}\n`);
    return ExitCode.OK;
  }
  const command = await loadCommand(name);
  if (!command) {
    io.stderr.write(`rest2kafka: unknown command "${name}". Commands: ${COMMAND_NAMES.join(', ')}. See rest2kafka --help.\n`);
    return ExitCode.CONFIG;
  }
  if (rest.includes('-h') || rest.includes('--help')) {
    io.stdout.write(command.help.endsWith('\n') ? command.help : `${command.help}\n`);
    return ExitCode.OK;
  }
  try {
    return await command.run(rest, io);
  } catch (thrown) {
    const error = userFacing(thrown);
    io.stderr.write(`${formatError(error)}\n`);
    return exitCodeOf(error);
  }
}

if (require.main === module) {
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupts += 1;
    if (interrupts > 1) process.exit(ExitCode.INTERRUPTED);
    // On a terminal the notice takes the place of the progress line (and of the ^C echoed onto it).
    const erase = process.stderr.isTTY ? '\r\x1b[2K' : '';
    process.stderr.write(`${erase}rest2kafka: ${signal} received, stopping (send again to exit at once)\n`);
    controller.abort(new Error(`${signal} received`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // `rest2kafka preview | head` closes the pipe early: that is the reader's choice, not a failure.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(ExitCode.OK);
    throw error;
  });
  main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, signal: controller.signal })
    .then((code) => exitAfterFlush(code))
    .catch((error: unknown) => {
      process.stderr.write(`${formatError(error)}\n`);
      exitAfterFlush(exitCodeOf(error));
    });
}

/**
 * Exits once stdout and stderr have flushed. Writes to a pipe are asynchronous in Node, and
 * process.exit() drops what is still queued: `rest2kafka preview | wc -l` lost records that way.
 */
function exitAfterFlush(code: number): void {
  let pending = 2;
  const done = () => {
    pending -= 1;
    if (pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}
