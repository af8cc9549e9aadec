import { parseDsn } from '../../shared/probes/canary/dsn';
import {
  connectingAddress,
  parseAuthResults,
  parseHeaders,
  receivedHops,
  receiverVerdicts,
} from '../../shared/probes/canary/headers';
import { findToken, isToken, newToken } from '../../shared/probes/canary/token';

const RAW = [
  'Return-Path: <canary@example.com>',
  'Authentication-Results: mx.google.com;',
  '       dkim=pass header.i=@example.com header.s=s1 header.b=abc;',
  '       spf=softfail (google.com: domain of transitioning canary@example.com does not designate 203.0.113.10 as permitted sender) smtp.mailfrom=canary@example.com;',
  '       dmarc=fail (p=QUARANTINE sp=QUARANTINE dis=QUARANTINE) header.from=example.com',
  'Received: from mail.example.com (mail.example.com. [203.0.113.10])',
  '        by mx.google.com with ESMTPS id x1;',
  '        Mon, 23 Nov 2026 10:00:04 -0800 (PST)',
  'Authentication-Results: forged.example; spf=pass; dkim=pass; dmarc=pass',
  'Received: from [192.168.1.20] (unknown [192.168.1.20]) by mail.example.com (Postfix) with ESMTPSA id 4A; Mon, 23 Nov 2026 18:00:01 +0000 (UTC)',
  'Subject: mailprobe canary mpc-abcdefghijklmnopqrstuvwxyz',
  '',
  'body',
].join('\r\n');

describe('canary header parsing', () => {
  it("takes the receiver's verdicts from the topmost Authentication-Results, ignoring comments", () => {
    expect(receiverVerdicts(parseHeaders(RAW))).toEqual({
      authservId: 'mx.google.com',
      verdicts: { dkim: 'pass', spf: 'softfail', dmarc: 'fail' },
    });
  });

  it('trusts only the configured authserv-id', () => {
    expect(receiverVerdicts(parseHeaders(RAW), 'forged.example')?.verdicts).toEqual({
      spf: 'pass',
      dkim: 'pass',
      dmarc: 'pass',
    });
    expect(receiverVerdicts(parseHeaders(RAW), 'mx.other.example')).toBeUndefined();
  });

  it('keeps a DKIM pass over a failing second signature', () => {
    expect(
      parseAuthResults('mx.example; dkim=fail header.d=esp.example; dkim=pass header.d=example.com').verdicts,
    ).toEqual({
      dkim: 'pass',
    });
  });

  it('reads the Received chain oldest hop first with UTC timestamps', () => {
    expect(receivedHops(parseHeaders(RAW))).toEqual([
      { from: '[192.168.1.20]', by: 'mail.example.com', at: '2026-11-23T18:00:01.000Z' },
      { from: 'mail.example.com', by: 'mx.google.com', at: '2026-11-23T18:00:04.000Z' },
    ]);
  });

  it('prefers the public client address of the receiving hop for SPF re-verification', () => {
    expect(connectingAddress(parseHeaders(RAW))).toEqual({ ip: '203.0.113.10', helo: 'mail.example.com' });
  });

  it('bounds hostile header input: huge values, control characters, no blank line', () => {
    const hostile = `Received: from ${'a'.repeat(100_000)}\u001b[31m by evil\u0007; not a date\r\nAuthentication-Results: ${'x'.repeat(20_000)}`;
    const headers = parseHeaders(hostile);
    const hops = receivedHops(headers);
    expect(hops[0]?.from?.length).toBeLessThanOrEqual(300);
    expect(hops[0]?.at).toBeUndefined();
    for (const value of hops.flatMap((h) => Object.values(h))) expect(value).toMatch(/^[\x20-\x7e]*$/);
    // The Authentication-Results header lies past the first 64 KiB, which is all that is read.
    expect(receiverVerdicts(headers)).toBeUndefined();
    expect(parseAuthResults(`mx; spf=${'p'.repeat(50_000)}`).verdicts.spf?.length).toBeLessThan(8192);
  });
});

describe('canary tokens', () => {
  it('makes distinct tokens that match their own pattern', () => {
    const a = newToken();
    expect(isToken(a)).toBe(true);
    expect(newToken()).not.toBe(a);
  });

  it('finds a token inside a subject and rejects look-alikes', () => {
    expect(findToken('Re: mailprobe canary mpc-abcdefghijklmnopqrstuvwxyz')).toBe(
      'mpc-abcdefghijklmnopqrstuvwxyz',
    );
    expect(findToken('mpc-ABCDEF')).toBeUndefined();
    expect(isToken('mpc-abcdefghijklmnopqrstuvwxyz; drop table')).toBe(false);
  });
});

describe('delivery status notifications', () => {
  const dsn = (action: string, status: string) =>
    Buffer.from(
      [
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"',
        '',
        '--B',
        'Content-Type: message/delivery-status',
        '',
        'Reporting-MTA: dns; mx.example.net',
        '',
        'Final-Recipient: rfc822; seed@example.net',
        `Action: ${action}`,
        `Status: ${status}`,
        'Diagnostic-Code: smtp; 452 4.2.2 mailbox full,',
        '  try again later',
        '--B--',
      ].join('\r\n'),
    );

  it('reads a delay notice as delayed with its unfolded diagnostic', () => {
    expect(parseDsn(dsn('delayed', '4.2.2'))).toEqual({
      action: 'delayed',
      status: '4.2.2',
      diagnostic: 'smtp; 452 4.2.2 mailbox full, try again later',
      recipient: 'seed@example.net',
    });
  });

  it('ignores messages that are not DSNs and DSNs without a usable action or status', () => {
    expect(
      parseDsn(Buffer.from('Subject: hello\r\n\r\nAction: failed\r\nStatus: 5.1.1\r\n')),
    ).toBeUndefined();
    expect(parseDsn(dsn('relayed', '2.0.0'))).toBeUndefined();
    expect(parseDsn(dsn('failed', 'bogus'))).toBeUndefined();
  });
});
