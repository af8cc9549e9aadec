import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:tls';
import { type Receiver, startReceiver } from '../../shared/probes/canary/receiver';
import { silentLog } from '../../shared/util/log';
import { createTestCa, type TestCa } from '../support/smtp/certs';
import { canaryConfig, MemoryCanaryLedger, runCanary } from './canary-harness';

jest.setTimeout(30_000);

/** An IMAPS server that offers only XOAUTH2 and refuses every token, recording what the client sent. */
async function refusingImapServer(ca: TestCa): Promise<{ server: Server; port: number; lines: string[] }> {
  const leaf = await ca.issue({ names: ['imap.seed.test'] });
  const lines: string[] = [];
  const server = createServer({ key: leaf.key, cert: leaf.cert }, (socket) => {
    socket.write('* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=XOAUTH2] fake seed mailbox ready\r\n');
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      for (let end = buffer.indexOf('\r\n'); end !== -1; end = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        lines.push(line);
        const [tag, command = ''] = line.split(' ');
        if (/^authenticate$/i.test(command))
          socket.write(`${tag} NO [AUTHENTICATIONFAILED] Invalid credentials\r\n`);
        else if (/^capability$/i.test(command))
          socket.write(`* CAPABILITY IMAP4rev1 SASL-IR AUTH=XOAUTH2\r\n${tag} OK done\r\n`);
        else if (/^logout$/i.test(command)) socket.end(`* BYE bye\r\n${tag} OK done\r\n`);
        else socket.write(`${tag} BAD not in this fake\r\n`);
      }
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, lines };
}

describe('canary seed mailbox over IMAP with OAuth2', () => {
  let ca: TestCa;
  let receiver: Receiver;
  beforeAll(async () => {
    ca = await createTestCa();
    receiver = await startReceiver({
      ledger: new MemoryCanaryLedger(),
      resolver: { servers: ['127.0.0.1:9'], timeoutMs: 100, tries: 1 },
      log: silentLog,
    });
  });
  afterAll(async () => {
    await receiver.close();
    await ca.dispose();
  });

  it('logs in with XOAUTH2 and reports a refused token as unknown (seed mailbox broken), never as a failure', async () => {
    const imap = await refusingImapServer(ca);
    try {
      const setup = canaryConfig(
        {
          name: 'gmail-seed',
          address: 'seed@gmail.example',
          arrival: {
            via: 'imap',
            host: '127.0.0.1',
            port: imap.port,
            user: 'seed@gmail.example',
            accessToken: { env: 'SEED_TOKEN' },
            tls: { caPem: ca.cert, servername: 'imap.seed.test' },
          },
        },
        {
          timeoutSeconds: 20,
          options: {
            from: 'canary@sender.test',
            send: { via: 'smtp', host: '127.0.0.1', port: receiver.port, mode: 'plain' },
            waitSeconds: 1,
          },
        },
      );
      const run = await runCanary(setup, { secrets: { SEED_TOKEN: 'ya29.expired-token' } });
      expect(run.check('send')?.status).toBe('pass');
      expect(run.check('arrival')).toMatchObject({ status: 'unknown', cause: 'canary.imap.login-failed' });
      const sasl = Buffer.from('user=seed@gmail.example\x01auth=Bearer ya29.expired-token\x01\x01').toString(
        'base64',
      );
      expect(imap.lines.some((l) => /AUTHENTICATE XOAUTH2/i.test(l) && l.includes(sasl))).toBe(true);
      expect(JSON.stringify([run.checks, run.transcript])).not.toContain('ya29.expired-token');
    } finally {
      await new Promise<void>((resolve) => imap.server.close(() => resolve()));
    }
  });
});
