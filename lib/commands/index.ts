import type { Command } from './types';

/**
 * A command whose module is loaded when it is first used. Loading every command's modules at
 * start-up (rxjs and the pipeline for `run`, the simulator's server…) took ~120 ms of each
 * command's start, measured on `replay`: a tenth of the time kcat takes to read the 1M records
 * replay is compared with (bench/README.md).
 */
function lazy(name: string, load: () => Command): Command {
  let loaded: Command | undefined;
  const command = (): Command => {
    if (loaded) return loaded;
    loaded = load();
    if (loaded.name !== name) throw new Error(`lib/commands/index.ts lists "${name}" for the module of command "${loaded.name}"`);
    return loaded;
  };
  return {
    name,
    get summary() {
      return command().summary;
    },
    get help() {
      return command().help;
    },
    run: (argv, io) => command().run(argv, io),
  };
}

/** Every sub-command, in the order `--help` lists them. */
// `require`, not `import()`: a command's summary and help are read synchronously.
/* eslint-disable @typescript-eslint/no-require-imports */
export const commands: readonly Command[] = [
  lazy('run', () => (require('./run') as typeof import('./run')).runCommand),
  lazy('status', () => (require('./status') as typeof import('./status')).statusCommand),
  lazy('preview', () => (require('./preview') as typeof import('./preview')).previewCommand),
  lazy('check', () => (require('./check') as typeof import('./check')).checkCommand),
  lazy('replay', () => (require('./replay') as typeof import('./replay')).replayCommand),
  lazy('schema', () => (require('./schema') as typeof import('./schema')).schemaCommand),
  lazy('simulator', () => (require('./simulator') as typeof import('./simulator')).simulatorCommand),
];
/* eslint-enable @typescript-eslint/no-require-imports */
