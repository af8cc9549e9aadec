import { generateKeyPairSync } from 'node:crypto';
import { createTransport } from 'nodemailer';
import { type DnsServer, startDnsServer } from '../../cli/demo/dns-server';
import { type Receiver, startReceiver } from '../../shared/probes/canary/receiver';
import { CANARY_HEADER, newToken } from '../../shared/probes/canary/token';
import { silentLog } from '../../shared/util/log';
import { canaryConfig, MemoryCanaryLedger, runCanary } from './canary-harness';

const DOMAIN = 'sender.canary.test';

/** A TXT value as strings of at most 255 bytes. */
function chunks(value: string): string[] {
  return value.match(/.{1,255}/g) ?? [];
}

function rsa(): { pem: string; p: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    pem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    p: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
  };
}

describe('canary over the local receiver (ledger arrivals)', () => {
  const good = rsa();
  const wrong = rsa();
  let dns: DnsServer;
  let receiver: Receiver;
  let ledger: MemoryCanaryLedger;

  beforeAll(async () => {
    dns = await startDnsServer({
      records: {
        [DOMAIN]: [{ type: 'TXT', data: ['v=spf1 ip4:127.0.0.1 -all'] }],
        [`s1._domainkey.${DOMAIN}`]: [{ type: 'TXT', data: chunks(`v=DKIM1; k=rsa; p=${good.p}`) }],
        [`_dmarc.${DOMAIN}`]: [{ type: 'TXT', data: ['v=DMARC1; p=quarantine'] }],
        'unsigned.canary.test': [{ type: 'TXT', data: ['v=spf1 ip4:192.0.2.1 -all'] }],
        'elsewhere.canary.test': [{ type: 'TXT', data: ['v=spf1 ip4:192.0.2.1 -all'] }],
        's1._domainkey.elsewhere.canary.test': [{ type: 'TXT', data: chunks(`v=DKIM1; k=rsa; p=${good.p}`) }],
        '_dmarc.elsewhere.canary.test': [{ type: 'TXT', data: ['v=DMARC1; p=quarantine'] }],
      },
    });
  });
  beforeEach(async () => {
    ledger = new MemoryCanaryLedger();
    receiver = await startReceiver({
      ledger,
      resolver: { servers: [dns.server], timeoutMs: 1000, tries: 1 },
      log: silentLog,
      hostname: 'mx.receiver.test',
    });
  });
  afterEach(() => receiver.close());
  afterAll(() => dns.close());

  const setup = (
    key: 'GOOD' | 'WRONG' | null,
    extra: Record<string, unknown> = {},
    from = `canary@${DOMAIN}`,
  ) =>
    canaryConfig(
      { name: 'seed', address: 'seed@receiver.test', arrival: { via: 'ledger' } },
      {
        timeoutSeconds: 20,
        options: {
          from,
          send: {
            via: 'smtp',
            host: '127.0.0.1',
            port: receiver.port,
            mode: 'plain',
            ...(key
              ? { dkim: { domain: from.split('@')[1], selector: 's1', privateKey: { env: key } } }
              : {}),
          },
          waitSeconds: 5,
          ...extra,
        },
      },
      [dns.server],
    );
  const secrets = { GOOD: good.pem, WRONG: wrong.pem };

  it('passes a DKIM-signed canary that arrives with SPF, DKIM and DMARC pass in the inbox', async () => {
    const run = await runCanary(setup('GOOD'), { ledger, secrets });
    expect(run.checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(run.check('send')?.message).toContain('DKIM-signed');
    expect(run.check('arrival')?.details).toMatchObject({ latencyMs: expect.any(Number) });
    expect(run.check('auth.dkim')).toMatchObject({ status: 'pass', details: { receiver: 'pass' } });
    expect(run.check('placement')).toMatchObject({ status: 'pass' });
    expect(run.memo).toEqual({ pending: [], misses: 0 });
  });

  it('reports a DKIM failure but DMARC pass through aligned SPF when only the signing key is wrong', async () => {
    const run = await runCanary(setup('WRONG'), { ledger, secrets });
    expect(run.check('auth.dkim')).toMatchObject({ status: 'fail', cause: 'canary.dkim.key-mismatch' });
    expect(run.check('auth.spf')).toMatchObject({ status: 'pass' });
    expect(run.check('auth.dmarc')).toMatchObject({ status: 'pass' });
    expect(run.check('placement')).toMatchObject({ status: 'pass' });
  });

  it('reports SPF, DKIM and DMARC failure and spam placement when neither the key nor the relay is authorised', async () => {
    const run = await runCanary(setup('WRONG', {}, 'canary@elsewhere.canary.test'), { ledger, secrets });
    expect(run.check('auth.dkim')).toMatchObject({ status: 'fail', cause: 'canary.dkim.key-mismatch' });
    expect(run.check('auth.spf')).toMatchObject({ status: 'fail', cause: 'canary.auth.spf-fail' });
    expect(run.check('auth.dmarc')).toMatchObject({ status: 'fail', cause: 'canary.auth.dmarc-fail' });
    expect(run.check('placement')).toMatchObject({ status: 'fail', cause: 'canary.placement.spam' });
  });

  it('reports missing DKIM and an SPF fail for an unsigned canary from a domain that does not authorise the sender', async () => {
    const run = await runCanary(setup(null, {}, 'canary@unsigned.canary.test'), { ledger, secrets });
    expect(run.check('auth.dkim')).toMatchObject({ status: 'warn', cause: 'canary.auth.missing' });
    expect(run.check('auth.spf')).toMatchObject({ status: 'fail', cause: 'canary.auth.spf-fail' });
  });

  it('sends in one run and finds the canary in a later run once checkAfter has passed', async () => {
    const s = setup('GOOD', { checkAfter: '1m' });
    const first = await runCanary(s, { ledger, secrets });
    expect(first.check('arrival')).toBeUndefined();
    const pending = (first.memo?.pending as { token: string }[]) ?? [];
    expect(pending).toHaveLength(1);
    const later = new Date(Date.now() + 61_000);
    const second = await runCanary(s, { ledger, secrets, memo: first.memo, now: () => later });
    const arrival = second.check('arrival');
    expect(arrival).toMatchObject({ status: 'pass', details: { token: pending[0]?.token } });
    // The second run's own canary is not due yet: it is the only one still pending.
    expect(second.memo?.pending).toHaveLength(1);
  });

  it('soft-fails the first canary missing past its window and hard-fails the second consecutive miss', async () => {
    const s = setup('GOOD', { checkAfter: '1m', window: '10m' });
    const lost = (minutesAgo: number) => ({
      token: newToken(),
      sentAt: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
    });
    const first = await runCanary(s, { ledger, secrets, memo: { pending: [lost(11)], misses: 0 } });
    expect(first.check('arrival')).toMatchObject({ status: 'warn', cause: 'canary.delivery.missing' });
    const memo = { ...(first.memo ?? {}), pending: [lost(11)] };
    const second = await runCanary(s, { ledger, secrets, memo });
    expect(second.check('arrival')).toMatchObject({
      status: 'fail',
      cause: 'canary.delivery.missing',
      details: { consecutiveMisses: 2 },
    });
  });

  it('starts afresh from a memo it cannot trust, one field at a time, and sends its canary', async () => {
    // Not checked in the same run: what the memo holds afterwards is what was read, plus this run's canary.
    const s = setup('GOOD', { checkAfter: '1m', window: '10m' });
    const bad = [
      { pending: 'not a list', misses: 3 },
      { pending: [{ token: '<script>', sentAt: new Date().toISOString() }], misses: 3 },
      { pending: [{ token: newToken(), sentAt: 'yesterday' }], misses: 3 },
      { pending: [], misses: -1 },
      { pending: [], misses: 2.5 },
      { pending: [], misses: 1_001 },
    ];
    const runs = await Promise.all(bad.map((memo) => runCanary(s, { ledger, secrets, memo })));
    for (const run of runs) expect(run.check('send')).toMatchObject({ status: 'pass' });
    // A bad list is dropped and the good counter kept, or the reverse; only this run's canary is awaited.
    expect(runs.map((r) => r.memo?.misses)).toEqual([3, 3, 3, 0, 0, 0]);
    expect(runs.map((r) => (r.memo?.pending as unknown[] | undefined)?.length)).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('keeps awaiting the newest 20 canaries while arrivals cannot be checked', async () => {
    const s = setup('GOOD');
    let memo: Record<string, unknown> | undefined;
    for (let i = 0; i < 22; i++) {
      const run = await runCanary(s, { secrets, ...(memo ? { memo: memo as never } : {}) });
      expect(run.check('arrival')).toMatchObject({ status: 'unknown', cause: 'canary.ledger.unavailable' });
      memo = run.memo;
    }
    const pending = (memo?.pending ?? []) as unknown[];
    expect(pending).toHaveLength(20);
  });

  it('warns when delivery is slower than the latency threshold', async () => {
    const s = setup('GOOD', { latencyWarn: '1s' });
    // The canary claims to have been sent 5 s before the receiver saw it.
    let calls = 0;
    const run = await runCanary(s, {
      ledger,
      secrets,
      now: () => new Date(Date.now() - (calls++ === 0 ? 5_000 : 0)),
    });
    expect(run.check('latency')).toMatchObject({ status: 'warn', cause: 'canary.delivery.slow' });
  });

  it('is unknown, not failing, when the run has no ledger to find arrivals in', async () => {
    const run = await runCanary(setup('GOOD'), { secrets });
    expect(run.check('send')?.status).toBe('pass');
    expect(run.check('arrival')).toMatchObject({ status: 'unknown', cause: 'canary.ledger.unavailable' });
  });

  it('ignores a message whose token this deployment never sent', async () => {
    const token = newToken();
    const transport = createTransport({ host: '127.0.0.1', port: receiver.port, ignoreTLS: true });
    await transport.sendMail({
      from: `x@${DOMAIN}`,
      to: 'seed@receiver.test',
      subject: `mailprobe canary ${token}`,
      text: 'forged',
      headers: { [CANARY_HEADER]: `${token}; sent=2026-01-01T00:00:00Z` },
    });
    transport.close();
    expect(await ledger.findArrival(token)).toBeUndefined();
  });

  it('names a refused recipient at the relay as a hard bounce', async () => {
    const { SMTPServer } = await import('smtp-server');
    const relay = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onRcptTo: (_a, _s, cb) =>
        cb(
          Object.assign(new Error('5.1.1 <seed@receiver.test>: Recipient address rejected: User unknown'), {
            responseCode: 550,
          }),
        ),
    });
    await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
    const port = (relay.server.address() as { port: number }).port;
    try {
      const s = setup(null);
      const send = s.group.options.send as { port: number };
      send.port = port;
      const run = await runCanary(s, { ledger, secrets });
      expect(run.check('send')).toMatchObject({
        status: 'fail',
        cause: 'canary.bounce.hard',
        details: { replyCode: 550, enhancedCode: '5.1.1' },
      });
      expect(run.check('arrival')).toBeUndefined();
    } finally {
      await new Promise<void>((r) => relay.close(() => r()));
    }
  });
});
