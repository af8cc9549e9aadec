import {
  authVerdict,
  bannerVerdict,
  closingCheck,
  closingVerdict,
  dataVerdict,
  describeReply,
  mailVerdict,
  rcptVerdict,
  replyDetails,
} from '../../shared/probes/smtp/classify';
import { connectFailureCheck } from '../../shared/probes/smtp/session';
import { MAX_TEXT, parseReply, SmtpWireError } from '../../shared/probes/smtp/wire';

const reply = (line: string) => {
  const r = parseReply([line]);
  if (!r) throw new Error('partial');
  return r;
};

describe('parseReply', () => {
  it('joins a multi-line reply and takes the enhanced code from its first line', () => {
    expect(parseReply(['250-mx.test Hello', '250-PIPELINING', '250 SIZE 1000'])).toEqual({
      code: 250,
      lines: ['mx.test Hello', 'PIPELINING', 'SIZE 1000'],
      text: 'mx.test Hello / PIPELINING / SIZE 1000',
    });
    expect(reply('550 5.1.1 <a@b.test>: User unknown')).toMatchObject({
      code: 550,
      enhanced: '5.1.1',
      text: '<a@b.test>: User unknown',
    });
  });

  it('returns undefined while the last line is a continuation', () => {
    expect(parseReply(['220-wait'])).toBeUndefined();
  });

  it('accepts a bare code line', () => {
    expect(reply('220')).toMatchObject({ code: 220, text: '' });
  });

  it('rejects a line that is not SMTP, with a printable preview', () => {
    expect(() => parseReply(['SSH-2.0-OpenSSH\u0007'])).toThrow(SmtpWireError);
    try {
      parseReply(['HTTP/1.1 400 Bad Request\u001b[2J']);
    } catch (err) {
      expect((err as SmtpWireError).preview).toBe('HTTP/1.1 400 Bad Request\\x1b[2J');
    }
  });

  it('bounds the text and escapes control characters', () => {
    const r = reply(`554 5.7.1 ${'\u001b'.repeat(5)}${'x'.repeat(5000)}`);
    expect(r.text.length).toBeLessThanOrEqual(MAX_TEXT + 1);
    expect(r.text).not.toContain('\u001b');
  });
});

describe('reply verdicts', () => {
  it.each([
    ['220 mx.test ESMTP', 'pass', undefined],
    ['554 5.7.1 Client host rejected: blocked using zen.spamhaus.org', 'fail', 'provider.blocklist'],
    ['554 5.7.1 Client host rejected: access denied', 'fail', 'smtp.banner.rejected'],
  ])('greeting %s is %s', (line, status, cause) => {
    const { details: _details, ...verdict } = bannerVerdict(reply(line));
    expect(verdict).toEqual(cause ? { status, cause } : { status });
  });

  it.each([
    ['235 2.7.0 Authentication successful', 'pass', undefined],
    ['535 5.7.8 Error: authentication failed: authentication failure', 'fail', 'smtp.auth.rejected'],
    ['534 5.7.9 Application-specific password required', 'fail', 'smtp.auth.rejected'],
    ['454 4.7.0 Temporary authentication failure', 'fail', 'smtp.auth.temporary'],
    ['530 5.7.0 Must issue a STARTTLS command first', 'fail', 'smtp.auth.tls-required'],
    [
      '538 5.7.11 Encryption required for requested authentication mechanism',
      'fail',
      'smtp.auth.tls-required',
    ],
    ['504 5.5.4 Unrecognized authentication type', 'fail', 'smtp.auth.no-common-mechanism'],
    ['503 5.5.1 Error: authentication not enabled', 'fail', 'smtp.auth.not-offered'],
  ])('AUTH reply %s is %s', (line, status, cause) => {
    expect(authVerdict(reply(line))).toEqual(cause ? { status, cause } : { status });
  });

  it.each([
    ['250 2.1.0 Ok', 'pass', undefined],
    ['552 5.3.4 Message size exceeds fixed limit', 'fail', 'smtp.message.too-large'],
    ['553 5.7.1 <x@y.test>: Sender address rejected: not owned by user bob', 'fail', 'smtp.mail.rejected'],
    ['451 4.3.0 Temporary lookup failure', 'warn', 'smtp.mail.rejected'],
  ])('MAIL reply %s is %s', (line, status, cause) => {
    expect(mailVerdict(reply(line))).toEqual(cause ? { status, cause } : { status });
  });

  it.each([
    ['250 2.1.5 Ok', 'pass', undefined],
    [
      '550 5.1.1 <a@b.test>: Recipient address rejected: User unknown in virtual mailbox table',
      'fail',
      'smtp.rcpt.unknown-user',
    ],
    ['550 No such user here', 'fail', 'smtp.rcpt.unknown-user'],
    ['452 4.2.2 Mailbox full', 'warn', 'smtp.rcpt.mailbox-full'],
    ['552 5.2.2 Quota exceeded', 'fail', 'smtp.rcpt.mailbox-full'],
    ['554 5.7.1 <a@c.test>: Relay access denied', 'fail', 'smtp.rcpt.relay-denied'],
    ['454 4.7.1 <a@c.test>: Relay access denied', 'fail', 'smtp.rcpt.relay-denied'],
    [
      '450 4.7.1 <a@b.test>: Recipient address rejected: Greylisted for 300 seconds',
      'warn',
      'smtp.rcpt.greylisted',
    ],
    ['451 4.7.1 Please try again later', 'warn', 'smtp.rcpt.greylisted'],
    ['550 5.7.1 Service unavailable; client blocked using bl.example', 'fail', 'smtp.rcpt.rejected'],
    ['451 4.3.0 Temporary lookup failure', 'warn', 'smtp.rcpt.deferred'],
  ])('RCPT reply %s is %s', (line, status, cause) => {
    expect(rcptVerdict(reply(line))).toEqual(cause ? { status, cause } : { status });
  });

  it.each([
    ['250 2.0.0 Ok: queued as 4Z1', 'pass', undefined],
    ['552 5.3.4 Message too big', 'fail', 'smtp.message.too-large'],
    ['554 5.7.1 Rejected: spam', 'fail', 'smtp.data.rejected'],
  ])('end-of-DATA reply %s is %s', (line, status, cause) => {
    expect(dataVerdict(reply(line))).toEqual(cause ? { status, cause } : { status });
  });
});

describe('reply verdicts at the edges of each rule', () => {
  const verdicts = {
    banner: bannerVerdict,
    auth: authVerdict,
    mail: mailVerdict,
    rcpt: rcptVerdict,
    data: dataVerdict,
  };
  it.each([
    // Success is exactly 2xx; a temporary failure exactly 4xx.
    ['mail', '200 ok', 'pass', undefined],
    ['mail', '299 ok', 'pass', undefined],
    ['mail', '199 odd', 'fail', 'smtp.mail.rejected'],
    ['mail', '300 odd', 'fail', 'smtp.mail.rejected'],
    ['mail', '400 try later', 'warn', 'smtp.mail.rejected'],
    ['mail', '499 try later', 'warn', 'smtp.mail.rejected'],
    ['mail', '399 odd', 'fail', 'smtp.mail.rejected'],
    ['mail', '500 syntax error', 'fail', 'smtp.mail.rejected'],
    // Rate limiting: 4.7.0 with throttling words (a 421 never reaches these: see closingVerdict).
    ['mail', '451 4.7.0 rate limit exceeded', 'warn', 'smtp.rate-limited'],
    ['mail', '451 4.7.0 Temporary error', 'warn', 'smtp.mail.rejected'],
    ['mail', '450 4.2.0 too many recipients', 'warn', 'smtp.mail.rejected'],
    // Too large: 5.3.4, 5.2.3, or a 552 that says so.
    ['mail', '552 5.2.3 Message length exceeds administrative limit', 'fail', 'smtp.message.too-large'],
    ['mail', '552 Message size exceeds fixed maximum', 'fail', 'smtp.message.too-large'],
    ['mail', '554 5.3.4 Rejected', 'fail', 'smtp.message.too-large'],
    ['mail', '550 5.2.3 Denied', 'fail', 'smtp.message.too-large'],
    ['mail', '552 5.7.1 Denied', 'fail', 'smtp.mail.rejected'],
    ['mail', '554 Message too large', 'fail', 'smtp.mail.rejected'],
    ['data', '552 Message size exceeds fixed maximum', 'fail', 'smtp.message.too-large'],
    ['data', '451 4.3.0 Try again', 'warn', 'smtp.data.rejected'],
    // AUTH.
    ['auth', '530 5.7.0 Authentication required', 'fail', 'smtp.auth.tls-required'],
    ['auth', '538 Encryption needed', 'fail', 'smtp.auth.tls-required'],
    ['auth', '454 4.7.0 TLS not available; STARTTLS required', 'fail', 'smtp.auth.tls-required'],
    ['auth', '535 Bad credentials', 'fail', 'smtp.auth.rejected'],
    ['auth', '534 Sign in with your web browser', 'fail', 'smtp.auth.rejected'],
    // The reply code decides: a 535/534 refuses the credentials even with a throttling text and a (mismatched) 4.7.0.
    ['auth', '535 4.7.0 Too many failed login attempts', 'fail', 'smtp.auth.rejected'],
    ['auth', '534 4.7.0 Too many attempts, sign in with your web browser', 'fail', 'smtp.auth.rejected'],
    ['auth', '454 Try again', 'fail', 'smtp.auth.temporary'],
    // A 454 is the temporary AUTH failure even when it sounds like throttling.
    ['auth', '454 4.7.0 Too many login attempts', 'fail', 'smtp.auth.temporary'],
    ['auth', '502 5.5.2 Command not recognized', 'fail', 'smtp.auth.not-offered'],
    ['auth', '451 4.3.0 Internal error', 'fail', 'smtp.auth.temporary'],
    ['auth', '550 5.7.1 Denied', 'fail', 'smtp.auth.rejected'],
    // RCPT: mailbox full.
    ['rcpt', '452 4.2.2 Over quota', 'warn', 'smtp.rcpt.mailbox-full'],
    ['rcpt', '452 Mailbox is full', 'warn', 'smtp.rcpt.mailbox-full'],
    ['rcpt', '552 mailbox full', 'fail', 'smtp.rcpt.mailbox-full'],
    ['rcpt', '500 5.2.2 Mailbox full', 'fail', 'smtp.rcpt.mailbox-full'],
    ['rcpt', '450 quota exceeded', 'warn', 'smtp.rcpt.deferred'],
    ['rcpt', '552 5.3.4 Message size exceeds fixed limit', 'fail', 'smtp.message.too-large'],
    // RCPT: relaying (5.7, 4.7 or no enhanced code).
    ['rcpt', '550 Relaying denied', 'fail', 'smtp.rcpt.relay-denied'],
    ['rcpt', '550 5.1.1 relay host has no such user', 'fail', 'smtp.rcpt.unknown-user'],
    // RCPT: greylisting (450/451 with 4.7.1 or the word).
    ['rcpt', '450 Greylisted, try later', 'warn', 'smtp.rcpt.greylisted'],
    ['rcpt', '451 4.3.0 grey listing in effect', 'warn', 'smtp.rcpt.greylisted'],
    ['rcpt', '450 4.7.1 come back later', 'warn', 'smtp.rcpt.greylisted'],
    ['rcpt', '452 4.7.1 greylisted', 'warn', 'smtp.rcpt.deferred'],
    ['rcpt', '450 4.2.0 mailbox busy', 'warn', 'smtp.rcpt.deferred'],
    // Throttling is named before greylisting when a reply says both.
    ['rcpt', '451 4.7.0 too many connections, greylisted', 'warn', 'smtp.rate-limited'],
    // RCPT: unknown user (5.1.1, or 550/551/553 with the words).
    ['rcpt', '551 no such user', 'fail', 'smtp.rcpt.unknown-user'],
    ['rcpt', '553 mailbox does not exist', 'fail', 'smtp.rcpt.unknown-user'],
    ['rcpt', '554 no such user', 'fail', 'smtp.rcpt.rejected'],
    ['rcpt', '500 5.1.1 bad destination', 'fail', 'smtp.rcpt.unknown-user'],
  ] as const)('%s reply %s is %s %s', (step, line, status, cause) => {
    const { details: _details, ...verdict } = verdicts[step](reply(line));
    expect(verdict).toEqual(cause ? { status, cause } : { status });
  });

  it.each([
    ['mail', '550 5.7.1 Service unavailable; client [192.0.2.1] blocked using zen.spamhaus.org'],
    ['rcpt', '554 5.7.1 Service unavailable; client [192.0.2.1] blocked using zen.spamhaus.org'],
    ['data', '554 5.7.1 Service unavailable; client [192.0.2.1] blocked using zen.spamhaus.org'],
  ] as const)('a blocklist named in a %s reply is the provider cause, with the list', (step, line) => {
    const verdict = verdicts[step](reply(line));
    expect(verdict).toMatchObject({ status: 'fail', cause: 'provider.blocklist' });
    expect(verdict.details).toBeDefined();
  });

  it('a blocklist named in a temporary (4xx) reply is a warning', () => {
    expect(
      mailVerdict(reply('451 4.7.1 Service unavailable; client [192.0.2.1] blocked using zen.spamhaus.org')),
    ).toMatchObject({ status: 'warn', cause: 'provider.blocklist' });
  });

  it('keeps code, enhanced code and text of a reply, and describes it on one line', () => {
    expect(replyDetails(reply('550 5.1.1 User unknown'))).toEqual({
      code: 550,
      enhanced: '5.1.1',
      text: 'User unknown',
    });
    expect(replyDetails(reply('250 ok'))).toEqual({ code: 250, text: 'ok' });
    expect(describeReply(reply('550 5.1.1 User unknown'))).toBe('550 5.1.1 User unknown');
    expect(describeReply(reply('250 ok'))).toBe('250 ok');
    expect(describeReply(reply('220'))).toBe('220');
  });
});

describe('a 421 ends the session (RFC 5321 3.8)', () => {
  it.each([
    // Postfix anvil (smtpd_client_connection_count_limit and _rate_limit answer alike), provider throttling.
    ['421 4.7.0 mx.test Error: too many connections from 192.0.2.1', 'warn', 'smtp.rate-limited'],
    ['421 4.7.0 Too many errors, closing connection', 'warn', 'smtp.rate-limited'],
    ['421 4.7.0 closing', 'warn', 'smtp.rate-limited'],
    ['421 too many connections', 'warn', 'smtp.rate-limited'],
    ['421 4.7.0 Too many auth attempts', 'warn', 'smtp.rate-limited'],
    ['421 4.3.2 All server ports are busy', 'warn', 'smtp.rate-limited'],
    // Shutting down, timeouts, a policy that disconnects: the session is over, the text says why.
    ['421 4.3.2 System shutting down', 'fail', 'smtp.session.closing'],
    ['421 mx.test Service not available, closing transmission channel', 'fail', 'smtp.session.closing'],
    ['421 4.4.2 mx.test Error: timeout exceeded', 'fail', 'smtp.session.closing'],
  ])('%s is %s (%s)', (line, status, cause) => {
    expect(closingVerdict(reply(line))).toEqual({ status, cause });
  });

  it('keeps a provider’s published 421 deferral as that provider’s cause', () => {
    const v = closingVerdict(
      reply(
        '421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints',
      ),
    );
    expect(v).toMatchObject({ status: 'warn', cause: expect.stringMatching(/^provider\./) });
  });

  it('makes one check for the phase that got it, with the reply kept', () => {
    expect(closingCheck('rcpt:a@b.test', reply('421 4.3.2 Service shutting down'))).toEqual({
      id: 'rcpt:a@b.test',
      status: 'fail',
      cause: 'smtp.session.closing',
      message:
        'rcpt:a@b.test: the server ended the session with 421 4.3.2 Service shutting down (421 closes the ' +
        'connection; nothing after it was tested)',
      details: { reply: { code: 421, enhanced: '4.3.2', text: 'Service shutting down' } },
    });
  });
});

describe('connectFailureCheck', () => {
  it('is unknown with the egress explanation for a port-25 timeout', () => {
    expect(connectFailureCheck('192.0.2.1', 25, 'ETIMEDOUT', 'no answer within 10s')).toMatchObject({
      status: 'unknown',
      cause: 'smtp.connect.port25-timeout',
    });
  });

  it.each([
    [587, 'ETIMEDOUT', 'smtp.connect.timeout'],
    [587, 'ECONNREFUSED', 'smtp.connect.refused'],
    [465, 'EHOSTUNREACH', 'smtp.connect.unreachable'],
    [25, 'ECONNREFUSED', 'smtp.connect.refused'],
  ])('fails port %i %s as %s', (port, code, cause) => {
    expect(connectFailureCheck('192.0.2.1', port, code, 'x')).toMatchObject({ status: 'fail', cause });
  });
});
