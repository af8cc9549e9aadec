import { DnsLookupError } from '../../shared/dns/resolver';

// A failed lookup is an outcome read by its fields (a DNSBL sweep makes tens of thousands of them), so it carries
// no stack trace; building one must leave every other error's stack as it was.

describe('DnsLookupError', () => {
  it('keeps what the probes read: failure, query, code, cause and message', () => {
    const cause = Object.assign(new Error('queryA ENOTFOUND'), { code: 'ENOTFOUND' });
    const err = new DnsLookupError('nxdomain', { name: '2.0.0.127.bl.test', type: 'A' }, 'ENOTFOUND', {
      cause,
    });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('DnsLookupError');
    expect(err.message).toBe('A 2.0.0.127.bl.test: nxdomain (ENOTFOUND)');
    expect(err.failure).toBe('nxdomain');
    expect(err.query).toEqual({ name: '2.0.0.127.bl.test', type: 'A' });
    expect(err.code).toBe('ENOTFOUND');
    expect(err.cause).toBe(cause);
    expect(err.isAnswer).toBe(true);
    expect(new DnsLookupError('timeout', { name: 'x.test', type: 'TXT' }, 'ETIMEOUT').isAnswer).toBe(false);
  });

  it('captures no stack frames and restores the stack trace limit for every other error', () => {
    const before = Error.stackTraceLimit;
    const err = new DnsLookupError('nodata', { name: 'x.test', type: 'MX' }, 'ENODATA');
    expect(err.stack).toBe('DnsLookupError: MX x.test: nodata (ENODATA)');
    expect(Error.stackTraceLimit).toBe(before);
    expect(new Error('other').stack).toMatch(/\n\s+at /);
  });
});
