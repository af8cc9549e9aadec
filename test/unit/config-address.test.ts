import { parseConfig } from '../../shared/suite/load';

const config = (smtp: Record<string, unknown>, domain = 'example.com') => ({
  targets: {
    domains: [{ name: domain }],
    smtp: [{ name: 'relay', host: 'mx.example.com', port: 587, ...smtp }],
  },
  probes: [
    { name: 'smtp', kind: 'smtp', schedule: 'rate(5 minutes)' },
    { name: 'dns', kind: 'dns', schedule: 'rate(1 hour)' },
  ],
});

describe('addresses and domains in the config', () => {
  it('accepts international domains and addresses, keeping their punycode form', () => {
    const parsed = parseConfig(
      config({ envelope: { from: 'me@пример.xn--p1ai', to: ['info@bücher.example'] } }, 'Bücher.example'),
      'test',
    );
    expect(parsed.targets.domains[0]?.name).toBe('xn--bcher-kva.example');
    expect(parsed.targets.smtp[0]?.envelope).toMatchObject({
      from: 'me@xn--e1afmkfd.xn--p1ai',
      to: ['info@xn--bcher-kva.example'],
    });
  });

  it('takes envelope.to as one address too, and names a bad one by its path', () => {
    const one = parseConfig(config({ envelope: { from: '', to: 'postmaster@example.com' } }), 'test');
    expect(one.targets.smtp[0]?.envelope?.to).toEqual(['postmaster@example.com']);
    expect(() => parseConfig(config({ envelope: { from: '', to: 'not an address' } }), 'test')).toThrow(
      'targets.smtp[0].envelope.to[0]: must be an email address such as user@example.com',
    );
    expect(() => parseConfig(config({ envelope: { from: '', to: [] } }), 'test')).toThrow(
      'targets.smtp[0].envelope.to: give at least one address',
    );
  });

  it('rejects what is no domain in either form', () => {
    expect(() => parseConfig(config({}, 'exa mple.com'), 'test')).toThrow(
      'targets.domains[0].name: must be a domain name such as example.com',
    );
  });
});
