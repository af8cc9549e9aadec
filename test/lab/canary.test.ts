/** The canary round trip for real: nodemailer (DKIM) -> lab Postfix -> Dovecot LMTP/Sieve -> imapflow -> mailauth on NSD. */
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ImapFlow } from 'imapflow';
import { createTransport } from 'nodemailer';
import { CANARY_HEADER, canaryHeaderValue, canarySubject, newToken } from '../../shared/probes/canary/token';
import { runCanary } from '../integ/canary-harness';
import { CANARY_DOMAIN, heldQueue, holdCanaries, labCanary, labDkimKey, labSecrets } from './canary-lab';
import { LAB_DOMAIN, LAB_HOST, LAB_MAIL_HOSTNAME, labPaths, labPorts, labUsers } from './ports';

jest.setTimeout(90_000);

describe('canary probe against lab Postfix, Dovecot and NSD', () => {
  it('passes a DKIM-signed canary: delivered to INBOX, SPF/DKIM/DMARC pass on re-verification, then deleted', async () => {
    const setup = labCanary();
    const run = await runCanary(setup, { secrets: labSecrets });
    expect(run.checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(run.check('arrival')).toMatchObject({
      details: { folder: 'INBOX', cleanup: 'deleted', clientIp: '127.0.0.1' },
    });
    expect(run.check('auth.dkim')).toMatchObject({
      status: 'pass',
      details: { source: 'mailauth re-verification', reverified: 'pass' },
    });
    expect(run.check('compliance')).toMatchObject({
      status: 'pass',
      details: { perProvider: { gmail: 'pass', yahoo: 'pass', outlook: 'pass' } },
    });
    const hops = (run.check('arrival')?.details?.hops ?? []) as { by?: string }[];
    expect(hops.map((h) => h.by)).toContain(LAB_MAIL_HOSTNAME);
    expect(run.memo).toEqual({ pending: [], misses: 0 });
    expect(run.transcript.join('\n')).not.toContain(labUsers.probe.password);
  });

  it('reports spam placement when the receiver files the canary into Junk', async () => {
    // The lab's Sieve filter plays the provider's spam filter: X-Spam-Flag: YES lands in Junk. The test sends
    // that canary itself (as if a content filter had flagged it) and hands its token to the probe as pending.
    const token = newToken();
    const sentAt = new Date(Date.now() - 120_000);
    const transport = createTransport({
      host: LAB_HOST,
      port: labPorts.smtp,
      requireTLS: true,
      tls: { ca: readFileSync(labPaths.caCert, 'utf8'), servername: LAB_MAIL_HOSTNAME },
      dkim: { domainName: CANARY_DOMAIN, keySelector: 's1', privateKey: labDkimKey },
    });
    await transport.sendMail({
      from: `canary@${CANARY_DOMAIN}`,
      to: labUsers.probe.address,
      subject: canarySubject(token),
      text: 'lab canary',
      headers: { [CANARY_HEADER]: canaryHeaderValue(token, sentAt), 'X-Spam-Flag': 'YES' },
    });
    transport.close();
    const setup = labCanary({ checkAfter: '1m', latencyWarn: '10m' });
    const run = await runCanary(setup, {
      secrets: labSecrets,
      memo: { pending: [{ token, sentAt: sentAt.toISOString() }], misses: 0 },
    });
    expect(run.check('arrival')).toMatchObject({ status: 'pass', details: { token, folder: 'Junk' } });
    expect(run.check('placement')).toMatchObject({
      status: 'fail',
      cause: 'canary.placement.spam',
      observed: 'Junk',
    });
  });

  it('reports a DKIM failure when the canary is signed with a key that is not published', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const run = await runCanary(labCanary(), {
      secrets: {
        ...labSecrets,
        LAB_DKIM_KEY: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      },
    });
    expect(run.check('auth.dkim')).toMatchObject({
      status: 'fail',
      cause: 'canary.dkim.key-mismatch',
      details: { domain: CANARY_DOMAIN, selector: 's1', failure: 'key-mismatch' },
    });
    expect(run.check('auth.dkim')?.message).toContain(`signature d=${CANARY_DOMAIN} s=s1`);
    // The same miss, judged as the bulk-sender rules of all three providers.
    expect(run.check('compliance')).toMatchObject({
      status: 'fail',
      cause: 'canary.compliance.verdict',
      details: {
        perProvider: { gmail: 'fail', yahoo: 'fail', outlook: 'fail' },
        missed: { gmail: ['dkim'] },
      },
    });
    expect(run.check('compliance.dkim')).toMatchObject({ status: 'fail', cause: 'canary.compliance.dkim' });
    // SPF still passes for 127.0.0.1 and aligns, so DMARC passes: the failure is DKIM alone.
    expect(run.check('auth.spf')).toMatchObject({ status: 'pass' });
    expect(run.check('auth.dmarc')).toMatchObject({ status: 'pass' });
  });

  it('names a selector with no published key, apart from a key mismatch', async () => {
    const setup = labCanary();
    const send = setup.group.options.send as { dkim?: { selector: string } };
    if (send.dkim) send.dkim.selector = 'retired';
    const run = await runCanary(setup, { secrets: labSecrets });
    expect(run.check('auth.dkim')).toMatchObject({
      status: 'fail',
      cause: 'canary.dkim.key-missing',
      details: { domain: CANARY_DOMAIN, selector: 'retired' },
    });
    expect(run.check('auth.dkim')?.message).toContain(
      `no key published at retired._domainkey.${CANARY_DOMAIN}`,
    );
  });

  it('fails the one-click unsubscribe rule for a stream marked bulk, the other rules still passing', async () => {
    const run = await runCanary(labCanary({ compliance: { bulk: true } }), { secrets: labSecrets });
    expect(run.check('compliance.one-click')).toMatchObject({
      status: 'fail',
      cause: 'canary.compliance.one-click',
      details: { providers: ['gmail', 'yahoo', 'outlook'] },
    });
    expect(run.check('compliance')).toMatchObject({
      details: { missed: { gmail: ['one-click'], yahoo: ['one-click'], outlook: ['one-click'] } },
    });
    expect(run.checks.filter((c) => c.id.startsWith('compliance.')).map((c) => c.id)).toEqual([
      'compliance.one-click',
    ]);
  });

  it('reports a hard bounce when Postfix refuses an unknown recipient with 550 5.1.1', async () => {
    const run = await runCanary(labCanary({}, `nobody-here@${LAB_DOMAIN}`), { secrets: labSecrets });
    expect(run.check('send')).toMatchObject({
      status: 'fail',
      cause: 'canary.bounce.hard',
      details: { replyCode: 550, enhancedCode: '5.1.1' },
    });
    expect(run.check('arrival')).toBeUndefined();
  });

  it("reports a hard bounce from the DSN that comes back to the sender's mailbox", async () => {
    // The lab Postfix refuses undeliverable recipients at RCPT, so the remote MX that accepts and then bounces is
    // played by the test: a DSN in Postfix's own format for an earlier canary, delivered through lab Postfix into
    // the sender's mailbox, which the probe searches over IMAPS.
    const token = newToken();
    const sentAt = new Date(Date.now() - 90_000);
    const dsn = [
      `From: MAILER-DAEMON@mx.elsewhere.example (Mail Delivery System)`,
      `To: ${labUsers.probe.address}`,
      'Subject: Undelivered Mail Returned to Sender',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="B"',
      '',
      '--B',
      'Content-Type: text/plain',
      '',
      "I'm sorry to have to inform you that your message could not be delivered.",
      '',
      '--B',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.elsewhere.example',
      '',
      'Final-Recipient: rfc822; seed@elsewhere.example',
      'Action: failed',
      'Status: 5.1.1',
      'Diagnostic-Code: smtp; 550 5.1.1 <seed@elsewhere.example>: Recipient address rejected:',
      '    User unknown in virtual mailbox table',
      '',
      '--B',
      'Content-Type: text/rfc822-headers',
      '',
      `From: ${labUsers.probe.address}`,
      'To: seed@elsewhere.example',
      `Subject: ${canarySubject(token)}`,
      `${CANARY_HEADER}: ${canaryHeaderValue(token, sentAt)}`,
      '',
      '--B--',
      '',
    ].join('\r\n');
    const transport = createTransport({ host: LAB_HOST, port: labPorts.smtp, ignoreTLS: true });
    await transport.sendMail({ envelope: { from: '', to: labUsers.probe.address }, raw: dsn });
    transport.close();

    const imap = {
      via: 'imap',
      host: LAB_HOST,
      port: labPorts.imaps,
      user: labUsers.probe.address,
      password: { env: 'LAB_IMAP_PASS' },
      tls: { caFile: labPaths.caCert, servername: LAB_MAIL_HOSTNAME },
    };
    const setup = labCanary({ checkAfter: '1m', waitSeconds: 1, bounces: imap }, 'seed@elsewhere.example');
    const run = await runCanary(setup, {
      secrets: labSecrets,
      memo: { pending: [{ token, sentAt: sentAt.toISOString() }], misses: 0 },
    });
    expect(run.check('bounce')).toMatchObject({
      status: 'fail',
      cause: 'canary.bounce.hard',
      details: { token, enhancedCode: '5.1.1', recipient: 'seed@elsewhere.example' },
    });
    expect(run.check('bounce')?.message).toContain('User unknown in virtual mailbox table');
    // The bounced canary is settled: no longer awaited and not counted as a miss. (This run's own canary to
    // elsewhere.example was refused at RCPT by the lab, so nothing new is awaited either.)
    expect(run.check('send')).toMatchObject({ status: 'fail', cause: 'canary.bounce.hard' });
    expect(run.memo).toEqual({ pending: [], misses: 0 });
  });

  it('soft-fails, then hard-fails, canaries that Postfix holds in its queue', async () => {
    const release = holdCanaries();
    try {
      const setup = labCanary({ window: '2s', waitSeconds: 4 });
      const first = await runCanary(setup, { secrets: labSecrets });
      expect(first.check('send')?.status).toBe('pass');
      expect(first.check('arrival')).toMatchObject({ status: 'warn', cause: 'canary.delivery.missing' });
      expect(heldQueue()).toContain('canary@canary.lab.test');
      const second = await runCanary(setup, { secrets: labSecrets, memo: first.memo });
      expect(second.check('arrival')).toMatchObject({
        status: 'fail',
        cause: 'canary.delivery.missing',
        details: { consecutiveMisses: 2 },
      });
    } finally {
      release();
    }
  });

  it('is unknown, not failing, when the seed mailbox refuses the IMAP login', async () => {
    const run = await runCanary(labCanary(), { secrets: { ...labSecrets, LAB_IMAP_PASS: 'wrong-password' } });
    expect(run.check('send')?.status).toBe('pass');
    expect(run.check('arrival')).toMatchObject({ status: 'unknown', cause: 'canary.imap.login-failed' });
    expect(JSON.stringify(run.checks)).not.toContain('wrong-password');
  });

  it('removes stale canaries (late arrivals of missed ones) from the seed mailbox, and nothing else', async () => {
    const imap = new ImapFlow({
      host: LAB_HOST,
      port: labPorts.imaps,
      secure: true,
      auth: { user: labUsers.probe.address, pass: labUsers.probe.password },
      tls: { ca: readFileSync(labPaths.caCert, 'utf8'), servername: LAB_MAIL_HOSTNAME },
      logger: false,
    });
    await imap.connect();
    try {
      const stale = newToken();
      const old = new Date(Date.now() - 3 * 86_400_000);
      const message = (subject: string) =>
        `From: canary@${CANARY_DOMAIN}\r\nTo: ${labUsers.probe.address}\r\nSubject: ${subject}\r\n\r\nlate\r\n`;
      await imap.append('Junk', message(canarySubject(stale)), [], old);
      await imap.append('INBOX', message('an old message that is not a canary'), [], old);
      await runCanary(labCanary(), { secrets: labSecrets });
      const count = async (folder: string, subject: string) => {
        const lock = await imap.getMailboxLock(folder);
        try {
          return ((await imap.search({ subject })) || []).length;
        } finally {
          lock.release();
        }
      };
      expect(await count('Junk', stale)).toBe(0);
      expect(await count('INBOX', 'an old message that is not a canary')).toBe(1);
    } finally {
      await imap.logout();
    }
  });

  it('warns about a watched spam folder that does not exist', async () => {
    const run = await runCanary(
      labCanary({}, labUsers.probe.address, { spamFolders: ['Junk', 'Spam Folder'] }),
      {
        secrets: labSecrets,
      },
    );
    expect(run.check('folder:Spam Folder')).toMatchObject({
      status: 'warn',
      cause: 'canary.imap.folder-missing',
    });
    expect(run.check('arrival')?.status).toBe('pass');
  });
});
