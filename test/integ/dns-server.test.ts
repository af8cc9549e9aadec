import { promises as dns } from 'node:dns';
import { type DnsServer, startDnsServer } from '../../cli/demo/dns-server';

/**
 * Node's resolver against the loopback server: what every probe does in the integration tier. The default timeout
 * is generous so a loaded machine never turns an answer into ETIMEOUT; only the tests of a server that never
 * answers (dropped or held queries) pass a short one.
 */
function resolverFor(server: DnsServer, timeout = 10_000): dns.Resolver {
  const r = new dns.Resolver({ timeout, tries: 1 });
  r.setServers([server.server]);
  return r;
}

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code;
  }
}

describe('loopback DNS server', () => {
  let server: DnsServer;
  let r: dns.Resolver;

  beforeAll(async () => {
    server = await startDnsServer({
      records: {
        'mail.example.test': [
          { type: 'A', address: '192.0.2.10' },
          { type: 'AAAA', address: '2001:db8::10' },
        ],
        'example.test': [
          { type: 'MX', exchange: 'mail.example.test', priority: 10 },
          { type: 'TXT', data: ['v=spf1 ', 'ip4:192.0.2.0/24 -all'] },
          { type: 'NS', target: 'ns1.example.test' },
        ],
        'www.example.test': [{ type: 'CNAME', target: 'mail.example.test' }],
        '10.2.0.192.in-addr.arpa': [{ type: 'PTR', target: 'mail.example.test' }],
        'long.example.test': [{ type: 'TXT', data: Array.from({ length: 8 }, (_, i) => `${i}`.repeat(200)) }],
        'slow.example.test': [{ type: 'A', address: '192.0.2.20' }],
        'slower.example.test': [{ type: 'A', address: '192.0.2.21' }],
        'REFUSED.example.test': [{ type: 'A', address: '192.0.2.30' }],
      },
      behaviour: (name, type) => {
        if (name === 'refused.example.test') return 'refused';
        if (name === 'servfail.example.test') return 'servfail';
        if (name === 'drop.example.test') return 'drop';
        if (name === 'slow.example.test' && type === 'A') return { delayMs: 150 };
        if (name === 'slower.example.test') return { delayMs: 600_000 };
        return undefined;
      },
    });
    r = resolverFor(server);
  });
  afterAll(() => server.close());

  it('listens on 127.0.0.1 and names its server as host:port', () => {
    expect(server.server).toBe(`127.0.0.1:${server.port}`);
    expect(server.port).toBeGreaterThan(0);
  });

  it('answers A and AAAA', async () => {
    await expect(r.resolve4('mail.example.test')).resolves.toEqual(['192.0.2.10']);
    await expect(r.resolve6('mail.example.test')).resolves.toEqual(['2001:db8::10']);
  });

  it('answers MX, NS and PTR', async () => {
    await expect(r.resolveMx('example.test')).resolves.toEqual([
      { exchange: 'mail.example.test', priority: 10 },
    ]);
    await expect(r.resolveNs('example.test')).resolves.toEqual(['ns1.example.test']);
    await expect(r.resolvePtr('10.2.0.192.in-addr.arpa')).resolves.toEqual(['mail.example.test']);
  });

  it('keeps TXT strings apart', async () => {
    await expect(r.resolveTxt('example.test')).resolves.toEqual([['v=spf1 ', 'ip4:192.0.2.0/24 -all']]);
  });

  it('serves a TXT record too large for UDP over TCP on the same port', async () => {
    const txt = await r.resolveTxt('long.example.test');
    expect(txt[0]).toHaveLength(8);
    expect(txt[0]?.[7]).toBe('7'.repeat(200));
  });

  it('follows a CNAME to the address and answers the CNAME itself', async () => {
    await expect(r.resolve4('www.example.test')).resolves.toEqual(['192.0.2.10']);
    await expect(r.resolveCname('www.example.test')).resolves.toEqual(['mail.example.test']);
  });

  it('matches names case-insensitively', async () => {
    await expect(r.resolve4('MAIL.Example.TEST')).resolves.toEqual(['192.0.2.10']);
  });

  it('answers NXDOMAIN for an unknown name and NODATA for a known name without the type', async () => {
    expect(await codeOf(r.resolve4('nothing.example.test'))).toBe('ENOTFOUND');
    expect(await codeOf(r.resolve6('example.test'))).toBe('ENODATA');
  });

  it('answers NODATA, not NXDOMAIN, for an empty non-terminal', async () => {
    expect(await codeOf(r.resolve4('2.0.192.in-addr.arpa'))).toBe('ENODATA');
  });

  it('answers REFUSED and SERVFAIL when the behaviour says so', async () => {
    expect(await codeOf(r.resolve4('refused.example.test'))).toBe('EREFUSED');
    expect(await codeOf(r.resolve4('servfail.example.test'))).toBe('ESERVFAIL');
  });

  it('never answers a dropped query, so the client times out', async () => {
    expect(await codeOf(resolverFor(server, 200).resolve4('drop.example.test'))).toBe('ETIMEOUT');
  });

  it('answers a delayed query late but correctly', async () => {
    await expect(r.resolve4('slow.example.test')).resolves.toEqual(['192.0.2.20']);
    // The answer that must be missed is held for ten minutes (closing the server drops it), so the client's
    // timeout wins however loaded the machine is.
    expect(await codeOf(resolverFor(server, 200).resolve4('slower.example.test'))).toBe('ETIMEOUT');
  });

  it('serves records added after start, next to the existing ones', async () => {
    server.add({
      'added.example.test': [{ type: 'A', address: '192.0.2.40' }],
      'mail.example.test': [{ type: 'A', address: '192.0.2.11' }],
    });
    await expect(r.resolve4('added.example.test')).resolves.toEqual(['192.0.2.40']);
    expect((await r.resolve4('mail.example.test')).sort()).toEqual(['192.0.2.10', '192.0.2.11']);
  });

  it('rejects records it could not encode', () => {
    expect(() => server.add({ 'bad.example.test': [{ type: 'A', address: '2001:db8::1' }] })).toThrow(/IPv4/);
    expect(() => server.add({ 'bad.example.test': [{ type: 'TXT', data: ['x'.repeat(256)] }] })).toThrow(
      /255/,
    );
  });
});

describe('loopback DNS server lifecycle', () => {
  it('closes promptly with a delayed answer still pending', async () => {
    const server = await startDnsServer({
      records: { 'a.test': [{ type: 'A', address: '192.0.2.1' }] },
      behaviour: () => ({ delayMs: 60_000 }),
    });
    const pending = codeOf(resolverFor(server, 200).resolve4('a.test'));
    await server.close();
    expect(await pending).toBe('ETIMEOUT');
  });
});
