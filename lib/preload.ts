/**
 * Imported first by the entry points (lib/cli.ts): what must happen before any other module
 * loads. kafkajs's fast paths have to be in Node's module cache before kafkajs is first required.
 */
import { installKafkajsFastPaths } from './sink/kafkajs-fast-paths';

export const kafkajsFastPaths = installKafkajsFastPaths();
