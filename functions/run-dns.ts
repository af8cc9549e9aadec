import { dnsProbe } from '../shared/probes/dns/probe';
import { scheduledHandler } from './scheduled-handler';

/** Schedule target of `dns` probe groups. */
export const handler = scheduledHandler(dnsProbe);
