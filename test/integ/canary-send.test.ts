import { generateKeyPairSync } from 'node:crypto';
import type { SMTPServerAddress, SMTPServerAuthentication, SMTPServerOptions } from 'smtp-server';
import { Transcript } from '../../shared/model/transcript';
import { SmtpWire, sendMessage, tcpConnect } from '../../shared/probes/smtp/wire';
import { createTestCa, type KeyPair, selfSigned, type TestCa } from '../support/smtp/certs';
import { type Listening, smtpError, startScripted, startSmtp } from '../support/smtp/servers';
import { canaryConfig, runCanary } from './canary-harness';

jest.setTimeout(30_000);

const USER = 'canary@sender.test';
const PASSWORD = 'S3cret-relay-pa55';
const secrets = { RELAY_PASS: PASSWORD, DKIM_KEY: '' };

/** A canary through a relay on loopback; arrival via the ledger, which these runs do not have (send only). */
function setup(port: number, send: Record<string, unknown>, seed = 'seed@receiver.test') {
  return canaryConfig(
    { name: 'seed', address: seed, arrival: { via: 'ledger' } },
    {
      timeoutSeconds: 20,
      options: {
        from: USER,
        send: { via: 'smtp', host: '127.0.0.1', port, ...send },
        waitSeconds: 0,
      },
    },
  );
}

interface Received {
  message?: string;
  mailFrom?: SMTPServerAddress;
  auth?: string;
}

let ca: TestCa;
let leaf: KeyPair;
const servers: Listening[] = [];
beforeAll(async () => {
  ca = await createTestCa();
  leaf = await ca.issue({ names: ['relay.test'] });
  secrets.DKIM_KEY = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
    type: 'pkcs8',
    format: 'pem',
  }) as string;
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
afterAll(() => ca.dispose());

/** smtp-server with STARTTLS on the test CA's certificate for relay.test; records what it was sent. */
async function relay(options: SMTPServerOptions = {}, cert: KeyPair = leaf) {
  const received: Received = {};
  const server = await startSmtp({
    key: cert.key,
    cert: cert.cert,
    authOptional: true,
    size: 1_000_000,
    onAuth: (auth: SMTPServerAuthentication, _session, cb) => {
      received.auth = auth.method;
      const ok = auth.method === 'CRAM-MD5' ? auth.validatePassword(PASSWORD) : auth.password === PASSWORD;
      if (ok && auth.username === USER) cb(null, { user: USER });
      else cb(smtpError(535, '5.7.8 Authentication credentials invalid'));
    },
    onMailFrom: (address, _session, cb) => {
      received.mailFrom = address;
      cb();
    },
    onData: (stream, _session, cb) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.message = Buffer.concat(chunks).toString('utf8');
        cb(null, 'Ok: queued as 4F2A');
      });
    },
    ...options,
  });
  servers.push(server);
  return { port: server.port, received };
}

const tls = () => ({ caPem: ca.cert, servername: 'relay.test' });
const withAuth = { auth: { user: USER, password: { env: 'RELAY_PASS' } } };

describe('canary send over SMTP', () => {
  it('hands a DKIM-signed canary over STARTTLS, the certificate verified, with its SIZE declared', async () => {
    const { port, received } = await relay();
    const run = await runCanary(
      setup(port, {
        tls: tls(),
        ...withAuth,
        dkim: { domain: 'sender.test', selector: 's1', privateKey: { env: 'DKIM_KEY' } },
      }),
      { secrets },
    );
    const send = run.check('send');
    expect(send).toMatchObject({
      status: 'pass',
      details: { reply: '250 Ok: queued as 4F2A', auth: 'PLAIN', messageId: expect.stringMatching(/^<.+>$/) },
    });
    const message = received.message ?? '';
    const unfolded = message.replace(/\r\n[ \t]+/g, ' ');
    const token = /mpc-[a-z2-7]{26}/.exec(send?.message ?? '')?.[0];
    expect(unfolded).toMatch(
      /^DKIM-Signature: v=1; a=rsa-sha256; c=relaxed\/relaxed; d=sender.test; q=dns\/txt; s=s1;/,
    );
    expect(unfolded).toContain(`\r\nSubject: mailprobe canary ${token}\r\n`);
    expect(unfolded).toContain(`\r\nX-Mailprobe-Canary: ${token}; sent=`);
    expect(unfolded).toContain(`\r\nMessage-ID: ${send?.details?.messageId}\r\n`);
    expect(message).toContain(`Token: ${token}`);
    // smtp-server removes nothing but the dot-stuffing: what it got is what was declared.
    expect(received.mailFrom?.args).toMatchObject({ SIZE: String(Buffer.byteLength(message)) });
    expect(run.transcript.some((l) => /^-- TLS TLSv1\.3/.test(l))).toBe(true);
  });

  it.each(['PLAIN', 'LOGIN', 'CRAM-MD5'])(
    'logs in with %s when that is all the relay offers',
    async (method) => {
      const { port, received } = await relay({ authMethods: [method] });
      const run = await runCanary(setup(port, { tls: tls(), ...withAuth }), { secrets });
      expect(run.check('send')).toMatchObject({ status: 'pass', details: { auth: method } });
      expect(received.auth).toBe(method);
    },
  );

  it('is auth-failed, naming both sides, when the relay offers no mechanism in common; nothing is sent', async () => {
    const { port, received } = await relay({ authMethods: ['XOAUTH2'] });
    const run = await runCanary(setup(port, { tls: tls(), ...withAuth }), { secrets });
    expect(run.check('send')).toMatchObject({
      status: 'fail',
      cause: 'canary.send.auth-failed',
      details: { offered: ['XOAUTH2'] },
    });
    expect(run.check('send')?.message).toMatch(/relay offers XOAUTH2, mailprobe speaks PLAIN LOGIN CRAM-MD5/);
    expect(received.auth).toBeUndefined();
    expect(received.mailFrom).toBeUndefined();
  });

  it('never shows the password, even when the relay echoes it back in its refusal', async () => {
    const { port } = await relay({
      onAuth: (auth, _session, cb) => {
        const blob = Buffer.from(`\0${auth.username}\0${auth.password}`).toString('base64');
        cb(smtpError(535, `5.7.8 bad password ${auth.password} (${blob}) for ${auth.username}`));
      },
    });
    const run = await runCanary(setup(port, { tls: tls(), ...withAuth }), { secrets });
    expect(run.check('send')).toMatchObject({
      status: 'fail',
      cause: 'canary.send.auth-failed',
      details: { replyCode: 535, enhancedCode: '5.7.8', command: 'AUTH PLAIN' },
    });
    const everything = JSON.stringify({ checks: run.checks, transcript: run.transcript });
    expect(everything).toContain('bad password');
    expect(everything).not.toContain(PASSWORD);
    expect(everything).not.toContain(Buffer.from(PASSWORD).toString('base64').slice(0, 16));
    expect(everything).not.toContain(Buffer.from(`\0${USER}\0${PASSWORD}`).toString('base64'));
  });

  it('stops with a clear cause when STARTTLS is required and not offered: no credentials, no message', async () => {
    const { port, received } = await relay({ disabledCommands: ['STARTTLS'] });
    const run = await runCanary(setup(port, { tls: tls(), ...withAuth }), { secrets });
    expect(run.check('send')).toMatchObject({ status: 'fail', cause: 'canary.send.starttls-unavailable' });
    expect(run.check('send')?.message).toMatch(/does not offer STARTTLS/);
    expect(received.auth).toBeUndefined();
    expect(received.mailFrom).toBeUndefined();
  });

  it('sends an address with a UTF-8 local part with SMTPUTF8, and never to a relay without it', async () => {
    const seed = 'sëed@receiver.test';
    const willing = await relay();
    const sent = await runCanary(setup(willing.port, { tls: tls(), ...withAuth }, seed), { secrets });
    expect(sent.check('send')).toMatchObject({ status: 'pass' });
    expect(willing.received.mailFrom?.args).toMatchObject({ SMTPUTF8: true });

    const unwilling = await relay({ hideSMTPUTF8: true });
    const refused = await runCanary(setup(unwilling.port, { tls: tls(), ...withAuth }, seed), { secrets });
    expect(refused.check('send')).toMatchObject({
      status: 'fail',
      cause: 'canary.send.smtputf8-unavailable',
      details: { addresses: [seed] },
    });
    expect(refused.check('send')?.message).toMatch(
      /does not offer SMTPUTF8 \(RFC 6531\): the canary was not sent/,
    );
    expect(unwilling.received.auth).toBeUndefined();
    expect(unwilling.received.mailFrom).toBeUndefined();
  });

  it('reports a refused STARTTLS with the reply the relay gave', async () => {
    const scripted = await startScripted('220 relay.test ESMTP', (line) =>
      /^EHLO/i.test(line)
        ? '250-relay.test\r\n250 STARTTLS'
        : /^STARTTLS/i.test(line)
          ? '454 4.7.0 TLS not available due to temporary reason'
          : '221 bye',
    );
    servers.push(scripted);
    const run = await runCanary(setup(scripted.port, { tls: tls() }), { secrets });
    expect(run.check('send')).toMatchObject({
      status: 'fail',
      cause: 'canary.send.starttls-unavailable',
      details: { replyCode: 454, enhancedCode: '4.7.0' },
    });
  });

  it('sends nothing to a relay whose certificate does not verify', async () => {
    const { port, received } = await relay({}, await selfSigned('relay.test'));
    const run = await runCanary(setup(port, { tls: tls(), ...withAuth }), { secrets });
    expect(run.check('send')).toMatchObject({ status: 'fail', cause: 'canary.send.unreachable' });
    expect(run.check('send')?.message).toMatch(/not trusted/);
    expect(received.auth).toBeUndefined();
    expect(received.mailFrom).toBeUndefined();
  });

  it.each([
    [
      'RCPT',
      { onRcptTo: (_a, _s, cb) => cb(smtpError(550, '5.1.1 <seed@receiver.test>: User unknown')) },
      550,
      '5.1.1',
      'fail',
      'canary.bounce.hard',
      'RCPT TO:<seed@receiver.test>',
    ],
    [
      'MAIL',
      { onMailFrom: (_a, _s, cb) => cb(smtpError(451, '4.7.1 Greylisted, try again later')) },
      451,
      '4.7.1',
      'warn',
      'canary.bounce.soft',
      expect.stringMatching(/^MAIL FROM:<canary@sender.test> SIZE=\d+$/),
    ],
    [
      'DATA',
      {
        onData: (s, _x, cb) =>
          s
            .on('data', () => {})
            .on('end', () =>
              cb(smtpError(550, '5.7.27 The sender does not pass SPF https://support.google.com/mail')),
            ),
      },
      550,
      '5.7.27',
      'fail',
      'provider.gmail.spf',
      'end of DATA',
    ],
  ] as [string, SMTPServerOptions, number, string, string, string, unknown][])(
    'reports the real reply of a refused %s, with its enhanced code and the command it answered',
    async (_step, options, code, enhanced, status, cause, command) => {
      const { port } = await relay(options);
      const run = await runCanary(setup(port, { tls: tls() }), { secrets });
      expect(run.check('send')).toMatchObject({
        status,
        cause,
        details: { replyCode: code, enhancedCode: enhanced, command },
      });
      expect(run.check('send')?.details?.reply).toMatch(new RegExp(`^${code} ${enhanced} `));
    },
  );

  it('ends with a probe timeout, not a hang, when the relay never answers the end of DATA', async () => {
    let data = false;
    const scripted = await startScripted('220 relay.test ESMTP', (line) => {
      if (data) return 'stall';
      if (/^DATA/i.test(line)) {
        data = true;
        return '354 go ahead';
      }
      return /^EHLO/i.test(line) ? '250-relay.test\r\n250 SIZE 1000000' : '250 ok';
    });
    servers.push(scripted);
    const run = await runCanary(setup(scripted.port, { mode: 'plain' }), {
      secrets,
      signal: AbortSignal.timeout(500),
    });
    expect(run.check('send')).toMatchObject({
      status: 'unknown',
      cause: 'probe.timeout',
      details: { step: 'end of DATA' },
    });
  });
});

describe('sendMessage', () => {
  it('dot-stuffs lines that start with a dot, so the relay receives the message unchanged', async () => {
    const { port, received } = await relay();
    const signal = new AbortController().signal;
    const transcript = new Transcript();
    const w = new SmtpWire(await tcpConnect('127.0.0.1', port, 5000, signal), transcript, signal);
    try {
      expect((await w.readReply(5000)).code).toBe(220);
      for (const [command, code] of [
        ['EHLO client.test', 250],
        ['MAIL FROM:<a@sender.test>', 250],
        ['RCPT TO:<b@receiver.test>', 250],
        ['DATA', 354],
      ] as const) {
        expect((await w.command(command, 5000)).code).toBe(code);
      }
      const body = 'Subject: dots\n\n.leading dot\n..two dots\n.\nlast line\n';
      expect((await sendMessage(w, body, 5000)).code).toBe(250);
      expect(received.message).toBe(body.replace(/\n/g, '\r\n'));
      expect(transcript.toLines()).toContain(`C: [message, ${body.length} bytes]`);
    } finally {
      w.close();
    }
  });
});
