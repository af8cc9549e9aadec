import type { Alert, Alerter } from './types';

/** Some channels could not deliver an alert. Names the channels; each one's error is in `errors`. */
export class AlertDeliveryError extends AggregateError {
  override readonly name = 'AlertDeliveryError';
  constructor(
    readonly channels: string[],
    errors: unknown[],
    total: number,
  ) {
    const reasons = channels.map(
      (c, i) => `${c} (${errors[i] instanceof Error ? errors[i].message : String(errors[i])})`,
    );
    super(errors, `alert not delivered to ${channels.length} of ${total} channels: ${reasons.join('; ')}`);
  }
}

/**
 * Publishes every alert to all channels at once. A failing channel does not stop the others; when any fails,
 * publish rejects with an AlertDeliveryError naming them after all have finished.
 */
export function createFanout(alerters: readonly Alerter[]): Alerter {
  return {
    name: alerters.map((a) => a.name).join('+') || 'none',
    channels: alerters,
    async publish(alert: Alert): Promise<void> {
      const settled = await Promise.allSettled(alerters.map((a) => a.publish(alert)));
      const failed = settled.flatMap((s, i) =>
        s.status === 'rejected' ? [{ name: alerters[i]?.name ?? '?', error: s.reason }] : [],
      );
      if (failed.length > 0) {
        throw new AlertDeliveryError(
          failed.map((f) => f.name),
          failed.map((f) => f.error),
          alerters.length,
        );
      }
    },
  };
}
