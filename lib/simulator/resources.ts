/** The registry of simulated resources, by endpoint name. */
import { incidents } from './incidents';
import type { ResourceSpec } from './resource';
import { services } from './services';
import type { ResourceName, SimRecord } from './types';

// The casts widen each spec's record type: the store keeps records per resource, so a spec
// only ever receives records it generated itself.
export const RESOURCES: Readonly<Record<ResourceName, ResourceSpec<SimRecord>>> = {
  incidents: incidents as unknown as ResourceSpec<SimRecord>,
  services: services as unknown as ResourceSpec<SimRecord>,
};
