import { dnsblProbe } from '../shared/probes/dnsbl/probe';
import { probeRunner } from './probe-runner';

/** Schedule target (and work-queue consumer) of `dnsbl` probe groups. */
export const handler = probeRunner(() => dnsblProbe);
