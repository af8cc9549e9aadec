import { canaryProbe } from '../shared/probes/canary/probe';
import { scheduledHandler } from './scheduled-handler';

/** Schedule target of `canary` probe groups. */
export const handler = scheduledHandler(canaryProbe);
