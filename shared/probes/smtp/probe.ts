import type { ProbeDefinition } from '../types';
import type { SmtpGroup } from './config';

// Placeholder while the smtp probe is being written (its own issue): expands targets, runs no checks yet.
export const smtpProbe: ProbeDefinition<SmtpGroup, unknown> = {
  kind: 'smtp',
  targets: () => [],
  run: async () => ({ checks: [] }),
};
