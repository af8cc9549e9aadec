import { canaryProbe } from './canary/probe';
import { dnsProbe } from './dns/probe';
import { dnsblProbe } from './dnsbl/probe';
import { smtpProbe } from './smtp/probe';
import type { ProbeRegistry } from './types';

/** Every probe kind, by the `kind` a probe group names. */
export const probes: ProbeRegistry = {
  smtp: smtpProbe,
  dns: dnsProbe,
  dnsbl: dnsblProbe,
  canary: canaryProbe,
};
