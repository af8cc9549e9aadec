import type { ProbeDefinition } from '../types';
import type { DnsblGroup } from './config';

// Placeholder while the dnsbl probe is being written (its own issue): expands targets, runs no checks yet.
export const dnsblProbe: ProbeDefinition<DnsblGroup, unknown> = {
  kind: 'dnsbl',
  targets: () => [],
  run: async () => ({ checks: [] }),
};
