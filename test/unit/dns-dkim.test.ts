import type { ZoneRecords } from '../../cli/demo/dns-server';
import { checkDkim } from '../../shared/probes/dns/dkim';
import { dkimPublicKey } from '../support/dns/keys';
import { txtStrings, zoneResolver } from '../support/dns/zone-resolver';

const key = (value: string): ZoneRecords[string] => [{ type: 'TXT', data: txtStrings(value) }];
const NAME = 's1._domainkey.example.test';

async function dkim(zone: ZoneRecords) {
  const { checks, records } = await checkDkim('example.test', ['s1'], zoneResolver(zone));
  return { check: checks[0], records };
}

describe('DKIM key records', () => {
  const rsa2048 = dkimPublicKey('rsa', 2048);

  it('passes a 2048-bit RSA key split over several TXT strings', async () => {
    const record = `v=DKIM1; k=rsa; p=${rsa2048}`;
    expect(record.length).toBeGreaterThan(255);
    const { check, records } = await dkim({ [NAME]: key(record) });
    expect(check).toMatchObject({ id: 'dkim:s1', status: 'pass', details: { keyType: 'rsa', bits: 2048 } });
    expect(records.s1).toEqual([record]);
  });

  it('accepts an Ed25519 key', async () => {
    const { check } = await dkim({ [NAME]: key(`v=DKIM1; k=ed25519; p=${dkimPublicKey('ed25519')}`) });
    expect(check).toMatchObject({ status: 'pass', message: `${NAME}: Ed25519` });
  });

  it('warns about a 1024-bit RSA key', async () => {
    const { check } = await dkim({ [NAME]: key(`v=DKIM1; p=${dkimPublicKey('rsa', 1024)}`) });
    expect(check).toMatchObject({ status: 'warn', cause: 'dns.dkim.key-weak', details: { bits: 1024 } });
  });

  it('fails an RSA key under 1024 bits', async () => {
    const { check } = await dkim({ [NAME]: key(`v=DKIM1; p=${dkimPublicKey('rsa', 768)}`) });
    expect(check).toMatchObject({ status: 'fail', cause: 'dns.dkim.key-too-short', details: { bits: 768 } });
  });

  it('fails an empty p= as a revoked key', async () => {
    const { check } = await dkim({ [NAME]: key('v=DKIM1; k=rsa; p=') });
    expect(check).toMatchObject({ status: 'fail', cause: 'dns.dkim.revoked' });
  });

  it('warns about t=y', async () => {
    const { check } = await dkim({ [NAME]: key(`v=DKIM1; t=y; p=${rsa2048}`) });
    expect(check).toMatchObject({ status: 'warn', cause: 'dns.dkim.testing' });
  });

  it('fails a truncated key', async () => {
    const { check } = await dkim({ [NAME]: key(`v=DKIM1; p=${rsa2048.slice(0, 200)}`) });
    expect(check).toMatchObject({ status: 'fail', cause: 'dns.dkim.invalid-key' });
  });

  it('fails a key whose k= does not match the key', async () => {
    const { check } = await dkim({ [NAME]: key(`v=DKIM1; k=ed25519; p=${rsa2048}`) });
    expect(check).toMatchObject({ status: 'fail', cause: 'dns.dkim.invalid-key' });
  });

  it.each([
    ['v=DKIM2; p=abc', 'v=DKIM2'],
    ['k=rsa; v=DKIM1; p=abc', 'come first'],
    ['v=DKIM1; k=dsa; p=abc', 'unsupported key type'],
    ['v=DKIM1; k=rsa', 'no "p="'],
  ])('fails the malformed record "%s"', async (record, why) => {
    const { check } = await dkim({ [NAME]: key(record) });
    expect(check).toMatchObject({ status: 'fail', cause: 'dns.dkim.invalid-record' });
    expect(check?.message).toContain(why);
  });

  it('fails two records at one selector', async () => {
    const { check } = await dkim({
      [NAME]: [...key(`v=DKIM1; p=${rsa2048}`), ...key(`v=DKIM1; p=${rsa2048}`)],
    });
    expect(check).toMatchObject({ status: 'fail', cause: 'dns.dkim.multiple' });
  });

  it('fails a missing selector, and reports a SERVFAIL as unknown', async () => {
    const { check: missing } = await dkim({ 'example.test': [{ type: 'A', address: '192.0.2.1' }] });
    expect(missing).toMatchObject({ status: 'fail', cause: 'dns.dkim.missing' });
    const { check, records } = await checkDkim(
      'example.test',
      ['s1'],
      zoneResolver({}, () => 'servfail'),
    ).then((f) => ({
      check: f.checks[0],
      records: f.records,
    }));
    expect(check).toMatchObject({ status: 'unknown', cause: 'dns.lookup.servfail' });
    expect(records.s1).toBeUndefined();
  });

  it('follows a CNAME to a provider-hosted key', async () => {
    const { check } = await dkim({
      [NAME]: [{ type: 'CNAME', target: 's1.dkim.provider.test' }],
      's1.dkim.provider.test': key(`v=DKIM1; p=${rsa2048}`),
    });
    expect(check).toMatchObject({ status: 'pass' });
  });
});
