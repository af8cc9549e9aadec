import { ConfigError } from '../../shared/config/errors';
import { causes } from '../../shared/model/causes/index';
import { parseConfig } from '../../shared/suite/load';
import type { MailprobeConfigInput } from '../../shared/suite/schema';
import { configWarnings } from '../../shared/suite/warnings';

type Endpoint = NonNullable<NonNullable<MailprobeConfigInput['targets']>['smtp']>[number];

function config(smtp: Endpoint[], options: Record<string, unknown> = {}, timeoutSeconds = 60) {
  return parseConfig({
    targets: { smtp },
    probes: [{ name: 'smtp', kind: 'smtp', schedule: 'rate(5 minutes)', timeoutSeconds, options }],
  });
}

describe('smtp endpoint config', () => {
  it('fills the defaults: port 587, STARTTLS required, 21 warning days', () => {
    const c = config([{ name: 'sub', host: 'smtp.example.com' }]);
    expect(c.targets.smtp[0]).toMatchObject({ port: 587, mode: 'starttls', requireTls: true });
    expect(c.probes[0]).toMatchObject({
      options: { certWarnDays: 21, ehloName: 'mailprobe.invalid', greylistRetrySeconds: 0 },
    });
  });

  it('takes secrets only by reference', () => {
    expect(() =>
      config([{ name: 'sub', host: 'h.example', auth: { user: 'u', password: 'hunter2' as never } }]),
    ).toThrow(ConfigError);
    const c = config([
      { name: 'sub', host: 'h.example', auth: { user: 'u', password: { secret: 'smtp', key: 'pw' } } },
    ]);
    expect(c.targets.smtp[0]?.auth?.password).toEqual({ secret: 'smtp', key: 'pw' });
  });

  it('names every bad field at once', () => {
    try {
      config([
        {
          name: 'sub',
          host: 'h.example',
          mode: 'smtps' as never,
          tls: { caFile: '/a', caPem: 'b' },
          envelope: { from: 'not-an-address', to: [] },
        },
      ]);
      throw new Error('accepted');
    } catch (err) {
      const paths = (err as ConfigError).issues.map((i) => i.path);
      expect(paths).toEqual(
        expect.arrayContaining([
          'targets.smtp[0].mode',
          'targets.smtp[0].envelope.from',
          'targets.smtp[0].envelope.to',
        ]),
      );
    }
  });

  it('rejects a CA given both as file and inline', () => {
    expect(() => config([{ name: 's', host: 'h.example', tls: { caFile: '/a', caPem: 'b' } }])).toThrow(
      /give caFile or caPem, not both/,
    );
  });
});

describe('config validation of hosts, time zones and schedules', () => {
  const issues = (input: unknown): string[] => {
    try {
      parseConfig(input);
      return [];
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      return err.issues.map((i) => `${i.path}: ${i.message}`);
    }
  };
  const withHost = (host: string) => ({
    targets: { smtp: [{ name: 'a', host }] },
    probes: [{ name: 'smtp', kind: 'smtp', schedule: 'rate(5 minutes)' }],
  });

  it.each([
    'smtp..example.com',
    'smtp://x:587',
    'host:587',
    '999.1.1.1',
    'smtp example.com',
    '-smtp.example.com',
    `${'a'.repeat(64)}.example.com`,
    '[192.0.2.1]',
  ])('rejects the SMTP host %p naming the field', (host) => {
    expect(issues(withHost(host))).toEqual([expect.stringMatching(/^targets\.smtp\[0\]\.host: must be/)]);
  });

  it('accepts host names and IP literals, lowercased, internationalised names as punycode', () => {
    const host = (h: string) => parseConfig(withHost(h)).targets.smtp[0]?.host;
    expect(host('Smtp.Example.COM')).toBe('smtp.example.com');
    expect(host('192.0.2.10')).toBe('192.0.2.10');
    expect(host('[2001:db8::25]')).toBe('2001:db8::25');
    expect(host('mail.bücher.de')).toBe('mail.xn--bcher-kva.de');
  });

  it('warns about a host label that mixes Latin and Cyrillic letters (a homoglyph)', () => {
    const warnings = configWarnings(parseConfig(withHost('smtp.ex\u0430mple.com')));
    expect(warnings).toEqual([
      { path: 'targets.smtp[0].host', message: expect.stringContaining('mixes Latin with Cyrillic') },
    ]);
  });

  it('rejects an unknown time zone and impossible schedules with their paths', () => {
    expect(
      issues({
        timezone: 'Mars/Olympus',
        targets: { smtp: [{ name: 'a', host: 'smtp.example.com' }] },
        probes: [
          { name: 'a', kind: 'smtp', schedule: 'cron(99 * * * ? *)' },
          { name: 'b', kind: 'smtp', schedule: 'rate(99999999999 days)' },
        ],
      }),
    ).toEqual([
      expect.stringMatching(/^timezone: must be an IANA time zone/),
      'probes[0].schedule: cron: minutes: "99" is not 0-59',
      expect.stringMatching(/^probes\[1\]\.schedule: rate must be at most a year/),
    ]);
    expect(issues({ ...withHost('smtp.example.com'), timezone: 'America/Argentina/Buenos_Aires' })).toEqual(
      [],
    );
  });
});

describe('smtpConfigWarnings', () => {
  it('warns that Lambda cannot reach port 25', () => {
    const warnings = configWarnings(config([{ name: 'mx', host: 'mx.example.com', port: 25 }]));
    expect(warnings).toEqual([
      { path: 'targets.smtp[0].port', message: expect.stringMatching(/Lambda.*port 25/) },
    ]);
  });

  it('warns about port 25 only for the groups outside the static egress, naming them and the fix', () => {
    const endpoint = (name: string) => ({ name, host: `${name}.example.com`, port: 25 });
    const group = (name: string, targets: string[]) => ({
      name,
      kind: 'smtp' as const,
      schedule: 'rate(5 minutes)',
      targets,
    });
    const c = parseConfig({
      targets: { smtp: [endpoint('mx1'), endpoint('mx2'), endpoint('mx3')] },
      probes: [group('egress', ['mx1', 'mx2']), group('direct', ['mx2']), group('lambda', ['mx3'])],
      deploy: { staticEgress: { groups: ['egress'] } },
    });
    const warnings = configWarnings(c);
    // mx1 is probed from the static egress only: nothing to say.
    expect(warnings.map((w) => w.path)).toEqual(['targets.smtp[1].port', 'targets.smtp[2].port']);
    expect(warnings[0]?.message).toContain('group "direct" runs outside the static egress');
    expect(warnings[0]?.message).toContain('Add it to deploy.staticEgress.groups');
    expect(warnings[1]?.message).toContain('group "lambda" runs outside');
  });

  it('warns about a TLS mode that does not match the well-known port and a cleartext password', () => {
    const warnings = configWarnings(
      config([
        { name: 'a', host: 'h.example', port: 465 },
        { name: 'b', host: 'h.example', port: 587, mode: 'implicit-tls' },
        {
          name: 'c',
          host: 'h.example',
          port: 2525,
          mode: 'plain',
          auth: { user: 'u', password: { env: 'P' } },
        },
      ]),
    );
    expect(warnings.map((w) => w.path)).toEqual([
      'targets.smtp[0].mode',
      'targets.smtp[1].mode',
      'targets.smtp[2].auth',
    ]);
  });

  it('warns when the greylist retry does not fit in the time budget', () => {
    const warnings = configWarnings(
      config([{ name: 'a', host: 'h.example' }], { greylistRetrySeconds: 300 }, 120),
    );
    expect(warnings).toEqual([
      { path: 'probes[0].options.greylistRetrySeconds', message: expect.any(String) },
    ]);
  });

  it('warns when one reply may take longer than the whole run', () => {
    const warnings = configWarnings(
      config([{ name: 'a', host: 'h.example' }], { replyTimeoutSeconds: 90 }, 60),
    );
    expect(warnings).toEqual([
      {
        path: 'probes[0].options.replyTimeoutSeconds',
        message: expect.stringContaining('timeoutSeconds 60'),
      },
    ]);
  });

  it('says nothing about a well-configured submission endpoint or an endpoint no enabled group probes', () => {
    expect(configWarnings(config([{ name: 'a', host: 'h.example', port: 587 }]))).toEqual([]);
    const c = config([{ name: 'mx', host: 'mx.example', port: 25 }]);
    c.probes[0] = { ...c.probes[0], enabled: false } as (typeof c.probes)[0];
    expect(configWarnings(c)).toEqual([]);
  });
});

describe('smtp cause catalog', () => {
  const ids = Object.keys(causes).filter((id) => id.startsWith('smtp.'));

  it('covers every failure the issue lists', () => {
    expect(ids).toEqual(
      expect.arrayContaining([
        'smtp.connect.refused',
        'smtp.connect.timeout',
        'smtp.connect.port25-timeout',
        'smtp.dns.nxdomain',
        'smtp.banner.timeout',
        'smtp.banner.rejected',
        'smtp.starttls.not-offered',
        'smtp.starttls.refused',
        'smtp.tls.handshake-failed',
        'smtp.mode.plain-on-tls-port',
        'smtp.mode.tls-on-plain-port',
        'smtp.tls.cert-expired',
        'smtp.tls.cert-not-yet-valid',
        'smtp.tls.cert-untrusted',
        'smtp.tls.hostname-mismatch',
        'smtp.tls.cert-expiring',
        'smtp.auth.not-offered',
        'smtp.auth.tls-required',
        'smtp.auth.rejected',
        'smtp.auth.temporary',
        'smtp.mail.rejected',
        'smtp.rcpt.unknown-user',
        'smtp.rcpt.mailbox-full',
        'smtp.rcpt.relay-denied',
        'smtp.rcpt.greylisted',
        'smtp.rate-limited',
        'smtp.message.too-large',
        'smtp.relay.open',
        'smtp.session.dropped',
        'smtp.service.not-smtp',
      ]),
    );
  });

  it('gives every cause a title, an explanation and a remediation', () => {
    for (const id of ids) {
      const c = causes[id as keyof typeof causes];
      expect(c.title.length).toBeGreaterThan(5);
      expect(c.explanation.length).toBeGreaterThan(60);
      expect(c.remediation.length).toBeGreaterThan(40);
    }
  });
});
