import type { ProbeDefinition } from '../types';
import type { DnsGroup } from './config';

// Placeholder while the dns probe is being written (its own issue): expands targets, runs no checks yet.
export const dnsProbe: ProbeDefinition<DnsGroup, unknown> = {
  kind: 'dns',
  targets: () => [],
  run: async () => ({ checks: [] }),
};
