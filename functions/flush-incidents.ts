import type { Context } from 'aws-lambda';
import { flushIncidents } from '../shared/alert/flush';
import { checkSlot, flushEvent, parseEvent } from '../shared/run/events';
import { log } from './container';
import { flushWakeTo, runDeps } from './run-deps';

/**
 * Invoked by a one-time schedule a runner arranged when an incident's group wait or interval ends between runs:
 * delivers what is due then. The clock is taken as at least the time it was woken for, so a schedule firing a
 * moment early still delivers. The delivery claim in the incident makes a duplicate invocation, or a runner
 * flushing at the same time, send nothing twice; what falls due later is arranged again from here.
 */
export async function handler(event: unknown, context: Pick<Context, 'invokedFunctionArn'>) {
  const { flushAt } = parseEvent(flushEvent, event, 'flush event');
  const wokenFor = checkSlot(flushAt, new Date(), 'flush event', 'flushAt').getTime();
  const { deps } = runDeps();
  const wake = flushWakeTo(context.invokedFunctionArn);
  const report = await flushIncidents({
    ...deps,
    now: () => new Date(Math.max(Date.now(), wokenFor)),
    ...(wake ? { wake } : {}),
  });
  const out = {
    flushAt,
    sent: report.sent.map((a) => `${a.type} ${a.probeId}`),
    ...(report.nextAt ? { nextAt: report.nextAt.toISOString() } : {}),
  };
  log.info('incidents flushed', { ...out, errors: report.errors });
  // Failed deliveries are un-claimed: the next run or wake-up sends them; failing here would only retry early.
  return out;
}
