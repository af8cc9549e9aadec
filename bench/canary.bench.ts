/**
 * Canary round trip on the lab: the probe sends a DKIM-signed canary through lab Postfix (STARTTLS), waits until
 * it is visible over IMAPS in Dovecot, verifies it again with mailauth against NSD, and deletes it. Median and p95
 * over 20 canaries, sequentially, plus the median of each phase. The lab must be up (`test/lab/install.sh` once,
 * then `test/lab/up.sh`); without it this throws rather than inventing figures.
 */
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { runCanary } from '../test/integ/canary-harness';
import { labCanary, labSecrets } from '../test/lab/canary-lab';
import { LAB_HOST, labPaths, labPorts } from '../test/lab/ports';
import type { BenchRow } from './types';

const CANARIES = 20;

async function labReachable(): Promise<void> {
  const problem = !existsSync(labPaths.caCert)
    ? `no lab CA at ${labPaths.caCert}`
    : await new Promise<string | undefined>((resolve) => {
        const s = connect({ host: LAB_HOST, port: labPorts.imaps });
        s.setTimeout(2000, () => s.destroy(new Error('timeout')));
        s.once('connect', () => {
          s.destroy();
          resolve(undefined);
        });
        s.once('error', (err) => resolve(err.message));
      });
  if (problem) {
    throw new Error(
      `canary bench needs the lab (Postfix ${labPorts.smtp}, Dovecot IMAPS ${labPorts.imaps}, NSD ${labPorts.dns}): ` +
        `${problem}; run test/lab/install.sh once, then test/lab/up.sh`,
    );
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

export async function run(): Promise<BenchRow[]> {
  await labReachable();
  const setup = labCanary();
  const totals: number[] = [];
  const phases: Record<string, number[]> = { send: [], connect: [], arrival: [] };
  for (let i = 0; i < CANARIES; i++) {
    const started = performance.now();
    const result = await runCanary(setup, { secrets: labSecrets });
    const elapsed = performance.now() - started;
    const failing = result.checks.filter((c) => c.status !== 'pass');
    if (failing.length > 0) {
      throw new Error(
        `canary ${i + 1} did not pass: ${failing.map((c) => `${c.id}: ${c.message}`).join('; ')}`,
      );
    }
    totals.push(elapsed);
    for (const phase of Object.keys(phases)) phases[phase]?.push(result.timings[phase] ?? 0);
  }
  const sorted = [...totals].sort((a, b) => a - b);
  const median = (values: number[]) =>
    percentile(
      [...values].sort((a, b) => a - b),
      50,
    );
  const note = `${CANARIES} canaries, lab Postfix -> Dovecot -> IMAPS, mailauth on NSD`;
  return [
    {
      figure: 'canary round trip (send -> visible over IMAP -> verified), median',
      value: Math.round(percentile(sorted, 50)),
      unit: 'ms',
      note,
    },
    { figure: 'canary round trip, p95', value: Math.round(percentile(sorted, 95)), unit: 'ms', note },
    {
      figure: 'canary send (DKIM sign + SMTP STARTTLS), median',
      value: Math.round(median(phases.send ?? [])),
      unit: 'ms',
    },
    { figure: 'canary IMAPS login, median', value: Math.round(median(phases.connect ?? [])), unit: 'ms' },
    {
      figure: 'canary wait until found + verified + deleted, median',
      value: Math.round(median(phases.arrival ?? [])),
      unit: 'ms',
    },
  ];
}
