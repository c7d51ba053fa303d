import type { Command } from './types';

/**
 * Every sub-command, in the order `--help` lists them, each loaded only when it is asked for:
 * a command then pays for its own modules alone. Loading all of them (rxjs, node-fetch,
 * prom-client, the simulator, …) took ~80 ms of every start, `replay`'s and `status`'s too.
 */
const LOADERS = {
  run: async () => (await import('./run')).runCommand,
  status: async () => (await import('./status')).statusCommand,
  preview: async () => (await import('./preview')).previewCommand,
  check: async () => (await import('./check')).checkCommand,
  replay: async () => (await import('./replay')).replayCommand,
  schema: async () => (await import('./schema')).schemaCommand,
  simulator: async () => (await import('./simulator')).simulatorCommand,
} satisfies Record<string, () => Promise<Command>>;

export const COMMAND_NAMES: readonly string[] = Object.keys(LOADERS);

/** The command called `name`, loaded; undefined when there is none. */
export async function loadCommand(name: string): Promise<Command | undefined> {
  return Object.hasOwn(LOADERS, name) ? LOADERS[name as keyof typeof LOADERS]() : undefined;
}

/** Every command, loaded (for the main help's summaries). */
export function loadCommands(): Promise<Command[]> {
  return Promise.all(Object.values(LOADERS).map((load) => load()));
}
