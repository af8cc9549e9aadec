import { canaryCauses } from './canary';
import { dnsCauses } from './dns';
import { dnsblCauses } from './dnsbl';
import { probeCauses } from './probe';
import { smtpCauses } from './smtp';
import type { Cause } from './types';

export type { Cause } from './types';

/** The cause catalog: the only place where explanations and remediations live. */
export const causes = {
  ...probeCauses,
  ...smtpCauses,
  ...dnsCauses,
  ...dnsblCauses,
  ...canaryCauses,
} as const;

export type CauseId = keyof typeof causes;

export function cause(id: CauseId): Cause {
  return causes[id];
}

export function isCauseId(id: string): id is CauseId {
  return Object.hasOwn(causes, id);
}
