import { smtpProbe } from '../shared/probes/smtp/probe';
import { probeRunner } from './probe-runner';

/** Schedule target (and work-queue consumer) of `smtp` probe groups. */
export const handler = probeRunner(() => smtpProbe);
