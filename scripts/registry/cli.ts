/**
 * `registry.sh provision|start|stop`: the local Schema Registry (see registry.ts), for
 * development (`npm run registry:start`) and CI's provisioning step. The integration tests'
 * globalSetup calls registry.ts directly.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { readPidFile, terminate } from '../kafka/process';
import { DEFAULT_PORT, ensureRegistryJar, isRegistryProcess, registryHome, startRegistry } from './registry';
import { dispatch } from '../dispatch';

const USAGE = `Usage: bash scripts/registry/registry.sh <command>
  provision   build the registry jar into .registry/build if it is not there (Maven, Java 17+)
  start       start it in the background on 127.0.0.1:$REGISTRY_PORT (default ${DEFAULT_PORT})
  stop        stop it
Environment: REGISTRY_PORT, REGISTRY_BUILD_DIR, MAVEN_REPO_URL (a Maven Central mirror)`;

const pidFile = path.join(registryHome, 'registry.pid');

async function start(): Promise<void> {
  const pid = await readPidFile(pidFile);
  if (pid !== null && isRegistryProcess(pid)) {
    console.log(`The Schema Registry is already running (pid ${pid}).`);
    return;
  }
  const port = Number(process.env.REGISTRY_PORT || DEFAULT_PORT);
  const registry = await startRegistry({ workDir: registryHome, port, detached: true, log: (line) => console.log(line) });
  console.log(`Schema Registry ready after ${(registry.startupMs / 1000).toFixed(1)} s (pid ${registry.pid}, log ${path.relative(process.cwd(), registry.logFile)}).`);
  console.log(`delivery.schema_registry.url: ${registry.url}   Stop it with: npm run registry:stop`);
}

async function stop(): Promise<void> {
  const pid = await readPidFile(pidFile);
  if (pid === null || !isRegistryProcess(pid)) {
    await rm(pidFile, { force: true });
    console.log('No Schema Registry to stop.');
    return;
  }
  console.log(`Schema Registry (pid ${pid}) ${(await terminate(pid, 15_000)) === 'killed' ? 'killed after 15 s' : 'stopped'}.`);
  await rm(pidFile, { force: true });
}

async function provision(): Promise<void> {
  const started = Date.now();
  const jar = ensureRegistryJar({ log: (line) => console.log(line) });
  console.log(`Schema Registry jar: ${path.relative(process.cwd(), jar)} (${((Date.now() - started) / 1000).toFixed(1)} s).`);
}

dispatch('registry', process.argv[2], { provision, start, stop }, USAGE);
