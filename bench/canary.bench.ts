/**
 * Canary round trip on the lab: the probe sends a DKIM-signed canary through lab Postfix (STARTTLS), waits until
 * it is visible over IMAPS in Dovecot, verifies it again with mailauth against NSD, and deletes it. Median and p95
 * over 20 canaries, sequentially, plus the median of each phase. Then the send alone, in process against in
 * process: compose, DKIM-sign and hand over (STARTTLS, MAIL, RCPT, DATA, QUIT) against Python's smtplib with
 * python3-dkim doing the same over the same session, message sizes read from Postfix's log. The lab must be up
 * (`test/lab/install.sh` once, then `test/lab/up.sh`); without it this throws rather than inventing figures.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createResolver } from '../shared/dns/resolver';
import type { SmtpSend } from '../shared/probes/canary/config';
import { sendViaSmtp } from '../shared/probes/canary/send-smtp';
import {
  CANARY_HEADER,
  canaryHeaderValue,
  canarySubject,
  canaryText,
  newToken,
} from '../shared/probes/canary/token';
import { runCanary } from '../test/integ/canary-harness';
import { labCanary, labDkimKey, labSecrets } from '../test/lab/canary-lab';
import { LAB_HOST, LAB_MAIL_HOSTNAME, labPaths, labPorts } from '../test/lab/ports';
import { loadNote, median } from './measure';
import type { BenchRow } from './types';

const exec = promisify(execFile);
const SENDS = 20;
const BLOCK = 5;

const CANARIES = 20;

async function labReachable(): Promise<void> {
  const problem = !existsSync(labPaths.caCert)
    ? `no lab CA at ${labPaths.caCert}`
    : await new Promise<string | undefined>((resolve) => {
        const s = connect({ host: LAB_HOST, port: labPorts.imaps });
        s.setTimeout(2000, () => s.destroy(new Error('timeout')));
        s.once('connect', () => {
          s.destroy();
          resolve(undefined);
        });
        s.once('error', (err) => resolve(err.message));
      });
  if (problem) {
    throw new Error(
      `canary bench needs the lab (Postfix ${labPorts.smtp}, Dovecot IMAPS ${labPorts.imaps}, NSD ${labPorts.dns}): ` +
        `${problem}; run test/lab/install.sh once, then test/lab/up.sh`,
    );
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

/** Byte size of each message Postfix queued, by Message-ID (cleanup logs the id, qmgr the size). */
function queuedSizes(): Map<string, number> {
  const idOf = new Map<string, string>();
  const sizes = new Map<string, number>();
  for (const line of readFileSync(labPaths.maillog, 'utf8').split('\n')) {
    const id = /: ([0-9A-F]+): message-id=(<[^>]+>)/.exec(line);
    if (id) idOf.set(id[1] as string, id[2] as string);
    const size = /: ([0-9A-F]+): from=<[^>]*>, size=(\d+),/.exec(line);
    const messageId = size && idOf.get(size[1] as string);
    if (size && messageId) sizes.set(messageId, Number(size[2]));
  }
  return sizes;
}

/**
 * The canary send alone, in process: sendViaSmtp (nodemailer's MailComposer composes, its DKIM signer signs, the
 * project's SMTP wire sends) against bench/peers/canary_send.py (email + dkim + smtplib), same relay, session,
 * signer and message fields; interleaved blocks.
 */
async function sendComparison(): Promise<BenchRow[]> {
  const setup = labCanary();
  const send = setup.group.options.send as SmtpSend & { via: 'smtp' };
  const from = setup.group.options.from;
  const to = setup.mailbox.address;
  const io = { resolver: createResolver(setup.config.resolver), log: () => {} };
  const once = async () => {
    const message = { from, to, token: newToken(), sentAt: new Date() };
    const cpu = process.cpuUsage();
    const start = performance.now();
    const result = await sendViaSmtp(
      send,
      message,
      { dkimKey: labDkimKey },
      { ...io, signal: AbortSignal.timeout(30_000) },
    );
    const ms = performance.now() - start;
    const used = process.cpuUsage(cpu);
    if (!result.accepted) throw new Error(`canary send failed: ${result.check.message}`);
    return {
      ms,
      cpuMs: (used.user + used.system) / 1000,
      messageId: String(result.check.details?.messageId),
    };
  };
  const sample = { token: newToken(), sentAt: new Date() };
  const job = {
    host: send.host,
    port: send.port,
    caFile: labPaths.caCert,
    servername: send.tls?.servername ?? LAB_MAIL_HOSTNAME,
    ehloName: send.ehloName,
    from,
    to,
    subject: canarySubject(sample.token),
    text: canaryText(sample.token, sample.sentAt),
    headerName: CANARY_HEADER,
    headerValue: canaryHeaderValue(sample.token, sample.sentAt),
    dkimDomain: send.dkim?.domain,
    selector: send.dkim?.selector,
    dkimKey: labDkimKey,
    runs: BLOCK,
  };
  await once(); // warm-up: module loading and the first TLS context are not what is measured
  const ours: Awaited<ReturnType<typeof once>>[] = [];
  const peer = { ms: [] as number[], cpuMs: 0, messageIds: [] as string[] };
  for (let block = 0; block < SENDS / BLOCK; block++) {
    for (let i = 0; i < BLOCK; i++) ours.push(await once());
    const child = exec('/usr/bin/python3', [join(__dirname, 'peers/canary_send.py')], { timeout: 60_000 });
    child.child.stdin?.end(JSON.stringify(job));
    const out = JSON.parse((await child).stdout) as {
      ms: number[];
      cpu: number;
      messages: [string, number][];
    };
    peer.ms.push(...out.ms);
    peer.cpuMs += out.cpu * 1000;
    peer.messageIds.push(...out.messages.map(([id]) => id));
  }
  // Postfix logs a message once it is queued; a moment after the last send every one is there.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const sizes = queuedSizes();
  const sizeOf = (ids: string[]) => median(ids.map((id) => sizes.get(id) ?? Number.NaN));
  const note =
    `baseline: python3 smtplib + python3-dkim (relaxed/relaxed rsa-sha256, same key and signed headers), compose ` +
    `+ sign + STARTTLS + MAIL + RCPT + DATA + QUIT to lab Postfix ${send.port}, warm process; message sizes as ` +
    `queued by Postfix: ours ${sizeOf(ours.map((o) => o.messageId))} B, peer ${sizeOf(peer.messageIds)} B; ` +
    `${SENDS} sends each in interleaved blocks of ${BLOCK}; ${loadNote()}`;
  const wallMs = median(ours.map((o) => o.ms));
  const peerMs = median(peer.ms);
  return [
    {
      figure: `canary send in process vs smtplib + python3-dkim, wall (median of ${SENDS})`,
      value: Math.round(wallMs * 10) / 10,
      unit: 'ms',
      baseline: Math.round(peerMs * 10) / 10,
      note: `goal <= 2x: ${wallMs / peerMs <= 2 ? 'met' : 'missed'}; ${note}`,
    },
    {
      figure: `canary send in process vs smtplib + python3-dkim, CPU per send (mean of ${SENDS})`,
      value: Math.round((ours.reduce((a, o) => a + o.cpuMs, 0) / SENDS) * 10) / 10,
      unit: 'ms',
      baseline: Math.round((peer.cpuMs / SENDS) * 10) / 10,
      note:
        'process CPU (user + sys) over the sends, each side in its own warm process; same runs as the row above. ' +
        'The send waits for the TLS 1.3 session ticket before its EHLO (as the smtp probe does), so Postfix does ' +
        'not hold the reply behind the ticket until a delayed ACK (about 40 ms a send with nodemailer)',
    },
  ];
}

export async function run(): Promise<BenchRow[]> {
  await labReachable();
  const setup = labCanary();
  const totals: number[] = [];
  const phases: Record<string, number[]> = { send: [], connect: [], arrival: [] };
  for (let i = 0; i < CANARIES; i++) {
    const started = performance.now();
    const result = await runCanary(setup, { secrets: labSecrets });
    const elapsed = performance.now() - started;
    const failing = result.checks.filter((c) => c.status !== 'pass');
    if (failing.length > 0) {
      throw new Error(
        `canary ${i + 1} did not pass: ${failing.map((c) => `${c.id}: ${c.message}`).join('; ')}`,
      );
    }
    totals.push(elapsed);
    for (const phase of Object.keys(phases)) phases[phase]?.push(result.timings[phase] ?? 0);
  }
  const sorted = [...totals].sort((a, b) => a - b);
  const send = await sendComparison();
  const note = `${CANARIES} canaries, lab Postfix -> Dovecot -> IMAPS, mailauth on NSD`;
  return [
    {
      figure: 'canary round trip (send -> visible over IMAP -> verified), median',
      value: Math.round(percentile(sorted, 50)),
      unit: 'ms',
      note,
    },
    { figure: 'canary round trip, p95', value: Math.round(percentile(sorted, 95)), unit: 'ms', note },
    {
      figure: 'canary send (DKIM sign + SMTP STARTTLS), median',
      value: Math.round(median(phases.send ?? [])),
      unit: 'ms',
    },
    { figure: 'canary IMAPS login, median', value: Math.round(median(phases.connect ?? [])), unit: 'ms' },
    {
      figure: 'canary wait until found + verified + deleted, median',
      value: Math.round(median(phases.arrival ?? [])),
      unit: 'ms',
    },
    ...send,
  ];
}
