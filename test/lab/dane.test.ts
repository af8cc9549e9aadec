/**
 * DANE for SMTP (RFC 7672) against the lab's real daemons: Postfix on the MX-style port, NSD serving dane.test
 * (signed with ldns-signzone, TLSA records made from the certificate Postfix serves) and bogus.test (signatures
 * expired), and unbound validating in front of NSD with both zones' keys as trust anchors.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { runSmtpProbe } from '../support/smtp/harness';
import { LAB_HOST, labPaths, labPorts } from './ports';

jest.setTimeout(30_000);

const VALIDATOR = `${LAB_HOST}:${labPorts.validator}`;

function mx(host: string, extra: Record<string, unknown> = {}) {
  return {
    name: 'mx',
    host,
    port: labPorts.smtp,
    mode: 'starttls' as const,
    ehloName: 'probe.lab.test',
    tls: { caFile: labPaths.caCert },
    dane: 'optional' as const,
    ...extra,
  };
}

const probe = (host: string, validating = true, extra: Record<string, unknown> = {}) =>
  runSmtpProbe(mx(host, extra), { resolverServers: [VALIDATOR], validating });

describe('DANE against Postfix, NSD and a validating unbound', () => {
  it('passes a DNSSEC-secure DANE-EE record that matches the served key', async () => {
    const run = await probe('mx.dane.test', true, {
      tls: { caFile: labPaths.caCert, servername: 'mail.lab.test' },
    });
    expect(run.check('tls.dane')).toMatchObject({
      status: 'pass',
      message: expect.stringContaining('DANE-EE record 3 1 1'),
      details: { dnssec: 'secure', name: `_${labPorts.smtp}._tcp.mx.dane.test` },
    });
    expect(run.timings).toHaveProperty('tlsa');
  });

  it('fails a DANE-TA record for the CA when the server does not send the CA in its chain', async () => {
    // Postfix serves only its own certificate (smtpd_tls_chain_files = key, server.crt): DANE senders find no anchor.
    const run = await probe('ta.dane.test');
    expect(run.check('tls.dane')).toMatchObject({
      status: 'fail',
      cause: 'smtp.dane.anchor-not-sent',
      message: expect.stringContaining(
        'the server sends only its own certificate (issued by "O=mailprobe lab, CN=mailprobe lab CA"), not the trust anchor',
      ),
    });
  });

  it('passes a DANE-TA record for the intermediate the full-chain port sends', async () => {
    const intermediate = new X509Certificate(readFileSync(labPaths.intermediateCert));
    const spki = intermediate.publicKey.export({ type: 'spki', format: 'der' });
    const digest = createHash('sha256').update(spki).digest('hex');
    const run = await probe('chain.dane.test', true, { port: labPorts.fullChain });
    expect(run.check('tls.dane')).toMatchObject({
      status: 'pass',
      message: `DANE-TA record 2 1 1 ${digest.slice(0, 16)}… at _${labPorts.fullChain}._tcp.chain.dane.test matches the chain`,
      details: {
        dnssec: 'secure',
        presented: {
          chain: ['O=mailprobe lab, CN=mail.lab.test', 'O=mailprobe lab, CN=mailprobe lab intermediate'],
        },
      },
    });
    expect(run.check('tls.certificate')).toMatchObject({ status: 'pass' });
  });

  it('fails the same DANE-TA record on the leaf-only port: the anchor is not in the served chain', async () => {
    const run = await probe('chain.dane.test', true, { port: labPorts.leafOnly });
    expect(run.check('tls.dane')).toMatchObject({
      status: 'fail',
      cause: 'smtp.dane.anchor-not-sent',
      details: { presented: { chain: ['O=mailprobe lab, CN=mail.lab.test'] } },
    });
    expect(run.check('tls.dane').message).toMatch(
      new RegExp(
        `^DANE-TA record 2 1 1 [0-9a-f]{16}… at _${labPorts.leafOnly}\\._tcp\\.chain\\.dane\\.test cannot match: the ` +
          'server sends only its own certificate \\(issued by "O=mailprobe lab, CN=mailprobe lab intermediate"\\), ' +
          'not the trust anchor, which must be in the chain it serves \\(RFC 7671 5\\.2\\.2\\)',
      ),
    );
  });

  it('fails a secure record that matches nothing the server presents, naming the key it serves', async () => {
    const run = await probe('stale.dane.test');
    const check = run.check('tls.dane');
    expect(check).toMatchObject({ status: 'fail', cause: 'smtp.dane.mismatch' });
    expect(check.message).toContain('DANE senders defer every message');
    expect(check.details?.presented).toMatchObject({
      leafSpkiSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it('warns about records with a usage SMTP does not support (PKIX-EE)', async () => {
    const run = await probe('pkix.dane.test');
    expect(run.check('tls.dane')).toMatchObject({ status: 'warn', cause: 'smtp.dane.unusable' });
  });

  it('warns that TLSA records in an unsigned zone are ignored', async () => {
    const run = await probe('insecure.lab.test');
    expect(run.check('tls.dane')).toMatchObject({
      status: 'warn',
      cause: 'smtp.dane.insecure',
      details: { dnssec: 'insecure' },
    });
  });

  it('fails a TLSA lookup that fails validation, with the extended error and the records behind it', async () => {
    const run = await probe('bad.dane.test');
    const check = run.check('tls.dane');
    expect(check).toMatchObject({ status: 'fail', cause: 'smtp.dane.tlsa-bogus' });
    // Cold cache: 9 DNSKEY Missing, "signature expired ..."; once cached: 6 DNSSEC Bogus.
    expect(check.message).toMatch(/fails DNSSEC validation \(EDE (6|7|9) /);
    expect(check.details?.behindCheckingDisabled).toEqual([expect.stringMatching(/^3 1 1 [0-9a-f]{16}…$/)]);
  });

  it('fails a host whose address fails DNSSEC validation, with the validator\'s reason instead of "unknown"', async () => {
    const run = await probe('mx.bogus.test');
    const check = run.check('dns');
    expect(check).toMatchObject({ status: 'fail', cause: 'smtp.dns.dnssec-bogus' });
    // unbound names the failure (6 DNSSEC Bogus, or 9 DNSKEY Missing with "signature expired" on a cold cache).
    const [first] = (check.details?.extendedErrors ?? []) as { code: number }[];
    expect([6, 7, 9]).toContain(first?.code);
    expect(check.message).toContain('with checking disabled the resolver returns 1 A record(s)');
  });

  it('says "unverifiable" without a validating resolver, and still checks the records against the certificate', async () => {
    const run = await probe('stale.dane.test', false);
    expect(run.check('tls.dane')).toMatchObject({
      status: 'fail',
      cause: 'smtp.dane.mismatch',
      details: { dnssec: 'unverifiable' },
      message: expect.stringContaining('DNSSEC unverifiable'),
    });
  });
});
