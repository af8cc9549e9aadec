import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Alert, Alerter } from '../../shared/alert/types';
import { resolverFactory } from '../../shared/dns/resolver';
import type { ProbeOutcome } from '../../shared/model/result';
import type { ProbeContext, ProbeDefinition } from '../../shared/probes/types';
import { runProbes } from '../../shared/run/run-group';
import { runProbe } from '../../shared/run/run-probe';
import { createSecretResolver } from '../../shared/secrets/resolve';
import { type EmbeddedStore, openEmbeddedStore } from '../../shared/store/embedded';
import { parseConfig } from '../../shared/suite/load';
import { expandProbes } from '../../shared/suite/probes';
import type { ProbeGroup } from '../../shared/suite/schema';
import { silentLog } from '../../shared/util/log';

jest.setTimeout(30_000);

const config = parseConfig({
  targets: { smtp: [{ name: 'relay', host: 'relay.example.test' }] },
  probes: [{ name: 'smtp-5m', kind: 'smtp', schedule: 'rate(5 minutes)', timeoutSeconds: 1 }],
  thresholds: { failuresBeforeAlert: 2, unknownsBeforeCoverageAlert: 2 },
});

let behaviour: (ctx: ProbeContext) => Promise<ProbeOutcome>;
const definitions = new Map<string, ProbeDefinition<ProbeGroup, unknown>>([
  ['smtp', { kind: 'smtp', run: (_t, _g, ctx) => behaviour(ctx) }],
]);
const spec = expandProbes(config, definitions)[0] as ReturnType<typeof expandProbes>[number];

const published: Alert[] = [];
const recorder: Alerter = { name: 'recorder', publish: async (a) => void published.push(a) };
let embedded: EmbeddedStore;

beforeAll(async () => {
  embedded = await openEmbeddedStore({
    dataDir: mkdtempSync(join(tmpdir(), 'mailprobe-run-')),
    retentionDays: 30,
  });
});
afterAll(() => embedded.close());
beforeEach(() => {
  published.length = 0;
});

const slot = (minute: number) => new Date(Date.UTC(2026, 10, 23, 10, minute));
/** The clock a few seconds into the slot being run, as in a deployed invocation. */
let clock = slot(0);
const deps = () => ({
  resolver: config.resolver,
  dns: resolverFactory(),
  secrets: createSecretResolver({ env: {} }),
  alerting: { alerts: config.alerts, targets: config.targets },
  log: silentLog,
  now: () => new Date(clock.getTime() + 2000),
  store: embedded.store,
  alerter: recorder,
});
/** One scheduled slot: the probe, then the incident flush, as runProbes does in a Lambda. */
function runSlot(minute: number, overrides: Partial<ReturnType<typeof deps>> = {}) {
  clock = slot(minute);
  return runProbes([spec], slot(minute), { ...deps(), ...overrides });
}

describe('runProbe on the embedded store', () => {
  it('records a crash and a hang as unknown results, and two in a row raise one coverage alert', async () => {
    behaviour = async () => {
      throw new Error('boom');
    };
    const [crashed] = await runSlot(0);
    behaviour = () => new Promise(() => {});
    const [hung] = await runSlot(5);
    expect([crashed?.result.checks[0]?.cause, hung?.result.checks[0]?.cause]).toEqual([
      'probe.crashed',
      'probe.timeout',
    ]);
    const stored = await embedded.store.historyByProbe(spec.id, { since: slot(0) });
    expect(stored.map((r) => [r.scheduledAt, r.status])).toEqual([
      ['2026-11-23T10:00:00.000Z', 'unknown'],
      ['2026-11-23T10:05:00.000Z', 'unknown'],
    ]);
    expect(published.map((a) => a.type)).toEqual(['coverage']);
  });

  it('replaying a slot stores nothing and alerts nothing', async () => {
    behaviour = async () => ({
      checks: [{ id: 'banner', status: 'fail', cause: 'probe.crashed', message: 'x' }],
    });
    clock = slot(10);
    const first = await runProbe(spec, slot(10), deps());
    const again = await runProbe(spec, slot(10), deps());
    expect([first.stored, again.stored]).toEqual(['written', 'duplicate']);
    // The coverage incident resolves; the flush after the slot says so, once.
    await runSlot(10);
    expect(published.map((a) => [a.type, a.incident?.phase])).toEqual([['coverage-recovered', 'resolved']]);
    const [second] = await runSlot(15);
    expect(second?.alerts.map((a) => a.type)).toEqual(['failure']);
    expect(published.map((a) => a.type)).toEqual(['coverage-recovered', 'failure']);
  });

  it('keeps the probe memo in the state for its next run', async () => {
    let seen: unknown;
    behaviour = async (ctx) => {
      seen = ctx.memo;
      return { checks: [{ id: 'banner', status: 'pass', message: 'ok' }], memo: { fingerprint: 'abc' } };
    };
    await runSlot(20);
    await runSlot(25);
    expect(seen).toEqual({ fingerprint: 'abc' });
    expect(published.map((a) => [a.type, a.incident?.phase])).toEqual([['recovery', 'resolved']]);
  });

  it('keeps an incident a channel could not take and sends it on the next run, without losing the stored result', async () => {
    behaviour = async () => ({
      checks: [{ id: 'banner', status: 'fail', cause: 'probe.crashed', message: 'x' }],
    });
    const failing: Alerter = {
      name: 'recorder',
      publish: async () => Promise.reject(new Error('channel down')),
    };
    const errors: string[] = [];
    const log = {
      ...silentLog,
      error: (_m: string, e?: Record<string, unknown>) => void errors.push(String(e?.reason)),
    };
    await runSlot(30, { alerter: failing, log });
    await runSlot(35, { alerter: failing, log });
    expect(errors).toEqual([
      expect.stringMatching(/^incident \w+ \(failure smtp-5m\/relay\) to recorder: channel down$/),
    ]);
    expect((await embedded.store.historyByProbe(spec.id, { since: slot(35) })).length).toBe(1);

    // The channel is back: the next run (still failing, no new transition) delivers the incident, once.
    await runSlot(40);
    expect(published.map((a) => [a.type, a.scheduledAt])).toEqual([['failure', '2026-11-23T10:35:00.000Z']]);
    await runSlot(45);
    expect(published).toHaveLength(1);
  });
});
