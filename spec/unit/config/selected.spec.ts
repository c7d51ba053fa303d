import type { ResolvedResource } from '../../../lib/config/types';
import { selectedResources } from '../../../lib/config/selected';
import { ConfigError } from '../../../lib/errors';

const resource = (name: string, selected = true): ResolvedResource => ({ name, selected } as ResolvedResource);
const resources = [resource('a'), resource('b', false), resource('c')];

describe('selectedResources', () => {
  it('without --resource: the resources the config selects', () => {
    expect(selectedResources(resources, []).map((r) => r.name)).toEqual(['a', 'c']);
  });

  it('with --resource: exactly those named, selected or not, in config order', () => {
    expect(selectedResources(resources, ['c', 'b']).map((r) => r.name)).toEqual(['b', 'c']);
  });

  it('an unknown name is a usage error listing the known ones', () => {
    expect(() => selectedResources(resources, ['x'])).toThrow(ConfigError);
    expect(() => selectedResources(resources, ['x'])).toThrow('--resource x: no such resource; the config defines: a, b, c');
  });
});
