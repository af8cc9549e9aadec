import type { ZoneRecord, ZoneRecords } from '../../cli/demo/dns-server';
import { analyzeSpf, type SpfAnalysis } from '../../shared/probes/dns/spf-analyze';
import { type ZoneMisbehaviour, zoneResolver } from '../support/dns/zone-resolver';

// The static walk of a policy (RFC 7208) on its own: what it counts, what it follows, what it reports.

const spf = (value: string): ZoneRecord[] => [{ type: 'TXT', data: [value] }];
const a = (address: string): ZoneRecord => ({ type: 'A', address });
const aaaa = (address: string): ZoneRecord => ({ type: 'AAAA', address });
const mxHosts = (n: number): ZoneRecord[] =>
  Array.from({ length: n }, (_, i) => ({
    type: 'MX' as const,
    exchange: `mx${i}.example.test`,
    priority: i,
  }));

function analyze(
  zone: ZoneRecords,
  misbehave?: (name: string, type: string) => ZoneMisbehaviour | undefined,
  domain = 'example.test',
) {
  const resolve = zoneResolver(zone, misbehave);
  return analyzeSpf(domain, resolve).then((analysis) => ({ analysis, queries: resolve.queries }));
}

/** The analysis of a domain publishing `record`, plus whatever else the zone holds. */
async function ofRecord(record: string, rest: ZoneRecords = {}): Promise<SpfAnalysis> {
  return (await analyze({ 'example.test': spf(record), ...rest })).analysis;
}

const kinds = (analysis: SpfAnalysis) => analysis.problems.map((p) => p.kind);

describe('SPF record syntax (RFC 7208 4.5, 4.6, 5, 6, 7.1)', () => {
  it.each([
    ['v=spf1 -allow', 'unknown mechanism'],
    ['v=spf1 xall', 'unknown mechanism'],
    ['v=spf1 *all', 'unknown mechanism'],
    ['v=spf1 include:example -all', 'include needs a valid domain'],
    ['v=spf1 include:example.123 -all', 'include needs a valid domain'],
    ['v=spf1 exists: -all', 'exists needs a valid domain'],
    ['v=spf1 exists:%{q}.example.test -all', 'exists needs a valid domain'],
    ['v=spf1 a: -all', 'invalid domain in "a:"'],
    ['v=spf1 mx:nodot -all', 'invalid domain in "mx:"'],
    ['v=spf1 a/33 -all', 'IPv4 prefix length above 32'],
    ['v=spf1 mx//129 -all', 'IPv6 prefix length above 128'],
    ['v=spf1 ptr:nodot -all', 'invalid domain in "ptr:"'],
    ['v=spf1 ip4:192.0.2 -all', 'invalid IPv4 address'],
    ['v=spf1 ip6:2001:db8::g -all', 'invalid IPv6 address'],
    ['v=spf1 ip6:192.0.2.1 -all', 'invalid IPv6 address'],
    ['v=spf1 ip6:2001:db8::/129 -all', 'IPv6 prefix length above 128'],
    ['v=spf1 redirect=', 'invalid domain in "redirect="'],
    ['v=spf1 -all exp=%{x}.example.test', 'invalid domain in "exp="'],
    ['v=spf1 -all Redirect=nodot', 'invalid domain in "redirect="'],
    ['v=spf1 moo=100% -all', 'invalid value of modifier "moo"'],
    ['v=spf1 -all exp=a.example.test exp=b.example.test', 'redirect= or exp= appears more than once'],
  ])('rejects "%s": %s', async (record, why) => {
    const analysis = await ofRecord(record);
    expect(analysis.problems).toEqual([
      { kind: 'syntax', domain: 'example.test', depth: 0, message: expect.stringContaining(why) },
    ]);
    expect(analysis.problems[0]?.message).toMatch(/^example\.test: /);
    // A permerror: the record ends nowhere, and nothing of it is counted.
    expect(analysis.all).toBeUndefined();
    expect(analysis.lookups).toBe(0);
  });

  it('names the bad term in the problem, cut to a bounded length', async () => {
    const short = await ofRecord('v=spf1 ip4:192.0.2.1 bogus -all');
    expect(short.problems[0]?.message).toContain('"bogus"');
    const long = await ofRecord(`v=spf1 ${'x'.repeat(5000)} -all`);
    expect(long.problems[0]?.kind).toBe('syntax');
    expect(long.problems[0]?.message.length).toBeLessThan(200);
  });

  it.each([
    'v=spf1 a/32 mx//128 ip4:192.0.2.0/32 ip6:2001:db8::/128 -all',
    'v=spf1 a:mail.example.test/24//64 mx:example.test/0 -all',
    'v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::1 ip6:::ffff:192.0.2.1 -all',
    'v=spf1 include:example.net. -all',
    'v=spf1 include:%{d} -all',
    'v=spf1 include:%{l1r-}.%{d2}._spf.example.test -all',
    'v=spf1 exists:%{ir}.%{v}._spf.%{d} -all',
    'v=spf1 ptr:example.test -all',
    'v=spf1 -all exp=explain.%{d}',
    'v=spf1 -all moo=%%,%_,%-',
    'v=spf1 -all moo=',
    'V=SPF1 IP4:192.0.2.1 A MX -ALL',
    'v=spf1  ip4:192.0.2.1   -all ',
  ])('accepts "%s"', async (record) => {
    const analysis = await ofRecord(record, {
      'example.net': spf('v=spf1 -all'),
      'mail.example.test': [a('192.0.2.1')],
    });
    expect(kinds(analysis).filter((k) => k === 'syntax')).toEqual([]);
    expect(analysis.all).toBe('-');
  });

  it('rejects characters outside printable ASCII, such as a tab or a letter with an accent', async () => {
    for (const record of ['v=spf1 ip4:192.0.2.1\t-all', 'v=spf1 a:caf\u00e9.example.test -all']) {
      const analysis = await ofRecord(record);
      expect(analysis.problems).toEqual([
        {
          kind: 'syntax',
          domain: 'example.test',
          depth: 0,
          message: 'example.test: the record contains characters outside printable ASCII',
        },
      ]);
      expect(analysis.all).toBeUndefined();
    }
  });

  it('takes "v=spf1" alone as a record with no terms', async () => {
    const analysis = await ofRecord('v=spf1');
    expect(analysis).toMatchObject({ records: ['v=spf1'], problems: [], all: undefined, lookups: 0 });
  });
});

describe('SPF records at a name (RFC 7208 4.5)', () => {
  it('keeps only the records of the checked domain, with the version matched case-insensitively', async () => {
    const { analysis } = await analyze({
      'example.test': [
        ...spf('v=spf10 +all'),
        ...spf('V=SPF1 include:example.net -all'),
        ...spf('spf1'),
        ...spf('txt v=spf1 +all'),
      ],
      'example.net': spf('v=spf1 ip4:192.0.2.1 -all'),
    });
    expect(analysis.records).toEqual(['V=SPF1 include:example.net -all']);
    expect(analysis.problems).toEqual([]);
  });

  it('reports no record and no problem for a domain without SPF, and does not count that as a void lookup', async () => {
    const { analysis } = await analyze({ 'other.test': [a('192.0.2.1')] });
    expect(analysis).toMatchObject({ records: [], problems: [], voids: 0, all: undefined, unknown: [] });
  });

  it('lowercases the domain and drops its trailing dot', async () => {
    const { analysis, queries } = await analyze(
      { 'example.test': spf('v=spf1 a -all'), 'Example.Test': [a('192.0.2.1')] },
      undefined,
      'Example.TEST.',
    );
    expect(queries[0]).toBe('TXT example.test');
    expect(analysis.lookupsBy).toEqual({ 'example.test': 1 });
  });

  it('reports a TXT lookup that times out as unknown, not as a missing record', async () => {
    const { analysis } = await analyze({ 'example.test': spf('v=spf1 -all') }, () => 'timeout');
    expect(analysis.records).toEqual([]);
    expect(analysis.problems).toEqual([]);
    expect(analysis.unknown.map((e) => [e.failure, e.query.name, e.query.type])).toEqual([
      ['timeout', 'example.test', 'TXT'],
    ]);
  });

  it('fails several records at an included domain as a permerror of that domain', async () => {
    const analysis = await ofRecord('v=spf1 include:example.net -all', {
      'example.net': [...spf('v=spf1 -all'), ...spf('v=spf1 ip4:192.0.2.1 -all')],
    });
    expect(analysis.records).toEqual(['v=spf1 include:example.net -all']);
    expect(analysis.problems).toEqual([
      {
        kind: 'multiple',
        domain: 'example.net',
        depth: 1,
        message: 'example.net publishes 2 SPF records (permerror)',
      },
    ]);
  });
});

describe('SPF "all" and evaluation order', () => {
  it.each([
    ['v=spf1 -all', '-'],
    ['v=spf1 ~all', '~'],
    ['v=spf1 ?all', '?'],
    ['v=spf1 +all', '+'],
    ['v=spf1 all', '+'],
    ['v=spf1 ip4:192.0.2.1 ~ALL', '~'],
    ['v=spf1 ip4:192.0.2.1', undefined],
  ])('"%s" ends in %s', async (record, all) => {
    expect((await ofRecord(record)).all).toBe(all);
  });

  it('takes the first "all": the ones after it are never reached', async () => {
    expect((await ofRecord('v=spf1 ~all -all'))?.all).toBe('~');
  });

  it('does not take the "all" of an included record as the domain\'s own', async () => {
    const analysis = await ofRecord('v=spf1 include:example.net', { 'example.net': spf('v=spf1 -all') });
    expect(analysis.all).toBeUndefined();
    expect(analysis.problems).toEqual([]);
  });

  it('does not query the terms after "all", though it still checks their syntax', async () => {
    const { analysis, queries } = await analyze({
      'example.test': spf('v=spf1 -all include:example.net a:h.example.test exists:e.example.test'),
      'example.net': spf('v=spf1 -all'),
    });
    expect(queries).toEqual(['TXT example.test']);
    expect(analysis.lookups).toBe(0);
    expect((await ofRecord('v=spf1 -all a:nodot')).problems.map((p) => p.kind)).toEqual(['syntax']);
  });

  it('ignores redirect= when the record has an "all", without counting or following it', async () => {
    const { analysis, queries } = await analyze({
      'example.test': spf('v=spf1 redirect=example.net ~all'),
      'example.net': spf('v=spf1 -all'),
    });
    expect(analysis.all).toBe('~');
    expect(analysis.lookups).toBe(0);
    expect(queries).toEqual(['TXT example.test']);
    expect(analysis.problems).toEqual([
      {
        kind: 'redirect-ignored',
        domain: 'example.test',
        depth: 0,
        message: 'example.test: redirect= is ignored because the record has an "all"',
      },
    ]);
  });

  it('follows a redirect (any case of the name, trailing dot) and takes the target\'s "all"', async () => {
    const { analysis, queries } = await analyze({
      'example.test': spf('v=spf1 ip4:192.0.2.1 REDIRECT=_SPF.Example.Net.'),
      '_spf.example.net': spf('v=spf1 a ?all'),
    });
    expect(queries).toContain('TXT _spf.example.net');
    expect(analysis.all).toBe('?');
    expect(analysis.lookupsBy).toEqual({ 'example.test': 1, '_spf.example.net': 1 });
    expect(analysis.records).toEqual(['v=spf1 ip4:192.0.2.1 REDIRECT=_SPF.Example.Net.']);
  });

  it('counts a redirect with a macro but cannot follow it, so the end is unknown', async () => {
    const { analysis, queries } = await analyze({
      'example.test': spf('v=spf1 redirect=%{d}._spf.example.net'),
    });
    expect(analysis.lookups).toBe(1);
    expect(analysis.all).toBeUndefined();
    expect(queries).toEqual(['TXT example.test']);
  });

  it('accepts one redirect= and one exp= together', async () => {
    const analysis = await ofRecord('v=spf1 exp=why.example.test redirect=example.net', {
      'example.net': spf('v=spf1 -all'),
    });
    expect(analysis.problems).toEqual([]);
    expect(analysis.all).toBe('-');
  });
});

describe('SPF includes and redirects', () => {
  it('follows includes case-insensitively, counting each include in the record that holds it', async () => {
    const { analysis, queries } = await analyze({
      'example.test': spf('v=spf1 -include:A.Example.Net. ~include:b.example.net -all'),
      'a.example.net': spf('v=spf1 include:b.example.net -all'),
      'b.example.net': spf('v=spf1 ip4:192.0.2.1 -all'),
    });
    expect(queries.filter((q) => q.startsWith('TXT '))).toEqual([
      'TXT example.test',
      'TXT a.example.net',
      'TXT b.example.net',
      'TXT b.example.net',
    ]);
    expect(analysis.lookups).toBe(3);
    expect(analysis.lookupsBy).toEqual({ 'example.test': 2, 'a.example.net': 1 });
    expect(analysis.problems).toEqual([]);
  });

  it('counts an include with a macro but does not follow it', async () => {
    const { analysis, queries } = await analyze({
      'example.test': spf('v=spf1 include:%{i}.example.net -all'),
    });
    expect(analysis.lookups).toBe(1);
    expect(queries).toEqual(['TXT example.test']);
    expect(analysis.problems).toEqual([]);
  });

  it('counts an include of a name that does not exist as a void lookup and a missing record', async () => {
    const analysis = await ofRecord('v=spf1 include:gone.example.net -all');
    expect(analysis.voids).toBe(1);
    expect(analysis.voidNames).toEqual(['gone.example.net']);
    expect(analysis.problems).toEqual([
      {
        kind: 'missing',
        domain: 'gone.example.net',
        depth: 1,
        message: 'include target gone.example.net has no SPF record (permerror)',
      },
    ]);
  });

  it('does not count an include target with TXT records but no SPF one as void', async () => {
    const analysis = await ofRecord('v=spf1 include:example.net -all', { 'example.net': spf('hello') });
    expect(analysis.voids).toBe(0);
    expect(kinds(analysis)).toEqual(['missing']);
  });

  it('reports a redirect to a domain without SPF as missing', async () => {
    const analysis = await ofRecord('v=spf1 redirect=example.net', { 'example.net': [a('192.0.2.1')] });
    expect(analysis.problems).toEqual([
      {
        kind: 'missing',
        domain: 'example.net',
        depth: 1,
        message: 'redirect target example.net has no SPF record (permerror)',
      },
    ]);
    expect(analysis.voids).toBe(1);
    expect(analysis.all).toBeUndefined();
  });

  it('records an include that gets no answer as unknown and goes on', async () => {
    const { analysis } = await analyze(
      { 'example.test': spf('v=spf1 include:slow.example.net a:gone.example.test -all') },
      (name) => (name === 'slow.example.net' ? 'servfail' : undefined),
    );
    expect(analysis.unknown.map((e) => e.query.name)).toEqual(['slow.example.net']);
    expect(analysis.problems).toEqual([]);
    expect(analysis.voidNames).toEqual(['gone.example.test']);
    expect(analysis.all).toBe('-');
  });

  it.each([
    ['v=spf1 include:EXAMPLE.test. -all', 'example.test includes example.test', '-'],
    ['v=spf1 redirect=example.test', 'example.test redirects to example.test', undefined],
  ])('fails "%s" as a loop of the domain onto itself', async (record, message, all) => {
    const { analysis, queries } = await analyze({ 'example.test': spf(record) });
    expect(analysis.problems).toEqual([
      {
        kind: 'loop',
        domain: 'example.test',
        depth: 0,
        message: `${message}, which is already being evaluated (loop)`,
      },
    ]);
    expect(queries).toEqual(['TXT example.test']);
    expect(analysis.all).toBe(all);
  });

  it('fails a redirect back to a domain further up the chain as a loop', async () => {
    const { analysis } = await analyze({
      'example.test': spf('v=spf1 include:a.example.net -all'),
      'a.example.net': spf('v=spf1 redirect=b.example.net'),
      'b.example.net': spf('v=spf1 redirect=a.example.net'),
    });
    expect(analysis.problems).toEqual([
      {
        kind: 'loop',
        domain: 'b.example.net',
        depth: 2,
        message: 'b.example.net redirects to a.example.net, which is already being evaluated (loop)',
      },
    ]);
    expect(analysis.all).toBe('-');
  });

  it('includes the same domain twice from siblings without calling it a loop', async () => {
    const analysis = await ofRecord('v=spf1 include:a.example.net include:b.example.net -all', {
      'a.example.net': spf('v=spf1 include:c.example.net -all'),
      'b.example.net': spf('v=spf1 include:c.example.net -all'),
      'c.example.net': spf('v=spf1 -all'),
    });
    expect(analysis.problems).toEqual([]);
    expect(analysis.lookups).toBe(4);
  });

  it('reports a problem of an included record at its own domain and depth', async () => {
    const analysis = await ofRecord('v=spf1 include:a.example.net -all', {
      'a.example.net': spf('v=spf1 include:b.example.net -all'),
      'b.example.net': spf('v=spf1 ptr -all'),
    });
    expect(analysis.problems).toEqual([
      {
        kind: 'ptr',
        domain: 'b.example.net',
        depth: 2,
        message: 'b.example.net: uses the "ptr" mechanism, which RFC 7208 says not to use',
      },
    ]);
    expect(analysis.lookupsBy).toEqual({ 'example.test': 1, 'a.example.net': 1, 'b.example.net': 1 });
  });
});

describe('SPF DNS-querying terms and void lookups (RFC 7208 4.6.4)', () => {
  it('counts a, mx, ptr, exists, include and redirect, and not all, ip4, ip6 or exp', async () => {
    const analysis = await ofRecord(
      'v=spf1 ip4:192.0.2.1 ip6:2001:db8::1 a mx ptr exists:e.example.test include:example.net ' +
        'exp=x.example.test redirect=example.net',
      { 'example.net': spf('v=spf1 ip4:192.0.2.2 -all') },
    );
    expect(analysis.lookupsBy).toEqual({ 'example.test': 6 });
    expect(analysis.lookups).toBe(6);
  });

  it('queries A and AAAA of an a term (its own domain without a target), and A only for exists', async () => {
    const { queries } = await analyze({
      'example.test': [...spf('v=spf1 a exists:e.example.test -all'), a('192.0.2.1')],
      'e.example.test': [a('127.0.0.2')],
    });
    expect(queries.sort()).toEqual([
      'A e.example.test',
      'A example.test',
      'AAAA example.test',
      'TXT example.test',
    ]);
  });

  it('counts an a term as void only when neither A nor AAAA exists', async () => {
    const analysis = await ofRecord('v=spf1 a:v4.example.test a:v6.example.test a a:gone.example.test -all', {
      'v4.example.test': [a('192.0.2.1')],
      'v6.example.test': [aaaa('2001:db8::1')],
    });
    expect(analysis.voidNames).toEqual(['example.test', 'gone.example.test']);
    expect(analysis.voids).toBe(2);
    expect(analysis.unknown).toEqual([]);
  });

  it('counts an exists term whose name has only an AAAA record as void: exists asks for A only', async () => {
    const analysis = await ofRecord('v=spf1 exists:v6.example.test exists:v4.example.test -all', {
      'v6.example.test': [aaaa('2001:db8::1')],
      'v4.example.test': [a('127.0.0.2')],
    });
    expect(analysis.voidNames).toEqual(['v6.example.test']);
  });

  it('does not query an a or exists term with a macro, but counts it', async () => {
    const { analysis, queries } = await analyze({
      'example.test': spf('v=spf1 a:%{d}.example.net exists:%{i}.example.net mx:%{d}.example.net -all'),
    });
    expect(queries).toEqual(['TXT example.test']);
    expect(analysis.lookups).toBe(3);
    expect(analysis.voids).toBe(0);
  });

  it('leaves an address lookup unknown, not void, when one family gets no answer and the other none', async () => {
    const { analysis } = await analyze(
      { 'example.test': spf('v=spf1 a:h.example.test -all') },
      (name, type) => (name === 'h.example.test' && type === 'AAAA' ? 'timeout' : undefined),
    );
    expect(analysis.voids).toBe(0);
    expect(analysis.unknown.map((e) => `${e.failure} ${e.query.type} ${e.query.name}`)).toEqual([
      'timeout AAAA h.example.test',
    ]);
  });

  it('takes an address lookup with an answer in one family as found, whatever happened to the other', async () => {
    const { analysis } = await analyze(
      { 'example.test': spf('v=spf1 a:h.example.test -all'), 'h.example.test': [a('192.0.2.1')] },
      (name, type) => (name === 'h.example.test' && type === 'AAAA' ? 'timeout' : undefined),
    );
    expect(analysis.voids).toBe(0);
    expect(analysis.unknown).toEqual([]);
  });

  it('queries the MX of an mx term (its own domain or its target) and counts a name without MX as void', async () => {
    const { analysis, queries } = await analyze({
      'example.test': [...spf('v=spf1 mx MX:example.net mx:gone.example.net -all'), ...mxHosts(1)],
      'example.net': [a('192.0.2.1')],
    });
    expect(queries.filter((q) => q.startsWith('MX '))).toEqual([
      'MX example.test',
      'MX example.net',
      'MX gone.example.net',
    ]);
    expect(analysis.voidNames).toEqual(['example.net', 'gone.example.net']);
    expect(analysis.lookups).toBe(3);
  });

  it('records an MX lookup that gets no answer as unknown, not void', async () => {
    const { analysis } = await analyze({ 'example.test': spf('v=spf1 mx -all') }, (_n, type) =>
      type === 'MX' ? 'refused' : undefined,
    );
    expect(analysis.voids).toBe(0);
    expect(analysis.unknown.map((e) => `${e.failure} ${e.query.type}`)).toEqual(['refused MX']);
  });

  it('accepts an mx term with 10 MX hosts and fails one with 11', async () => {
    const ten = await analyze({ 'example.test': [...spf('v=spf1 mx -all'), ...mxHosts(10)] });
    expect(ten.analysis.problems).toEqual([]);
    const eleven = await analyze({
      'example.test': spf('v=spf1 mx:example.net -all'),
      'example.net': mxHosts(11),
    });
    expect(eleven.analysis.problems).toEqual([
      {
        kind: 'too-many-mx',
        domain: 'example.test',
        depth: 0,
        message: 'example.test: "mx:example.net" returns 11 MX hosts, more than 10',
      },
    ]);
  });

  it('counts void lookups across included records', async () => {
    const analysis = await ofRecord('v=spf1 a:gone1.example.test include:example.net -all', {
      'example.net': spf('v=spf1 a:gone2.example.net mx:gone3.example.net -all'),
    });
    expect(analysis.voids).toBe(3);
    expect(analysis.voidNames).toEqual(['gone1.example.test', 'gone2.example.net', 'gone3.example.net']);
  });
});

describe('SPF walk bounds against hostile policies', () => {
  const voidTerms = (n: number, type: 'a' | 'mx' | 'exists') =>
    Array.from({ length: n }, (_, i) => `${type}:gone${i}.example.test`).join(' ');

  it.each(['a', 'mx', 'exists'] as const)(
    'still counts %s terms past 30 DNS-querying terms but no longer queries them',
    async (type) => {
      const at30 = await analyze({ 'example.test': spf(`v=spf1 ${voidTerms(30, type)} -all`) });
      expect(at30.analysis).toMatchObject({ lookups: 30, voids: 30, truncated: false });
      const past = await analyze({ 'example.test': spf(`v=spf1 ${voidTerms(31, type)} -all`) });
      expect(past.analysis).toMatchObject({ lookups: 31, voids: 30 });
      expect(past.queries).not.toContain(`${type === 'mx' ? 'MX' : 'A'} gone30.example.test`);
    },
  );

  /** example.test includes s0..s{n-1}, each with an ip4-only record: n + 1 records in all. */
  const fanOut = (n: number): ZoneRecords => {
    const zone: ZoneRecords = {
      'example.test': spf(
        `v=spf1 ${Array.from({ length: n }, (_, i) => `include:s${i}.example.test`).join(' ')} -all`,
      ),
    };
    for (let i = 0; i < n; i++) zone[`s${i}.example.test`] = spf(`v=spf1 ip4:192.0.2.${i} -all`);
    return zone;
  };

  it('fetches at most 40 records, then marks the walk truncated while still counting the includes', async () => {
    const forty = await analyze(fanOut(39));
    expect(forty.analysis).toMatchObject({ truncated: false, lookups: 39, problems: [] });
    const more = await analyze(fanOut(45));
    expect(more.analysis).toMatchObject({ truncated: true, lookups: 45, problems: [] });
    expect(more.queries.filter((q) => q.startsWith('TXT '))).toHaveLength(40);
  });

  /** example.test includes l0, l0 includes l1, ..., l{n-1} holds an ip4-only record. */
  const chain = (n: number): ZoneRecords => {
    const zone: ZoneRecords = { 'example.test': spf('v=spf1 include:l0.example.test -all') };
    for (let i = 0; i < n - 1; i++)
      zone[`l${i}.example.test`] = spf(`v=spf1 include:l${i + 1}.example.test -all`);
    zone[`l${n - 1}.example.test`] = spf('v=spf1 ip4:192.0.2.1 -all');
    return zone;
  };

  it('follows includes nested 12 deep and stops at 13 as too deep', async () => {
    const twelve = await analyze(chain(12));
    expect(twelve.analysis).toMatchObject({ truncated: false, problems: [], lookups: 12 });
    const thirteen = await analyze(chain(13));
    expect(thirteen.analysis.truncated).toBe(true);
    expect(thirteen.analysis.problems).toEqual([
      {
        kind: 'too-deep',
        domain: 'l12.example.test',
        depth: 13,
        message: 'includes nested more than 12 deep',
      },
    ]);
    expect(thirteen.queries).not.toContain('TXT l12.example.test');
  });

  it('says truncated, not too deep, when the 40-record bound stops a chain at an allowed depth', async () => {
    // 1 + 28 records fanned out, then l0..l10 reach 40 records: l11, at the allowed depth 12, is not fetched.
    const zone = chain(12);
    zone['example.test'] = spf(
      `v=spf1 ${Array.from({ length: 28 }, (_, i) => `include:s${i}.example.test`).join(' ')} include:l0.example.test -all`,
    );
    for (let i = 0; i < 28; i++) zone[`s${i}.example.test`] = spf(`v=spf1 ip4:192.0.2.${i} -all`);
    const { analysis, queries } = await analyze(zone);
    expect(queries).toContain('TXT l10.example.test');
    expect(queries).not.toContain('TXT l11.example.test');
    expect(analysis).toMatchObject({ truncated: true, problems: [], lookups: 40 });
  });
});
