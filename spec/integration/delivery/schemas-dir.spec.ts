/**
 * Schemas only where the user put them (issue 12): a config without schemas_dir never borrows
 * the demo's schemas, a schemas_dir that is set but missing is a config error, and a resource
 * whose every record is dead-lettered ends with a WARN that names it and the first reason.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startSimulator, type SimulatorHandle } from '../../../lib/simulator';
import { readAllFromStart } from '../../support/kafka';
import { incidentsResource, parseSummary, runCli, writePipeline, type TestPipeline } from '../../support/pipeline';

const INCIDENTS = 60;
let sim: SimulatorHandle;
const pipelines: TestPipeline[] = [];

beforeAll(async () => {
  sim = await startSimulator({ port: 0, incidents: INCIDENTS, services: 3 });
});
afterAll(async () => {
  await sim.close();
  await Promise.all(pipelines.map((p) => p.remove()));
});

async function pipelineWith(label: string, delivery: Record<string, unknown>): Promise<TestPipeline> {
  const pipeline = await writePipeline(label, { simulator: sim, resources: [incidentsResource({}, 20)], delivery });
  pipelines.push(pipeline);
  return pipeline;
}

it('regression: without schemas_dir and no schemas folder beside the config, records are published unvalidated, not checked against the demo schema', async () => {
  const pipeline = await pipelineWith('no-schemas-dir', { schemas_dir: undefined });
  const result = await runCli(['run', '--config', pipeline.file]);
  expect(result.code).toBe(0);
  expect(parseSummary(result.stderr).get('incidents')).toMatchObject({ records: INCIDENTS, deadLettered: 0 });
  expect(result.stderr).toContain('no schema directory; records are published without schema validation');
});

it('a schemas_dir that is set but missing exits 2 naming delivery.schemas_dir, before touching Kafka', async () => {
  const pipeline = await pipelineWith('missing-schemas-dir', { schemas_dir: 'no-such-folder' });
  const result = await runCli(['run', '--config', pipeline.file]);
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/delivery\.schemas_dir: \S+no-such-folder does not exist/);
});

it('a resource whose every record is dead-lettered ends with a WARN naming it and the first reason; the run exits 0', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rest2kafka-wrong-schema-'));
  try {
    // Another API's incidents (PagerDuty-shaped): a required field the simulator never sends.
    await writeFile(path.join(dir, 'incidents.avsc'), JSON.stringify({ type: 'record', name: 'incidents', fields: [{ name: 'id', type: 'string' }, { name: 'incident_number', type: 'long' }] }));
    const pipeline = await pipelineWith('all-invalid', { schemas_dir: dir });
    const result = await runCli(['run', '--config', pipeline.file]);
    expect(result.code).toBe(0);
    expect(parseSummary(result.stderr).get('incidents')).toMatchObject({ records: 0, deadLettered: INCIDENTS });
    const warn = result.stderr.split('\n').find((l) => l.includes('"level":"warn"') && l.includes('every record of resource'));
    expect(warn).toBeDefined();
    expect(warn).toContain(`every record of resource \\"incidents\\" was dead-lettered (${INCIDENTS}); first reason: `);
    expect(warn).toContain('incident_number');
    expect(await readAllFromStart(pipeline.deadLetterTopic)).toHaveLength(INCIDENTS);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
