import { alertTextLines, MAX_LISTED_CHECKS, renderAlert } from '../../shared/alert/render';
import type { Alert, AlertCheck } from '../../shared/alert/types';
import { type CauseId, causes } from '../../shared/model/causes/index';
import { failureAlert } from '../support/alert';

const crashed: AlertCheck = {
  id: 'auth',
  status: 'fail',
  previousStatus: 'pass',
  cause: 'probe.crashed',
  message: '535 5.7.8 Authentication credentials invalid',
  change: 'new',
};

const alertOf = (overrides: Partial<Alert> = {}): Alert => failureAlert({ checks: [crashed], ...overrides });

describe('renderAlert', () => {
  it('puts the alert type, kind, probe and the cause title in the subject', () => {
    expect(renderAlert(alertOf()).subject).toBe(
      `[mailprobe] FAIL submission/mail.example.com: ${causes['probe.crashed'].title}`,
    );
  });

  it.each([
    ['reminder', '[mailprobe] STILL FAILING'],
    ['recovery', '[mailprobe] RECOVERED'],
    ['coverage', '[mailprobe] COVERAGE GAP'],
    ['coverage-recovered', '[mailprobe] COVERAGE RESTORED'],
  ] as const)('tags a %s alert %s', (type, tag) => {
    expect(renderAlert(alertOf({ type })).subject.startsWith(`${tag} submission/`)).toBe(true);
  });

  it('counts further checks in the same role without listing them in the subject', () => {
    const second: AlertCheck = { ...crashed, id: 'tls', cause: 'probe.timeout' };
    const ongoing: AlertCheck = { ...crashed, id: 'connect', change: 'ongoing' };
    expect(renderAlert(alertOf({ checks: [ongoing, crashed, second] })).subject).toBe(
      `[mailprobe] FAIL submission/mail.example.com: ${causes['probe.crashed'].title} (+1 more)`,
    );
  });

  it('keeps the subject under 100 characters by shortening the probe id, not the diagnosis', () => {
    const probeId = `submission/${'very-long-host-name.'.repeat(10)}example.com`;
    const { subject } = renderAlert(alertOf({ probeId }));
    expect(subject.length).toBeLessThanOrEqual(99);
    expect(subject.startsWith('[mailprobe] FAIL submission/very-long')).toBe(true);
    expect(subject.endsWith(`...: ${causes['probe.crashed'].title}`)).toBe(true);
  });

  it('quotes each check with the catalog title, explanation and remediation', () => {
    const [check] = renderAlert(alertOf()).checks;
    expect(check).toEqual({
      id: 'auth',
      status: 'fail',
      previousStatus: 'pass',
      change: 'new',
      causeId: 'probe.crashed',
      title: causes['probe.crashed'].title,
      explanation: causes['probe.crashed'].explanation,
      remediation: causes['probe.crashed'].remediation,
      message: '535 5.7.8 Authentication credentials invalid',
    });
  });

  it('gives a recovered check its title but no remediation', () => {
    const [check] = renderAlert(
      alertOf({ type: 'recovery', checks: [{ ...crashed, status: 'pass', change: 'recovered' }] }),
    ).checks;
    expect(check?.title).toBe(causes['probe.crashed'].title);
    expect(check?.remediation).toBeUndefined();
    expect(check?.explanation).toBeUndefined();
  });

  it('falls back to the check id for a cause id the catalog no longer has', () => {
    const gone = { ...crashed, cause: 'smtp.retired-cause' as CauseId };
    const [check] = renderAlert(alertOf({ checks: [gone] })).checks;
    expect(check).toMatchObject({ title: 'auth' });
    expect(check?.causeId).toBeUndefined();
    expect(check?.remediation).toBeUndefined();
  });

  it('lists newly failing checks before the ones already failing', () => {
    const ongoing: AlertCheck = { ...crashed, id: 'connect', change: 'ongoing' };
    const r = renderAlert(alertOf({ checks: [ongoing, crashed], previousStatus: 'fail' }));
    expect(r.checks.map((c) => c.id)).toEqual(['auth', 'connect']);
    expect(r.headline).toBe('Already failing for 5m; now also failing: auth (still failing: connect).');
  });

  it('bounds the listed checks and counts the rest', () => {
    const many = Array.from({ length: MAX_LISTED_CHECKS + 3 }, (_, i) => ({ ...crashed, id: `zone:${i}` }));
    const r = renderAlert(alertOf({ checks: many }));
    expect(r.checks).toHaveLength(MAX_LISTED_CHECKS);
    expect(r.omittedChecks).toBe(3);
  });

  it.each([
    [{}, 'Now failing (last run: pass).'],
    [{ preExisting: true }, 'Failing on its first run: the problem was there before monitoring started.'],
    [{ type: 'reminder', since: '2026-11-22T06:00:00.000Z' }, 'Still failing after 1d 4h.'],
    [
      { type: 'recovery', status: 'warn', since: '2026-11-23T07:45:00.000Z' },
      'Recovered after 2h 20m of failure: the last runs were warn.',
    ],
    [
      { type: 'coverage', status: 'unknown' },
      'No verdict for 5m: the last runs ended unknown, so this target is not being checked.',
    ],
    [
      { type: 'coverage-recovered', status: 'pass' },
      'Runs reach a verdict again (pass) after 5m without one.',
    ],
  ] as Array<[Partial<Alert>, string]>)('says what changed: %o', (overrides, headline) => {
    expect(renderAlert(alertOf(overrides)).headline).toBe(headline);
  });

  it('says since when, with the elapsed time, and when the run was', () => {
    const r = renderAlert(alertOf());
    expect(r.at).toBe('2026-11-23 10:05 UTC');
    expect(r.since).toBe('2026-11-23 10:00 UTC (5m)');
  });

  it('gives the report command: of the probe, of a small incident’s probes, of the suite for a large one', () => {
    const remote = { table: 'mailprobe-prod-Results', region: 'eu-west-1' };
    expect(renderAlert(alertOf({ probeId: "grp/it's" })).reportCommand).toBe(
      `mailprobe report --only 'grp/it'\\''s'`,
    );
    const member = (probeId: string) => ({
      probeId,
      kind: 'smtp' as const,
      target: probeId,
      state: 'firing' as const,
      status: 'fail' as const,
      message: 'refused',
      since: '2026-11-23T10:00:00.000Z',
    });
    const incident = (n: number, omitted = 0) => ({
      id: 'f00d',
      phase: 'new' as const,
      openedAt: '2026-11-23T10:00:00.000Z',
      members: Array.from({ length: n }, (_, i) =>
        member(i === 0 ? 'submission/mail.example.com' : `smtp/mx${i}`),
      ),
      omitted,
    });
    expect(renderAlert(alertOf({ links: remote, incident: incident(3) })).reportCommand).toBe(
      'mailprobe report --remote --table mailprobe-prod-Results --region eu-west-1 --only submission/mail.example.com smtp/mx1 smtp/mx2',
    );
    expect(renderAlert(alertOf({ links: remote, incident: incident(6) })).reportCommand).toBe(
      'mailprobe report --remote --table mailprobe-prod-Results --region eu-west-1',
    );
    expect(renderAlert(alertOf({ links: remote, incident: incident(2, 1) })).reportCommand).toBe(
      'mailprobe report --remote --table mailprobe-prod-Results --region eu-west-1',
    );
  });

  it('gives the history command, shell-quoted when the probe id needs it', () => {
    expect(renderAlert(alertOf()).historyCommand).toBe('mailprobe history submission/mail.example.com');
    expect(renderAlert(alertOf({ probeId: "grp/it's $(x)" })).historyCommand).toBe(
      `mailprobe history 'grp/it'\\''s $(x)'`,
    );
  });
});

describe('alertTextLines', () => {
  it('writes headline, probe, times, the catalog words per check and the history command', () => {
    const alert = alertOf();
    const lines = alertTextLines(alert, renderAlert(alert), (t) => `<${t}>`);
    expect(lines).toEqual([
      'Now failing (last run: pass).',
      'Probe:  smtp <submission/mail.example.com> (target <mail.example.com>)',
      'Run:    2026-11-23 10:05 UTC, since 2026-11-23 10:00 UTC (5m)',
      '',
      `✗ <auth>: ${causes['probe.crashed'].title} [probe.crashed] (new)`,
      '  Observed: <535 5.7.8 Authentication credentials invalid>',
      `  Why: ${causes['probe.crashed'].explanation}`,
      `  Fix: ${causes['probe.crashed'].remediation}`,
      '',
      'History: <mailprobe history submission/mail.example.com>',
      'Report:  <mailprobe report --only submission/mail.example.com>',
    ]);
  });
});
