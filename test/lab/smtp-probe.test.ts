/** The smtp probe against real Postfix + Dovecot (see test/lab/README.md): what sysadmins will point it at. */
import { once } from 'node:events';
import { connect } from 'node:net';
import { runSmtpProbe } from '../support/smtp/harness';
import { LAB_DOMAIN, LAB_HOST, LAB_MAIL_HOSTNAME, labPaths, labPorts, labUsers } from './ports';

const tls = () => ({ caFile: labPaths.caCert, servername: LAB_MAIL_HOSTNAME });
const secrets = { LAB_PASS: labUsers.probe.password };

function endpoint(port: number, extra: Record<string, unknown> = {}) {
  return {
    name: 'lab',
    host: LAB_HOST,
    port,
    mode: 'starttls' as const,
    ehloName: 'probe.lab.test',
    tls: tls(),
    auth: { user: labUsers.probe.address, password: { env: 'LAB_PASS' } },
    envelope: { from: labUsers.probe.address, to: [labUsers.bob.address] },
    ...extra,
  };
}

describe('smtp probe against lab Postfix', () => {
  it('passes submission with STARTTLS, AUTH, MAIL and RCPT', async () => {
    const run = await runSmtpProbe(endpoint(labPorts.submission), { secrets });
    expect(run.checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(run.checks.map((c) => c.id)).toEqual([
      'connect',
      'banner',
      'ehlo',
      'tls',
      'tls.certificate',
      'tls.protocols',
      'tls.ciphers',
      'ehlo.tls',
      'auth',
      'mail',
      `rcpt:${labUsers.bob.address}`,
    ]);
    expect(run.transcript).toContain('C: AUTH PLAIN ***');
  });

  it('reports the wrong password as 535 5.7.8', async () => {
    const run = await runSmtpProbe(endpoint(labPorts.submission), {
      secrets: { LAB_PASS: 'not-the-password' },
    });
    expect(run.check('auth')).toMatchObject({
      status: 'fail',
      cause: 'smtp.auth.rejected',
      details: { reply: { code: 535, enhanced: '5.7.8' } },
    });
  });

  it('passes implicit TLS on the smtps port', async () => {
    const run = await runSmtpProbe(endpoint(labPorts.smtps, { mode: 'implicit-tls' }), { secrets });
    expect(run.checks.filter((c) => c.status !== 'pass')).toEqual([]);
  });

  it('names STARTTLS spoken to the smtps port and TLS spoken to the submission port', async () => {
    const plainOnTls = await runSmtpProbe(endpoint(labPorts.smtps), {
      secrets,
      options: { replyTimeoutSeconds: 2 },
    });
    expect(plainOnTls.check('banner')).toMatchObject({
      status: 'fail',
      cause: 'smtp.mode.plain-on-tls-port',
    });
    const tlsOnPlain = await runSmtpProbe(endpoint(labPorts.submission, { mode: 'implicit-tls' }), {
      secrets,
    });
    expect(tlsOnPlain.check('tls')).toMatchObject({ status: 'fail', cause: 'smtp.mode.tls-on-plain-port' });
  });

  it('names plaintext spoken to the smtps port within seconds, not after the full reply timeout', async () => {
    const run = await runSmtpProbe(endpoint(labPorts.smtps), {
      secrets,
      options: { replyTimeoutSeconds: 30 },
    });
    expect(run.check('banner')).toMatchObject({
      status: 'fail',
      cause: 'smtp.mode.plain-on-tls-port',
      details: { service: 'tls' },
    });
    expect(run.timings.banner).toBeLessThan(15_000);
  });

  it("identifies NSD's TCP port as a DNS server instead of reporting a slow SMTP greeting", async () => {
    const run = await runSmtpProbe(
      { name: 'dns-port', host: LAB_HOST, port: labPorts.dns, mode: 'starttls' },
      { options: { replyTimeoutSeconds: 30 } },
    );
    expect(run.check('banner')).toMatchObject({
      status: 'fail',
      cause: 'smtp.service.not-smtp',
      details: { service: 'dns' },
    });
    expect(run.check('banner').message).toContain(`DNS service listens on port ${labPorts.dns}`);
    expect(run.timings.banner).toBeLessThan(15_000);
  });

  it('names AUTH before TLS on the submission port', async () => {
    const run = await runSmtpProbe(endpoint(labPorts.submission, { mode: 'plain', tls: undefined }), {
      secrets,
    });
    expect(run.check('auth')).toMatchObject({ status: 'fail', cause: 'smtp.auth.tls-required' });
  });

  it('rejects the lab certificate when the probe is not given the lab CA', async () => {
    const run = await runSmtpProbe(
      endpoint(labPorts.submission, { tls: { servername: LAB_MAIL_HOSTNAME } }),
      {
        secrets,
      },
    );
    expect(run.check('tls.certificate')).toMatchObject({ status: 'fail', cause: 'smtp.tls.cert-untrusted' });
    expect(run.checks.map((c) => c.id)).not.toContain('auth');
  });

  it('reports an unknown user on the MX port as 550 5.1.1', async () => {
    const run = await runSmtpProbe(
      {
        name: 'mx',
        host: LAB_HOST,
        port: labPorts.smtp,
        ehloName: 'probe.lab.test',
        tls: tls(),
        envelope: { from: 'sender@example.org', to: [`nobody@${LAB_DOMAIN}`, labUsers.bob.address] },
      },
      {},
    );
    expect(run.check(`rcpt:nobody@${LAB_DOMAIN}`)).toMatchObject({
      status: 'fail',
      cause: 'smtp.rcpt.unknown-user',
      details: { reply: { code: 550, enhanced: '5.1.1' } },
    });
    expect(run.check(`rcpt:${labUsers.bob.address}`).status).toBe('pass');
  });

  it('passes the open-relay test on the MX port and names the relay denial of an outside recipient', async () => {
    const run = await runSmtpProbe({
      name: 'mx',
      host: LAB_HOST,
      port: labPorts.smtp,
      ehloName: 'probe.lab.test',
      tls: tls(),
      relayTest: { from: 'sender@example.org', to: 'victim@outside.example' },
      envelope: { from: 'sender@example.org', to: ['someone@outside.example'] },
    });
    expect(run.check('relay')).toMatchObject({
      status: 'pass',
      details: { reply: { code: 554, enhanced: '5.7.1' } },
    });
    expect(run.check('rcpt:someone@outside.example')).toMatchObject({
      status: 'fail',
      cause: 'smtp.rcpt.relay-denied',
    });
  });
});

describe('smtp probe DATA size test against lab Postfix', () => {
  const mx = (port: number, envelope: Record<string, unknown>) => ({
    name: 'mx',
    host: LAB_HOST,
    port,
    ehloName: 'probe.lab.test',
    tls: tls(),
    envelope: { from: 'sender@example.org', to: [labUsers.bob.address], ...envelope },
  });

  it('sends a real-sized (64 KiB) message by default and Postfix takes it', async () => {
    const run = await runSmtpProbe(mx(labPorts.smtp, { send: true }));
    expect(run.check('data')).toMatchObject({ status: 'pass', details: { reply: { code: 250 } } });
    expect(run.check('data').details?.bytes).toBeGreaterThanOrEqual(65_536);
    expect(run.transcript).toContain('C: MAIL FROM:<sender@example.org> SIZE=65536');
    expect(run.checks.map((c) => c.id)).not.toContain('size');
  });

  it('warns about an advertised SIZE 1000 and fails the declared 64 KiB at MAIL FROM', async () => {
    const run = await runSmtpProbe(mx(labPorts.sized, { send: true }));
    expect(run.check('size')).toMatchObject({ status: 'warn', cause: 'smtp.size.limit-low', observed: 1000 });
    expect(run.check('mail')).toMatchObject({
      status: 'fail',
      cause: 'smtp.message.too-large',
      details: { reply: { code: 552, enhanced: '5.3.4' }, sizeLimit: 1000 },
    });
  });

  it('finds a limit enforced only after DATA, which an envelope-only or one-line test never sees', async () => {
    const run = await runSmtpProbe(mx(labPorts.hiddenLimit, { send: true, sizeBytes: 20_000 }));
    expect(run.checks.map((c) => c.id)).not.toContain('size');
    expect(run.check('mail').status).toBe('pass');
    expect(run.check('data')).toMatchObject({
      status: 'fail',
      cause: 'smtp.message.too-large',
      details: { reply: { code: 552, enhanced: '5.3.4' } },
    });
    expect(run.check('data').details?.bytes).toBeGreaterThanOrEqual(20_000);
  });
});

describe('a 421 from lab Postfix ends the session: one finding with its cause', () => {
  const mx = (envelope?: { from: string; to: string[] }) => ({
    name: 'busy',
    host: LAB_HOST,
    port: labPorts.busy,
    ehloName: 'probe.lab.test',
    tls: tls(),
    ...(envelope ? { envelope } : {}),
  });
  const notPassed = (run: Awaited<ReturnType<typeof runSmtpProbe>>) =>
    run.checks.filter((c) => c.status !== 'pass').map((c) => [c.id, c.status, c.cause]);

  it('at RCPT (an access map answering 421): the later recipient is not tried', async () => {
    // No TLS scan: its extra connections would meet the one-connection limit while Postfix still counts this one.
    const run = await runSmtpProbe(
      mx({ from: 'sender@example.org', to: [`shutdown@${LAB_DOMAIN}`, labUsers.bob.address] }),
      { options: { tlsScan: false } },
    );
    expect(notPassed(run)).toEqual([[`rcpt:shutdown@${LAB_DOMAIN}`, 'fail', 'smtp.session.closing']]);
    expect(run.check(`rcpt:shutdown@${LAB_DOMAIN}`).details?.reply).toMatchObject({
      code: 421,
      enhanced: '4.3.2',
    });
    expect(run.transcript).not.toContain(`C: RCPT TO:<${labUsers.bob.address}>`);
  });

  it('at the greeting when the client already holds the one connection Postfix allows it', async () => {
    const held = connect(labPorts.busy, LAB_HOST);
    try {
      // Postfix counts the connection once it has greeted it.
      await once(held, 'data');
      const run = await runSmtpProbe(mx({ from: 'sender@example.org', to: [labUsers.bob.address] }));
      expect(notPassed(run)).toEqual([['banner', 'warn', 'smtp.rate-limited']]);
      expect(run.check('banner').message).toContain(
        '421 4.7.0 mail.lab.test Error: too many connections from 127.0.0.1',
      );
    } finally {
      held.destroy();
    }
  });
});

describe('internationalised addresses (SMTPUTF8, RFC 6531) against lab Postfix', () => {
  const mx = (port: number, envelope: { from: string; to: string[]; send?: boolean }) => ({
    name: 'mx',
    host: LAB_HOST,
    port,
    ehloName: 'probe.lab.test',
    tls: tls(),
    envelope,
  });

  it('sends a UTF-8 sender with MAIL FROM … SMTPUTF8 where Postfix advertises it, and the message goes through', async () => {
    const run = await runSmtpProbe(
      mx(labPorts.smtp, { from: 'jörg@bücher.example', to: [labUsers.bob.address], send: true }),
      { options: { tlsScan: false } },
    );
    expect(run.checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(run.check('ehlo.tls').details?.extensions).toContain('SMTPUTF8');
    // The IDN domain travels as its A-label; the UTF-8 local part needs the extension.
    expect(run.transcript).toContain('C: MAIL FROM:<jörg@xn--bcher-kva.example> SIZE=65536 SMTPUTF8');
    expect(run.check('data')).toMatchObject({ status: 'pass', details: { reply: { code: 250 } } });
  });

  it('reaches Postfix with a UTF-8 recipient (an unknown user there: 550 5.1.1, not a syntax error)', async () => {
    const run = await runSmtpProbe(
      mx(labPorts.smtp, { from: 'sender@example.org', to: [`用户@${LAB_DOMAIN}`] }),
      { options: { tlsScan: false } },
    );
    expect(run.transcript).toContain('C: MAIL FROM:<sender@example.org> SMTPUTF8');
    expect(run.check(`rcpt:用户@${LAB_DOMAIN}`)).toMatchObject({
      status: 'fail',
      cause: 'smtp.rcpt.unknown-user',
      details: { reply: { code: 550, enhanced: '5.1.1' } },
    });
  });

  it('names a server without SMTPUTF8 (smtputf8_enable = no) as one finding, and sends no envelope', async () => {
    const run = await runSmtpProbe(
      mx(labPorts.noSmtputf8, { from: 'sender@example.org', to: ['jörg@lab.test', labUsers.bob.address] }),
      { options: { tlsScan: false } },
    );
    expect(run.checks.filter((c) => c.status !== 'pass').map((c) => [c.id, c.cause])).toEqual([
      ['smtputf8', 'smtp.smtputf8.not-offered'],
    ]);
    expect(run.check('smtputf8')).toMatchObject({
      status: 'fail',
      message:
        'jörg@lab.test has a UTF-8 local part, and the server does not advertise SMTPUTF8 (RFC 6531): mail to or ' +
        'from such addresses cannot be delivered here, so the envelope was not sent',
      details: { addresses: ['jörg@lab.test'] },
    });
    expect(run.transcript.some((l) => l.startsWith('C: MAIL FROM'))).toBe(false);
  });

  it('needs no SMTPUTF8 for an international domain alone: it is sent as punycode', async () => {
    const run = await runSmtpProbe(
      mx(labPorts.noSmtputf8, { from: 'info@bücher.example', to: [labUsers.bob.address] }),
      { options: { tlsScan: false } },
    );
    expect(run.checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(run.transcript).toContain('C: MAIL FROM:<info@xn--bcher-kva.example>');
  });
});
