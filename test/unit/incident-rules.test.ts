import { rootCause } from '../../shared/alert/correlate';
import { evaluate } from '../../shared/alert/evaluate';
import { FLAP_MIN_RUNS, flapPattern, flapPercent } from '../../shared/alert/flap';
import { activeSilence } from '../../shared/alert/silences';
import type { IncidentMember, ProbeState, Silence } from '../../shared/alert/types';
import type { Thresholds } from '../../shared/config/thresholds';
import { causes } from '../../shared/model/causes/index';
import { causeRelations, matchesPattern } from '../../shared/model/causes/relations';
import type { Check, ProbeResult } from '../../shared/model/result';
import { missingCheck } from '../../shared/probes/canary/evaluate';

const thresholds: Thresholds = {
  failuresBeforeAlert: 2,
  passesBeforeRecovery: 2,
  reminderEvery: 0,
  unknownsBeforeCoverageAlert: 6,
  reportPreExisting: false,
  flapWindow: 20,
  flapStartPercent: 50,
  flapStopPercent: 25,
};
const T0 = Date.parse('2026-11-23T10:00:00.000Z');

function canaryResult(minute: number, checks: Check[]): ProbeResult {
  const at = new Date(T0 + minute * 60_000).toISOString();
  return {
    probeId: 'canary/seed',
    kind: 'canary',
    group: 'canary',
    target: 'seed',
    scheduledAt: at,
    startedAt: at,
    finishedAt: at,
    durationMs: 1,
    status: checks.some((c) => c.status === 'fail')
      ? 'fail'
      : checks.some((c) => c.status === 'warn')
        ? 'warn'
        : 'pass',
    checks,
    timings: {},
    transcript: [],
  };
}

describe('soft and hard counted once', () => {
  it('alerts on the canary’s second miss, its first hard result, not failuresBeforeAlert runs later', () => {
    const sent = new Date(T0);
    const runs = [
      [{ id: 'arrival', status: 'pass', message: 'arrived' } as Check],
      [missingCheck('t1', sent, 1, 15 * 60_000)],
      [missingCheck('t1', sent, 2, 15 * 60_000)],
    ];
    let state: ProbeState | undefined;
    const types = runs.map((checks, i) => {
      const out = evaluate(
        state,
        canaryResult(i * 5, checks),
        { ...thresholds, failuresBeforeAlert: 3 },
        new Date(),
      );
      state = out.state;
      return out.alerts.map((a) => a.type);
    });
    expect(types).toEqual([[], [], ['failure']]);
    expect(runs[1]?.[0]).toMatchObject({ status: 'warn' });
    expect(runs[2]?.[0]).toMatchObject({ status: 'fail', hard: true });
  });
});

describe('flap detection', () => {
  it('weighs recent changes more (Nagios: 0.8 for the oldest change to 1.2 for the newest)', () => {
    expect(flapPercent(['ok', 'fail', 'ok', 'fail', 'ok', 'fail', 'ok', 'fail'])).toBe(100);
    expect(flapPercent(['ok', 'ok', 'ok'])).toBe(0);
    // One change, oldest vs newest position among four pairs.
    expect(flapPercent(['fail', 'ok', 'ok', 'ok', 'ok'])).toBeLessThan(
      flapPercent(['ok', 'ok', 'ok', 'ok', 'fail']),
    );
    expect(flapPattern(['ok', 'fail'])).toBe('✓✗');
  });

  it('raises nothing before it has seen enough verdicts, then one flapping alert and no failures', () => {
    let state: ProbeState | undefined;
    const types: string[][] = [];
    for (let i = 0; i < FLAP_MIN_RUNS + 4; i++) {
      const fail = i % 2 === 1;
      const check: Check = fail
        ? { id: 'connect', status: 'fail', cause: 'smtp.connect.refused', message: 'refused' }
        : { id: 'connect', status: 'pass', message: 'ok' };
      const out = evaluate(state, canaryResult(i * 5, [check]), thresholds, new Date());
      state = out.state;
      types.push(out.alerts.map((a) => a.type));
    }
    expect(types.flat()).toEqual(['flapping']);
    expect(types[FLAP_MIN_RUNS - 1]).toEqual(['flapping']);
    expect(state?.flapping).toBe(true);
  });
});

function member(over: Partial<IncidentMember>): IncidentMember {
  return {
    probeId: 'smtp/a',
    kind: 'smtp',
    group: 'smtp',
    target: 'a',
    role: 'alert',
    firing: true,
    since: '2026-11-23T10:00:00.000Z',
    lastAt: '2026-11-23T10:00:00.000Z',
    findings: [],
    passing: [],
    resources: [],
    ...over,
  };
}

describe('root cause from the relations data', () => {
  it('names the certificate three failing endpoints share', () => {
    const tls = (probe: string, host: string) =>
      member({
        probeId: probe,
        target: host,
        findings: [
          {
            check: 'tls.certificate',
            cause: 'smtp.tls.cert-untrusted',
            status: 'fail',
            message: 'not trusted',
          },
        ],
        resources: [`host:${host}`, 'cert:ab:cd:ef:01:23:45:67:89'],
      });
    const rc = rootCause([tls('smtp/a', 'a.test'), tls('smtp/b', 'b.test'), tls('smtp/c', 'c.test')]);
    expect(rc?.relation.id).toBe('certificate-shared-by-endpoints');
    expect(rc?.sentence).toBe(
      `TLS fails on 3 endpoints presenting the same certificate (ab:cd:ef:01:23:45:67:89): ${causes['smtp.tls.cert-untrusted'].title}`,
    );
  });

  it('counts an endpoint once when its earlier finding and its alert are both members', () => {
    const tls = (probe: string, role: IncidentMember['role'], since: string) =>
      member({
        probeId: probe,
        target: probe,
        role,
        since,
        findings: [
          { check: 'tls.certificate', cause: 'smtp.tls.cert-expired', status: 'fail', message: 'expired' },
        ],
        resources: ['cert:ab:cd:ef:01:23:45:67:89'],
      });
    const early = '2026-11-23T10:05:00.000Z';
    const hard = '2026-11-23T10:10:00.000Z';
    const rc = rootCause([
      tls('smtp/b', 'change', early),
      tls('smtp/a', 'change', early),
      tls('smtp/a', 'alert', hard),
      tls('smtp/b', 'alert', hard),
    ]);
    expect(rc?.sentence).toBe(
      `TLS fails on 2 endpoints presenting the same certificate (ab:cd:ef:01:23:45:67:89): ${causes['smtp.tls.cert-expired'].title}`,
    );
    expect(rc?.explained.map((m) => [m.probeId, m.role])).toEqual([
      ['smtp/a', 'change'],
      ['smtp/b', 'change'],
    ]);
  });

  it('explains a canary that cannot send by the STARTTLS the smtp probe sees missing on its relay', () => {
    const relay = member({
      probeId: 'smtp/relay',
      since: '2026-11-23T10:00:00.000Z',
      findings: [
        {
          check: 'starttls',
          cause: 'smtp.starttls.not-offered',
          status: 'fail',
          message: 'no STARTTLS in the EHLO reply',
        },
      ],
      resources: ['host:relay.test'],
    });
    const canary = member({
      probeId: 'canary/seed',
      kind: 'canary',
      since: '2026-11-23T10:05:00.000Z',
      findings: [
        {
          check: 'send',
          cause: 'canary.send.starttls-unavailable',
          status: 'fail',
          message: 'relay.test:587: the relay does not offer STARTTLS',
        },
      ],
      resources: ['host:relay.test', 'domain:example.test'],
    });
    const rc = rootCause([canary, relay]);
    expect(rc?.relation.id).toBe('mx-down-loses-canaries');
    expect(rc?.root.probeId).toBe('smtp/relay');
    expect(rc?.explained.map((m) => m.probeId)).toEqual(['canary/seed']);
    expect(rc?.sentence).toContain('no STARTTLS in the EHLO reply');
  });

  it('links nothing when probes share no resource the relation names', () => {
    const listed = member({
      probeId: 'bl/192.0.2.10',
      kind: 'dnsbl',
      findings: [{ check: 'zone:z', cause: 'dnsbl.listed', status: 'fail', message: 'listed' }],
      resources: ['ip:192.0.2.10', 'resolver:system'],
    });
    const spam = member({
      probeId: 'canary/other',
      kind: 'canary',
      findings: [{ check: 'placement', cause: 'canary.placement.spam', status: 'fail', message: 'spam' }],
      resources: ['ip:198.51.100.7', 'resolver:system'],
    });
    expect(rootCause([listed, spam])).toBeUndefined();
  });

  it('only names causes of the catalog, and every relation can be matched', () => {
    const ids = Object.keys(causes);
    for (const relation of causeRelations) {
      for (const pattern of [...relation.cause, ...relation.explains]) {
        expect([relation.id, pattern, ids.some((id) => matchesPattern(id, pattern))]).toEqual([
          relation.id,
          pattern,
          true,
        ]);
      }
    }
  });
});

describe('silences', () => {
  const silence = (over: Partial<Silence>): Silence => ({
    id: 's1',
    matcher: { scope: 'group', value: 'smtp' },
    startsAt: '2026-11-23T10:00:00.000Z',
    endsAt: '2026-11-23T12:00:00.000Z',
    reason: 'maintenance',
    createdBy: 'ops',
    createdAt: '2026-11-23T09:00:00.000Z',
    ...over,
  });
  const alertOf = { probeId: 'smtp/a', target: 'a', group: 'smtp' };

  it('covers a probe by group, target or id while in force, and not before or after', () => {
    const at = (iso: string) => new Date(iso);
    expect(activeSilence([silence({})], alertOf, at('2026-11-23T11:00:00Z'))?.id).toBe('s1');
    expect(activeSilence([silence({})], alertOf, at('2026-11-23T09:59:59Z'))).toBeUndefined();
    expect(activeSilence([silence({})], alertOf, at('2026-11-23T12:00:00Z'))).toBeUndefined();
    expect(
      activeSilence(
        [silence({ matcher: { scope: 'target', value: 'a' } })],
        alertOf,
        at('2026-11-23T11:00:00Z'),
      ),
    ).toBeDefined();
    expect(
      activeSilence(
        [silence({ matcher: { scope: 'probe', value: 'smtp/b' } })],
        alertOf,
        at('2026-11-23T11:00:00Z'),
      ),
    ).toBeUndefined();
  });
});
