import { createSocket } from 'node:dgram';
import * as packet from 'dns-packet';
import { type DnsServer, startDnsServer } from '../../cli/demo/dns-server';
import { type AliasesSeen, answerResolver } from '../../shared/dns/answer-resolver';
import { createResolver, DnsLookupError, type DnsResolver, type RrType } from '../../shared/dns/resolver';
import { createSecureResolver } from '../../shared/dns/secure-query';
import { followAliases } from '../../shared/probes/dns/cname';
import { cachingResolver, lookup } from '../../shared/probes/dns/lookup';

/**
 * The dns probe's resolver (record queries over the DNSSEC-aware client, answer sections read for CNAMEs) against
 * the loopback server: it answers what Node's c-ares resolver answers, and a CNAME walk after a record query asks
 * the server only for the hops no answer showed, counted at the server.
 */
describe('answer resolver', () => {
  let server: DnsServer;
  const asked: string[] = [];
  const settings = () => ({ servers: [server.server], timeoutMs: 5000, tries: 1 });

  beforeAll(async () => {
    server = await startDnsServer({
      records: {
        'example.test': [
          { type: 'MX', exchange: 'Mail.Example.test', priority: 10 },
          { type: 'MX', exchange: 'mx2.example.test', priority: 20 },
          { type: 'TXT', data: ['v=spf1 ', 'ip4:192.0.2.0/24 -all'] },
          { type: 'TXT', data: ['café ünïcode'] },
          { type: 'NS', target: 'ns1.example.test' },
        ],
        'null.example.test': [{ type: 'MX', exchange: '.', priority: 0 }],
        'mail.example.test': [
          { type: 'A', address: '192.0.2.10' },
          { type: 'AAAA', address: '2001:db8::10' },
        ],
        '10.2.0.192.in-addr.arpa': [{ type: 'PTR', target: 'mail.example.test' }],
        // s1 -> s1.dkim.esp.test (resolves), s2 -> gone.esp.test (NXDOMAIN), s3 -> s3.esp.test (no TXT there:
        // NODATA, with the SOA every negative answer of this server carries)
        's1._domainkey.example.test': [{ type: 'CNAME', target: 'S1.Dkim.Esp.test.' }],
        's1.dkim.esp.test': [{ type: 'CNAME', target: 'key.esp.test' }],
        'key.esp.test': [{ type: 'TXT', data: ['v=DKIM1; p=AAAA'] }],
        's2._domainkey.example.test': [{ type: 'CNAME', target: 'gone.esp.test' }],
        's3._domainkey.example.test': [{ type: 'CNAME', target: 's3.esp.test' }],
        's3.esp.test': [{ type: 'A', address: '192.0.2.3' }],
        'www.example.test': [{ type: 'CNAME', target: 'mail.example.test' }],
        // a loop: the server answers SERVFAIL, as recursive resolvers do
        'a.example.test': [{ type: 'CNAME', target: 'b.example.test' }],
        'b.example.test': [{ type: 'CNAME', target: 'a.example.test' }],
        'esp.test': [{ type: 'TXT', data: ['parked'] }],
        // Longer than a UDP answer may be (1,232 bytes): truncated, then asked again over TCP.
        'long.example.test': [{ type: 'TXT', data: Array.from({ length: 8 }, (_, i) => `${i}`.repeat(200)) }],
      },
      behaviour: (name, type) => {
        asked.push(`${type} ${name}`);
        if (name === 'servfail.example.test') return 'servfail';
        if (name === 'refused.example.test') return 'refused';
        return undefined;
      },
    });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    asked.length = 0;
  });

  const outcome = async (resolve: DnsResolver, name: string, type: RrType) => {
    try {
      return { records: await resolve(name, type) };
    } catch (err) {
      if (!(err instanceof DnsLookupError)) throw err;
      return { failure: err.failure, code: err.code };
    }
  };

  it('answers every record type and failure as c-ares does', async () => {
    const cares = createResolver(settings());
    const ours = answerResolver(createSecureResolver({ ...settings(), validating: false }), new Map());
    const questions: [string, RrType][] = [
      ['example.test', 'MX'],
      ['null.example.test', 'MX'],
      ['example.test', 'TXT'],
      ['long.example.test', 'TXT'],
      ['example.test', 'NS'],
      ['mail.example.test', 'A'],
      ['mail.example.test', 'AAAA'],
      ['www.example.test', 'A'],
      ['www.example.test', 'CNAME'],
      ['10.2.0.192.in-addr.arpa', 'PTR'],
      ['s1._domainkey.example.test', 'TXT'],
      ['mail.example.test', 'TXT'],
      ['nowhere.example.test', 'A'],
      ['s2._domainkey.example.test', 'TXT'],
      ['servfail.example.test', 'A'],
      ['refused.example.test', 'A'],
    ];
    for (const [name, type] of questions) {
      const [theirs, mine] = [await outcome(cares, name, type), await outcome(ours, name, type)];
      expect({ name, type, ...mine }).toEqual({ name, type, ...theirs });
    }
    // The non-ASCII TXT string is there, byte for byte as c-ares gives it.
    expect(JSON.stringify(await ours('example.test', 'TXT'))).toContain('caf');
  });

  /** A record query through the probe's caching resolver, then the walk, with the queries the server saw. */
  async function walk(name: string, type: RrType) {
    const seen: AliasesSeen = new Map();
    const resolve = cachingResolver(
      answerResolver(createSecureResolver({ ...settings(), validating: false }), seen),
    );
    await lookup(resolve, name, type);
    const before = asked.length;
    const chain = await followAliases(name, resolve, seen);
    return { chain, walkQueries: asked.slice(before), queries: asked.length };
  }

  it('takes a chain that resolves from the record answer: no CNAME query', async () => {
    const { chain, walkQueries, queries } = await walk('s1._domainkey.example.test', 'TXT');
    expect(chain).toEqual({
      names: ['s1._domainkey.example.test', 's1.dkim.esp.test', 'key.esp.test'],
      end: 'resolves',
    });
    expect(walkQueries).toEqual([]);
    expect(queries).toBe(1);
  });

  it('knows a name that is no alias from its record answer, present or not', async () => {
    for (const [name, type] of [
      ['mail.example.test', 'A'],
      ['mail.example.test', 'TXT'],
      ['nowhere.example.test', 'TXT'],
    ] as const) {
      asked.length = 0;
      const { chain, walkQueries } = await walk(name, type);
      expect(chain).toEqual({ names: [name], end: 'resolves' });
      expect(walkQueries).toEqual([]);
    }
  });

  it('sees a dangling alias in the NXDOMAIN answer: no CNAME query', async () => {
    const { chain, walkQueries } = await walk('s2._domainkey.example.test', 'TXT');
    expect(chain).toEqual({ names: ['s2._domainkey.example.test', 'gone.esp.test'], end: 'dangling' });
    expect(walkQueries).toEqual([]);
  });

  it('takes a NODATA after a CNAME from the answer, as its negative SOA is about the last name', async () => {
    const { chain, walkQueries } = await walk('s3._domainkey.example.test', 'TXT');
    expect(chain).toEqual({ names: ['s3._domainkey.example.test', 's3.esp.test'], end: 'resolves' });
    expect(walkQueries).toEqual([]);
  });

  it('sees a loop in the chain a server gives up on with SERVFAIL', async () => {
    const { chain, walkQueries } = await walk('a.example.test', 'TXT');
    expect(chain).toEqual({ names: ['a.example.test', 'b.example.test', 'a.example.test'], end: 'loop' });
    expect(walkQueries).toEqual([]);
  });

  it('asks the hop itself when the record query got no answer', async () => {
    const { chain, walkQueries } = await walk('servfail.example.test', 'TXT');
    expect(chain).toMatchObject({
      names: ['servfail.example.test'],
      end: 'unknown',
      error: { failure: 'servfail' },
    });
    expect(walkQueries).toEqual(['CNAME servfail.example.test']);
  });

  describe('forged answers', () => {
    /**
     * A UDP server on loopback that first has a second socket (another port) answer the query with a forged A
     * record, then answers itself: with the forgery's question rewritten to `answeredName` when given.
     */
    async function forging(answeredName?: string) {
      const server = createSocket('udp4');
      const spoofer = createSocket('udp4');
      await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', resolve));
      await new Promise<void>((resolve) => spoofer.bind(0, '127.0.0.1', resolve));
      server.on('message', (msg, from) => {
        const query = packet.decode(msg);
        const question = query.questions?.[0] as packet.Question;
        const reply = (name: string, address: string) =>
          packet.encode({
            type: 'response',
            id: query.id,
            flags: packet.RECURSION_DESIRED | packet.RECURSION_AVAILABLE,
            questions: [{ ...question, name }],
            answers: [{ type: 'A', name, ttl: 60, data: address }],
          });
        spoofer.send(reply(question.name, '203.0.113.66'), from.port, from.address);
        setTimeout(
          () => server.send(reply(answeredName ?? question.name, '192.0.2.1'), from.port, from.address),
          50,
        );
      });
      const { port } = server.address();
      return {
        resolve: answerResolver(
          createSecureResolver({
            servers: [`127.0.0.1:${port}`],
            timeoutMs: 2000,
            tries: 1,
            validating: false,
          }),
          new Map(),
        ),
        close: () => {
          server.close();
          spoofer.close();
        },
      };
    }

    it('ignores an answer from another port and takes the server answer', async () => {
      const f = await forging();
      try {
        expect(await f.resolve('mail.example.test', 'A')).toEqual(['192.0.2.1']);
      } finally {
        f.close();
      }
    });

    it('asks record queries without DO, so their answers carry no signatures; DNSSEC queries with it', async () => {
      const server = createSocket('udp4');
      await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', resolve));
      const dnssecOk: boolean[] = [];
      server.on('message', (msg, from) => {
        const query = packet.decode(msg);
        const opt = query.additionals?.find((a) => a.type === 'OPT') as { flags?: number } | undefined;
        dnssecOk.push(((opt?.flags ?? 0) & packet.DNSSEC_OK) !== 0);
        // NXDOMAIN: rcode 3, in the low bits of the flags.
        const reply = { type: 'response' as const, id: query.id, flags: packet.RECURSION_AVAILABLE | 3 };
        server.send(packet.encode({ ...reply, questions: query.questions }), from.port, from.address);
      });
      const secure = createSecureResolver({
        servers: [`127.0.0.1:${server.address().port}`],
        timeoutMs: 2000,
        tries: 1,
        validating: false,
      });
      try {
        await expect(answerResolver(secure, new Map())('mail.example.test', 'TXT')).rejects.toMatchObject({
          failure: 'nxdomain',
        });
        await secure.query('example.test', 'DNSKEY');
        expect(dnssecOk).toEqual([false, true]);
      } finally {
        server.close();
      }
    });

    it.each([
      ['FORMERR', 1],
      ['NOTIMP', 4],
    ])(
      'asks again without EDNS a server that answers %s to it, and gets what c-ares gets',
      async (_name, rcode) => {
        const server = createSocket('udp4');
        await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', resolve));
        const asked: string[] = [];
        server.on('message', (msg, from) => {
          const query = packet.decode(msg);
          const edns = (query.additionals ?? []).some((a) => a.type === 'OPT');
          asked.push(edns ? 'edns' : 'plain');
          const question = query.questions?.[0] as packet.Question;
          const answers = edns
            ? []
            : [{ type: 'A' as const, name: question.name, ttl: 60, data: '192.0.2.7' }];
          const flags = packet.RECURSION_AVAILABLE | (edns ? rcode : 0);
          server.send(
            packet.encode({ type: 'response', id: query.id, flags, questions: query.questions, answers }),
            from.port,
            from.address,
          );
        });
        const settings = {
          servers: [`127.0.0.1:${server.address().port}`],
          timeoutMs: 2000,
          tries: 1,
          validating: false,
        };
        try {
          const ours = await answerResolver(createSecureResolver(settings), new Map())(
            'old.example.test',
            'A',
          );
          expect(asked).toEqual(['edns', 'plain']);
          expect(ours).toEqual(await createResolver(settings)('old.example.test', 'A'));
          expect(ours).toEqual(['192.0.2.7']);
        } finally {
          server.close();
        }
      },
    );

    it('calls an answer it cannot read a bad response', async () => {
      const server = createSocket('udp4');
      await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', resolve));
      // The query's id, a response header announcing one question, and nothing after it.
      server.on('message', (msg, from) => {
        const junk = Buffer.from([msg[0] ?? 0, msg[1] ?? 0, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, 3, 0x61]);
        server.send(junk, from.port, from.address);
      });
      const resolve = answerResolver(
        createSecureResolver({
          servers: [`127.0.0.1:${server.address().port}`],
          timeoutMs: 2000,
          tries: 1,
          validating: false,
        }),
        new Map(),
      );
      try {
        await expect(resolve('mail.example.test', 'A')).rejects.toMatchObject({
          failure: 'error',
          code: 'EBADRESP',
        });
      } finally {
        server.close();
      }
    });

    it('does not believe an answer to another question', async () => {
      const f = await forging('victim.example.test');
      try {
        await expect(f.resolve('mail.example.test', 'A')).rejects.toMatchObject({
          failure: 'error',
          code: 'EBADRESP',
        });
      } finally {
        f.close();
      }
    });
  });
});
