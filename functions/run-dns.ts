import { dnsProbe } from '../shared/probes/dns/probe';
import { probeRunner } from './probe-runner';

/** Schedule target (and work-queue consumer) of `dns` probe groups. */
export const handler = probeRunner(() => dnsProbe);
