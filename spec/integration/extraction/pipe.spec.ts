import { spawn } from 'node:child_process';
import path from 'node:path';
import { startSimulator, type SimulatorHandle } from '../../../lib/simulator';
import { configDir, runCliProcess, simulatorSource } from './cli';

const CLI = path.resolve(__dirname, '../../../dist/lib/cli.js');

describe('preview writing into a pipe', () => {
  let sim: SimulatorHandle;
  let dir: Awaited<ReturnType<typeof configDir>>;
  let config: string;
  const env = () => ({ API_KEY: sim.apiKey });

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, incidents: 20_000, services: 10 });
    dir = await configDir();
    config = await dir.write('source.json', simulatorSource(sim.url, { page_concurrency: 8 }));
  });
  afterAll(async () => {
    await sim.close();
    await dir.cleanup();
  });

  // Regression: process.exit() dropped queued pipe writes, so fast concurrent previews lost records.
  it('delivers every record before the process exits', async () => {
    const result = await runCliProcess(['preview', '--config', config], env());
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n').filter(Boolean);
    expect(lines).toHaveLength(20_010);
    expect(new Set(lines.map((l) => (JSON.parse(l) as { key: string }).key)).size).toBe(20_010);
  });

  it('exits 0 without a stack trace when the reader closes the pipe early (| head)', async () => {
    const child = spawn(process.execPath, [CLI, 'preview', '--config', config], { env: { PATH: process.env.PATH, ...env() }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const firstLine = await new Promise<string>((resolve) => {
      let buffered = '';
      child.stdout.on('data', (c: Buffer) => {
        buffered += c.toString();
        if (buffered.includes('\n')) {
          child.stdout.destroy();
          resolve(buffered.split('\n')[0]);
        }
      });
    });
    const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
    expect(JSON.parse(firstLine)).toMatchObject({ resource: expect.any(String) });
    expect(code).toBe(0);
    expect(stderr).not.toMatch(/Error|at /);
  });
});
