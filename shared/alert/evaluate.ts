/**
 * The alert state machine: given what we remembered about a probe and its newest result, the new memory and the
 * alerts that result deserves. Pure: no I/O, no clock other than `now`, which is only recorded.
 *
 * Rules
 * - Verdicts are `fail` (bad) and `pass`/`warn` (good). `unknown` is no verdict: it leaves the failure and pass
 *   streaks exactly as they were (it neither counts toward a failure alert nor toward a recovery, and it does not
 *   break either streak), and it leaves per-check memory untouched.
 * - Soft/hard: in phase `ok`, N (`failuresBeforeAlert`) consecutive `fail` verdicts raise one `failure` alert
 *   and enter phase `failing`. In phase `failing`, M (`passesBeforeRecovery`) consecutive good verdicts raise
 *   one `recovery` alert and return to `ok`; a `fail` before that resets the pass streak and alerts nothing.
 * - First run: when the very first result of a probe fails and `reportPreExisting` is set, the failure is
 *   reported at once, marked `preExisting`; otherwise the first run counts like any other.
 * - Per check: once failing, a check that starts failing (or fails with a different cause than the one
 *   alerted) raises a `failure` alert naming it, listing the checks already failing as `ongoing`. It does so at
 *   once, as the probe is already in a hard state. An alerted check that passes again stays alerted until
 *   the probe recovers, so a flapping check alerts once per episode, not once per flap.
 * - Reminders: while failing, a `fail` run at least `reminderEvery` after the last failure/reminder alert
 *   (by scheduledAt) raises a `reminder`. Unknown runs never remind: they do not say it is still failing.
 *   `reminderEvery` of 0 turns reminders off.
 * - Coverage: K (`unknownsBeforeCoverageAlert`) consecutive unknowns raise one `coverage` alert (cause
 *   `probe.coverage-gap`); the next verdict raises `coverage-recovered`, before any other alert of that run.
 * - Warn: a warning is not a failure. It counts as a good verdict (it ends a failure streak, counts toward
 *   recovery, ends an unknown streak) and never alerts by itself; a recovery alert shows checks that recovered
 *   only as far as `warn` with that status. Conditions that must page someone are `fail` by the probe's own
 *   thresholds (e.g. a certificate expiring within its critical window).
 * - Hard graded by the probe: a failing check marked `hard` (the probe counted its own soft failures, as the
 *   canary does with missed messages) raises the failure alert on that run, not `failuresBeforeAlert` runs later.
 * - Flapping (Nagios-style, see flap.ts): the verdicts of the last `flapWindow` runs are kept; when their weighted
 *   share of state changes reaches `flapStartPercent` (after at least 8 verdicts) one `flapping` alert with the
 *   pattern goes out, and failure, reminder and recovery alerts are held back while it lasts; when the share drops
 *   below `flapStopPercent` one `flap-settled` alert says how it settled. The streaks keep counting meanwhile.
 * - Late or duplicate results (scheduledAt <= lastScheduledAt) return the previous state object itself (same
 *   version) and no alerts. Every other result returns a state whose version is one more than before.
 */
import type { Thresholds } from '../config/thresholds';
import type { Check, ProbeResult } from '../model/result';
import { FLAP_MIN_RUNS, flapPattern, flapPercent, type Verdict } from './flap';
import type { Alert, AlertCheck, AlertType, CheckState, ProbeState, Severity } from './types';

export interface Evaluation {
  state: ProbeState;
  alerts: Alert[];
}

const SEVERITY: Record<AlertType, Severity> = {
  failure: 'critical',
  reminder: 'critical',
  recovery: 'info',
  coverage: 'warning',
  'coverage-recovered': 'info',
  flapping: 'warning',
  'flap-settled': 'info',
};

/** Id of the synthetic check that flapping alerts carry. */
const FLAPPING_CHECK_ID = 'flapping';

/** Id of the synthetic check that coverage alerts carry. */
export const COVERAGE_CHECK_ID = 'coverage';

export function evaluate(
  previous: ProbeState | undefined,
  result: ProbeResult,
  thresholds: Thresholds,
  now: Date,
): Evaluation {
  const out = evaluateStreaks(previous, result, thresholds, now);
  if (out.state === previous || result.status === 'unknown') return out;
  return detectFlapping(out, result, previous ?? out.state, thresholds);
}

function evaluateStreaks(
  previous: ProbeState | undefined,
  result: ProbeResult,
  thresholds: Thresholds,
  now: Date,
): Evaluation {
  if (previous && Date.parse(result.scheduledAt) <= Date.parse(previous.lastScheduledAt)) {
    return { state: previous, alerts: [] };
  }
  const before = previous ?? initialState(result);
  const next: ProbeState = {
    ...before,
    probeId: result.probeId,
    kind: result.kind,
    group: result.group,
    target: result.target,
    version: before.version + 1,
    lastScheduledAt: result.scheduledAt,
    lastStatus: result.status,
    updatedAt: now.toISOString(),
  };
  const alerts: Alert[] = [];
  const raise = (type: AlertType, checks: AlertCheck[], extra: Partial<Alert> = {}) =>
    alerts.push(makeAlert(type, result, before, checks, extra));

  if (result.status === 'unknown') {
    next.consecutiveUnknowns = before.consecutiveUnknowns + 1;
    next.unknownSince = before.unknownSince ?? result.scheduledAt;
    if (!before.coverageAlerted && next.consecutiveUnknowns >= thresholds.unknownsBeforeCoverageAlert) {
      next.coverageAlerted = true;
      raise('coverage', coverageChecks(result, next.consecutiveUnknowns), { since: next.unknownSince });
    }
    return { state: next, alerts };
  }

  if (before.coverageAlerted) {
    raise('coverage-recovered', [coverageRecoveredCheck(result)], withSince(before.unknownSince));
  }
  next.consecutiveUnknowns = 0;
  next.coverageAlerted = false;
  delete next.unknownSince;
  next.checks = mergeChecks(before.checks, result.checks);

  if (result.status === 'fail') {
    next.consecutiveFailures = before.consecutiveFailures + 1;
    next.consecutivePasses = 0;
    next.failingSince = before.failingSince ?? result.scheduledAt;
    const failing = result.checks.filter((c) => c.status === 'fail');

    if (before.phase === 'ok') {
      const preExisting = previous === undefined && thresholds.reportPreExisting;
      const hard = failing.some((c) => c.hard === true);
      if (preExisting || hard || next.consecutiveFailures >= thresholds.failuresBeforeAlert) {
        next.phase = 'failing';
        next.lastAlertAt = result.scheduledAt;
        markAlerted(next.checks, failing);
        raise(
          'failure',
          failing.map((c) => alertCheck(c, before, 'new')),
          { since: next.failingSince, ...(preExisting ? { preExisting: true } : {}) },
        );
      }
    } else {
      const fresh = failing.filter((c) => {
        const known = before.checks[c.id];
        return !known?.alerted || known.alertedCause !== c.cause;
      });
      if (fresh.length > 0) {
        next.lastAlertAt = result.scheduledAt;
        markAlerted(next.checks, fresh);
        raise(
          'failure',
          failing.map((c) => alertCheck(c, before, fresh.includes(c) ? 'new' : 'ongoing')),
          { since: next.failingSince },
        );
      } else if (reminderDue(before, result, thresholds.reminderEvery)) {
        next.lastAlertAt = result.scheduledAt;
        raise(
          'reminder',
          failing.map((c) => alertCheck(c, before, 'ongoing')),
          { since: next.failingSince },
        );
      }
    }
    return { state: next, alerts };
  }

  // pass or warn
  next.consecutivePasses = before.consecutivePasses + 1;
  next.consecutiveFailures = 0;
  if (before.phase === 'ok') {
    delete next.failingSince;
  } else if (next.consecutivePasses >= thresholds.passesBeforeRecovery) {
    const recovered = result.checks.filter((c) => next.checks[c.id]?.alerted);
    raise(
      'recovery',
      recovered.map((c) => recoveredCheck(c, next.checks[c.id] as CheckState, before)),
      withSince(before.failingSince),
    );
    next.phase = 'ok';
    next.lastAlertAt = result.scheduledAt;
    delete next.failingSince;
    next.checks = mergeChecks({}, result.checks);
  }
  return { state: next, alerts };
}

/** Coverage alerts are about missing verdicts, which flapping does not hold back. */
const isCoverage = (a: Alert) => a.type === 'coverage' || a.type === 'coverage-recovered';

function detectFlapping(
  { state, alerts }: Evaluation,
  result: ProbeResult,
  before: ProbeState,
  t: Thresholds,
): Evaluation {
  const verdict: Verdict = result.status === 'fail' ? 'fail' : 'ok';
  const recent = [...(state.recent ?? []), verdict].slice(-t.flapWindow);
  const percent = flapPercent(recent);
  const next: ProbeState = { ...state, recent };
  const pattern = `${flapPattern(recent)}: ${percent}% state changes over the last ${recent.length} runs`;
  const failing = result.checks
    .filter((c) => c.status === 'fail')
    .map((c) => alertCheck(c, before, 'ongoing'));
  if (!state.flapping) {
    if (recent.length < FLAP_MIN_RUNS || percent < t.flapStartPercent) return { state: next, alerts };
    next.flapping = true;
    const flap: AlertCheck = {
      id: FLAPPING_CHECK_ID,
      status: result.status,
      cause: 'probe.flapping',
      message: pattern,
      change: 'new',
    };
    return {
      state: next,
      alerts: [...alerts.filter(isCoverage), makeAlert('flapping', result, before, [flap, ...failing], {})],
    };
  }
  if (percent >= t.flapStopPercent) return { state: next, alerts: alerts.filter(isCoverage) };
  delete next.flapping;
  const settled: AlertCheck = {
    id: FLAPPING_CHECK_ID,
    status: result.status,
    previousStatus: before.lastStatus,
    cause: 'probe.flapping',
    message: `settled ${next.phase === 'failing' ? 'failing' : 'passing'}; ${pattern}`,
    change: 'recovered',
  };
  const alert = makeAlert(
    'flap-settled',
    result,
    before,
    [settled, ...failing],
    withSince(next.failingSince),
  );
  // Settling into a failure is still a failure someone must look at.
  if (next.phase === 'failing') alert.severity = 'critical';
  return { state: next, alerts: [...alerts.filter(isCoverage), alert] };
}

function initialState(result: ProbeResult): ProbeState {
  return {
    probeId: result.probeId,
    kind: result.kind,
    group: result.group,
    target: result.target,
    version: 0,
    lastScheduledAt: result.scheduledAt,
    lastStatus: result.status,
    phase: 'ok',
    consecutiveFailures: 0,
    consecutivePasses: 0,
    consecutiveUnknowns: 0,
    coverageAlerted: false,
    checks: {},
  };
}

/**
 * Check memory after a verdict: every check of the result with its new status, keeping the alerted flag;
 * an unknown check keeps what was known before; an alerted check the run did not report (it stopped early)
 * is kept until recovery, so it does not alert again when it shows up once more.
 */
function mergeChecks(before: Record<string, CheckState>, checks: Check[]): Record<string, CheckState> {
  const out: Record<string, CheckState> = {};
  for (const c of checks) {
    const known = before[c.id];
    if (c.status === 'unknown') {
      out[c.id] = known ?? { status: 'unknown', alerted: false };
      continue;
    }
    out[c.id] = {
      status: c.status,
      ...(c.cause ? { cause: c.cause } : {}),
      alerted: known?.alerted ?? false,
      ...(known?.alertedCause ? { alertedCause: known.alertedCause } : {}),
    };
  }
  for (const [id, known] of Object.entries(before)) {
    if (!(id in out) && known.alerted) out[id] = known;
  }
  return out;
}

function markAlerted(states: Record<string, CheckState>, checks: Check[]): void {
  for (const c of checks) {
    const known = states[c.id];
    states[c.id] = {
      status: known?.status ?? c.status,
      ...(known?.cause ? { cause: known.cause } : {}),
      alerted: true,
      ...(c.cause ? { alertedCause: c.cause } : {}),
    };
  }
}

function reminderDue(before: ProbeState, result: ProbeResult, every: number): boolean {
  if (every <= 0) return false;
  const last = before.lastAlertAt ?? before.failingSince;
  return last === undefined || Date.parse(result.scheduledAt) - Date.parse(last) >= every;
}

function alertCheck(c: Check, before: ProbeState, change: AlertCheck['change']): AlertCheck {
  const previousStatus = before.checks[c.id]?.status;
  return {
    id: c.id,
    status: c.status,
    ...(previousStatus ? { previousStatus } : {}),
    ...(c.cause ? { cause: c.cause } : {}),
    message: c.message,
    change,
  };
}

/** A recovered check names the cause it had when it was alerted: that is what got fixed. */
function recoveredCheck(c: Check, state: CheckState, before: ProbeState): AlertCheck {
  const cause = state.alertedCause ?? c.cause;
  return {
    id: c.id,
    status: c.status,
    previousStatus: before.checks[c.id]?.status ?? 'fail',
    ...(cause ? { cause } : {}),
    message: c.message,
    change: 'recovered',
  };
}

function coverageChecks(result: ProbeResult, runs: number): AlertCheck[] {
  const gap: AlertCheck = {
    id: COVERAGE_CHECK_ID,
    status: 'unknown',
    cause: 'probe.coverage-gap',
    message: `${runs} consecutive runs ended without a verdict`,
    change: 'new',
  };
  const why = result.checks
    .filter((c) => c.status === 'unknown')
    .map((c) => ({ id: c.id, status: c.status, ...(c.cause ? { cause: c.cause } : {}), message: c.message }));
  return [gap, ...why];
}

function coverageRecoveredCheck(result: ProbeResult): AlertCheck {
  return {
    id: COVERAGE_CHECK_ID,
    status: result.status,
    previousStatus: 'unknown',
    cause: 'probe.coverage-gap',
    message: `runs reach a verdict again (${result.status})`,
    change: 'recovered',
  };
}

function withSince(since: string | undefined): Partial<Alert> {
  return since ? { since } : {};
}

function makeAlert(
  type: AlertType,
  result: ProbeResult,
  before: ProbeState,
  checks: AlertCheck[],
  extra: Partial<Alert>,
): Alert {
  const previousStatus = before.version > 0 ? before.lastStatus : undefined;
  return {
    type,
    severity: SEVERITY[type],
    probeId: result.probeId,
    kind: result.kind,
    group: result.group,
    target: result.target,
    scheduledAt: result.scheduledAt,
    status: result.status,
    ...(previousStatus ? { previousStatus } : {}),
    checks,
    ...extra,
  };
}
