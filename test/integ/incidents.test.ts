import { type DnsServer, startDnsServer, type ZoneRecords } from '../../cli/demo/dns-server';
import { causes } from '../../shared/model/causes/index';
import { clearSelfTestCache } from '../../shared/probes/dnsbl/self-test';
import { buildReport } from '../../shared/report/build';
import { dkimPublicKey } from '../support/dns/keys';
import { openIncidentLab } from '../support/incident-lab';
import { type Listening, smtpError, startSmtp } from '../support/smtp/servers';

jest.setTimeout(60_000);

const DOMAIN = 'example.test';
const SENDER = '192.0.2.10';
const LISTING = '10.2.0.192.zen.bl.test';

function zone(key: string): ZoneRecords {
  return {
    [DOMAIN]: [
      { type: 'MX', exchange: `mx.${DOMAIN}`, priority: 10 },
      { type: 'TXT', data: [`v=spf1 ip4:${SENDER} -all`] },
    ],
    [`mx.${DOMAIN}`]: [{ type: 'A', address: '127.0.0.1' }],
    [`mail.${DOMAIN}`]: [{ type: 'A', address: SENDER }],
    '10.2.0.192.in-addr.arpa': [{ type: 'PTR', target: `mail.${DOMAIN}` }],
    [`_dmarc.${DOMAIN}`]: [{ type: 'TXT', data: [`v=DMARC1; p=reject; rua=mailto:dmarc@${DOMAIN}`] }],
    [`s1._domainkey.${DOMAIN}`]: [{ type: 'TXT', data: [`v=DKIM1; k=ed25519; p=${key}`] }],
    // RFC 5782 test entry: the blocklist passes its self-test.
    '2.0.0.127.zen.bl.test': [{ type: 'A', address: '127.0.0.2' }],
  };
}

function labConfig(resolver: string, extra: Record<string, unknown> = {}) {
  return {
    resolver: { servers: [resolver], timeoutMs: 300, tries: 1 },
    thresholds: { failuresBeforeAlert: 2, unknownsBeforeCoverageAlert: 2, reportPreExisting: false },
    alerts: { grouping: { groupWait: '1m', groupInterval: '5m', repeatInterval: '4h' } },
    targets: {
      domains: [{ name: DOMAIN, dkimSelectors: ['s1'], sendingIps: [SENDER] }],
      sendingIps: [SENDER],
      mailboxes: [{ name: 'seed', address: 'seed@inbox.test', arrival: { via: 'ledger' } }],
    },
    probes: [
      {
        name: 'bl',
        kind: 'dnsbl',
        schedule: 'rate(15 minutes)',
        options: {
          defaultZones: false,
          customZones: [
            {
              zone: 'zen.bl.test',
              kinds: ['ip4', 'domain'],
              codes: { '127.0.0.2': { meaning: 'SBL spam source' } },
            },
          ],
        },
      },
      { name: 'dns', kind: 'dns', schedule: 'rate(1 hour)', options: { mtaSts: 'off', tlsRpt: 'off' } },
      {
        name: 'canary',
        kind: 'canary',
        schedule: 'rate(5 minutes)',
        options: {
          from: `monitor@${DOMAIN}`,
          send: {
            via: 'smtp',
            host: `smtp.${DOMAIN}`,
            dkim: { domain: DOMAIN, selector: 's1', privateKey: { env: 'DKIM_KEY' } },
          },
        },
      },
    ],
    ...extra,
  };
}

describe('incidents from event sequences on loopback', () => {
  let dns: DnsServer;
  let dropAll = false;

  beforeAll(async () => {
    dns = await startDnsServer({
      records: zone(dkimPublicKey('ed25519')),
      behaviour: () => (dropAll ? 'drop' : undefined),
    });
  });
  afterAll(() => dns.close());
  beforeEach(() => {
    clearSelfTestCache();
    dropAll = false;
    dns.replace(zone(dkimPublicKey('ed25519')));
    dns.replace({ [LISTING]: [] });
  });

  it('names the blocklisting as the cause when the canary lands in spam after it, in one message', async () => {
    const lab = await openIncidentLab(labConfig(dns.server));
    try {
      await lab.slot('bl', 0);
      await lab.slot('dns', 0);
      await lab.slot('canary', 0);
      dns.replace({
        [LISTING]: [
          { type: 'A', address: '127.0.0.2' },
          { type: 'TXT', data: ['Listed in SBL, see https://bl.test/lookup'] },
        ],
      });
      await lab.slot('bl', 5); // first listed run: a finding, not yet an alert
      lab.setCanary({ placement: 'spam' });
      await lab.slot('canary', 10); // soft
      await lab.slot('canary', 15); // hard: failure alert
      expect(lab.published).toEqual([]); // the group wait (1m) is not over
      await lab.slot('bl', 20); // hard: failure alert for the listing, same incident; the wait is over
      await lab.slot('canary', 20);
      await lab.slot('canary', 25);

      expect(lab.published).toHaveLength(1);
      const [message] = lab.published;
      expect(message?.incident?.cause).toBe(
        `canary filed as spam (Junk) (canary/seed) 5 minutes after ${SENDER}: ` +
          `${message?.incident?.members[0]?.message}; DKIM and SPF unchanged`,
      );
      expect(message?.incident?.members.map((m) => [m.probeId, m.state, m.cause, m.since])).toEqual([
        [`bl/${SENDER}`, 'firing', 'dnsbl.listed', '2026-11-23T10:05:00.000Z'],
        ['canary/seed', 'firing', 'canary.placement.spam', '2026-11-23T10:10:00.000Z'],
      ]);
      expect(message).toMatchObject({ type: 'failure', probeId: `bl/${SENDER}` });
      expect(message?.incident?.members[0]?.message).toContain('zen.bl.test');
    } finally {
      await lab.close();
    }
  });

  it('builds one incident and sends one message when two invocations alert and flush at the same time', async () => {
    const lab = await openIncidentLab(labConfig(dns.server));
    try {
      dns.replace({ [LISTING]: [{ type: 'A', address: '127.0.0.2' }] });
      lab.setCanary({ placement: 'spam' });
      for (const minute of [0, 5, 10]) {
        await Promise.all([lab.slot('bl', minute), lab.slot('canary', minute)]);
      }
      expect(lab.published).toHaveLength(1);
      expect(lab.published[0]?.incident?.members.map((m) => m.probeId)).toEqual([
        `bl/${SENDER}`,
        'canary/seed',
      ]);
      expect(await lab.store.store.alerting.activeIncidents()).toHaveLength(1);
    } finally {
      await lab.close();
    }
  });

  it('traces DKIM failures at the receiver to the key change the dns probe saw', async () => {
    const lab = await openIncidentLab(labConfig(dns.server));
    try {
      await lab.slot('dns', 0);
      await lab.slot('canary', 0);
      // The key is rotated in DNS before the signer switched: the receiver's DKIM checks fail from now on.
      dns.replace({
        [`s1._domainkey.${DOMAIN}`]: [
          { type: 'TXT', data: [`v=DKIM1; k=ed25519; p=${dkimPublicKey('ed25519')}`] },
        ],
      });
      await lab.slot('dns', 5);
      lab.setCanary({ placement: 'inbox', dkim: 'fail' });
      await lab.slot('canary', 10);
      await lab.slot('canary', 15);
      await lab.slot('canary', 20);

      expect(lab.published).toHaveLength(1);
      const [message] = lab.published;
      expect(message).toMatchObject({ type: 'failure', probeId: 'canary/seed' });
      expect(message?.incident?.cause).toMatch(
        /^DKIM fails at the receiver since the dns probe saw example\.test: dkim:s1 changed at 2026-11-23T10:05:02\.000Z: .+ at 10:05 UTC; SPF unchanged$/,
      );
      expect(message?.incident?.members.map((m) => [m.probeId, m.state])).toEqual([
        [`dns/${DOMAIN}`, 'change'],
        ['canary/seed', 'firing'],
      ]);
    } finally {
      await lab.close();
    }
  });

  it('makes a resolver outage one coverage incident naming the resolver, and one resolved message', async () => {
    const lab = await openIncidentLab(
      labConfig(dns.server, { thresholds: { unknownsBeforeCoverageAlert: 2, reportPreExisting: false } }),
    );
    try {
      dropAll = true;
      await lab.slot('bl', 0);
      await lab.slot('dns', 0);
      await lab.slot('bl', 15);
      await lab.slot('dns', 15);
      expect(lab.published).toEqual([]);
      await lab.slot('bl', 30);
      expect(lab.published).toHaveLength(1);
      const [outage] = lab.published;
      expect(outage?.type).toBe('coverage');
      expect(outage?.incident?.cause).toBe(
        `3 probes cannot tell: the resolver ${dns.server} fails (${causes['dnsbl.query.timeout'].title})`,
      );

      dropAll = false;
      await lab.slot('bl', 45); // two of three recover: an update, the group interval being over
      await lab.slot('dns', 45); // the last one: resolved, but within the group interval of the update
      await lab.slot('bl', 60);
      expect(lab.published.map((a) => [a.type, a.incident?.phase])).toEqual([
        ['coverage', 'new'],
        ['coverage', 'update'],
        ['coverage-recovered', 'resolved'],
      ]);
      await lab.slot('bl', 75);
      expect(lab.published).toHaveLength(3);
      expect(await lab.store.store.alerting.activeIncidents()).toEqual([]);
    } finally {
      await lab.close();
    }
  });
});

describe('flapping and silences against a real SMTP server on loopback', () => {
  let server: Listening;
  let reject = false;

  beforeAll(async () => {
    server = await startSmtp({
      authOptional: true,
      onConnect: (_session, callback) =>
        callback(reject ? smtpError(554, '5.3.2 Service currently unavailable') : undefined),
    });
  });
  afterAll(() => server.close());

  const smtpConfig = () => ({
    resolver: { servers: ['127.0.0.1:9'], timeoutMs: 300, tries: 1 },
    thresholds: { failuresBeforeAlert: 2, reportPreExisting: false },
    alerts: { grouping: { groupWait: '0s', groupInterval: '5m' } },
    targets: { smtp: [{ name: 'mx', host: '127.0.0.1', port: server.port, mode: 'plain' }] },
    probes: [{ name: 'smtp', kind: 'smtp', schedule: 'rate(5 minutes)' }],
  });

  it('raises one flapping alert with the pattern, no failure storm, and one when it settles', async () => {
    const lab = await openIncidentLab(smtpConfig());
    try {
      let minute = 0;
      for (let i = 0; i < 8; i++) {
        reject = i % 2 === 1;
        await lab.slot('smtp', minute);
        minute += 5;
      }
      expect(lab.published.map((a) => a.type)).toEqual(['flapping']);
      expect(lab.published[0]?.checks[0]?.message).toBe('✓✗✓✗✓✗✓✗: 100% state changes over the last 8 runs');
      reject = false;
      for (let i = 0; i < 20 && lab.published.length < 2; i++) {
        await lab.slot('smtp', minute);
        minute += 5;
      }
      expect(lab.published.map((a) => [a.type, a.severity])).toEqual([
        ['flapping', 'warning'],
        ['flap-settled', 'info'],
      ]);
      expect(lab.published[1]?.checks[0]?.message).toMatch(/^settled passing; /);
    } finally {
      await lab.close();
    }
  });

  it('sends the first message when the group wait ends and the resolved one when the interval ends, each once', async () => {
    const lab = await openIncidentLab({
      ...smtpConfig(),
      alerts: { grouping: { groupWait: '2m', groupInterval: '10m' } },
    });
    try {
      reject = true;
      await lab.slot('smtp', 0); // soft
      await lab.slot('smtp', 5); // hard: the failure alert joins an incident, its group wait runs to 10:07
      expect(lab.published).toEqual([]);
      expect(lab.wakes.map((t) => t.toISOString())).toEqual(['2026-11-23T10:07:00.000Z']);

      // The wake-up at 10:07 delivers it; a second flush at that time (a duplicate invocation) sends nothing.
      const woken = await lab.flushAt(lab.at(7));
      await lab.flushAt(lab.at(7));
      expect(woken.sent.map((a) => [a.type, a.incident?.phase])).toEqual([['failure', 'new']]);
      expect(lab.published).toHaveLength(1);
      expect(lab.wakes).toHaveLength(1); // nothing else pending

      // Recovered at 10:15 (the second pass), within the group interval (10m) of the 10:07 message: the resolved
      // message is due at 10:17.
      reject = false;
      await lab.slot('smtp', 10);
      await lab.slot('smtp', 15);
      await lab.slot('smtp', 15); // a duplicate invocation of the slot
      expect(lab.published).toHaveLength(1);
      expect(lab.wakes.map((t) => t.toISOString())).toEqual([
        '2026-11-23T10:07:00.000Z',
        '2026-11-23T10:17:00.000Z',
        '2026-11-23T10:17:00.000Z',
      ]);
      await Promise.all([lab.flushAt(lab.at(17)), lab.flushAt(lab.at(17))]);
      expect(lab.published.map((a) => [a.type, a.incident?.phase])).toEqual([
        ['failure', 'new'],
        ['recovery', 'resolved'],
      ]);
      await lab.slot('smtp', 20); // the next run has nothing left to send
      expect(lab.published).toHaveLength(2);
      expect(lab.wakes).toHaveLength(3);
      expect(await lab.store.store.alerting.activeIncidents()).toEqual([]);
    } finally {
      await lab.close();
    }
  });

  it('records alerts during a silence and sends the incident once the silence expires mid-incident', async () => {
    const lab = await openIncidentLab(smtpConfig());
    try {
      await lab.store.store.alerting.putSilence({
        id: 'maint1',
        matcher: { scope: 'target', value: 'mx' },
        startsAt: lab.at(0).toISOString(),
        endsAt: lab.at(22).toISOString(),
        reason: 'MX migration <b>&</b>',
        createdBy: 'ops',
        createdAt: lab.at(0).toISOString(),
      });
      reject = true;
      for (const minute of [0, 5, 10, 15, 20]) await lab.slot('smtp', minute);
      expect(lab.published).toEqual([]);
      const suppressed = await lab.store.store.alerting.suppressedByProbe('smtp/mx', lab.at(0), lab.at(60));
      expect(suppressed.map((s) => [s.alert.type, s.alert.scheduledAt, s.silenceId, s.reason])).toEqual([
        ['failure', '2026-11-23T10:05:00.000Z', 'maint1', 'MX migration <b>&</b>'],
      ]);
      // The report shows it, the reason escaped.
      const html = await buildReport(lab.store.store, { since: lab.at(-60), generatedAt: lab.at(21) });
      const held = /<table><caption>Alerts held back by silences<\/caption>.*?<\/table>/s.exec(html)?.[0];
      expect(held?.split('\n').slice(1, -1)).toEqual([
        '<tr><td>2026-11-23 10:05Z</td><td>failure</td><td><code>smtp.banner.rejected</code></td><td><code>maint1</code></td><td>MX migration &lt;b&gt;&amp;&lt;/b&gt;</td></tr>',
      ]);

      await lab.slot('smtp', 25); // the silence ended at 10:22: the failing incident is told now
      expect(lab.published.map((a) => [a.type, a.scheduledAt, a.incident?.phase])).toEqual([
        ['failure', '2026-11-23T10:05:00.000Z', 'new'],
      ]);
      expect(lab.published[0]?.transcript?.some((l) => l.includes('554'))).toBe(true);
    } finally {
      await lab.close();
    }
  });
});
