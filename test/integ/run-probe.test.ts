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

describe('runProbe under retries, duplicates and store failures (at-least-once, side effects once)', () => {
  const trustConfig = parseConfig({
    targets: {
      smtp: ['sender', 'crashy', 'future', 'storeless'].map((name) => ({ name, host: `${name}.test` })),
    },
    probes: [{ name: 'trust', kind: 'smtp', schedule: 'rate(5 minutes)', timeoutSeconds: 5 }],
    thresholds: { failuresBeforeAlert: 1 },
  });
  let sends = 0;
  const failing = async () => ({
    checks: [{ id: 'banner', status: 'fail' as const, cause: 'probe.crashed' as const, message: 'x' }],
  });
  const specOf = (target: string, sideEffects: boolean) => {
    const definition: ProbeDefinition<ProbeGroup, unknown> = {
      kind: 'smtp',
      ...(sideEffects ? { sideEffects: true as const } : {}),
      run: async () => {
        sends += 1; // stands for the message a canary sends
        await new Promise((resolve) => setImmediate(resolve));
        return failing();
      },
    };
    const found = expandProbes(trustConfig, new Map([['smtp', definition]])).find(
      (s) => s.targetName === target,
    );
    if (!found) throw new Error(target);
    return found;
  };

  it('runs a probe with side effects once for five concurrent invocations of one slot', async () => {
    sends = 0;
    const spec = specOf('sender', true);
    const reports = await Promise.all(Array.from({ length: 5 }, () => runProbe(spec, slot(0), deps())));
    expect(sends).toBe(1);
    expect(reports.filter((r) => r.stored === 'written')).toHaveLength(1);
    expect(reports.flatMap((r) => r.alerts).map((a) => a.type)).toEqual(['failure']);
    // A later retry of the same slot neither sends nor alerts.
    expect((await runProbe(spec, slot(0), deps())).stored).toBe('duplicate');
    expect(sends).toBe(1);
  });

  it('evaluates and alerts a stored result whose state was never saved (the first invocation died between the writes)', async () => {
    const spec = specOf('crashy', false);
    const store = embedded.store;
    const dying = {
      ...deps(),
      store: Object.assign(Object.create(store), {
        saveState: async () => {
          throw new Error('killed');
        },
      }),
    };
    const first = await runProbe(spec, slot(5), dying);
    expect(first).toMatchObject({ stored: 'failed', alerts: [] });
    expect(await store.getResult(spec.id, slot(5).toISOString())).toBeDefined();
    const retry = await runProbe(spec, slot(5), deps());
    expect(retry.stored).toBe('written');
    expect(retry.alerts.map((a) => a.type)).toEqual(['failure']);
    expect((await store.getState(spec.id))?.lastScheduledAt).toBe(slot(5).toISOString());
  });

  it('repairs a state that holds a far-future slot, so the probe alerts again', async () => {
    const spec = specOf('future', false);
    const store = embedded.store;
    await runProbe(spec, new Date('9999-01-01T00:00:00Z'), deps());
    const report = await runProbe(spec, slot(10), deps());
    expect(report.stored).toBe('written');
    expect((await store.getState(spec.id))?.lastScheduledAt).toBe(slot(10).toISOString());
  });

  it('keeps the verdict when the store fails: the report carries it, marked not recorded', async () => {
    const spec = specOf('storeless', false);
    const down = Object.assign(Object.create(embedded.store), {
      getState: async () => {
        throw new Error('DynamoDB GetItem (state) failed: ECONNREFUSED');
      },
    });
    const report = await runProbe(spec, slot(15), { ...deps(), store: down });
    expect(report).toMatchObject({ stored: 'failed', storeError: expect.stringContaining('ECONNREFUSED') });
    expect(report.result).toMatchObject({
      status: 'fail',
      checks: [expect.objectContaining({ id: 'banner' })],
    });
    // A probe with side effects does not act without its claim.
    sends = 0;
    const sender = await runProbe(specOf('sender', true), slot(15), { ...deps(), store: down });
    expect(sends).toBe(0);
    expect(sender.result.checks[0]).toMatchObject({ status: 'unknown', cause: 'probe.store-unavailable' });
  });
});
