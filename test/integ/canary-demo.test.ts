import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canaryDemo } from '../../cli/demo/canary';
import { startDnsServer } from '../../cli/demo/dns-server';
import type { CanaryGroup, MailboxTarget } from '../../shared/probes/canary/config';
import { DynamoCanaryLedger } from '../../shared/store/canary-ledger';
import { openEmbeddedStore } from '../../shared/store/embedded';
import { parseConfig } from '../../shared/suite/load';
import type { MailprobeConfigInput } from '../../shared/suite/schema';
import { runCanary } from './canary-harness';

jest.setTimeout(60_000);

describe('canary demo part', () => {
  it('delivers the signed canary to the inbox and files the rotated-key canary as spam, via the local receiver', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'mailprobe-canary-demo-'));
    const dns = await startDnsServer({});
    const part = await canaryDemo({ dns, dataDir });
    // The probe side opens the same data directory, as the demo's runner does: a guest of the part's dynalite.
    const store = await openEmbeddedStore({ dataDir });
    try {
      const config = parseConfig(
        {
          resolver: { servers: [dns.server], timeoutMs: 1000, tries: 1 },
          targets: part.targets,
          probes: part.probes,
        } as MailprobeConfigInput,
        'demo',
      );
      const ledger = new DynamoCanaryLedger({ client: store.client, tableName: store.tableName });
      const mailbox = config.targets.mailboxes[0] as MailboxTarget;
      const run = async (name: string) =>
        runCanary(
          { config, mailbox, group: config.probes.find((p) => p.name === name) as CanaryGroup },
          { ledger, secrets: process.env as Record<string, string> },
        );
      const signed = await run('canary-signed');
      expect(signed.checks.filter((c) => c.status !== 'pass')).toEqual([]);
      const rotated = await run('canary-rotated-key');
      expect(rotated.check('placement')).toMatchObject({ status: 'fail', cause: 'canary.placement.spam' });
      expect(rotated.check('auth.dkim')).toMatchObject({ status: 'fail', cause: 'canary.dkim.key-mismatch' });
      expect(rotated.check('auth.spf')).toMatchObject({ status: 'fail', cause: 'canary.auth.spf-fail' });
    } finally {
      await store.close();
      await part.close();
      await dns.close();
      await rm(dataDir, { recursive: true, force: true });
    }
    expect(process.env.MAILPROBE_DEMO_CANARY_DKIM_KEY).toBeUndefined();
  });
});
