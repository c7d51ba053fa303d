import type { Command } from './types';

/** Every sub-command, in the order `--help` lists them. */
export const commands: readonly Command[] = [];
