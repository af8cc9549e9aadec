/**
 * What the smtp probe's TLS scan finds on real Postfix services (test/lab/postfix/master.cf): the lab's MX-style
 * port with a TLS 1.2 floor, a service that still accepts TLS 1.0/1.1 and RSA key exchange and offers AUTH before
 * STARTTLS, and a service stuck at TLS 1.1.
 */
import { runSmtpProbe } from '../support/smtp/harness';
import { LAB_HOST, LAB_MAIL_HOSTNAME, labPaths, labPorts } from './ports';

jest.setTimeout(30_000);

const endpoint = (port: number) => ({
  name: 'mx',
  host: LAB_HOST,
  port,
  mode: 'starttls' as const,
  ehloName: 'probe.lab.test',
  tls: { caFile: labPaths.caCert, servername: LAB_MAIL_HOSTNAME },
});

describe('TLS protocol floor and cipher suites against lab Postfix', () => {
  it('passes a server with a TLS 1.2 floor and no weak suites, naming the refused versions', async () => {
    const run = await runSmtpProbe(endpoint(labPorts.smtp));
    expect(run.check('tls.protocols')).toMatchObject({
      status: 'pass',
      details: { negotiated: 'TLSv1.3', refused: ['TLSv1', 'TLSv1.1'] },
    });
    expect(run.check('tls.ciphers')).toMatchObject({ status: 'pass' });
    expect(run.checks.find((c) => c.id === 'auth.before-tls')).toBeUndefined();
    const ids = run.checks.map((c) => c.id);
    expect(ids.slice(ids.indexOf('tls'), ids.indexOf('tls') + 4)).toEqual([
      'tls',
      'tls.certificate',
      'tls.protocols',
      'tls.ciphers',
    ]);
  });

  it('warns about TLS 1.0 and 1.1 still accepted, and a suite without forward secrecy', async () => {
    const run = await runSmtpProbe(endpoint(labPorts.weakTls));
    expect(run.check('tls')).toMatchObject({ status: 'pass', details: { protocol: 'TLSv1.3' } });
    expect(run.check('tls.protocols')).toMatchObject({
      status: 'warn',
      cause: 'smtp.tls.legacy-protocol',
      details: { accepted: ['TLSv1', 'TLSv1.1', 'TLSv1.3'] },
    });
    expect(run.check('tls.ciphers')).toMatchObject({
      status: 'warn',
      cause: 'smtp.tls.weak-cipher',
      // RSA key exchange: AES256-GCM-SHA384 over TLS 1.2 (the strongest such suite, which Postfix prefers).
      details: { accepted: expect.stringMatching(/^AES(128|256)-/), protocol: 'TLSv1.2' },
      message: expect.stringContaining('no forward secrecy'),
    });
  });

  it('warns about AUTH accepted before STARTTLS, without sending credentials', async () => {
    const run = await runSmtpProbe(endpoint(labPorts.weakTls));
    expect(run.check('auth.before-tls')).toMatchObject({
      status: 'warn',
      cause: 'smtp.auth.offered-before-tls',
      details: { reply: { code: 334 } },
    });
    expect(run.transcript).toEqual(expect.arrayContaining(['C: AUTH PLAIN', 'C: *']));
  });

  it('names a server that speaks only TLS 1.0/1.1 instead of a bare handshake failure', async () => {
    const run = await runSmtpProbe(endpoint(labPorts.legacyTls));
    expect(run.check('tls')).toMatchObject({
      status: 'fail',
      cause: 'smtp.tls.outdated-protocol',
      details: { legacyProtocol: 'TLSv1.1' },
    });
    expect(run.check('tls').message).toContain('the server speaks at most TLSv1.1');
  });

  it('asks nothing more with tlsScan off', async () => {
    const run = await runSmtpProbe(endpoint(labPorts.weakTls), { options: { tlsScan: false } });
    expect(run.checks.find((c) => c.id === 'tls.protocols')).toBeUndefined();
    expect(run.timings).not.toHaveProperty('tlsScan');
  });
});

describe('certificate chains against lab Postfix (a leaf issued by an intermediate of the lab CA)', () => {
  it('names a leaf served without its intermediate an incomplete chain, with the AIA address browsers use', async () => {
    const run = await runSmtpProbe(endpoint(labPorts.leafOnly));
    const check = run.check('tls.certificate');
    expect(check).toMatchObject({
      status: 'fail',
      cause: 'smtp.tls.chain-incomplete',
      details: {
        verifyError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
        issuer: 'mailprobe lab intermediate',
        caIssuers: 'http://ca.lab.test/intermediate.crt',
        chain: [{ subject: LAB_MAIL_HOSTNAME, issuer: 'mailprobe lab intermediate' }],
      },
    });
    expect(check.message).toBe(
      'incomplete certificate chain: the server sends only its own certificate, not the intermediate ' +
        '"mailprobe lab intermediate" that issued it (UNABLE_TO_VERIFY_LEAF_SIGNATURE); browsers fetch it from ' +
        'http://ca.lab.test/intermediate.crt, MTAs do not',
    );
    // One finding: the session stops like any verifying client, nothing else fails for it.
    expect(run.checks.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual(['tls.certificate']);
  });

  it('passes the same certificate served with its intermediate', async () => {
    const run = await runSmtpProbe(endpoint(labPorts.fullChain));
    expect(run.check('tls.certificate')).toMatchObject({
      status: 'pass',
      details: {
        chain: [
          { subject: LAB_MAIL_HOSTNAME, issuer: 'mailprobe lab intermediate' },
          { subject: 'mailprobe lab intermediate', issuer: 'mailprobe lab CA' },
        ],
      },
    });
  });

  it('calls a complete chain to a root the probe does not trust untrusted, not incomplete', async () => {
    const run = await runSmtpProbe({
      ...endpoint(labPorts.fullChain),
      tls: { servername: LAB_MAIL_HOSTNAME },
    });
    expect(run.check('tls.certificate')).toMatchObject({
      status: 'fail',
      cause: 'smtp.tls.cert-untrusted',
      details: { verifyError: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY' },
      message:
        'the chain sent ends at "mailprobe lab intermediate", issued by "mailprobe lab CA", which is neither sent ' +
        'nor trusted (an intermediate the server must send, or a private CA to give with tls.caFile) ' +
        '(UNABLE_TO_GET_ISSUER_CERT_LOCALLY)',
    });
  });

  it('calls a leaf without AIA from a CA the probe was not given untrusted: it may be a private CA', async () => {
    const run = await runSmtpProbe({ ...endpoint(labPorts.smtp), tls: { servername: LAB_MAIL_HOSTNAME } });
    expect(run.check('tls.certificate')).toMatchObject({
      status: 'fail',
      cause: 'smtp.tls.cert-untrusted',
      message: expect.stringContaining(
        'the server sends only its own certificate, issued by "mailprobe lab CA"',
      ),
    });
  });

  it('names a host name the complete chain does not cover a mismatch', async () => {
    const run = await runSmtpProbe({
      ...endpoint(labPorts.fullChain),
      tls: { caFile: labPaths.caCert, servername: 'mx.other.test' },
    });
    expect(run.check('tls.certificate')).toMatchObject({
      status: 'fail',
      cause: 'smtp.tls.hostname-mismatch',
    });
  });
});
