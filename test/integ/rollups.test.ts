import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Alerter } from '../../shared/alert/types';
import { resolverFactory } from '../../shared/dns/resolver';
import type { Check, ProbeOutcome } from '../../shared/model/result';
import type { ProbeDefinition } from '../../shared/probes/types';
import { runProbe } from '../../shared/run/run-probe';
import { createSecretResolver } from '../../shared/secrets/resolve';
import { type EmbeddedStore, openEmbeddedStore } from '../../shared/store/embedded';
import { quantile } from '../../shared/store/histogram';
import { parseConfig } from '../../shared/suite/load';
import { expandProbes } from '../../shared/suite/probes';
import type { ProbeGroup } from '../../shared/suite/schema';
import { silentLog } from '../../shared/util/log';

jest.setTimeout(30_000);

const config = parseConfig({
  targets: { smtp: [{ name: 'relay', host: 'relay.example.test' }] },
  probes: [{ name: 'smtp-5m', kind: 'smtp', schedule: 'rate(5 minutes)', timeoutSeconds: 1 }],
});

let outcome: ProbeOutcome;
const smtp: ProbeDefinition<ProbeGroup, unknown> = {
  kind: 'smtp',
  run: async (_t, _g, ctx) => {
    ctx.timings.record('connect', 12);
    ctx.timings.record('banner', 40);
    return outcome;
  },
};
const registry = new Map([['smtp', smtp]]);
const spec = expandProbes(config, registry)[0] as ReturnType<typeof expandProbes>[number];
const silent: Alerter = { name: 'silent', publish: async () => undefined };

let embedded: EmbeddedStore;
beforeAll(async () => {
  embedded = await openEmbeddedStore({
    dataDir: mkdtempSync(join(tmpdir(), 'mailprobe-rollups-')),
    retentionDays: 30,
  });
});
afterAll(() => embedded.close());

const deps = () => ({
  resolver: config.resolver,
  dns: resolverFactory(),
  secrets: createSecretResolver({ env: {} }),
  log: silentLog,
  now: () => new Date(),
  store: embedded.store,
  alerter: silent,
  alerting: { alerts: config.alerts, targets: config.targets },
});
const slot = (hour: number, minute: number) => new Date(Date.UTC(2026, 10, 23, hour, minute));
const cert = (daysLeft: number): Check => ({
  id: 'tls.certificate',
  status: 'pass',
  message: `expires in ${daysLeft} days`,
  observed: { daysLeft },
});
const rcptFailing: Check = {
  id: 'rcpt',
  status: 'fail',
  cause: 'smtp.rcpt.unknown-user',
  message: '550 5.1.1 <script>alert(1)</script> no such user',
};

describe('rollups written on the result path', () => {
  it('adds each written result once to its hour and day, and records an event only when something changed', async () => {
    outcome = { checks: [cert(40)] };
    await runProbe(spec, slot(10, 0), deps());
    await runProbe(spec, slot(10, 5), deps());
    const duplicate = await runProbe(spec, slot(10, 5), deps());
    expect(duplicate.stored).toBe('duplicate');
    outcome = { checks: [cert(40), rcptFailing] };
    await runProbe(spec, slot(10, 10), deps());
    outcome = { checks: [cert(39)] };
    await runProbe(spec, slot(11, 0), deps());

    const window = { since: slot(0, 0), until: slot(23, 0) };
    const hours = await embedded.store.rollups(spec.id, window, 'hour');
    expect(hours.map((h) => [h.start, h.runs, h.counters['status:pass'], h.counters['status:fail']])).toEqual(
      [
        ['2026-11-23T10:00:00.000Z', 3, 2, 1],
        ['2026-11-23T11:00:00.000Z', 1, 1, undefined],
      ],
    );
    expect(hours[0]?.counters.certDaysSum).toBe(120);
    expect(hours[0]?.counters.certDaysN).toBe(3);
    const [day] = await embedded.store.rollups(spec.id, window, 'day');
    expect(day).toMatchObject({ start: '2026-11-23T00:00:00.000Z', runs: 4 });
    const connect = day?.histograms['phase:connect'];
    expect(connect?.n).toBe(4);
    expect(connect?.sum).toBe(48);
    // Log buckets: the median of four 12 ms phases reads back as the middle of its bucket, within 9% of 12 ms.
    expect(quantile(connect ?? { n: 0, sum: 0, buckets: {} }, 0.5)).toBe(12);

    const { before, events } = await embedded.store.events(spec.id, window);
    expect(before).toBeUndefined();
    expect(events.map((e) => [e.at, e.previousStatus, e.status])).toEqual([
      ['2026-11-23T10:00:00.000Z', undefined, 'pass'],
      ['2026-11-23T10:10:00.000Z', 'pass', 'fail'],
      ['2026-11-23T11:00:00.000Z', 'fail', 'pass'],
    ]);
    expect(events[1]?.checks).toEqual([
      {
        id: 'rcpt',
        status: 'fail',
        cause: 'smtp.rcpt.unknown-user',
        message: rcptFailing.message,
      },
    ]);
    const later = await embedded.store.events(spec.id, { since: slot(10, 30), until: slot(23, 0) });
    expect(later.before?.status).toBe('fail');
    expect(later.events).toHaveLength(1);
  });
});

describe('day rollups', () => {
  it('cover each whole UTC day a window overlaps, oldest first, and agree with the hours', async () => {
    outcome = { checks: [cert(30)] };
    const at = (day: number, hour: number, minute: number) => new Date(Date.UTC(2026, 10, day, hour, minute));
    for (const t of [at(25, 22, 55), at(25, 23, 55), at(26, 0, 0), at(26, 0, 5), at(26, 13, 0), at(28, 1, 0)])
      await runProbe(spec, t, deps());

    const window = { since: at(25, 23, 0), until: at(26, 1, 0) };
    const days = await embedded.store.rollups(spec.id, window, 'day');
    expect(days.map((d) => [d.resolution, d.start, d.runs, d.counters['status:pass']])).toEqual([
      ['day', '2026-11-25T00:00:00.000Z', 2, 2],
      ['day', '2026-11-26T00:00:00.000Z', 3, 3],
    ]);
    expect(days[1]?.histograms['phase:connect']).toMatchObject({ n: 3, sum: 36 });
    expect(days[1]?.counters.certDaysSum).toBe(90);
    const hours = await embedded.store.rollups(spec.id, window, 'hour');
    expect(hours.map((h) => [h.start, h.runs])).toEqual([
      ['2026-11-25T23:00:00.000Z', 1],
      ['2026-11-26T00:00:00.000Z', 2],
    ]);
  });
});
