import type { LookupOutcome } from '../../shared/probes/dnsbl/lookup';
import type { ActiveZone } from '../../shared/probes/dnsbl/plan';
import {
  clearSelfTestCache,
  settledZoneHealth,
  type ZoneHealth,
  zoneHealth,
} from '../../shared/probes/dnsbl/self-test';
import { type ZoneSpecInput, zoneSpec } from '../../shared/probes/dnsbl/zone-spec';

// RFC 5782 section 5 self-tests of a zone, against a zone given as a table of answers (what the engine's
// rate-limited lookup would return), and how their results are remembered.

type Outcome = LookupOutcome<string>;
const records = (...r: string[]): Outcome => ({ kind: 'records', records: r });
const ABSENT: Outcome = { kind: 'absent' };
const TIMEOUT: Outcome = { kind: 'failed', failure: 'timeout', cause: 'dnsbl.query.timeout' };
const REFUSED: Outcome = { kind: 'failed', failure: 'refused', cause: 'dnsbl.query.refused' };

const zone = (extra: Partial<ZoneSpecInput> = {}): ActiveZone => ({
  spec: zoneSpec.parse({ zone: 'bl.example.org', kinds: ['ip4'], ...extra }),
  queryZone: 'bl.example.org',
});

/** A zone answering from `table` (by query name; anything else is absent), recording what was asked. */
function answering(table: Record<string, Outcome>) {
  const asked: string[] = [];
  const logged: string[] = [];
  return {
    asked,
    logged,
    options: (now = () => 0, ttlMs = 600_000) => ({
      ask: async (name: string) => {
        asked.push(name);
        return table[name] ?? ABSENT;
      },
      resolverKey: 'r1',
      ttlMs,
      now,
      onQuery: (name: string, outcome: LookupOutcome<string | string[]>) =>
        logged.push(`${name} ${outcome.kind}`),
    }),
  };
}

const LISTED = '2.0.0.127.bl.example.org';
const NOT_LISTED = '1.0.0.127.bl.example.org';

beforeEach(() => clearSelfTestCache());

describe('zone self-test', () => {
  it('is healthy when 127.0.0.2 is listed and 127.0.0.1 is not, asking both and logging each query', async () => {
    const z = answering({ [LISTED]: records('127.0.0.2') });
    await expect(zoneHealth(zone(), z.options())).resolves.toEqual({ healthy: true });
    expect(z.asked.sort()).toEqual([NOT_LISTED, LISTED].sort());
    expect(z.logged.sort()).toEqual([`${LISTED} records`, `${NOT_LISTED} absent`].sort());
  });

  it.each<[string, Record<string, Outcome>, ZoneHealth]>([
    [
      'the listed point cannot be looked up',
      { [LISTED]: TIMEOUT },
      {
        healthy: false,
        cause: 'dnsbl.query.timeout',
        detail: 'self-test lookup of 127.0.0.2: no answer (timeout)',
      },
    ],
    [
      'the listed point is not listed',
      {},
      { healthy: false, cause: 'dnsbl.zone.dead', detail: 'self-test: 127.0.0.2 must be listed but is not' },
    ],
    [
      'the listed point answers an error code',
      { [LISTED]: records('127.255.255.254') },
      {
        healthy: false,
        cause: 'dnsbl.resolver.refused',
        detail:
          'self-test: answered 127.255.255.254: error code: query refused (public or unregistered resolver)',
      },
    ],
    [
      'the not-listed point cannot be looked up',
      { [LISTED]: records('127.0.0.2'), [NOT_LISTED]: REFUSED },
      { healthy: false, cause: 'dnsbl.query.refused', detail: 'self-test lookup of 127.0.0.1: REFUSED' },
    ],
    [
      'the not-listed point is listed',
      { [LISTED]: records('127.0.0.2'), [NOT_LISTED]: records('127.0.0.2') },
      {
        healthy: false,
        cause: 'dnsbl.zone.lists-everything',
        detail: 'self-test: 127.0.0.1 must not be listed but answers 127.0.0.2',
      },
    ],
    [
      'the not-listed point answers 127.0.0.1 (an invalid answer, still listing everything)',
      { [LISTED]: records('127.0.0.2'), [NOT_LISTED]: records('127.0.0.1') },
      {
        healthy: false,
        cause: 'dnsbl.zone.lists-everything',
        detail: 'self-test: 127.0.0.1 must not be listed but answers 127.0.0.1',
      },
    ],
    [
      'the not-listed point answers a rate-limit code',
      { [LISTED]: records('127.0.0.2'), [NOT_LISTED]: records('127.255.255.255') },
      {
        healthy: false,
        cause: 'dnsbl.resolver.rate-limited',
        detail: 'self-test: answered 127.255.255.255: error code: too many queries from this resolver',
      },
    ],
  ])('is unhealthy when %s', async (_name, table, health) => {
    await expect(zoneHealth(zone(), answering(table).options())).resolves.toEqual(health);
  });

  it('uses the RFC 5782 points of the first kind the zone lists: IPv6 nibbles, or the domain labels', async () => {
    const v6 = answering({});
    await zoneHealth(zone({ kinds: ['ip6'] }), v6.options());
    expect(v6.asked).toContain(`2.0.0.0.0.0.f.7.f.f.f.f.${'0.'.repeat(20)}bl.example.org`);
    clearSelfTestCache();
    const dom = answering({ 'test.bl.example.org': records('127.0.0.2') });
    await expect(zoneHealth(zone({ kinds: ['domain'] }), dom.options())).resolves.toEqual({ healthy: true });
    expect(dom.asked.sort()).toEqual(['invalid.bl.example.org', 'test.bl.example.org']);
  });

  it('uses configured points (an IPv6 literal stays IPv6, names are lowercased), or none when switched off', async () => {
    const own = answering({ 'LISTED.bl.example.org': ABSENT, 'listed.bl.example.org': records('127.0.0.2') });
    const health = await zoneHealth(
      zone({ kinds: ['domain'], selfTest: { listed: 'LISTED', notListed: '::1' } }),
      own.options(),
    );
    expect(health).toEqual({ healthy: true });
    expect(own.asked).toContain('listed.bl.example.org');
    expect(own.asked).toContain(`1.${'0.'.repeat(31)}bl.example.org`);
    const off = answering({});
    await expect(zoneHealth(zone({ selfTest: false }), off.options())).resolves.toEqual({ healthy: true });
    expect(off.asked).toEqual([]);
    const v4 = answering({ '9.0.0.127.bl.example.org': records('127.0.0.2') });
    await expect(
      zoneHealth(zone({ selfTest: { listed: '127.0.0.9', notListed: '127.0.0.8' } }), v4.options()),
    ).resolves.toEqual({ healthy: true });
  });
});

describe('zone self-test cache', () => {
  it('shares one test between concurrent callers and remembers it until it expires', async () => {
    const z = answering({ [LISTED]: records('127.0.0.2') });
    let now = 1_000;
    const options = z.options(() => now, 600_000);
    expect(settledZoneHealth(zone(), options)).toBeUndefined();
    await Promise.all([zoneHealth(zone(), options), zoneHealth(zone(), options)]);
    expect(z.asked).toHaveLength(2);
    expect(settledZoneHealth(zone(), options)).toEqual({ healthy: true });
    now += 599_999;
    await zoneHealth(zone(), options);
    expect(z.asked).toHaveLength(2);
    now += 1;
    expect(settledZoneHealth(zone(), options)).toBeUndefined();
    await zoneHealth(zone(), options);
    expect(z.asked).toHaveLength(4);
  });

  it('runs without a query log', async () => {
    const { onQuery: _onQuery, ...options } = answering({ [LISTED]: records('127.0.0.2') }).options();
    await expect(zoneHealth(zone(), options)).resolves.toEqual({ healthy: true });
  });

  it('names every answer of a not-listed point that is listed', async () => {
    const z = answering({ [LISTED]: records('127.0.0.2'), [NOT_LISTED]: records('127.0.0.2', '127.0.0.3') });
    await expect(zoneHealth(zone(), z.options())).resolves.toMatchObject({
      cause: 'dnsbl.zone.lists-everything',
      detail: 'self-test: 127.0.0.1 must not be listed but answers 127.0.0.2, 127.0.0.3',
    });
  });

  it('keeps results apart for two sets of configured points', async () => {
    const z = answering({ [LISTED]: records('127.0.0.2') });
    await zoneHealth(zone({ selfTest: { listed: '127.0.0.2', notListed: '127.0.0.3' } }), z.options());
    await zoneHealth(zone({ selfTest: { listed: '127.0.0.2', notListed: '127.0.0.4' } }), z.options());
    expect(z.asked).toHaveLength(4);
  });

  it('keeps results apart per resolver and per configured points', async () => {
    const z = answering({ [LISTED]: records('127.0.0.2') });
    await zoneHealth(zone(), z.options());
    await zoneHealth(zone(), { ...z.options(), resolverKey: 'r2' });
    await zoneHealth(zone({ selfTest: { listed: '127.0.0.2', notListed: '127.0.0.3' } }), z.options());
    expect(z.asked).toHaveLength(6);
  });

  it('keeps results apart for one zone listing addresses in one group and names in another', async () => {
    // Healthy for addresses; for names it answers its test point as not listed, so it is dead for them.
    const z = answering({ [LISTED]: records('127.0.0.2') });
    await expect(zoneHealth(zone(), z.options())).resolves.toEqual({ healthy: true });
    const forNames = await zoneHealth(zone({ kinds: ['domain'] }), z.options());
    expect(forNames.healthy).toBe(false);
    expect(z.asked).toContain('test.bl.example.org');
  });

  it('remembers a dead or listing-everything zone for the whole time, a test that could not run for a minute', async () => {
    let now = 0;
    const dead = answering({});
    await zoneHealth(
      zone(),
      dead.options(() => now),
    );
    const everything = answering({
      '2.0.0.127.third.example.org': records('127.0.0.2'),
      '1.0.0.127.third.example.org': records('127.0.0.2'),
    });
    const third = zone({ zone: 'third.example.org' });
    third.queryZone = 'third.example.org';
    await zoneHealth(
      third,
      everything.options(() => now),
    );
    const refused = answering({ '2.0.0.127.other.example.org': REFUSED });
    const other = zone({ zone: 'other.example.org' });
    other.queryZone = 'other.example.org';
    await zoneHealth(
      other,
      refused.options(() => now),
    );
    now = 60_000 - 1;
    expect(
      settledZoneHealth(
        zone(),
        dead.options(() => now),
      ),
    ).toMatchObject({ cause: 'dnsbl.zone.dead' });
    expect(
      settledZoneHealth(
        other,
        refused.options(() => now),
      ),
    ).toMatchObject({ cause: 'dnsbl.query.refused' });
    now = 60_000;
    expect(
      settledZoneHealth(
        other,
        refused.options(() => now),
      ),
    ).toBeUndefined();
    expect(
      settledZoneHealth(
        zone(),
        dead.options(() => now),
      ),
    ).toMatchObject({ cause: 'dnsbl.zone.dead' });
    expect(
      settledZoneHealth(
        third,
        everything.options(() => now),
      ),
    ).toMatchObject({
      cause: 'dnsbl.zone.lists-everything',
    });
  });

  it('forgets a test cut short by the time budget, and one whose lookup threw', async () => {
    const cut: Outcome = { kind: 'failed', failure: 'timeout', cause: 'probe.timeout' };
    const z = answering({ [LISTED]: cut });
    await zoneHealth(zone(), z.options());
    expect(settledZoneHealth(zone(), z.options())).toBeUndefined();
    await zoneHealth(zone(), z.options());
    expect(z.asked).toHaveLength(4);
    const throwing = { ...z.options(), ask: async () => Promise.reject(new Error('boom')) };
    await expect(zoneHealth(zone(), { ...throwing, resolverKey: 'r3' })).rejects.toThrow('boom');
    const again = answering({ [LISTED]: records('127.0.0.2') });
    await expect(zoneHealth(zone(), { ...again.options(), resolverKey: 'r3' })).resolves.toEqual({
      healthy: true,
    });
  });
});
