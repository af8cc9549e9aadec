import { createServer, type Server, type Socket } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

/** A server listening on 127.0.0.1, port 0. */
export interface Listening {
  port: number;
  close(): Promise<void>;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : 0);
    });
  });
}

/** An Error that smtp-server turns into a reply: `code` plus the text (write the enhanced code in it). */
export function smtpError(code: number, text: string): Error {
  return Object.assign(new Error(text), { responseCode: code });
}

/** smtp-server on loopback; logging off, short timeouts so a test never waits on it. */
export async function startSmtp(options: SMTPServerOptions): Promise<Listening & { server: SMTPServer }> {
  const server = new SMTPServer({
    logger: false,
    disableReverseLookup: true,
    socketTimeout: 10_000,
    ...options,
  });
  server.on('error', () => {});
  const port = await listen(server.server as Server);
  return {
    port,
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A raw TCP server: `onConnection` scripts the bytes (multi-line greetings, non-SMTP services, drops, stalls). */
export async function startRaw(onConnection: (socket: Socket) => void): Promise<Listening> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    onConnection(socket);
  });
  const port = await listen(server);
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * A line-scripted SMTP server: sends `greeting`, then answers each command line with `answer(line)` — a reply
 * string (CRLF added), `'drop'` to close the connection, or `'stall'` to never answer.
 */
export function startScripted(
  greeting: string,
  answer: (line: string) => string | 'drop' | 'stall',
): Promise<Listening> {
  return startRaw((socket) => {
    socket.write(`${greeting}\r\n`);
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      let nl = buffered.indexOf('\n');
      while (nl >= 0) {
        const line = buffered.slice(0, nl).replace(/\r$/, '');
        buffered = buffered.slice(nl + 1);
        nl = buffered.indexOf('\n');
        const out = answer(line);
        if (out === 'drop') {
          socket.destroy();
          return;
        }
        if (out !== 'stall') socket.write(`${out}\r\n`);
        if (/^QUIT/i.test(line)) socket.end();
      }
    });
  });
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
