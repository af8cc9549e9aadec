import { type ComplianceFacts, complianceChecks } from '../../shared/probes/canary/compliance';

const ALL = ['gmail', 'yahoo', 'outlook'] as const;

function facts(extra: Partial<ComplianceFacts> = {}): ComplianceFacts {
  return {
    verdicts: { spf: 'pass', dkim: 'pass', dmarc: 'pass' },
    dkim: [
      {
        domain: 'sender.test',
        selector: 's1',
        result: 'pass',
        bits: 2048,
        signedHeaders: ['from', 'subject', 'list-unsubscribe', 'list-unsubscribe-post'],
      },
    ],
    fromDomain: 'sender.test',
    fromCount: 1,
    messageId: '<abc@sender.test>',
    deliveringIp: '192.0.2.1',
    fcrdns: { ptr: 'out.sender.test', confirmed: true },
    tlsInbound: true,
    listUnsubscribe: '<https://sender.test/u/abc>, <mailto:u@sender.test>',
    listUnsubscribePost: 'List-Unsubscribe=One-Click',
    ...extra,
  };
}

const ids = (checks: ReturnType<typeof complianceChecks>) => checks.map((c) => `${c.id}=${c.status}`);

describe('bulk-sender compliance per canary', () => {
  it('passes a compliant bulk canary for every provider', () => {
    const [verdict] = complianceChecks(facts(), { providers: ALL, bulk: true });
    expect(verdict).toMatchObject({
      status: 'pass',
      details: { perProvider: { gmail: 'pass', yahoo: 'pass', outlook: 'pass' } },
    });
  });

  it('makes each miss its own check citing the rule and the providers that require it', () => {
    const checks = complianceChecks(
      facts({
        fcrdns: { ptr: 'host.isp.example', confirmed: false },
        tlsInbound: false,
        fromCount: 2,
        dkim: [{ domain: 'sender.test', result: 'pass', bits: 768, signedHeaders: ['from'] }],
      }),
      { providers: ALL, bulk: true },
    );
    expect(ids(checks)).toEqual([
      'compliance=fail',
      'compliance.dkim-key=fail',
      'compliance.fcrdns=fail',
      'compliance.tls=fail',
      'compliance.rfc5322=fail',
      'compliance.one-click=fail',
    ]);
    expect(checks.find((c) => c.id === 'compliance.fcrdns')).toMatchObject({
      cause: 'canary.compliance.fcrdns',
      details: { providers: ['gmail', 'yahoo'] },
      observed: '192.0.2.1 -> host.isp.example, which does not resolve back',
    });
    expect(checks.find((c) => c.id === 'compliance.one-click')?.observed).toContain(
      'covered by a passing, aligned DKIM',
    );
    // TLS is Gmail's rule alone: Outlook.com misses only the rules it states.
    expect(checks[0]?.details?.missed).toMatchObject({ outlook: ['dkim-key', 'rfc5322', 'one-click'] });
  });

  it('does not ask one-click unsubscribe of a stream not marked bulk, and says what it could not judge', () => {
    const checks = complianceChecks(facts({ listUnsubscribe: undefined, fcrdns: undefined }), {
      providers: ['gmail'],
      bulk: false,
    });
    expect(ids(checks)).toEqual(['compliance=pass']);
    expect(checks[0]?.details).toMatchObject({
      perProvider: { gmail: 'unknown' },
      notJudged: { gmail: ['fcrdns'] },
    });
  });
});
