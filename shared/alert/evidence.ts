import type { Check, JsonValue, ProbeResult } from '../model/result';
import type { Alert, AlertCheck, AlertLinks } from './types';

/** Lines of the run's transcript an alert quotes (the end, where a session fails), each bounded. */
const EXCERPT_LINES = 12;
const EXCERPT_LINE_MAX = 200;
const OBSERVED_MAX = 300;
/** Checks an incident keeps per member: the item and the message stay bounded. */
const MAX_CHECKS = 10;

function observedText(value: JsonValue | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > OBSERVED_MAX ? `${text.slice(0, OBSERVED_MAX)}…` : text;
}

/**
 * The alert with what it needs to stand on its own: the observed value of each check, the end of the run's
 * (already redacted) transcript and where the deployed evidence is. Everything added is bounded.
 */
export function withEvidence(alert: Alert, result: ProbeResult, links: AlertLinks | undefined): Alert {
  const byId = new Map<string, Check>(result.checks.map((c) => [c.id, c]));
  const checks: AlertCheck[] = alert.checks.slice(0, MAX_CHECKS).map((c) => {
    const observed = observedText(byId.get(c.id)?.observed);
    return observed !== undefined && c.change !== 'recovered' ? { ...c, observed } : c;
  });
  const firing = alert.type !== 'recovery' && alert.type !== 'coverage-recovered';
  const transcript = firing
    ? result.transcript
        .slice(-EXCERPT_LINES)
        .map((l) => (l.length > EXCERPT_LINE_MAX ? `${l.slice(0, EXCERPT_LINE_MAX)}…` : l))
    : [];
  return {
    ...alert,
    checks,
    ...(transcript.length > 0 ? { transcript } : {}),
    ...(links && Object.keys(links).length > 0 ? { links } : {}),
  };
}
