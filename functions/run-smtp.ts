import { smtpProbe } from '../shared/probes/smtp/probe';
import { scheduledHandler } from './scheduled-handler';

/** Schedule target of `smtp` probe groups. */
export const handler = scheduledHandler(smtpProbe);
