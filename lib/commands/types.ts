/** The shape every CLI sub-command has; `lib/cli.ts` finds them in `lib/commands/index.ts`. */

export interface CommandIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  /** Aborted on SIGINT/SIGTERM; long-running commands stop cleanly when it fires. */
  signal: AbortSignal;
}

export interface Command {
  name: string;
  /** One line for `rest2kafka --help`. */
  summary: string;
  /** Full text for `rest2kafka <name> --help`: usage, options, examples, exit codes. */
  help: string;
  /** Returns the process exit code. Throwing a Rest2KafkaError maps to its exit code. */
  run(argv: string[], io: CommandIO): Promise<number>;
}
