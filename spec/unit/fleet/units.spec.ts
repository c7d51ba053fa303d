import { applyPipelineDefaults } from '../../../lib/config/defaults';
import { resolveResources } from '../../../lib/config/defaults';
import { workUnits } from '../../../lib/fleet/units';

const source = {
  client: { base_url: 'https://api.example.com' },
  resources: [
    'services',
    { name: 'incidents', endpoint: { path: 'incidents' } },
    { name: 'log_entries', endpoint: { path: 'incidents/{resources.incidents.id}/log_entries' } },
    { name: 'notes', endpoint: { path: 'log_entries/{resources.log_entries.id}/notes' } },
  ],
};

function units(mode: 'standby' | 'distributed' | 'none', only?: string[]) {
  const pipeline = applyPipelineDefaults({ pipeline_name: 'p', source, coordination: { mode } } as never);
  const resources = resolveResources(pipeline.source);
  return workUnits(pipeline, resources, only ? resources.filter((r) => only.includes(r.name)) : resources);
}

describe('workUnits', () => {
  it('standby: the whole pipeline is one unit on partition 0 under the pipeline\'s transactional id', () => {
    expect(units('standby')).toEqual([{ name: 'p', partition: 0, resources: ['services', 'incidents', 'log_entries', 'notes'], transactionalId: 'rest2kafka-p' }]);
  });

  it('distributed: one unit per root resource, children (and grandchildren) with their root, numbered by name', () => {
    expect(units('distributed')).toEqual([
      { name: 'incidents', partition: 0, resources: ['incidents', 'log_entries', 'notes'], transactionalId: 'rest2kafka-p-incidents' },
      { name: 'services', partition: 1, resources: ['services'], transactionalId: 'rest2kafka-p-services' },
    ]);
  });

  it('distributed: a wanted child without its parent still belongs to the parent\'s unit', () => {
    expect(units('distributed', ['notes', 'services']).map((u) => [u.name, u.resources])).toEqual([
      ['incidents', ['notes']],
      ['services', ['services']],
    ]);
  });
});
