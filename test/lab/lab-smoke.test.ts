/**
 * Proves every lab daemon really works, through the same kinds of clients the probes use:
 * raw SMTP dialogs, nodemailer's SMTP connection, imapflow and node's DNS resolver.
 */
import { randomUUID } from 'node:crypto';
import { Resolver } from 'node:dns/promises';
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import tls from 'node:tls';
import { ImapFlow } from 'imapflow';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { LAB_DOMAIN, LAB_HOST, LAB_MAIL_HOSTNAME, labPaths, labPorts, labUsers, maildirOf } from './ports';

const IO_TIMEOUT_MS = 5_000;
const DELIVERY_TIMEOUT_MS = 10_000;
jest.setTimeout(20_000);

const ca = () => readFileSync(labPaths.caCert, 'utf8');
const tlsOptions = () => ({ ca: ca(), servername: LAB_MAIL_HOSTNAME });

/**
 * Opens an SMTP session (implicit TLS when asked), reads the greeting, sends each command and
 * returns the replies in order (greeting first), each a list of its lines. Closes with QUIT.
 */
async function smtpDialog(port: number, commands: string[], implicitTls = false): Promise<string[][]> {
  const socket = implicitTls
    ? tls.connect({ host: LAB_HOST, port, ...tlsOptions() })
    : net.connect({ host: LAB_HOST, port });
  socket.setTimeout(IO_TIMEOUT_MS, () => socket.destroy(new Error(`no SMTP reply on port ${port}`)));
  const failed = new Promise<never>((_, reject) => socket.once('error', reject));
  const lines = createInterface({ input: socket, crlfDelay: Number.POSITIVE_INFINITY })[
    Symbol.asyncIterator
  ]();
  const readReply = async (): Promise<string[]> => {
    const reply: string[] = [];
    for (;;) {
      const next = await Promise.race([lines.next(), failed]);
      if (next.done) throw new Error(`connection to port ${port} closed mid-reply: ${reply.join(' | ')}`);
      reply.push(next.value);
      if (/^\d{3}(?: |$)/.test(next.value)) return reply;
    }
  };
  try {
    const replies = [await readReply()];
    for (const command of commands) {
      socket.write(`${command}\r\n`);
      replies.push(await readReply());
    }
    socket.write('QUIT\r\n');
    return replies;
  } finally {
    socket.end();
  }
}

function connectSmtp(port: number, options: { secure?: boolean } = {}): Promise<SMTPConnection> {
  const connection = new SMTPConnection({
    host: LAB_HOST,
    port,
    secure: options.secure ?? false,
    requireTLS: !options.secure,
    name: 'probe.lab.test',
    tls: tlsOptions(),
    connectionTimeout: IO_TIMEOUT_MS,
    greetingTimeout: IO_TIMEOUT_MS,
    socketTimeout: IO_TIMEOUT_MS,
  });
  return new Promise((resolve, reject) => {
    connection.once('error', reject);
    connection.connect(() => resolve(connection));
  });
}

function login(connection: SMTPConnection, user: string, pass: string): Promise<void> {
  return new Promise((resolve, reject) =>
    connection.login({ user, pass }, (err) => (err ? reject(err) : resolve())),
  );
}

function send(
  connection: SMTPConnection,
  from: string,
  to: string,
  message: string,
): Promise<SMTPConnection.SentMessageInfo> {
  return new Promise((resolve, reject) =>
    connection.send({ from, to: [to] }, message, (err, info) => (err ? reject(err) : resolve(info))),
  );
}

function message(from: string, to: string, subject: string, extraHeaders: string[] = []): string {
  return [
    `From: ${from}`,
    `To: ${to}`,
    `Subject: ${subject}`,
    ...extraHeaders,
    '',
    'Sent by the lab smoke test.',
    '',
  ].join('\r\n');
}

/** Waits until a file in DIR contains TEXT; returns its content. Bounded by DELIVERY_TIMEOUT_MS. */
async function waitForMailContaining(dir: string, text: string): Promise<string> {
  const deadline = Date.now() + DELIVERY_TIMEOUT_MS;
  for (;;) {
    let files: string[] = [];
    try {
      files = readdirSync(dir);
    } catch {
      // The maildir appears with the first delivery.
    }
    for (const file of files) {
      const content = readFileSync(join(dir, file), 'utf8');
      if (content.includes(text)) return content;
    }
    if (Date.now() > deadline)
      throw new Error(`no mail containing ${text} in ${dir} after ${DELIVERY_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('Postfix', () => {
  it.each([
    ['MX-style', labPorts.smtp, false],
    ['submission', labPorts.submission, false],
    ['implicit TLS', labPorts.smtps, true],
  ] as const)(
    'greets with 220 mail.lab.test and answers EHLO on the %s port',
    async (_, port, implicitTls) => {
      const [greeting, ehlo] = await smtpDialog(port, ['EHLO probe.lab.test'], implicitTls);
      expect(greeting).toEqual([`220 ${LAB_MAIL_HOSTNAME} ESMTP mailprobe lab`]);
      expect(ehlo?.[0]).toBe(`250-${LAB_MAIL_HOSTNAME}`);
      expect(ehlo?.at(-1)).toMatch(/^250 /);
    },
  );

  it('offers STARTTLS but no AUTH before TLS on the submission port', async () => {
    const [, ehlo] = await smtpDialog(labPorts.submission, ['EHLO probe.lab.test']);
    expect(ehlo).toContain('250-STARTTLS');
    expect(ehlo?.some((line) => line.includes('AUTH'))).toBe(false);
  });

  it('offers AUTH PLAIN LOGIN on the implicit TLS port', async () => {
    const [, ehlo] = await smtpDialog(labPorts.smtps, ['EHLO probe.lab.test'], true);
    expect(ehlo).toContain('250-AUTH PLAIN LOGIN');
  });

  it('rejects an unknown lab.test user with 550 5.1.1', async () => {
    const replies = await smtpDialog(labPorts.smtp, [
      'EHLO probe.lab.test',
      'MAIL FROM:<sender@example.org>',
      `RCPT TO:<nobody@${LAB_DOMAIN}>`,
    ]);
    expect(replies[3]?.[0]).toMatch(/^550 5\.1\.1 <nobody@lab\.test>: Recipient address rejected/);
  });

  it('denies relaying to another domain with 554 5.7.1', async () => {
    const replies = await smtpDialog(labPorts.smtp, [
      'EHLO probe.lab.test',
      'MAIL FROM:<sender@example.org>',
      'RCPT TO:<someone@example.com>',
    ]);
    expect(replies[3]?.[0]).toBe('554 5.7.1 <someone@example.com>: Relay access denied');
  });

  it('upgrades the submission port with STARTTLS to a certificate valid for mail.lab.test and accepts AUTH', async () => {
    const connection = await connectSmtp(labPorts.submission);
    try {
      expect(connection.secure).toBe(true);
      await login(connection, labUsers.probe.address, labUsers.probe.password);
      const token = randomUUID();
      const info = await send(
        connection,
        labUsers.probe.address,
        labUsers.bob.address,
        message(labUsers.probe.address, labUsers.bob.address, `submission ${token}`),
      );
      expect(info.accepted).toEqual([labUsers.bob.address]);
      await waitForMailContaining(join(maildirOf(labUsers.bob.address), 'new'), token);
    } finally {
      connection.quit();
    }
  });

  it('rejects a wrong password on the implicit TLS port with 535', async () => {
    const connection = await connectSmtp(labPorts.smtps, { secure: true });
    try {
      await expect(login(connection, labUsers.bob.address, 'not-the-password')).rejects.toMatchObject({
        code: 'EAUTH',
        responseCode: 535,
      });
    } finally {
      connection.close();
    }
  });

  it("delivers mail for bob@lab.test from the MX port into bob's maildir over LMTP", async () => {
    const token = randomUUID();
    const replies = await smtpDialog(labPorts.smtp, [
      'EHLO probe.lab.test',
      'MAIL FROM:<sender@example.org>',
      `RCPT TO:<${labUsers.bob.address}>`,
      'DATA',
      `${message('sender@example.org', labUsers.bob.address, `mx ${token}`)}.`,
    ]);
    expect(replies[5]?.[0]).toMatch(/^250 2\.0\.0 Ok: queued as /);
    const delivered = await waitForMailContaining(join(maildirOf(labUsers.bob.address), 'new'), token);
    expect(delivered).toMatch(/^Delivered-To: bob@lab\.test$/m);
  });
});

describe('Dovecot', () => {
  function imapClient(user: { address: string; password: string }, implicitTls: boolean): ImapFlow {
    return new ImapFlow({
      host: LAB_HOST,
      port: implicitTls ? labPorts.imaps : labPorts.imap,
      secure: implicitTls,
      doSTARTTLS: implicitTls ? undefined : true,
      tls: tlsOptions(),
      auth: { user: user.address, pass: user.password },
      logger: false,
      connectionTimeout: IO_TIMEOUT_MS,
      greetingTimeout: IO_TIMEOUT_MS,
      socketTimeout: IO_TIMEOUT_MS,
    });
  }

  it('logs every lab user in over IMAP STARTTLS and IMAPS', async () => {
    for (const user of Object.values(labUsers)) {
      for (const implicitTls of [false, true]) {
        const client = imapClient(user, implicitTls);
        await client.connect();
        try {
          expect(client.secureConnection).toBe(true);
          expect(client.authenticated).toBe(true);
          expect(await client.status('INBOX', { messages: true })).toMatchObject({ path: 'INBOX' });
        } finally {
          await client.logout();
        }
      }
    }
  });

  it('files a message flagged X-Spam-Flag: YES into Junk, where IMAP finds it', async () => {
    const token = randomUUID();
    const connection = await connectSmtp(labPorts.submission);
    try {
      await login(connection, labUsers.probe.address, labUsers.probe.password);
      await send(
        connection,
        labUsers.probe.address,
        labUsers.bob.address,
        message(labUsers.probe.address, labUsers.bob.address, `junk ${token}`, ['X-Spam-Flag: YES']),
      );
    } finally {
      connection.quit();
    }
    await waitForMailContaining(join(maildirOf(labUsers.bob.address), '.Junk', 'new'), token);

    const client = imapClient(labUsers.bob, false);
    await client.connect();
    try {
      const lock = await client.getMailboxLock('Junk');
      try {
        expect(await client.search({ subject: token })).toHaveLength(1);
      } finally {
        lock.release();
      }
    } finally {
      await client.logout();
    }
  });
});

describe('NSD', () => {
  it('answers authoritatively for the lab.test smoke zone', async () => {
    const resolver = new Resolver({ timeout: IO_TIMEOUT_MS, tries: 1 });
    resolver.setServers([`${LAB_HOST}:${labPorts.dns}`]);
    expect(await resolver.resolveMx(LAB_DOMAIN)).toEqual([{ exchange: LAB_MAIL_HOSTNAME, priority: 10 }]);
    expect(await resolver.resolve4(LAB_MAIL_HOSTNAME)).toEqual(['127.0.0.1']);
  });
});

describe('rbldnsd', () => {
  const resolver = new Resolver({ timeout: IO_TIMEOUT_MS, tries: 1 });
  resolver.setServers([`${LAB_HOST}:${labPorts.rbl}`]);

  it('lists 127.0.0.2 in the smoke zone with its TXT reason', async () => {
    expect(await resolver.resolve4('2.0.0.127.smoke.test')).toEqual(['127.0.0.2']);
    expect(await resolver.resolveTxt('2.0.0.127.smoke.test')).toEqual([
      ['Listed by the mailprobe lab smoke zone, see https://lab.test/lookup?ip=127.0.0.2'],
    ]);
  });

  it('answers NXDOMAIN for 127.0.0.1 in the smoke zone', async () => {
    await expect(resolver.resolve4('1.0.0.127.smoke.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });
});
