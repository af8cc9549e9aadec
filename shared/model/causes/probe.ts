import type { CauseTable } from './types';

/** Causes owned by the probe runner itself, common to every probe kind. */
export const probeCauses = {
  'probe.crashed': {
    title: 'Probe crashed',
    explanation:
      'The probe threw an unexpected error before it could reach a verdict. This is a defect in mailprobe or in ' +
      'one of its libraries, not evidence that mail delivery is broken; the result is recorded as unknown.',
    remediation:
      'Look at the error in the check message and the function logs; rerun with `mailprobe run --only <probe>` to ' +
      'reproduce, and report it with the message if it persists.',
  },
  'probe.timeout': {
    title: 'Probe exceeded its time budget',
    explanation:
      'The probe did not finish within its configured timeout and was aborted. The target may be very slow, or a step waited on something that never answered; without a verdict the result is unknown.',
    remediation:
      'Check the phase timings of earlier results to see which step grew; raise `timeoutSeconds` on the probe group ' +
      'only if the target is known to be slow, otherwise investigate the slow step (DNS, connect, banner).',
  },
  'probe.secret-unavailable': {
    title: 'Secret could not be read',
    explanation:
      'A credential the probe needs (SMTP/IMAP password, webhook, DQS key) could not be resolved from Secrets ' +
      'Manager or the environment, so the probe could not run its checks.',
    remediation:
      'Check that the secret named in the configuration exists in the region, that the function role may read it, ' +
      'and locally that the environment variable is set (`MAILPROBE_SECRET_<NAME>`).',
  },
  'probe.coverage-gap': {
    title: 'Probe keeps returning unknown',
    explanation:
      'Several consecutive runs could not reach a verdict (timeouts, resolver errors, crashes). The target is not ' +
      'known to be broken, but it is not being monitored either: a real outage would go unnoticed.',
    remediation:
      'Open the latest results (`mailprobe history <probe>`) and fix what the unknown checks name: a resolver that ' +
      'refuses queries, a missing secret, a network path from the probe to the target.',
  },
  'probe.store-unavailable': {
    title: 'Results table unavailable',
    explanation:
      'The results table (DynamoDB, or the embedded store locally) could not be read or written, so this run could ' +
      'not be recorded or evaluated. Its verdict is printed (CLI) or logged (Lambda) and the invocation fails, so ' +
      'the scheduler retries it; a probe that sends mail does not run without its slot claim.',
    remediation:
      'Check the error in the log: throttling or a missing table in AWS (the function role needs the table), a ' +
      'full disk or a stale lock in `.mailprobe/` locally. Nothing else is needed: a retry of the slot records it.',
  },
  'probe.slot-taken': {
    title: 'Another invocation ran this slot',
    explanation:
      'A probe that sends a real message (a canary) claims its schedule slot before it sends; this invocation found ' +
      'the slot claimed by another one (a retry or a duplicate delivery) whose result was not stored yet, so it sent ' +
      'nothing. The other invocation records the slot.',
    remediation:
      'Nothing to do when it is rare. If every slot shows it, two schedules or two deployments target the same ' +
      'probe group: look for a second stack with the same config name.',
  },
  'probe.flapping': {
    title: 'Target flapping between pass and fail',
    explanation:
      'The verdict changed state often within the recent runs (weighted, Nagios-style flap detection), so ' +
      'failure and recovery alerts are held back until it settles. Typical sources: a load balancer with one bad ' +
      'member behind it, a flaky network path, rate limiting or greylisting that only some runs hit, a resolver ' +
      'that answers intermittently.',
    remediation:
      'Compare the passing and failing runs (`mailprobe history <probe>`): the failing checks, the peer address and ' +
      'the timings usually show which backend or path differs. Take the bad member out of rotation, or fix the ' +
      'limit the probe hits; the flapping alert clears by itself once the state is stable again.',
  },
} as const satisfies CauseTable;
