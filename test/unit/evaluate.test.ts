import { COVERAGE_CHECK_ID, evaluate } from '../../shared/alert/evaluate';
import { flapPercent } from '../../shared/alert/flap';
import type { Alert, AlertType, ProbeState } from '../../shared/alert/types';
import type { Thresholds } from '../../shared/config/thresholds';
import type { Check, ProbeResult } from '../../shared/model/result';
import type { Status } from '../../shared/model/status';

const T0 = Date.parse('2026-11-23T00:00:00.000Z');
const MIN = 60_000;
const HOUR = 60 * MIN;

const base: Thresholds = {
  failuresBeforeAlert: 2,
  passesBeforeRecovery: 2,
  reminderEvery: 6 * HOUR,
  unknownsBeforeCoverageAlert: 3,
  reportPreExisting: false,
  flapWindow: 20,
  flapStartPercent: 50,
  flapStopPercent: 25,
};

/** A probe with two checks, `connect` and `auth`; a step says what each returned. */
interface Step {
  /** Status of `connect`; `auth` passes unless given. */
  s: Status;
  auth?: Status;
  /** Cause of a failing `auth` check. */
  authCause?: Check['cause'];
  /** Minutes after T0; defaults to 5 minutes per step. */
  at?: number;
}

const causeFor: Partial<Record<Status, Check['cause']>> = { fail: 'probe.crashed', unknown: 'probe.timeout' };

function resultOf(step: Step, index: number): ProbeResult {
  const at = new Date(T0 + (step.at ?? index * 5) * MIN).toISOString();
  const connect: Check = {
    id: 'connect',
    status: step.s,
    message: `connect ${step.s}`,
    ...(causeFor[step.s] ? { cause: causeFor[step.s] } : {}),
  };
  const authStatus = step.auth ?? 'pass';
  const auth: Check = {
    id: 'auth',
    status: authStatus,
    message: `auth ${authStatus}`,
    ...(authStatus === 'pass' ? {} : { cause: step.authCause ?? 'probe.secret-unavailable' }),
  };
  const rank = { pass: 0, warn: 1, unknown: 2, fail: 3 } as const;
  const status = rank[authStatus] > rank[step.s] ? authStatus : step.s;
  return {
    probeId: 'submission/mail.example.com',
    kind: 'smtp',
    group: 'submission',
    target: 'mail.example.com',
    scheduledAt: at,
    startedAt: at,
    finishedAt: at,
    durationMs: 10,
    status,
    checks: [connect, auth],
    timings: {},
    transcript: [],
  };
}

/** Feeds the steps in order; returns the alerts of every step and the last state. */
function play(steps: Step[], thresholds: Partial<Thresholds> = {}) {
  let state: ProbeState | undefined;
  const perStep: Alert[][] = [];
  steps.forEach((step, i) => {
    const out = evaluate(state, resultOf(step, i), { ...base, ...thresholds }, new Date(T0 + i * MIN));
    state = out.state;
    perStep.push(out.alerts);
  });
  return { perStep, types: perStep.map((a) => a.map((x) => x.type)), state: state as ProbeState };
}

/** The `connect` check of a fail step, as an alert lists it when it was already failing. */
const CONNECT_ONGOING = {
  id: 'connect',
  status: 'fail',
  previousStatus: 'fail',
  cause: 'probe.crashed',
  message: 'connect fail',
  change: 'ongoing',
};

const F: Step = { s: 'fail' };
const P: Step = { s: 'pass' };
const W: Step = { s: 'warn' };
const U: Step = { s: 'unknown' };

describe('evaluate: transitions', () => {
  const table: Array<[string, Step[], Partial<Thresholds>, AlertType[][]]> = [
    ['a single failure stays soft below the threshold', [P, F], {}, [[], []]],
    ['N consecutive failures raise one failure alert', [P, F, F, F], {}, [[], [], ['failure'], []]],
    ['a pass between failures breaks the streak', [P, F, P, F], {}, [[], [], [], []]],
    ['a warn between failures breaks the streak', [P, F, W, F], {}, [[], [], [], []]],
    [
      'an unknown between failures neither counts nor breaks the streak',
      [P, F, U, F],
      {},
      [[], [], [], ['failure']],
    ],
    ['unknowns alone never raise a failure alert', [P, U, U], {}, [[], [], []]],
    [
      'M consecutive passes raise one recovery',
      [P, F, F, P, P, P],
      {},
      [[], [], ['failure'], [], ['recovery'], []],
    ],
    ['warn runs count toward recovery', [P, F, F, W, W], {}, [[], [], ['failure'], [], ['recovery']]],
    [
      'a failure before M passes cancels the recovery and alerts nothing',
      [P, F, F, P, F, P],
      {},
      [[], [], ['failure'], [], [], []],
    ],
    [
      'an unknown between passes neither counts toward nor breaks the recovery',
      [P, F, F, P, U, P],
      {},
      [[], [], ['failure'], [], [], ['recovery']],
    ],
    ['warn never alerts on its own', [P, W, W, W, P], {}, [[], [], [], [], []]],
    ['K consecutive unknowns raise one coverage alert', [P, U, U, U, U], {}, [[], [], [], ['coverage'], []]],
    [
      'a verdict after a coverage alert raises coverage-recovered',
      [P, U, U, U, P],
      {},
      [[], [], [], ['coverage'], ['coverage-recovered']],
    ],
    ['a verdict before K unknowns raises nothing', [P, U, U, P, U], {}, [[], [], [], [], []]],
    [
      'coverage-recovered comes before a failure alert raised by the same run',
      [P, F, U, U, U, F],
      {},
      [[], [], [], [], ['coverage'], ['coverage-recovered', 'failure']],
    ],
    [
      'a first run that fails is reported at once when reportPreExisting is set',
      [F, F],
      { reportPreExisting: true },
      [['failure'], []],
    ],
    ['a first run that fails counts normally when reportPreExisting is off', [F, F], {}, [[], ['failure']]],
    ['only the very first run can be pre-existing', [P, F], { reportPreExisting: true }, [[], []]],
    ['a first run that passes alerts nothing', [P], { reportPreExisting: true }, [[]]],
    [
      'failuresBeforeAlert 1 alerts on the first failure',
      [P, F],
      { failuresBeforeAlert: 1 },
      [[], ['failure']],
    ],
    [
      'passesBeforeRecovery 1 recovers on the first pass',
      [P, F, F, P],
      { passesBeforeRecovery: 1 },
      [[], [], ['failure'], ['recovery']],
    ],
  ];

  it.each(table)('%s', (_name, steps, thresholds, expected) => {
    expect(play(steps, thresholds).types).toEqual(expected);
  });
});

describe('evaluate: reminders', () => {
  it('reminds every reminderEvery while still failing, measured from the last alert by scheduledAt', () => {
    const at = (minutes: number, s: Status = 'fail'): Step => ({ s, at: minutes });
    const { types, perStep } = play([
      at(0, 'pass'),
      at(5),
      at(10), // failure
      at(10 + 359), // 5h59m after the failure: not yet
      at(10 + 360), // 6h: reminder
      at(10 + 365),
      at(10 + 720), // 6h after the reminder
    ]);
    expect(types).toEqual([[], [], ['failure'], [], ['reminder'], [], ['reminder']]);
    expect(perStep[4]?.[0]).toMatchObject({
      severity: 'critical',
      since: new Date(T0 + 5 * MIN).toISOString(),
    });
    expect(perStep[4]?.[0]?.checks).toEqual([CONNECT_ONGOING]);
  });

  it('sends no reminders when reminderEvery is 0', () => {
    const { types } = play(
      [
        { s: 'pass', at: 0 },
        { s: 'fail', at: 5 },
        { s: 'fail', at: 10 },
        { s: 'fail', at: 10_000 },
      ],
      {
        reminderEvery: 0,
      },
    );
    expect(types).toEqual([[], [], ['failure'], []]);
  });

  it('does not remind on unknown runs, which do not show the probe is still failing', () => {
    const { types } = play([
      { s: 'pass', at: 0 },
      { s: 'fail', at: 5 },
      { s: 'fail', at: 10 },
      { s: 'unknown', at: 500 },
      { s: 'fail', at: 505 },
    ]);
    expect(types).toEqual([[], [], ['failure'], [], ['reminder']]);
  });

  it('restarts the reminder clock when a new check fails', () => {
    const { types } = play([
      { s: 'pass', at: 0 },
      { s: 'fail', at: 5 },
      { s: 'fail', at: 10 }, // failure (connect)
      { s: 'fail', auth: 'fail', at: 300 }, // failure (auth)
      { s: 'fail', auth: 'fail', at: 370 }, // 6h after the first alert, 70 min after the second
      { s: 'fail', auth: 'fail', at: 660 }, // 6h after the second
    ]);
    expect(types).toEqual([[], [], ['failure'], ['failure'], [], ['reminder']]);
  });
});

describe('evaluate: per-check tracking', () => {
  it('a probe already failing on one check alerts when a second check starts failing, naming it', () => {
    const { types, perStep } = play([P, F, F, { s: 'fail', auth: 'fail' }]);
    expect(types).toEqual([[], [], ['failure'], ['failure']]);
    expect(perStep[3]?.[0]?.checks).toEqual([
      CONNECT_ONGOING,
      {
        id: 'auth',
        status: 'fail',
        previousStatus: 'pass',
        cause: 'probe.secret-unavailable',
        message: 'auth fail',
        change: 'new',
      },
    ]);
  });

  it('the first failure alert lists every failing check with its cause', () => {
    const { perStep } = play([P, { s: 'fail', auth: 'fail' }, { s: 'fail', auth: 'fail' }]);
    expect(perStep[2]?.[0]).toMatchObject({
      type: 'failure',
      severity: 'critical',
      status: 'fail',
      previousStatus: 'fail',
      since: new Date(T0 + 5 * MIN).toISOString(),
    });
    expect(perStep[2]?.[0]?.checks.map((c) => [c.id, c.cause, c.change])).toEqual([
      ['connect', 'probe.crashed', 'new'],
      ['auth', 'probe.secret-unavailable', 'new'],
    ]);
  });

  it('a check that fails with a different cause than the one alerted is a new failure', () => {
    const { types, perStep } = play([
      P,
      { s: 'pass', auth: 'fail' },
      { s: 'pass', auth: 'fail' },
      { s: 'pass', auth: 'fail', authCause: 'probe.timeout' },
      { s: 'pass', auth: 'fail', authCause: 'probe.timeout' },
    ]);
    expect(types).toEqual([[], [], ['failure'], ['failure'], []]);
    expect(perStep[3]?.[0]?.checks).toEqual([
      {
        id: 'auth',
        status: 'fail',
        previousStatus: 'fail',
        cause: 'probe.timeout',
        message: 'auth fail',
        change: 'new',
      },
    ]);
  });

  it('a flapping check alerts once per failure episode', () => {
    const { types } = play([
      P,
      F,
      F, // failure: connect
      { s: 'fail', auth: 'fail' }, // failure: auth
      { s: 'fail' }, // auth passes
      { s: 'fail', auth: 'fail' }, // auth fails again: already alerted this episode
      { s: 'fail' },
    ]);
    expect(types).toEqual([[], [], ['failure'], ['failure'], [], [], []]);
  });

  it('a check that stops being reported while failing does not alert again when it reappears', () => {
    let state: ProbeState | undefined;
    const types: AlertType[][] = [];
    const onlyConnect = (i: number): ProbeResult => ({
      ...resultOf(F, i),
      checks: resultOf(F, i).checks.slice(0, 1),
    });
    const results = [
      resultOf({ s: 'pass', auth: 'fail' }, 0),
      resultOf({ s: 'pass', auth: 'fail' }, 1), // failure: auth
      onlyConnect(2), // failure: connect, auth not reported
      resultOf({ s: 'pass', auth: 'fail' }, 3), // auth is back, still the alerted cause
    ];
    for (const [i, r] of results.entries()) {
      const out = evaluate(state, r, base, new Date(T0 + i * MIN));
      state = out.state;
      types.push(out.alerts.map((a) => a.type));
    }
    expect(types).toEqual([[], ['failure'], ['failure'], []]);
  });

  it('a recovery names the checks that recovered with the cause they were alerted for', () => {
    const { perStep, state } = play([P, F, F, { s: 'fail', auth: 'fail' }, P, { s: 'pass', auth: 'warn' }]);
    expect(perStep[5]).toEqual([
      {
        type: 'recovery',
        severity: 'info',
        probeId: 'submission/mail.example.com',
        kind: 'smtp',
        group: 'submission',
        target: 'mail.example.com',
        scheduledAt: new Date(T0 + 25 * MIN).toISOString(),
        status: 'warn',
        previousStatus: 'pass',
        since: new Date(T0 + 5 * MIN).toISOString(),
        checks: [
          {
            id: 'connect',
            status: 'pass',
            previousStatus: 'pass',
            cause: 'probe.crashed',
            message: 'connect pass',
            change: 'recovered',
          },
          {
            id: 'auth',
            status: 'warn',
            previousStatus: 'pass',
            cause: 'probe.secret-unavailable',
            message: 'auth warn',
            change: 'recovered',
          },
        ],
      },
    ]);
    expect(state).toMatchObject({ phase: 'ok', consecutivePasses: 2, consecutiveFailures: 0 });
    expect(state.failingSince).toBeUndefined();
    expect(Object.values(state.checks).every((c) => !c.alerted)).toBe(true);
  });

  it('after a recovery the same check needs N failures again', () => {
    const { types } = play([P, F, F, P, P, F, F]);
    expect(types).toEqual([[], [], ['failure'], [], ['recovery'], [], ['failure']]);
  });
});

describe('evaluate: pre-existing failures and coverage', () => {
  it('marks a first-run failure as pre-existing and starts the failing episode at that run', () => {
    const { perStep, state } = play([F], { reportPreExisting: true });
    const alert = perStep[0]?.[0];
    expect(alert).toMatchObject({ type: 'failure', preExisting: true, since: new Date(T0).toISOString() });
    expect(alert?.previousStatus).toBeUndefined();
    expect(state).toMatchObject({ phase: 'failing', version: 1, lastAlertAt: new Date(T0).toISOString() });
  });

  it('does not mark a normally counted first failure as pre-existing', () => {
    const { perStep } = play([F], { reportPreExisting: false, failuresBeforeAlert: 1 });
    expect(perStep[0]?.[0]?.type).toBe('failure');
    expect(perStep[0]?.[0]?.preExisting).toBeUndefined();
  });

  it('a coverage alert names probe.coverage-gap and the unknown checks that explain it', () => {
    const { perStep, state } = play([P, U, U, U]);
    expect(perStep[3]?.[0]).toMatchObject({
      type: 'coverage',
      severity: 'warning',
      status: 'unknown',
      since: new Date(T0 + 5 * MIN).toISOString(),
    });
    expect(perStep[3]?.[0]?.checks).toEqual([
      {
        id: COVERAGE_CHECK_ID,
        status: 'unknown',
        cause: 'probe.coverage-gap',
        message: '3 consecutive runs ended without a verdict',
        change: 'new',
      },
      { id: 'connect', status: 'unknown', cause: 'probe.timeout', message: 'connect unknown' },
    ]);
    expect(state).toMatchObject({ consecutiveUnknowns: 3, coverageAlerted: true });
  });

  it('coverage-recovered says since when there was no verdict', () => {
    const { perStep, state } = play([P, U, U, U, W]);
    expect(perStep[4]?.[0]).toMatchObject({
      type: 'coverage-recovered',
      severity: 'info',
      status: 'warn',
      previousStatus: 'unknown',
      since: new Date(T0 + 5 * MIN).toISOString(),
    });
    expect(perStep[4]?.[0]?.checks).toEqual([
      {
        id: COVERAGE_CHECK_ID,
        status: 'warn',
        previousStatus: 'unknown',
        cause: 'probe.coverage-gap',
        message: 'runs reach a verdict again (warn)',
        change: 'recovered',
      },
    ]);
    expect(state.unknownSince).toBeUndefined();
    expect(state).toMatchObject({ consecutiveUnknowns: 0, coverageAlerted: false });
  });

  it('unknown runs leave the per-check memory untouched', () => {
    const before = play([P, F]).state;
    const out = evaluate(before, resultOf(U, 2), base, new Date(T0));
    expect(out.state.checks).toEqual(before.checks);
    expect(out.state).toMatchObject({ consecutiveFailures: 1, consecutivePasses: 0, consecutiveUnknowns: 1 });
  });
});

describe('evaluate: ordering, duplicates and versions', () => {
  it('a duplicate delivery of the last result changes nothing and alerts nothing', () => {
    const { state } = play([P, F]);
    const again = evaluate(state, resultOf(F, 1), base, new Date(T0 + HOUR));
    expect(again.state).toBe(state);
    expect(again.alerts).toEqual([]);
  });

  it('a late result older than the last one evaluated changes nothing, even one that would alert', () => {
    const { state } = play([P, F, P]);
    const late = evaluate(state, resultOf(F, 1), base, new Date(T0 + HOUR));
    expect(late.state).toBe(state);
    expect(late.alerts).toEqual([]);
  });

  it('increments version by one on every new state, starting at 1', () => {
    let state: ProbeState | undefined;
    const versions: number[] = [];
    [P, F, U, F, P].forEach((step, i) => {
      state = evaluate(state, resultOf(step, i), base, new Date(T0)).state;
      versions.push(state.version);
    });
    expect(versions).toEqual([1, 2, 3, 4, 5]);
  });

  it('records the result it evaluated and when', () => {
    const now = new Date('2026-11-23T09:00:01.000Z');
    const { state } = evaluate(undefined, resultOf(W, 0), base, now);
    expect(state).toEqual({
      probeId: 'submission/mail.example.com',
      kind: 'smtp',
      group: 'submission',
      target: 'mail.example.com',
      version: 1,
      lastScheduledAt: new Date(T0).toISOString(),
      lastStatus: 'warn',
      phase: 'ok',
      consecutiveFailures: 0,
      consecutivePasses: 1,
      consecutiveUnknowns: 0,
      coverageAlerted: false,
      updatedAt: now.toISOString(),
      checks: { connect: { status: 'warn', alerted: false }, auth: { status: 'pass', alerted: false } },
      recent: ['ok'],
    });
  });

  it('never stores undefined values (DynamoDB marshalling rejects them)', () => {
    const { state } = play([P, F, F, { s: 'fail', auth: 'fail' }, U, U, U, P, P]);
    const hasUndefined = (v: unknown): boolean =>
      v === undefined || (typeof v === 'object' && v !== null && Object.values(v).some(hasUndefined));
    expect(hasUndefined(state)).toBe(false);
  });

  it('never modifies the previous state it was given, through every kind of transition', () => {
    let state: ProbeState | undefined;
    const steps = [
      P,
      F,
      F,
      { s: 'fail', auth: 'fail' },
      P,
      F,
      U,
      U,
      U,
      P,
      P,
      { s: 'fail', auth: 'fail' },
    ] as Step[];
    steps.forEach((step, i) => {
      const snapshot = structuredClone(state);
      const out = evaluate(state, resultOf(step, i), base, new Date(T0));
      expect(state).toEqual(snapshot);
      state = out.state;
    });
  });

  it('keeps the probe memo it was given', () => {
    const { state } = play([P]);
    const out = evaluate({ ...state, memo: { mx: 'abc' } }, resultOf(F, 1), base, new Date(T0));
    expect(out.state.memo).toEqual({ mx: 'abc' });
  });
});

describe('evaluate: per-check memory', () => {
  it('remembers each check with its status and cause; an unknown check keeps what was known of it', () => {
    const both: Step = { s: 'fail', auth: 'fail' };
    const alerted = {
      connect: { status: 'fail', cause: 'probe.crashed', alerted: true, alertedCause: 'probe.crashed' },
      auth: {
        status: 'fail',
        cause: 'probe.secret-unavailable',
        alerted: true,
        alertedCause: 'probe.secret-unavailable',
      },
    };
    expect(play([P, both, both]).state.checks).toEqual(alerted);
    expect(play([P, both, both, { s: 'fail', auth: 'unknown' }]).state.checks).toEqual(alerted);
    // Never seen before: unknown, and not alerted.
    expect(play([{ s: 'fail', auth: 'unknown' }]).state.checks).toEqual({
      connect: { status: 'fail', cause: 'probe.crashed', alerted: false },
      auth: { status: 'unknown', alerted: false },
    });
  });

  it('raises the failure alert at once for a hard check, even when another failing check is soft', () => {
    const first = resultOf({ s: 'fail', auth: 'fail' }, 0);
    const hard: ProbeResult = {
      ...first,
      checks: first.checks.map((c) => (c.id === 'auth' ? { ...c, hard: true } : c)),
    };
    const out = evaluate(undefined, hard, { ...base, failuresBeforeAlert: 3 }, new Date(T0));
    expect(out.alerts.map((a) => [a.type, a.checks.map((c) => c.id)])).toEqual([
      ['failure', ['connect', 'auth']],
    ]);
  });

  it('alerts, since the episode began, on a check failing while the probe fails that it never reported before', () => {
    const { state } = play([P, F, F]);
    const run = resultOf(F, 3);
    const withNew: ProbeResult = {
      ...run,
      checks: [
        ...run.checks,
        { id: 'tls', status: 'fail', cause: 'smtp.tls.handshake-failed', message: 'tls fail' },
      ],
    };
    const out = evaluate(state, withNew, base, new Date(T0));
    expect(out.alerts).toHaveLength(1);
    expect(out.alerts[0]).toMatchObject({ type: 'failure', since: new Date(T0 + 5 * MIN).toISOString() });
    expect(out.alerts[0]?.checks.map((c) => [c.id, c.change])).toEqual([
      ['connect', 'ongoing'],
      ['tls', 'new'],
    ]);
  });

  it('starts a failing episode at the failure that began the alerting streak, not at an earlier broken one', () => {
    const { perStep } = play([P, F, P, F, F]);
    expect(perStep[4]?.[0]).toMatchObject({ type: 'failure', since: new Date(T0 + 15 * MIN).toISOString() });
  });

  it('names in a recovery only the checks that were alerted, not those that never failed', () => {
    const { perStep } = play([P, F, F, P, P]);
    expect(perStep[4]?.[0]?.type).toBe('recovery');
    expect(perStep[4]?.[0]?.checks.map((c) => c.id)).toEqual(['connect']);
  });
});

describe('evaluate: flapping', () => {
  /** Eight verdicts alternating: 100% state changes, flapping on the eighth. */
  const ALTERNATING = [P, F, P, F, P, F, P, F];

  it('raises one flapping alert with the pattern and the failing checks, in place of the failure alert', () => {
    // ✓✓✗✓✗✓✗✗: five of seven weighted pairs change (71.4%), and the last two failures would raise a failure.
    const { perStep, types, state } = play([P, P, F, P, F, P, F, F]);
    expect(types).toEqual([[], [], [], [], [], [], [], ['flapping']]);
    expect(perStep[7]?.[0]).toMatchObject({ type: 'flapping', severity: 'warning', status: 'fail' });
    expect(perStep[7]?.[0]?.checks).toEqual([
      {
        id: 'flapping',
        status: 'fail',
        cause: 'probe.flapping',
        message: '✓✓✗✓✗✓✗✗: 71.4% state changes over the last 8 runs',
        change: 'new',
      },
      CONNECT_ONGOING,
    ]);
    // The streaks kept counting: the probe is failing, though no failure alert went out.
    expect(state).toMatchObject({ flapping: true, phase: 'failing' });
  });

  it('holds back failure, reminder and recovery alerts while flapping', () => {
    const day = 24 * 60;
    const steps: Step[] = [
      ...ALTERNATING,
      F,
      { s: 'fail', at: day },
      { s: 'pass', at: day + 5 },
      { s: 'pass', at: day + 10 },
    ];
    // Without flapping: the failure at the 9th run, a reminder a day later, a recovery on the 2nd pass.
    const calm = play(steps, { flapStartPercent: 101, reminderEvery: HOUR });
    expect(calm.types.slice(8)).toEqual([['failure'], ['reminder'], [], ['recovery']]);
    const flapping = play(steps, { reminderEvery: HOUR });
    expect(flapping.types.slice(8)).toEqual([[], [], [], []]);
    // The streaks kept counting: the probe recovered, silently.
    expect(flapping.state).toMatchObject({ flapping: true, phase: 'ok' });
  });

  it('lets coverage alerts through while flapping', () => {
    const { types, state } = play([...ALTERNATING, U, U, U, F]);
    expect(types.slice(8)).toEqual([[], [], ['coverage'], ['coverage-recovered']]);
    expect(state.flapping).toBe(true);
  });

  it('settles passing with one flap-settled alert once the share of changes drops below flapStopPercent', () => {
    const { types, perStep, state } = play([...ALTERNATING, ...Array(20).fill(P)]);
    const settledAt = types.findIndex((t) => t.includes('flap-settled'));
    expect(types.slice(8).flat()).toEqual(['flap-settled']);
    const alert = perStep[settledAt]?.[0];
    expect(alert).toMatchObject({ type: 'flap-settled', severity: 'info', status: 'pass' });
    expect(alert?.since).toBeUndefined();
    expect(alert?.checks).toEqual([
      {
        id: 'flapping',
        status: 'pass',
        previousStatus: 'pass',
        cause: 'probe.flapping',
        message: expect.stringMatching(
          /^settled passing; [✓✗]+: \d+(\.\d)?% state changes over the last \d+ runs$/,
        ),
        change: 'recovered',
      },
    ]);
    expect(state.flapping).toBeUndefined();
  });

  it('settles failing with a critical flap-settled alert naming the failing checks, since the episode began', () => {
    const { types, perStep, state } = play([...ALTERNATING, ...Array(20).fill(F)]);
    const settledAt = types.findIndex((t) => t.includes('flap-settled'));
    expect(types.slice(8).flat()).toEqual(['flap-settled']);
    const alert = perStep[settledAt]?.[0];
    expect(alert).toMatchObject({
      type: 'flap-settled',
      severity: 'critical',
      status: 'fail',
      since: expect.any(String),
    });
    expect(alert?.since).toBe(state.failingSince);
    expect(alert?.checks.map((c) => [c.id, c.change])).toEqual([
      ['flapping', 'recovered'],
      ['connect', 'ongoing'],
    ]);
    expect(alert?.checks[0]?.message).toMatch(/^settled failing; /);
    expect(state).toMatchObject({ phase: 'failing' });
    expect(state.flapping).toBeUndefined();
  });

  it('sends flap-settled in place of the recovery alert due on the run that settles', () => {
    // Flapping from the eighth run, failing since the last two; the 14th pass after it brings the share of
    // changes to 22.3%, below 25%, and is also the 14th pass recovery waits for.
    const { types, state } = play([P, P, F, P, F, P, F, F, ...Array(14).fill(P)], {
      passesBeforeRecovery: 14,
    });
    expect(types.slice(8).flat()).toEqual(['flap-settled']);
    expect(types[21]).toEqual(['flap-settled']);
    expect(state).toMatchObject({ phase: 'ok' });
  });

  it('starts flapping at exactly flapStartPercent and keeps flapping at exactly flapStopPercent', () => {
    expect(play(ALTERNATING, { flapStartPercent: 100 }).state.flapping).toBe(true);
    // The share after one more pass, then the run at which it is the stop threshold itself.
    const share = flapPercent(['ok', 'fail', 'ok', 'fail', 'ok', 'fail', 'ok', 'fail', 'ok']);
    const atStop = play([...ALTERNATING, P], { flapStopPercent: share });
    expect(atStop.state.flapping).toBe(true);
    expect(atStop.types[8]).toEqual([]);
  });

  it('keeps the verdicts of the last flapWindow runs, unknown runs left out', () => {
    const { state } = play([P, F, F, U, P, F, U], { flapWindow: 4 });
    expect(state.recent).toEqual(['fail', 'fail', 'ok', 'fail']);
  });
});
