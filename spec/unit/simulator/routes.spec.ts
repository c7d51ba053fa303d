import { ROUTE_TEMPLATES, findRoute } from '../../../lib/simulator/routes';

describe('findRoute', () => {
  it.each([
    ['/v1/incidents', '/v1/incidents'],
    ['/v1/services', '/v1/services'],
    ['/v1/incidents/INC00000042/log_entries', '/v1/incidents/{id}/log_entries'],
    ['/v1/incidents/anything/log_entries', '/v1/incidents/{id}/log_entries'],
    ['/v1/alerts', '/v1/alerts'],
  ])('routes %s to %s', (path, template) => {
    expect(findRoute(path)?.template).toBe(template);
  });

  it.each(['/v1/incidents/', '/v1/incidents/INC00000001', '/v1/incidents//log_entries', '/v1/incidents/a/b/log_entries', '/v1/alerts/1', '/v1/log_entries'])(
    'knows no route %s',
    (path) => {
      expect(findRoute(path)).toBeNull();
    },
  );

  it('lists every documented path', () => {
    expect(ROUTE_TEMPLATES).toEqual(['/v1/incidents', '/v1/services', '/v1/incidents/{id}/log_entries', '/v1/alerts']);
  });
});
