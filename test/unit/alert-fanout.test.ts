import { AlertDeliveryError, createFanout } from '../../shared/alert/fanout';
import type { Alert, Alerter } from '../../shared/alert/types';

const alert: Alert = {
  type: 'failure',
  severity: 'critical',
  probeId: 'mx/example.com',
  kind: 'dns',
  group: 'mx',
  target: 'example.com',
  scheduledAt: '2026-11-23T10:05:00.000Z',
  status: 'fail',
  checks: [],
};

function recording(name: string, fail?: Error): Alerter & { got: Alert[] } {
  const got: Alert[] = [];
  return {
    name,
    got,
    async publish(a) {
      got.push(a);
      if (fail) throw fail;
    },
  };
}

describe('fanout', () => {
  it('delivers to every channel', async () => {
    const a = recording('console');
    const b = recording('sns');
    await createFanout([a, b]).publish(alert);
    expect(a.got).toEqual([alert]);
    expect(b.got).toEqual([alert]);
  });

  it('still delivers to the other channels when one fails, then names the failed one', async () => {
    const a = recording('console');
    const boom = new Error('HTTP 500 after 4 attempts');
    const b = recording('slack', boom);
    const c = recording('sns');
    const err = await createFanout([a, b, c])
      .publish(alert)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(a.got).toEqual([alert]);
    expect(c.got).toEqual([alert]);
    expect(err).toBeInstanceOf(AlertDeliveryError);
    expect(err).toMatchObject({
      name: 'AlertDeliveryError',
      channels: ['slack'],
      errors: [boom],
      message: 'alert not delivered to 1 of 3 channels: slack (HTTP 500 after 4 attempts)',
    });
  });

  it('names every failed channel', async () => {
    const err = await createFanout([recording('slack', new Error('x')), recording('sns', new Error('y'))])
      .publish(alert)
      .catch((e: AlertDeliveryError) => e);
    expect(err).toMatchObject({ channels: ['slack', 'sns'] });
  });

  it('does nothing without channels', async () => {
    await expect(createFanout([]).publish(alert)).resolves.toBeUndefined();
  });
});
