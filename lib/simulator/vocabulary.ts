/** Word lists the generators draw from. Plain ASCII, so the JSON templates rarely need escaping. */

export const SERVICE_PREFIXES = [
  'checkout', 'payments', 'search', 'auth', 'billing', 'inventory', 'shipping', 'catalog',
  'notifications', 'profile', 'reporting', 'ledger', 'gateway', 'media', 'pricing', 'orders',
] as const;

export const SERVICE_KINDS = ['api', 'worker', 'db', 'cache', 'frontend', 'queue', 'scheduler'] as const;

export const SYMPTOMS = [
  'elevated 5xx error rate', 'p99 latency above SLO', 'CPU saturation', 'disk almost full',
  'replication lag', 'certificate expires soon', 'queue backlog growing', 'health check failing',
  'memory leak suspected', 'deployment rollback', 'connection pool exhausted', 'error budget burn',
] as const;

export const DESCRIPTIONS = [
  'Customers report intermittent failures; on-call is investigating.',
  'Alert fired from the synthetic monitor in two regions.',
  'Started after the latest deploy; rollback under way.',
  'Upstream provider acknowledged a partial outage.',
  'Auto-remediation ran twice without effect.',
  'Threshold breached for more than 10 minutes.',
] as const;

export const FIRST_NAMES = ['Ada', 'Grace', 'Linus', 'Margaret', 'Ken', 'Barbara', 'Dennis', 'Frances'] as const;
export const LAST_NAMES = ['Lovelace', 'Hopper', 'Torvalds', 'Hamilton', 'Thompson', 'Liskov', 'Ritchie', 'Allen'] as const;

export const TEAMS = [
  'Platform', 'Payments', 'Storefront', 'Data', 'Identity', 'SRE', 'Mobile', 'Growth',
] as const;
