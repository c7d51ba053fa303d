/** Jest globalTeardown of the integration project: stops only the broker and registry globalSetup started. */
import { rm } from 'node:fs/promises';
import { takeStartedTestBroker } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  const started = takeStartedTestBroker();
  if (!started) return;
  process.off('exit', started.killOnExit);
  await Promise.all([started.broker?.stop(), started.registry?.stop()]);
  await rm(started.workDir, { recursive: true, force: true });
}
