import { connect as netConnect, type Socket } from 'node:net';
import { type ConnectionOptions, type TLSSocket, connect as tlsConnect } from 'node:tls';
import { formatDuration } from '../../util/duration';
import { errorMeaning } from '../../util/net-error';

/**
 * The SMTP reply reader and command writer the probe drives step by step. Hand-written because nodemailer's
 * SMTPConnection bundles greeting, EHLO, STARTTLS and EHLO into one connect() and always follows RCPT with DATA,
 * while the probe needs each step timed and classified on its own, envelope tests without DATA, and the raw first
 * bytes of non-SMTP services.
 */

/** Largest reply kept: replies are untrusted input. */
const MAX_REPLY_BYTES = 64 * 1024;
const MAX_REPLY_LINES = 200;
/** Reply text kept in check details. */
export const MAX_TEXT = 512;

export interface SmtpReply {
  code: number;
  /** RFC 3463 enhanced status code, e.g. `5.1.1`, when the reply carries one. */
  enhanced?: string;
  /** Reply lines without the code prefix. */
  lines: string[];
  /** The reply as one line, bounded to MAX_TEXT characters. */
  text: string;
}

export type WireFailure = 'timeout' | 'closed' | 'reset' | 'malformed' | 'too-large' | 'aborted' | 'closing';

export class SmtpWireError extends Error {
  override readonly name: string = 'SmtpWireError';
  constructor(
    readonly failure: WireFailure,
    message: string,
    /** The first bytes received when the reply was not SMTP (for malformed), printable and bounded. */
    readonly preview?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * A 421 reply, in any phase: the server is closing the transmission channel (RFC 5321 3.8), so the session ends with
 * it. Raised by the wire itself, so no step can take a 421 for an ordinary refusal and carry on into a closed
 * connection (which would add a second, false failure).
 */
export class SmtpClosingError extends SmtpWireError {
  override readonly name = 'SmtpClosingError';
  constructor(readonly reply: SmtpReply) {
    super(
      'closing',
      `the server closed the session: ${reply.code}${reply.enhanced ? ` ${reply.enhanced}` : ''} ${reply.text}`,
    );
  }
}

/** Non-printable bytes as `\xNN`, bounded: safe to store and show. */
export function printable(bytes: Buffer | string, max = 200): string {
  const s = typeof bytes === 'string' ? bytes : bytes.subarray(0, max).toString('latin1');
  const clipped = s.length > max ? s.slice(0, max) : s;
  if (!/[^\x20-\x7e]/.test(clipped)) return clipped; // the common case: nothing to escape
  return clipped.replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export function bounded(text: string, max = MAX_TEXT): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

const LINE = /^(\d{3})([ -])(.*)$/;
const ENHANCED = /^([245]\.\d{1,3}\.\d{1,3})\s+/;

/** Parses complete reply lines; undefined while the reply is still partial. Throws on a non-SMTP line. */
export function parseReply(lines: string[]): SmtpReply | undefined {
  const texts: string[] = [];
  let code = 0;
  for (const line of lines) {
    const m = LINE.exec(line) ?? (/^\d{3}$/.test(line) ? [line, line, ' ', ''] : null);
    if (!m) throw new SmtpWireError('malformed', 'not an SMTP reply', printable(line));
    code = Number(m[1]);
    texts.push(m[3] as string);
    if (m[2] === ' ') {
      const enhanced = ENHANCED.exec(texts[0] ?? '')?.[1];
      const body = texts.map((t) => t.replace(ENHANCED, ''));
      return {
        code,
        ...(enhanced ? { enhanced } : {}),
        lines: body.map((t) => bounded(t)),
        text: bounded(printable(body.join(' / '), MAX_TEXT * 2)),
      };
    }
  }
  return undefined;
}

export interface WireLog {
  add(line: string): void;
}

/** One SMTP connection: read a reply, send a command, upgrade to TLS. Every wait is bounded and abortable. */
export class SmtpWire {
  private buffer = Buffer.alloc(0);
  private lines: string[] = [];
  private ended: SmtpWireError | undefined;
  private wake: (() => void) | undefined;
  private readonly onData = (chunk: Buffer) => this.receive(chunk);
  private readonly onEnd = () => this.finish(new SmtpWireError('closed', 'connection closed by the server'));
  private readonly onError = (err: NodeJS.ErrnoException) =>
    this.finish(
      new SmtpWireError('reset', errorMeaning(err.message, err.code).meaning, undefined, { cause: err }),
    );

  constructor(
    private socket: Socket,
    private readonly log: WireLog,
    private readonly signal: AbortSignal,
  ) {
    this.attach(socket);
  }

  get tlsSocket(): TLSSocket | undefined {
    return 'encrypted' in this.socket ? (this.socket as TLSSocket) : undefined;
  }

  /** True once the server closed or reset the connection. */
  get closed(): boolean {
    return this.ended !== undefined;
  }

  /** Bytes received and not yet consumed as reply lines (for sniffing non-SMTP services). */
  get pending(): Buffer {
    return this.buffer;
  }

  private attach(socket: Socket): void {
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('close', this.onEnd);
    socket.on('error', this.onError);
  }

  private detach(socket: Socket): void {
    socket.off('data', this.onData);
    socket.off('end', this.onEnd);
    socket.off('close', this.onEnd);
    socket.off('error', this.onError);
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    let nl = this.buffer.indexOf(10);
    while (nl >= 0) {
      this.lines.push(this.buffer.subarray(0, nl).toString('utf8').replace(/\r$/, ''));
      this.buffer = this.buffer.subarray(nl + 1);
      nl = this.buffer.indexOf(10);
    }
    if (this.buffer.length > MAX_REPLY_BYTES || this.lines.length > MAX_REPLY_LINES) {
      this.finish(new SmtpWireError('too-large', 'reply exceeds the size limit'));
      this.socket.destroy();
    }
    this.wake?.();
  }

  private finish(err: SmtpWireError): void {
    this.ended ??= err;
    this.wake?.();
  }

  /**
   * Waits for one complete reply. Data that is not SMTP fails at once with a preview of its first bytes; a 421 throws
   * SmtpClosingError.
   */
  async readReply(timeoutMs: number): Promise<SmtpReply> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const first = this.lines[0] ?? this.buffer.toString('latin1');
      if (first.length > 0 && !/^\d/.test(first)) {
        throw new SmtpWireError('malformed', 'not an SMTP reply', printable(first));
      }
      let reply: SmtpReply | undefined;
      let count = 0;
      for (let i = 0; i < this.lines.length; i++) {
        const line = this.lines[i] as string;
        if (/^\d{3}( |$)/.test(line) || !/^\d{3}-/.test(line)) {
          count = i + 1;
          reply = parseReply(this.lines.slice(0, count));
          break;
        }
      }
      if (reply) {
        for (const line of this.lines.splice(0, count)) this.log.add(`S: ${printable(line, 1000)}`);
        if (reply.code === 421) throw new SmtpClosingError(reply);
        return reply;
      }
      if (this.ended) {
        for (const line of this.lines.splice(0)) this.log.add(`S: ${printable(line, 1000)}`);
        throw this.ended;
      }
      if (this.signal.aborted) throw new SmtpWireError('aborted', 'probe time budget spent');
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new SmtpWireError('timeout', `no complete reply within ${formatDuration(timeoutMs)}`);
      }
      await this.wait(left);
    }
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.signal.removeEventListener('abort', done);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.signal.addEventListener('abort', done, { once: true });
      this.wake = done;
    });
  }

  /** Waits up to `ms` for any bytes at all (used to sniff what answers on a silent port). */
  async waitForBytes(ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (this.lines.length === 0 && this.buffer.length === 0 && !this.ended && !this.signal.aborted) {
      const left = deadline - Date.now();
      if (left <= 0) return;
      await this.wait(left);
    }
  }

  /** Raw bytes received so far (lines and partial), for classification of non-SMTP answers. */
  received(): Buffer {
    return Buffer.concat([Buffer.from(this.lines.map((l) => `${l}\n`).join(''), 'latin1'), this.buffer]);
  }

  write(line: string, logged = line): void {
    if (this.ended) throw this.ended;
    this.log.add(`C: ${logged}`);
    this.socket.write(`${line}\r\n`);
  }

  async command(line: string, timeoutMs: number, logged = line): Promise<SmtpReply> {
    this.write(line, logged);
    return this.readReply(timeoutMs);
  }

  /** Replaces the socket with a TLS socket over it (STARTTLS). Resolves after the handshake. */
  async startTls(options: ConnectionOptions, timeoutMs: number): Promise<TLSSocket> {
    const plain = this.socket;
    this.detach(plain);
    // RFC 3207: nothing received before the handshake may be trusted or reused.
    this.buffer = Buffer.alloc(0);
    this.lines = [];
    const secure = await handshake({ ...options, socket: plain }, timeoutMs, this.signal);
    this.socket = secure;
    this.attach(secure);
    return secure;
  }

  close(): void {
    this.detach(this.socket);
    this.socket.on('error', () => {});
    this.socket.destroy();
  }
}

export class TlsHandshakeError extends Error {
  override readonly name = 'TlsHandshakeError';
  constructor(
    message: string,
    readonly code: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const TICKET_WAIT_MS = 15;

/** tls.connect with a bounded, abortable handshake. Certificates are judged by the caller, not here. */
export function handshake(
  options: ConnectionOptions,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ ...options, rejectUnauthorized: false });
    const fail = (err: TlsHandshakeError) => {
      cleanup();
      socket.destroy();
      reject(err);
    };
    const onError = (err: NodeJS.ErrnoException) =>
      fail(new TlsHandshakeError(err.message, err.code, { cause: err }));
    const onClose = () =>
      fail(new TlsHandshakeError('connection closed during the TLS handshake', 'ECONNRESET'));
    const onAbort = () => fail(new TlsHandshakeError('probe time budget spent', 'ABORT_ERR'));
    const timer = setTimeout(
      () => fail(new TlsHandshakeError(`no TLS handshake within ${formatDuration(timeoutMs)}`, 'ETIMEDOUT')),
      timeoutMs,
    );
    const cleanup = () => {
      clearTimeout(timer);
      socket.off('error', onError);
      socket.off('close', onClose);
      signal.removeEventListener('abort', onAbort);
    };
    // A TLS 1.3 server sends its session tickets right after the handshake. Writing the next command only once
    // they are in lets it carry their ACK; otherwise the server's reply waits behind Nagle for our delayed ACK
    // (about 40 ms per session against Postfix). A server that sends no ticket costs at most TICKET_WAIT_MS.
    // The listener must exist before the handshake: node only reports tickets to listeners present by then.
    let ticket = false;
    let onTicket = () => {
      ticket = true;
    };
    socket.once('session', () => onTicket());
    socket.once('secureConnect', () => {
      cleanup();
      if (ticket || socket.getProtocol() !== 'TLSv1.3') {
        resolve(socket);
        return;
      }
      const timer = setTimeout(() => onTicket(), TICKET_WAIT_MS);
      onTicket = () => {
        clearTimeout(timer);
        // Not from inside the ticket callback: node is still processing the TLS record there.
        setImmediate(() => resolve(socket));
      };
    });
    socket.on('error', onError);
    socket.on('close', onClose);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** TCP connect with a bounded, abortable wait. */
export function tcpConnect(
  address: string,
  port: number,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<Socket> {
  return new Promise((resolve, reject) => {
    // No Nagle: a command written right after the TLS Finished would otherwise wait for a delayed ACK (~40 ms).
    const socket = netConnect({ host: address, port, noDelay: true });
    const done = (err?: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket.off('error', done);
      if (err) {
        socket.destroy();
        reject(err);
      } else resolve(socket);
    };
    const onAbort = () => done(Object.assign(new Error('probe time budget spent'), { code: 'ABORT_ERR' }));
    const timer = setTimeout(
      () =>
        done(
          Object.assign(new Error(`no answer within ${formatDuration(timeoutMs)}`), { code: 'ETIMEDOUT' }),
        ),
      timeoutMs,
    );
    socket.once('connect', () => done());
    socket.on('error', done);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Sends a message after a 354 to DATA and waits for the server's verdict on it: CRLF line ends, every line that
 * starts with a dot gets a second one (RFC 5321 4.5.2), then the lone `.` that ends it. The transcript gets the
 * size, not the content.
 */
export function sendMessage(w: SmtpWire, message: Buffer | string, timeoutMs: number): Promise<SmtpReply> {
  const text = typeof message === 'string' ? message : message.toString('utf8');
  const body = text.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..').replace(/\r\n$/, '');
  w.write(`${body}\r\n.`, `[message, ${Buffer.byteLength(text)} bytes]`);
  return w.readReply(timeoutMs);
}
