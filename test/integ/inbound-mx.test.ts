import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inboundMxCommand } from '../../cli/commands/inbound-mx';
import { type DnsServer, startDnsServer } from '../../cli/demo/dns-server';

describe('mailprobe inbound-mx', () => {
  let dns: DnsServer;
  beforeAll(async () => {
    dns = await startDnsServer({
      records: {
        'ok.example.test': [{ type: 'MX', exchange: 'inbound-smtp.eu-west-1.amazonaws.com', priority: 10 }],
        'fallback.example.test': [
          { type: 'MX', exchange: 'mx.example.test', priority: 5 },
          { type: 'MX', exchange: 'inbound-smtp.eu-west-1.amazonaws.com', priority: 10 },
        ],
        'elsewhere.example.test': [
          { type: 'MX', exchange: 'inbound-smtp.us-east-1.amazonaws.com', priority: 10 },
        ],
      },
    });
  });
  afterAll(() => dns.close());

  it('passes the domain whose best MX is SES inbound of the region, warns on a fallback, fails elsewhere', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'inbound-mx-'));
    const file = join(dir, 'mailprobe.config.json');
    const ledger = { via: 'ledger' };
    writeFileSync(
      file,
      JSON.stringify({
        resolver: { servers: [dns.server], timeoutMs: 1000, tries: 1 },
        targets: {
          mailboxes: [
            { name: 'a', address: 'seed@ok.example.test', arrival: ledger },
            { name: 'b', address: 'seed@fallback.example.test', arrival: ledger },
            { name: 'c', address: 'seed@elsewhere.example.test', arrival: ledger },
            { name: 'd', address: 'other@ok.example.test', arrival: ledger },
          ],
        },
        probes: [
          {
            name: 'canary',
            kind: 'canary',
            schedule: 'rate(5 minutes)',
            options: { from: 'canary@example.test', send: { via: 'ses' } },
          },
        ],
      }),
    );
    const out: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((c) => out.push(String(c)) > 0);
    try {
      await inboundMxCommand()
        .exitOverride()
        .parseAsync(['node', 'mailprobe', '-c', file, '--region', 'eu-west-1', '--json']);
    } finally {
      spy.mockRestore();
    }
    const checks = JSON.parse(out.join('')) as { id: string; status: string; cause?: string }[];
    expect(checks.map((c) => [c.id, c.status, c.cause])).toEqual([
      ['mx:elsewhere.example.test', 'fail', 'canary.ses.inbound-mx'],
      ['mx:fallback.example.test', 'warn', 'canary.ses.inbound-mx'],
      ['mx:ok.example.test', 'pass', undefined],
    ]);
    expect(process.exitCode).toBe(1);
    process.exitCode = undefined;
  });
});
