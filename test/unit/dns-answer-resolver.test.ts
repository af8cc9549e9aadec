import type * as packet from 'dns-packet';
import { type AliasesSeen, answerResolver } from '../../shared/dns/answer-resolver';
import type { SecureAnswer, SecureResolver } from '../../shared/dns/secure-query';
import { followAliases } from '../../shared/probes/dns/cname';

/**
 * What the answer resolver learns from answer sections a loopback server cannot easily produce: negative answers with
 * an SOA (a recursive resolver's NODATA after a CNAME), and hostile answers carrying records and CNAMEs of names the
 * question never led to. The answers are written here as the DNS client decodes them.
 */
function serving(answers: Record<string, Partial<SecureAnswer>>): SecureResolver {
  return {
    validating: false,
    query: async (name, type) => ({
      rcode: 'NOERROR',
      authenticated: false,
      records: [],
      aliases: [],
      negativeSoa: false,
      extendedErrors: [],
      server: '127.0.0.1',
      ...(answers[`${type} ${name}`] ?? {}),
    }),
  };
}

const txt = (name: string, value: string) =>
  ({ type: 'TXT', name, data: [Buffer.from(value)] }) as packet.Answer;

describe('answer resolver facts', () => {
  it('knows the last name of a chain has no record when a negative SOA comes with the empty answer', async () => {
    const chain = { aliases: [{ name: 's1._domainkey.example.test', target: 'key.esp.test' }] };
    for (const negativeSoa of [true, false]) {
      const seen: AliasesSeen = new Map();
      const resolve = answerResolver(
        serving({ 'TXT s1._domainkey.example.test': { ...chain, negativeSoa } }),
        seen,
      );
      await expect(resolve('s1._domainkey.example.test', 'TXT')).rejects.toMatchObject({ failure: 'nodata' });
      expect(seen.get('s1._domainkey.example.test')).toEqual({ cname: 'key.esp.test' });
      expect(seen.get('key.esp.test')).toEqual(negativeSoa ? { exists: true } : undefined);
    }
  });

  it('keeps only the records and CNAMEs the question leads to', async () => {
    const seen: AliasesSeen = new Map();
    const resolve = answerResolver(
      serving({
        'TXT _dmarc.example.test': {
          records: [
            txt('_dmarc.esp.test', 'v=DMARC1; p=reject'),
            txt('_dmarc.victim.test', 'v=DMARC1; p=none'),
          ],
          aliases: [
            { name: '_dmarc.example.test', target: '_dmarc.esp.test' },
            { name: 'www.victim.test', target: 'attacker.test' },
          ],
        },
      }),
      seen,
    );
    expect(await resolve('_dmarc.example.test', 'TXT')).toEqual([['v=DMARC1; p=reject']]);
    expect([...seen.keys()]).toEqual(['_dmarc.example.test', '_dmarc.esp.test']);

    // A record of another name says nothing about the one asked.
    const stray = new Map() as AliasesSeen;
    const strayResolve = answerResolver(
      serving({
        'TXT default._bimi.example.test': {
          records: [txt('default._bimi.victim.test', 'v=BIMI1;')],
          aliases: [{ name: 'default._bimi.example.test', target: 'bimi.esp.test' }],
        },
      }),
      stray,
    );
    await expect(strayResolve('default._bimi.example.test', 'TXT')).rejects.toMatchObject({
      failure: 'nodata',
    });
    expect(stray.get('bimi.esp.test')).toBeUndefined();
  });

  it('sees a loop in the answer and stops, so the walk needs no query', async () => {
    const seen: AliasesSeen = new Map();
    const secure = serving({
      'TXT a.example.test': {
        rcode: 'SERVFAIL',
        aliases: [
          { name: 'a.example.test', target: 'b.example.test' },
          { name: 'b.example.test', target: 'a.example.test' },
        ],
      },
    });
    const asked: string[] = [];
    const resolve = answerResolver(
      {
        ...secure,
        query: (name, type) => {
          asked.push(`${type} ${name}`);
          return secure.query(name, type);
        },
      },
      seen,
    );
    await expect(resolve('a.example.test', 'TXT')).rejects.toMatchObject({ failure: 'servfail' });
    const chain = await followAliases('a.example.test', resolve, seen);
    expect(chain).toEqual({ names: ['a.example.test', 'b.example.test', 'a.example.test'], end: 'loop' });
    expect(asked).toEqual(['TXT a.example.test']);
  });
});
