/** `rest2kafka simulator` as a long-running command, and a dataset of benchmark size. */
import { PassThrough } from 'node:stream';
import fetch from 'node-fetch';
import { simulatorCommand } from '../../../lib/commands/simulator';
import { SimulatorClient, startSimulator } from '../../../lib/simulator';

it('serves until its signal aborts, then exits 0', async () => {
  const stderr = new PassThrough();
  const controller = new AbortController();
  const line = new Promise<string>((resolve) => stderr.once('data', (chunk: Buffer) => resolve(chunk.toString())));
  const exit = simulatorCommand.run(['--port', '0', '--incidents', '20', '--api-key', 'k-123'], {
    stdout: new PassThrough(),
    stderr,
    env: {},
    signal: controller.signal,
  });
  const url = /listening on (http:\/\/\S+)/.exec(await line)?.[1] as string;
  expect(await line).toContain('Ctrl-C');
  const res = await fetch(`${url}/v1/incidents?api_key=k-123`);
  expect(((await res.json()) as { total: number }).total).toBe(20);
  controller.abort();
  expect(await exit).toBe(0);
  // Refused, or reset when the agent reuses a pooled connection the close dropped.
  await expect(fetch(`${url}/v1/incidents?api_key=k-123`)).rejects.toMatchObject({ name: 'FetchError', type: 'system' });
});

it('refuses a port in use with a configuration error', async () => {
  const first = await startSimulator({ port: 0 });
  try {
    await expect(startSimulator({ port: first.port })).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('EADDRINUSE') });
  } finally {
    await first.close();
  }
});

it('serves a million-record dataset lazily: a deep page after a mutation', async () => {
  const sim = await startSimulator({ port: 0, incidents: 1_000_000, services: 10 });
  try {
    await sim.control.delete('incidents', ['INC00500000']);
    const res = await fetch(`${sim.url}/v1/incidents?api_key=${sim.apiKey}&offset=999950&limit=100&sort=updated_at`);
    const page = (await res.json()) as { data: { id: string }[]; total: number };
    expect(page.total).toBe(999_999);
    expect(page.data).toHaveLength(49);
    expect(page.data.at(-1)?.id).toBe('INC01000000');
  } finally {
    await sim.close();
  }
});

it('streams a snapshot record by record', async () => {
  const sim = await startSimulator({ port: 0, incidents: 100_000, services: 10 });
  try {
    await sim.control.delete('incidents', ['INC00050000']);
    const stream = await new SimulatorClient(sim.url).openSnapshot('incidents');
    expect(stream.header).toMatchObject({ resource: 'incidents', total: 99_999, deleted: ['INC00050000'] });
    let count = 0;
    let last = '';
    for await (const record of stream.records) {
      count++;
      last = record.id;
    }
    expect(count).toBe(99_999);
    expect(last).toBe('INC00100000');
  } finally {
    await sim.close();
  }
}, 60_000);
