import { X509Certificate } from 'node:crypto';
import { causes } from '../../shared/model/causes/index';
import { openIncidentLab } from '../support/incident-lab';
import { createTestCa, type KeyPair, type TestCa } from '../support/smtp/certs';
import { type Listening, startSmtp } from '../support/smtp/servers';

jest.setTimeout(60_000);

/** The lab's clock starts here (test/support/incident-lab.ts); certificates are minted around it. */
const BASE = Date.UTC(2026, 10, 23, 10, 0);
const DAY = 86_400_000;
const MX = ['mx1', 'mx2', 'mx3'];

describe('one certificate on several endpoints is one incident (real smtp-server, openssl certificates, dynalite)', () => {
  let ca: TestCa;
  let shared: KeyPair;
  let renewed: KeyPair;
  let own: KeyPair;
  const servers: (Listening & { server: Awaited<ReturnType<typeof startSmtp>>['server'] })[] = [];

  beforeAll(async () => {
    ca = await createTestCa();
    const names = MX.map((m) => `${m}.test`);
    // One certificate for three MX hosts, expiring three minutes into the lab's first run.
    shared = await ca.issue({
      names,
      notBefore: new Date(BASE - 90 * DAY),
      notAfter: new Date(BASE + 3 * 60_000),
    });
    renewed = await ca.issue({ names, notBefore: new Date(BASE - DAY), notAfter: new Date(BASE + 90 * DAY) });
    own = await ca.issue({
      names: ['other.test'],
      notBefore: new Date(BASE - DAY),
      notAfter: new Date(BASE + 90 * DAY),
    });
    for (const pair of [shared, shared, shared, own]) {
      servers.push(await startSmtp({ key: pair.key, cert: pair.cert, authOptional: true }));
    }
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await ca.dispose();
  });

  const endpoint = (name: string, port: number) => ({
    name,
    host: '127.0.0.1',
    port,
    mode: 'starttls',
    tls: { caPem: ca.cert, servername: `${name}.test` },
  });

  it('names the shared certificate as the cause when it expires on three endpoints, and resolves once it is renewed', async () => {
    const lab = await openIncidentLab({
      resolver: { servers: ['127.0.0.1:9'], timeoutMs: 300, tries: 1 },
      thresholds: { failuresBeforeAlert: 2, reportPreExisting: false },
      alerts: { grouping: { groupWait: '0s', groupInterval: '5m' } },
      targets: {
        smtp: [
          ...MX.map((m, i) => endpoint(m, servers[i]?.port as number)),
          endpoint('other', servers[3]?.port as number),
        ],
      },
      probes: [{ name: 'tls', kind: 'smtp', schedule: 'rate(5 minutes)' }],
    });
    try {
      const first = await lab.slot('tls', 0); // three minutes left: a warning, no alert
      expect(first.map((r) => [r.result.probeId, r.result.status])).toEqual([
        ['tls/mx1', 'warn'],
        ['tls/mx2', 'warn'],
        ['tls/mx3', 'warn'],
        ['tls/other', 'pass'],
      ]);
      await lab.slot('tls', 5); // expired: soft
      const hard = await lab.slot('tls', 10); // hard: three failure alerts
      expect(hard.flatMap((r) => r.alerts.map((a) => [a.probeId, a.type]))).toEqual([
        ['tls/mx1', 'failure'],
        ['tls/mx2', 'failure'],
        ['tls/mx3', 'failure'],
      ]);
      expect(hard[0]?.result.checks.find((c) => c.id === 'tls.certificate')?.cause).toBe(
        'smtp.tls.cert-expired',
      );

      // One message for the three, naming the certificate they present (its SHA-256 fingerprint).
      const fingerprint = new X509Certificate(shared.cert).fingerprint256.slice(0, 23).toLowerCase();
      expect(lab.published).toHaveLength(1);
      const [message] = lab.published;
      expect(message?.incident?.cause).toBe(
        `TLS fails on 3 endpoints presenting the same certificate (${fingerprint}): ${causes['smtp.tls.cert-expired'].title}`,
      );
      expect(message?.incident?.members.map((m) => [m.probeId, m.state, m.cause])).toEqual(
        MX.map((m) => [`tls/${m}`, 'firing', 'smtp.tls.cert-expired']),
      );
      expect(message).toMatchObject({ type: 'failure', incident: { phase: 'new', omitted: 0 } });
      expect(await lab.store.store.alerting.activeIncidents()).toHaveLength(1);

      // The certificate is renewed on all three: one resolved message once every member recovered.
      for (const s of servers.slice(0, 3))
        s.server.updateSecureContext({ key: renewed.key, cert: renewed.cert });
      await lab.slot('tls', 15);
      await lab.slot('tls', 20);
      await lab.slot('tls', 25);
      expect(lab.published.map((a) => [a.type, a.incident?.phase])).toEqual([
        ['failure', 'new'],
        ['recovery', 'resolved'],
      ]);
      expect(lab.published[1]?.incident?.members.map((m) => [m.probeId, m.state])).toEqual(
        MX.map((m) => [`tls/${m}`, 'resolved']),
      );
      expect(await lab.store.store.alerting.activeIncidents()).toEqual([]);
    } finally {
      await lab.close();
    }
  });
  it('makes three endpoints presenting one untrusted certificate one incident, told when the group wait ends', async () => {
    // Issued by a CA the probe was not given.
    const stranger = await createTestCa('a CA nobody trusts');
    const untrusted = await stranger.issue({
      names: MX.map((m) => `${m}.test`),
      notBefore: new Date(BASE - DAY),
      notAfter: new Date(BASE + 90 * DAY),
    });
    await stranger.dispose();
    const broken = await Promise.all(
      MX.map(() => startSmtp({ key: untrusted.key, cert: untrusted.cert, authOptional: true })),
    );
    const lab = await openIncidentLab({
      resolver: { servers: ['127.0.0.1:9'], timeoutMs: 300, tries: 1 },
      thresholds: { failuresBeforeAlert: 2, reportPreExisting: true },
      alerts: { grouping: { groupWait: '1m', groupInterval: '5m' } },
      targets: { smtp: MX.map((m, i) => endpoint(m, broken[i]?.port as number)) },
      probes: [{ name: 'tls', kind: 'smtp', schedule: 'rate(5 minutes)' }],
    });
    try {
      await lab.slot('tls', 0); // failing on its first run, reported as pre-existing: three alerts, one incident
      expect(lab.published).toEqual([]);
      expect(lab.wakes.map((t) => t.toISOString())).toEqual(['2026-11-23T10:01:00.000Z']);
      await lab.flushAt(lab.wakes[0] as Date);
      const fingerprint = new X509Certificate(untrusted.cert).fingerprint256.slice(0, 23).toLowerCase();
      expect(lab.published.map((a) => [a.type, a.incident?.cause])).toEqual([
        [
          'failure',
          `TLS fails on 3 endpoints presenting the same certificate (${fingerprint}): ${causes['smtp.tls.cert-untrusted'].title}`,
        ],
      ]);
      expect(lab.published[0]?.incident?.members.map((m) => [m.probeId, m.cause])).toEqual(
        MX.map((m) => [`tls/${m}`, 'smtp.tls.cert-untrusted']),
      );
      await lab.slot('tls', 5); // still failing: nothing new to tell
      expect(lab.published).toHaveLength(1);
    } finally {
      await lab.close();
      await Promise.all(broken.map((s) => s.close()));
    }
  });
});
