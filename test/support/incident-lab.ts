import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FlushReport, flushIncidents } from '../../shared/alert/flush';
import type { Alert, Alerter } from '../../shared/alert/types';
import { sesClients } from '../../shared/aws/ses';
import { resolverFactory } from '../../shared/dns/resolver';
import type { Check, ProbeOutcome } from '../../shared/model/result';
import type { ProbeDefinition } from '../../shared/probes/types';
import { runProbes } from '../../shared/run/run-group';
import type { RunDeps, RunReport } from '../../shared/run/run-probe';
import { createSecretResolver } from '../../shared/secrets/resolve';
import { DynamoCanaryLedger } from '../../shared/store/canary-ledger';
import { type EmbeddedStore, openEmbeddedStore } from '../../shared/store/embedded';
import type { ProbeSpec } from '../../shared/suite/expand';
import { parseConfig } from '../../shared/suite/load';
import { expandProbes, probeDefinitions } from '../../shared/suite/probes';
import type { MailprobeConfig, ProbeGroup } from '../../shared/suite/schema';
import { silentLog } from '../../shared/util/log';

/** What the stand-in canary reports on its next run: placement and the receiver's verdicts. */
export interface CanaryOutcome {
  placement: 'inbox' | 'spam';
  spf?: 'pass' | 'fail';
  dkim?: 'pass' | 'fail';
}

function canaryChecks(o: CanaryOutcome): Check[] {
  const auth = (m: 'spf' | 'dkim' | 'dmarc', v: 'pass' | 'fail'): Check =>
    v === 'pass'
      ? { id: `auth.${m}`, status: 'pass', message: `${m.toUpperCase()} pass according to the receiver` }
      : {
          id: `auth.${m}`,
          status: 'fail',
          cause: `canary.auth.${m}-fail`,
          message: `${m.toUpperCase()} fail according to the receiver`,
        };
  const dkim = o.dkim ?? 'pass';
  return [
    { id: 'arrival', status: 'pass', message: 'canary arrived' },
    o.placement === 'spam'
      ? {
          id: 'placement',
          status: 'fail',
          cause: 'canary.placement.spam',
          message: 'canary filed as spam (Junk)',
          observed: 'Junk',
          expected: 'inbox',
        }
      : { id: 'placement', status: 'pass', message: 'canary in the inbox (INBOX)', observed: 'INBOX' },
    auth('spf', o.spf ?? 'pass'),
    auth('dkim', dkim),
    auth('dmarc', dkim),
  ];
}

/**
 * A monitoring deployment in one process: the real smtp, dns and dnsbl probes against loopback servers, a canary
 * whose outcome the test sets (its arrival needs a real mailbox provider), the embedded store, and a recording
 * channel. `slot(group, minute)` is one scheduled invocation of a group, flush included, with the clock a few
 * seconds into the slot.
 */
export async function openIncidentLab(input: unknown, channel = 'sns') {
  const config: MailprobeConfig = parseConfig(input, 'incident lab config');
  let canary: CanaryOutcome = { placement: 'inbox' };
  const store: EmbeddedStore = await openEmbeddedStore({
    dataDir: mkdtempSync(join(tmpdir(), 'mailprobe-incidents-')),
    retentionDays: 30,
  });
  const real = await probeDefinitions({
    canaryLedger: new DynamoCanaryLedger({ client: store.client, tableName: store.tableName }),
    ses: sesClients(),
  });
  const standIn: ProbeDefinition<ProbeGroup, unknown> = {
    kind: 'canary',
    run: async (): Promise<ProbeOutcome> => ({ checks: canaryChecks(canary) }),
  };
  const specs = expandProbes(config, new Map([...real, ['canary', standIn]]));
  const published: Alert[] = [];
  let failing = false;
  const alerter: Alerter = {
    name: channel,
    publish: async (a) => {
      if (failing) throw new Error('channel down');
      published.push(a);
    },
  };
  const base = Date.UTC(2026, 10, 23, 10, 0);
  let clock = new Date(base);
  /** The wake-ups the flushes asked for (a one-time schedule in AWS, a timer in `watch`). */
  const wakes: Date[] = [];
  const deps: RunDeps = {
    resolver: config.resolver,
    dns: resolverFactory(),
    alerting: { alerts: config.alerts, targets: config.targets },
    secrets: createSecretResolver({ env: {} }),
    log: silentLog,
    now: () => clock,
    store: store.store,
    alerter,
    links: {
      table: 'mailprobe-prod-Results',
      region: 'eu-west-1',
      dashboardUrl: 'https://example.test/dash',
    },
    wake: async (t) => {
      wakes.push(t);
    },
  };
  const at = (minute: number) => new Date(base + minute * 60_000);
  return {
    config,
    store,
    published,
    wakes,
    deps,
    at,
    setCanary: (o: CanaryOutcome) => {
      canary = o;
    },
    setChannelDown: (down: boolean) => {
      failing = down;
    },
    specsOf: (group: string): ProbeSpec[] => specs.filter((s) => s.group.name === group),
    /** One scheduled invocation of `group` at `minute` past 10:00, the clock 2 s into it. */
    slot: (group: string, minute: number, only?: (s: ProbeSpec) => boolean): Promise<RunReport[]> => {
      clock = new Date(at(minute).getTime() + 2000);
      const chosen = specs.filter((s) => s.group.name === group && (!only || only(s)));
      return runProbes(chosen, at(minute), deps);
    },
    /** The flush a wake-up runs, at `time` (the clock set to it), without any probe run. */
    flushAt: (time: Date): Promise<FlushReport> => {
      clock = time;
      return flushIncidents(deps);
    },
    close: () => store.close(),
  };
}
