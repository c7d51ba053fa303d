/**
 * The sub-command dispatch the service scripts share (`kafka.sh`, `registry.sh`): run the named
 * action, print its failure as one line, and set the exit code — 2 for an unknown command.
 */

/** @example dispatch('kafka', process.argv[2], { start, stop }, USAGE) */
export function dispatch(tool: string, command: string | undefined, actions: Record<string, () => Promise<void>>, usage: string): void {
  const action = command !== undefined && Object.hasOwn(actions, command) ? actions[command] : undefined;
  if (!action) {
    console.error(usage);
    process.exitCode = 2;
    return;
  }
  action().then(
    () => (process.exitCode = 0),
    (error: unknown) => {
      console.error(`${tool} ${command}: ${(error as Error).message}`);
      process.exitCode = 1;
    },
  );
}
