import type { Alert, IncidentMember, Silence, SilenceMatcher } from './types';

type Subject = Pick<Alert, 'probeId' | 'target' | 'group'> | IncidentMember;

/** Whether a silence covers a probe: its id, its target or its group, by exact name. */
function silenceMatches(matcher: SilenceMatcher, subject: Subject): boolean {
  switch (matcher.scope) {
    case 'probe':
      return subject.probeId === matcher.value;
    case 'target':
      return subject.target === matcher.value;
    case 'group':
      return subject.group === matcher.value;
  }
}

/** The silence in force at `now` that covers the subject, if any (the one ending last). */
export function activeSilence(
  silences: readonly Silence[],
  subject: Subject,
  now: Date,
): Silence | undefined {
  const t = now.getTime();
  return silences
    .filter(
      (s) => Date.parse(s.startsAt) <= t && t < Date.parse(s.endsAt) && silenceMatches(s.matcher, subject),
    )
    .sort((a, b) => b.endsAt.localeCompare(a.endsAt))[0];
}
