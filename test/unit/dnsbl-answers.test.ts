import { classifyAnswers } from '../../shared/probes/dnsbl/answers';
import { type ZoneSpecInput, zoneSpec } from '../../shared/probes/dnsbl/zone-spec';
import { catalogZone } from '../../shared/probes/dnsbl/zones';

// How the A answers of one zone are read: listings decoded per code or bit, and every error shape kept apart
// from a listing.

const spec = (extra: Partial<ZoneSpecInput> = {}) =>
  zoneSpec.parse({ zone: 'bl.example.org', kinds: ['ip4'], ...extra });

const codes = spec({
  codes: {
    '127.0.0.2': { meaning: 'spam source' },
    '127.0.0.3': { meaning: 'dynamic address', category: 'policy' },
    '127.0.0.4': { meaning: 'bad reputation', category: 'reputation' },
    '127.0.0.5': { meaning: 'backscatter', category: 'backscatter' },
    '127.0.0.6': { meaning: 'policy that blocks', category: 'policy', severity: 'fail' },
  },
  errors: { '127.0.0.99': { meaning: 'bad key', kind: 'misconfigured' } },
});

describe('classifyAnswers', () => {
  it('decodes a documented code with its meaning, category and severity', () => {
    expect(classifyAnswers(codes, ['127.0.0.2'])).toEqual({
      kind: 'listed',
      severity: 'fail',
      cause: 'dnsbl.listed',
      meanings: [{ code: '127.0.0.2', meaning: 'spam source', category: 'abuse', severity: 'fail' }],
    });
  });

  it.each([
    [['127.0.0.3'], 'warn', 'dnsbl.listed.policy'],
    [['127.0.0.4'], 'warn', 'dnsbl.listed.reputation'],
    [['127.0.0.5'], 'warn', 'dnsbl.listed.backscatter'],
    [['127.0.0.6'], 'fail', 'dnsbl.listed.policy'],
    // The most telling category names the cause; any failing meaning makes the listing fail.
    [['127.0.0.3', '127.0.0.2'], 'fail', 'dnsbl.listed'],
    [['127.0.0.3', '127.0.0.5'], 'warn', 'dnsbl.listed.backscatter'],
    [['127.0.0.3', '127.0.0.4'], 'warn', 'dnsbl.listed.reputation'],
  ])('reads %j as a %s listing (%s)', (answers, severity, cause) => {
    expect(classifyAnswers(codes, answers)).toMatchObject({ kind: 'listed', severity, cause });
  });

  it('calls an undocumented code an abuse listing that fails, saying it is undocumented', () => {
    expect(classifyAnswers(codes, ['127.0.0.42'])).toEqual({
      kind: 'listed',
      severity: 'fail',
      cause: 'dnsbl.listed',
      meanings: [
        {
          code: '127.0.0.42',
          meaning: 'listed (code not documented for this zone)',
          category: 'abuse',
          severity: 'fail',
        },
      ],
    });
  });

  it('lets the zone force the severity of every listing', () => {
    expect(classifyAnswers(spec({ severity: 'warn' }), ['127.0.0.2'])).toMatchObject({
      kind: 'listed',
      severity: 'warn',
    });
  });

  it('never calls an answer outside 127.0.0.0/8 a listing', () => {
    expect(classifyAnswers(codes, ['127.0.0.2', '10.0.0.1'])).toEqual({
      kind: 'error',
      cause: 'dnsbl.answer.out-of-range',
      detail: 'answered 10.0.0.1, outside 127.0.0.0/8',
    });
    expect(classifyAnswers(codes, ['::1'])).toMatchObject({
      kind: 'error',
      cause: 'dnsbl.answer.out-of-range',
    });
  });

  it.each([
    ['127.255.255.252', 'dnsbl.zone.misconfigured', 'error code: unknown zone name or invalid key'],
    [
      '127.255.255.254',
      'dnsbl.resolver.refused',
      'error code: query refused (public or unregistered resolver)',
    ],
    ['127.255.255.255', 'dnsbl.resolver.rate-limited', 'error code: too many queries from this resolver'],
    [
      '127.255.255.1',
      'dnsbl.resolver.refused',
      'error code in the 127.255.255.0/24 error range: query refused',
    ],
    ['127.0.0.99', 'dnsbl.zone.misconfigured', 'bad key'],
  ])('reads %s as an error (%s), even beside a listing', (answer, cause, meaning) => {
    expect(classifyAnswers(codes, ['127.0.0.2', answer])).toEqual({
      kind: 'error',
      cause,
      detail: `answered ${answer}: ${meaning}`,
    });
  });

  it('prefers the zone’s own meaning of an address in the shared error range', () => {
    const own = spec({ errors: { '127.255.255.254': { meaning: 'our own words', kind: 'invalid' } } });
    expect(classifyAnswers(own, ['127.255.255.254'])).toEqual({
      kind: 'error',
      cause: 'dnsbl.answer.invalid',
      detail: 'answered 127.255.255.254: our own words',
    });
  });

  it('treats 127.0.0.1 as invalid (RFC 5782 reserves it) in a blocklist', () => {
    expect(classifyAnswers(codes, ['127.0.0.1'])).toEqual({
      kind: 'error',
      cause: 'dnsbl.answer.invalid',
      detail: 'answered 127.0.0.1, which RFC 5782 reserves',
    });
  });

  it('reads an allowlist listing as allowlisted, with its meanings', () => {
    const allow = spec({
      polarity: 'allow',
      codes: { '127.0.2.0': { meaning: 'trusted', category: 'reputation' } },
    });
    expect(classifyAnswers(allow, ['127.0.2.0'])).toEqual({
      kind: 'allowlisted',
      meanings: [{ code: '127.0.2.0', meaning: 'trusted', category: 'reputation', severity: 'warn' }],
    });
  });

  describe('bitmask zones', () => {
    const bits = spec({
      answers: 'bitmask',
      codes: { '2': { meaning: 'black' }, '4': { meaning: 'grey', category: 'reputation' } },
    });

    it('gives one meaning per bit set, lowest first, undocumented bits included', () => {
      expect(classifyAnswers(bits, ['127.0.0.134'])).toEqual({
        kind: 'listed',
        severity: 'fail',
        cause: 'dnsbl.listed',
        meanings: [
          { code: '127.0.0.134 (bit 2)', meaning: 'black', category: 'abuse', severity: 'fail' },
          { code: '127.0.0.134 (bit 4)', meaning: 'grey', category: 'reputation', severity: 'warn' },
          {
            code: '127.0.0.134 (bit 128)',
            meaning: 'listed (code not documented for this zone)',
            category: 'abuse',
            severity: 'fail',
          },
        ],
      });
    });

    it('reads bit 1 alone and bit 4 alone', () => {
      expect(classifyAnswers(bits, ['127.0.0.4'])).toMatchObject({
        kind: 'listed',
        severity: 'warn',
        cause: 'dnsbl.listed.reputation',
        meanings: [{ code: '127.0.0.4 (bit 4)' }],
      });
      expect(classifyAnswers(bits, ['127.0.0.1'])).toMatchObject({
        kind: 'error',
        cause: 'dnsbl.answer.invalid',
      });
    });

    it('calls an answer with no bit set invalid, not a listing', () => {
      expect(classifyAnswers(bits, ['127.0.0.0'])).toEqual({
        kind: 'error',
        cause: 'dnsbl.answer.invalid',
        detail: 'answered 127.0.0.0: no bit set',
      });
      expect(classifyAnswers(bits, ['127.0.0.0', '127.0.0.0'])).toMatchObject({
        detail: 'answered 127.0.0.0, 127.0.0.0: no bit set',
      });
    });
  });
});

describe('catalog codes as the operators document them (re-checked 2026-12)', () => {
  const zone = (name: string) => {
    const found = catalogZone(name);
    if (!found) throw new Error(`${name} is not in the catalog`);
    return found.spec;
  };

  it('reads Abusix policy answers (generic or no reverse DNS) as policy warnings and .200 as a listing', () => {
    const abusix = zone('combined.mail.abusix.zone');
    expect(classifyAnswers(abusix, ['127.0.0.11'])).toMatchObject({
      kind: 'listed',
      severity: 'warn',
      cause: 'dnsbl.listed.policy',
      meanings: [{ meaning: expect.stringContaining('generic reverse DNS') }],
    });
    expect(classifyAnswers(abusix, ['127.0.0.12'])).toMatchObject({ severity: 'warn' });
    expect(classifyAnswers(abusix, ['127.0.0.4'])).toMatchObject({
      severity: 'fail',
      meanings: [{ meaning: expect.stringMatching(/^exploit:/) }],
    });
    expect(classifyAnswers(abusix, ['127.0.0.200'])).toMatchObject({
      severity: 'fail',
      meanings: [{ meaning: 'black: semi-permanent manual listing' }],
    });
  });

  it('names SURBL click-tracker and disposable-domain bits instead of calling them undocumented', () => {
    const verdict = classifyAnswers(zone('multi.surbl.org'), ['127.0.0.36']);
    expect(verdict).toMatchObject({ kind: 'listed', severity: 'fail' });
    expect(verdict.kind === 'listed' && verdict.meanings.map((m) => m.meaning)).toEqual([
      'DM: disposable email domain',
      'CT: click-tracking domain seen in unsolicited mail',
    ]);
  });

  it('names the Spamhaus BCL answer of ZEN', () => {
    expect(classifyAnswers(zone('zen.spamhaus.org'), ['127.0.0.30'])).toMatchObject({
      severity: 'fail',
      meanings: [{ meaning: 'BCL: botnet command-and-control server' }],
    });
  });

  it('names the attacked service of each blocklist.de answer, 127.0.0.2 included', () => {
    const blocklistDe = zone('bl.blocklist.de');
    expect(classifyAnswers(blocklistDe, ['127.0.0.2'])).toMatchObject({
      severity: 'fail',
      meanings: [{ meaning: expect.stringMatching(/^amavis:/) }],
    });
    const verdict = classifyAnswers(blocklistDe, ['127.0.0.13', '127.0.0.14']);
    expect(verdict.kind === 'listed' && verdict.meanings.map((m) => m.meaning)).toEqual([
      'sasl: SMTP AUTH (SASL) login attacks',
      'ssh: attacks on an SSH server',
    ]);
  });

  it('warns on RATS-Auth, which SpamRATS says not to use on inbound mail, and fails on RATS-Spam', () => {
    const rats = zone('all.spamrats.com');
    expect(classifyAnswers(rats, ['127.0.0.43'])).toMatchObject({ kind: 'listed', severity: 'warn' });
    expect(classifyAnswers(rats, ['127.0.0.38'])).toMatchObject({ kind: 'listed', severity: 'fail' });
  });

  it('reads an undocumented SpamRATS answer as an error, since its operator says other answers are errors', () => {
    const rats = zone('all.spamrats.com');
    expect(classifyAnswers(rats, ['127.0.0.40'])).toEqual({
      kind: 'error',
      cause: 'dnsbl.answer.invalid',
      detail:
        'answered 127.0.0.40, a code this zone does not document: its operator says any other answer is an error, not a listing',
    });
    expect(classifyAnswers(rats, ['127.0.0.38', '127.0.0.40'])).toMatchObject({ kind: 'error' });
    // Other zones keep calling an undocumented code a listing (they add codes over time), unless told otherwise.
    expect(classifyAnswers(codes, ['127.0.0.40'])).toMatchObject({ kind: 'listed', severity: 'fail' });
    expect(classifyAnswers(spec({ undocumented: 'error' }), ['127.0.0.2'])).toMatchObject({ kind: 'error' });
  });

  it("reads DroneBL's sample class as a reputation warning and names its DNS/MX-hostname class", () => {
    const dronebl = zone('dnsbl.dronebl.org');
    expect(classifyAnswers(dronebl, ['127.0.0.2'])).toMatchObject({
      severity: 'warn',
      cause: 'dnsbl.listed.reputation',
    });
    expect(classifyAnswers(dronebl, ['127.0.0.18'])).toMatchObject({
      severity: 'fail',
      meanings: [{ meaning: expect.stringContaining('DNS/MX-type hostname') }],
    });
  });
});
