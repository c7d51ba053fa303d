import { loadConfig } from '../../../lib/config/load';
it('smoke', async () => {
  for (const f of ['examples/pipeline.yaml', 'examples/source.json', 'examples/pipeline.ts']) {
    const r = await loadConfig(f, { env: { API_KEY: 'demo-key' } });
    console.log(JSON.stringify(r, null, 1).slice(0, 3000));
  }
});
