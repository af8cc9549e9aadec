import { dnsblProbe } from '../shared/probes/dnsbl/probe';
import { scheduledHandler } from './scheduled-handler';

/** Schedule target of `dnsbl` probe groups. */
export const handler = scheduledHandler(dnsblProbe);
