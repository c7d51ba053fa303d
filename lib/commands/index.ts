import { checkCommand } from './check';
import { previewCommand } from './preview';
import { replayCommand } from './replay';
import { runCommand } from './run';
import { schemaCommand } from './schema';
import { simulatorCommand } from './simulator';
import { statusCommand } from './status';
import type { Command } from './types';

/** Every sub-command, in the order `--help` lists them. */
export const commands: readonly Command[] = [runCommand, statusCommand, previewCommand, checkCommand, replayCommand, schemaCommand, simulatorCommand];
