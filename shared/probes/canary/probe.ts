import { setTimeout as sleep } from 'node:timers/promises';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
// zod's mini build: this runs in the canary function, where the classic build would add about 450 KB.
import * as z from 'zod/mini';
import { describeSecretRef, type SecretRef } from '../../config/secret-ref';
import type { Check, JsonObject } from '../../model/result';
import { formatDuration } from '../../util/duration';
import { providerRejection } from '../smtp/provider-rejections';
import type { ProbeContext, ProbeDefinition } from '../types';
import { type ArrivalSource, imapSource, ledgerSource, type Pending } from './arrival';
import type { CanaryGroup, ImapArrival, MailboxTarget } from './config';
import { type Arrival, arrivalChecks, missingCheck } from './evaluate';
import { ImapAccessError, type ImapCredentials, SeedMailbox } from './imap';
import type { CanaryLedger } from './ledger';
import type { CanaryMessage, SendResult } from './message';
import { AccessTokenCache, OAuthRefreshError } from './oauth2';
import { sendViaSes } from './send-ses';
import { sendViaSmtp } from './send-smtp';
import { oneLine } from './text';
import { isToken, newToken } from './token';

/** Canaries still awaited, at most this many (older ones past their window are counted as missed and dropped). */
const MAX_PENDING = 20;
/** First pause between two looks for a due canary; doubled up to the source's poll interval. */
const FIRST_POLL_MS = 100;
/** Canaries stored this long past the window are stale (IMAP BEFORE has day granularity: at least a day). */
const STALE_AFTER_WINDOW_MS = 86_400_000;

const memoSchema = z.object({
  pending: z.catch(
    z
      .array(z.object({ token: z.string().check(z.refine(isToken)), sentAt: z.iso.datetime() }))
      .check(z.maxLength(MAX_PENDING)),
    [],
  ),
  misses: z.catch(z.int().check(z.minimum(0), z.maximum(1000)), 0),
});
type Memo = z.infer<typeof memoSchema>;

function readMemo(memo: JsonObject | undefined): Memo {
  const parsed = memoSchema.safeParse(memo ?? {});
  // Fresh arrays: the probe appends to them, and zod's fallback value is one shared instance.
  return parsed.success
    ? { pending: [...parsed.data.pending], misses: parsed.data.misses }
    : { pending: [], misses: 0 };
}

class MissingSecret extends Error {
  override readonly name = 'MissingSecret';
}

/** A secret the runner resolved (and registered for redaction); a MissingSecret names the reference, never the value. */
function secret(ctx: ProbeContext, ref: SecretRef, what: string): string {
  try {
    return ctx.secret(ref);
  } catch (err) {
    throw new MissingSecret(`${what} ${describeSecretRef(ref)} could not be read`, { cause: err });
  }
}

/** What the canary probe needs from the platform: given to `createCanaryProbe`, never built by the probe. */
export interface CanaryProbeDeps {
  /** The SES v2 client for a region (`undefined`: the default region). */
  ses(region: string | undefined): Promise<SESv2Client>;
  /** Where sends and arrivals are recorded (the results table); without it, ledger arrivals are unknown. */
  ledger?: CanaryLedger;
}

/** The deps of one run: the platform's, and the probe definition's own access-token cache. */
type RunDeps = CanaryProbeDeps & { tokens: AccessTokenCache };

/**
 * How to log in to a seed (or bounce) mailbox: its password, a fixed access token, or, with `oauth2`, an access
 * token from the token endpoint (cached until it nearly expires) that is registered for redaction at once.
 * Throws MissingSecret or OAuthRefreshError.
 */
async function imapCredentials(
  config: ImapArrival,
  ctx: ProbeContext,
  tokens: AccessTokenCache,
  what: string,
): Promise<ImapCredentials> {
  const oauth2 = config.oauth2;
  if (oauth2) {
    const clientId =
      typeof oauth2.clientId === 'string'
        ? oauth2.clientId
        : secret(ctx, oauth2.clientId, `${what} OAuth2 client id`);
    const refreshToken = secret(ctx, oauth2.refreshToken, `${what} OAuth2 refresh token`);
    const clientSecret = oauth2.clientSecret
      ? secret(ctx, oauth2.clientSecret, `${what} OAuth2 client secret`)
      : undefined;
    const accessToken = await tokens.get(
      oauth2,
      { clientId, refreshToken, ...(clientSecret !== undefined ? { clientSecret } : {}) },
      { resolver: ctx.dns(), signal: ctx.signal, log: (line) => ctx.transcript.add(line) },
    );
    ctx.transcript.redact(accessToken);
    return { accessToken };
  }
  if (config.accessToken) return { accessToken: secret(ctx, config.accessToken, `${what} access token`) };
  return { password: secret(ctx, config.password as SecretRef, `${what} password`) };
}

const OAUTH_CAUSES = {
  rejected: 'canary.oauth.refresh-rejected',
  unavailable: 'canary.oauth.unavailable',
} as const;

async function sendCanary(
  group: CanaryGroup,
  message: CanaryMessage,
  ctx: ProbeContext,
  deps: CanaryProbeDeps,
): Promise<SendResult> {
  const send = group.options.send;
  const log = (line: string) => ctx.transcript.add(line);
  if (send.via === 'ses')
    return sendViaSes(await deps.ses(send.region), send, message, { signal: ctx.signal, log });
  const password = send.auth ? secret(ctx, send.auth.password, 'relay password') : undefined;
  const dkimKey = send.dkim ? secret(ctx, send.dkim.privateKey, 'DKIM private key') : undefined;
  return sendViaSmtp(
    send,
    message,
    { ...(password !== undefined ? { password } : {}), ...(dkimKey !== undefined ? { dkimKey } : {}) },
    { resolver: ctx.dns(), signal: ctx.signal, log },
  );
}

async function openSource(
  mailbox: MailboxTarget,
  ctx: ProbeContext,
  deps: RunDeps,
): Promise<ArrivalSource | Check> {
  const ledger = deps.ledger;
  const arrival = mailbox.arrival;
  if (arrival.via === 'ledger') {
    if (ledger) return ledgerSource(ledger);
    return {
      id: 'arrival',
      status: 'unknown',
      cause: 'canary.ledger.unavailable',
      message: 'arrivals are recorded in the results table, but this run has no canary ledger',
    };
  }
  try {
    const credentials = await imapCredentials(arrival, ctx, deps.tokens, 'IMAP');
    return await imapSource(arrival, credentials, {
      resolver: ctx.dns(),
      signal: ctx.signal,
      log: (line) => ctx.transcript.add(line),
    });
  } catch (err) {
    if (err instanceof OAuthRefreshError) {
      ctx.transcript.add(`OAuth2: ${err.message}`);
      return {
        id: 'arrival',
        status: 'unknown',
        cause: OAUTH_CAUSES[err.failure],
        message: `seed mailbox ${mailbox.name}: ${oneLine(err.message)}; arrival not checked`,
      };
    }
    if (!(err instanceof ImapAccessError)) throw err;
    ctx.transcript.add(`IMAP ${arrival.host}:${arrival.port}: ${err.message}`);
    return {
      id: 'arrival',
      status: 'unknown',
      cause: err.failure === 'login' ? 'canary.imap.login-failed' : 'canary.imap.unavailable',
      message: `seed mailbox ${mailbox.name}: ${oneLine(err.message)}; arrival not checked`,
    };
  }
}

interface DueOutcome {
  arrived: Arrival[];
  missed: Pending[];
  waiting: Pending[];
}

/**
 * Looks for every due canary; polls those still inside their window until they arrive, `waitMs` passes or the
 * run is aborted. Canaries past their window that are not found are missed.
 */
async function lookFor(
  due: Pending[],
  source: ArrivalSource,
  group: CanaryGroup,
  waitMs: number,
  ctx: ProbeContext,
): Promise<DueOutcome> {
  const { window } = group.options;
  const outcome: DueOutcome = { arrived: [], missed: [], waiting: [] };
  let open = [...due];
  const deadline = Date.now() + waitMs;
  for (let attempt = 0; ; attempt++) {
    const still: Pending[] = [];
    for (const pending of open) {
      const arrival = await source.find(pending);
      if (arrival) outcome.arrived.push(arrival);
      else if (ctx.now().getTime() - Date.parse(pending.sentAt) > window) outcome.missed.push(pending);
      else still.push(pending);
    }
    open = still;
    // Short pauses first (a canary on a healthy path lands within a second), then the source's own interval.
    const pause = Math.min(source.pollMs, FIRST_POLL_MS * 2 ** attempt);
    if (open.length === 0 || Date.now() + pause > deadline || ctx.signal.aborted) break;
    await sleep(pause, undefined, { signal: ctx.signal }).catch(() => undefined);
  }
  outcome.waiting = open;
  return outcome;
}

/** How long this run may poll: the configured wait, but never past the run's own deadline (minus a margin). */
function waitBudget(group: CanaryGroup, ctx: ProbeContext): number {
  const budgetLeft = ctx.deadline - Date.now() - 5_000;
  return Math.max(0, Math.min(group.options.waitSeconds * 1000, budgetLeft));
}

/** The canary probe, bound to the platform's SES clients and canary ledger. */
export function createCanaryProbe(deps: CanaryProbeDeps): ProbeDefinition<CanaryGroup, MailboxTarget> {
  // Access tokens of OAuth2 seeds live as long as the definition: a warm container reuses them for their hour.
  const tokens = new AccessTokenCache();
  return {
    kind: 'canary',
    // Every run sends a canary: one per schedule slot, however often the invocation is retried.
    sideEffects: true,
    run: (mailbox, group, ctx) => runCanary(mailbox, group, ctx, { ...deps, tokens }),
    metrics: (result) => {
      const phases = Object.entries(result.timings).map(([phase, ms]) => ({
        name: `Phase_${phase}`,
        unit: 'Milliseconds' as const,
        value: ms,
      }));
      // Delivery latency: send to arrival, as the arrival check measured it.
      const latency = result.checks.find((c) => c.id === 'arrival')?.details?.latencyMs;
      return typeof latency === 'number'
        ? [...phases, { name: 'DeliveryLatency', unit: 'Milliseconds', value: latency }]
        : phases;
    },
  };
}

async function runCanary(
  mailbox: MailboxTarget,
  group: CanaryGroup,
  ctx: ProbeContext,
  deps: RunDeps,
): Promise<{ checks: Check[]; memo: JsonObject }> {
  const memo = readMemo(ctx.memo);
  const checks: Check[] = [];
  const options = group.options;

  // 1. Send a new canary and remember it.
  const sentAt = ctx.now();
  const token = newToken();
  const message: CanaryMessage = { from: options.from, to: mailbox.address, token, sentAt };
  // The send is recorded first: a fast receiver may record the arrival before the relay's reply comes back.
  await deps.ledger
    ?.recordSend({
      token,
      sentAt: sentAt.toISOString(),
      mailbox: mailbox.name,
      to: mailbox.address,
      group: group.name,
    })
    .catch((err: Error) => {
      ctx.log.warn('canary send not recorded in the ledger', { token, error: oneLine(err.message) });
      if (mailbox.arrival.via === 'ledger') {
        checks.push({
          id: 'ledger',
          status: 'unknown',
          cause: 'canary.ledger.unavailable',
          message: `send of ${token} not recorded: ${oneLine(err.message)}; its arrival cannot be matched`,
        });
      }
    });
  try {
    const sent = await ctx.timings.measure('send', () => sendCanary(group, message, ctx, deps));
    checks.push(sent.check);
    if (sent.accepted) memo.pending.push({ token, sentAt: sentAt.toISOString() });
  } catch (err) {
    if (!(err instanceof MissingSecret)) throw err;
    checks.push({
      id: 'send',
      status: 'unknown',
      cause: 'canary.config.secret-unavailable',
      message: err.message,
    });
  }

  // 2. Look for the canaries whose check time has come.
  const now = ctx.now().getTime();
  const due = memo.pending.filter((p) => Date.parse(p.sentAt) + options.checkAfter <= now);
  const notDue = memo.pending.filter((p) => !due.includes(p));
  if (due.length === 0) return { checks, memo: toMemo(memo) };

  let source: ArrivalSource | Check;
  try {
    source = await ctx.timings.measure('connect', () => openSource(mailbox, ctx, deps));
  } catch (err) {
    if (!(err instanceof MissingSecret)) throw err;
    source = {
      id: 'arrival',
      status: 'unknown',
      cause: 'canary.config.secret-unavailable',
      message: err.message,
    };
  }
  if (!('find' in source)) return { checks: [...checks, source], memo: toMemo(memo) };

  let outcome: DueOutcome;
  try {
    outcome = await ctx.timings.measure('arrival', () =>
      lookFor(due, source, group, waitBudget(group, ctx), ctx),
    );
  } catch (err) {
    await source.close().catch(() => undefined);
    const failure =
      err instanceof ImapAccessError ? err.message : `${(err as Error).name}: ${(err as Error).message}`;
    return {
      checks: [
        ...checks,
        {
          id: 'arrival',
          status: 'unknown',
          cause: mailbox.arrival.via === 'imap' ? 'canary.imap.unavailable' : 'canary.ledger.unavailable',
          message: `arrival not checked: ${oneLine(failure)}`,
        },
      ],
      memo: toMemo(memo),
    };
  }
  // Canaries older than any window are no longer looked for: remove late arrivals so the mailbox stays small.
  const stale = new Date(ctx.now().getTime() - options.window - STALE_AFTER_WINDOW_MS);
  const swept = await source.sweep(stale).catch((err: Error) => {
    ctx.transcript.add(`sweep of stale canaries failed: ${oneLine(err.message)}`);
    return 0;
  });
  if (swept > 0) ctx.transcript.add(`removed ${swept} stale canaries stored before ${stale.toISOString()}`);
  await source.close().catch(() => undefined);

  // Canaries not seen: did a bounce (DSN) come back to the sender?
  const unseen = [...outcome.missed, ...outcome.waiting];
  if (options.bounces && unseen.length > 0) {
    const bounces = await ctx.timings.measure('bounces', () =>
      lookForBounces(unseen, options.bounces as ImapArrival, ctx, deps.tokens),
    );
    checks.push(...bounces.checks);
    outcome.missed = outcome.missed.filter((p) => !bounces.bounced.has(p.token));
    outcome.waiting = outcome.waiting.filter((p) => !bounces.bounced.has(p.token));
  }

  for (const folder of source.missingFolders()) {
    checks.push({
      id: `folder:${folder}`,
      status: 'warn',
      cause: 'canary.imap.folder-missing',
      message: `folder "${oneLine(folder)}" of ${mailbox.name} could not be opened; canaries filed there go unseen`,
    });
  }

  // 3. Verdicts: misses and arrivals in send order; the newest arrival explains placement and authentication.
  const events = [
    ...outcome.missed.map((p) => ({ at: Date.parse(p.sentAt), missed: p })),
    ...outcome.arrived.map((a) => ({ at: a.sentAt.getTime(), arrived: a })),
  ].sort((a, b) => a.at - b.at);
  let lastMiss: Pending | undefined;
  for (const event of events) {
    if ('missed' in event && event.missed) {
      memo.misses += 1;
      lastMiss = event.missed;
    } else {
      memo.misses = 0;
      lastMiss = undefined;
    }
  }
  const newest = outcome.arrived.sort((a, b) => b.sentAt.getTime() - a.sentAt.getTime())[0];
  if (newest) checks.push(...arrivalChecks(newest, options));
  if (lastMiss) {
    const miss = missingCheck(lastMiss.token, new Date(lastMiss.sentAt), memo.misses, options.window);
    const index = checks.findIndex((c) => c.id === 'arrival');
    if (index === -1) checks.push(miss);
    else checks[index] = miss;
  }
  const oldest = outcome.waiting[0];
  if (!newest && !lastMiss && oldest) {
    checks.push({
      id: 'arrival',
      status: 'pass',
      message: `canary ${oldest.token} not seen yet, ${formatDuration(now - Date.parse(oldest.sentAt))} after sending (window ${formatDuration(options.window)})`,
      details: { awaiting: outcome.waiting.length },
    });
  }
  memo.pending = [...notDue, ...outcome.waiting];
  return { checks, memo: toMemo(memo) };
}

/**
 * Searches the sender's mailbox for DSNs of canaries not seen. A permanent failure resolves its canary (it will
 * never arrive); a delay notice is a warning and the canary stays awaited.
 */
async function lookForBounces(
  unseen: Pending[],
  config: ImapArrival,
  ctx: ProbeContext,
  tokens: AccessTokenCache,
): Promise<{ checks: Check[]; bounced: Set<string> }> {
  const bounced = new Set<string>();
  let mailbox: SeedMailbox;
  try {
    const credentials = await imapCredentials(config, ctx, tokens, 'bounce mailbox');
    mailbox = await SeedMailbox.open(config, credentials, {
      resolver: ctx.dns(),
      signal: ctx.signal,
    });
  } catch (err) {
    if (!(err instanceof ImapAccessError || err instanceof MissingSecret || err instanceof OAuthRefreshError))
      throw err;
    const cause =
      err instanceof MissingSecret
        ? 'canary.config.secret-unavailable'
        : err instanceof OAuthRefreshError
          ? OAUTH_CAUSES[err.failure]
          : err.failure === 'login'
            ? 'canary.imap.login-failed'
            : 'canary.imap.unavailable';
    const message = `bounce mailbox ${config.user}: ${oneLine(err.message)}; bounces not checked`;
    return { checks: [{ id: 'bounce', status: 'unknown', cause, message }], bounced };
  }
  const checks: Check[] = [];
  try {
    for (const pending of unseen) {
      const found = await mailbox.findBounce(pending.token);
      if (!found) continue;
      ctx.transcript.add(`bounce for ${pending.token} in ${found.folder}: ${found.action} ${found.status}`);
      const hard = found.action === 'failed';
      if (hard) bounced.add(pending.token);
      if (config.afterCheck !== 'keep') await mailbox.cleanup(found).catch(() => undefined);
      if (checks.some((c) => c.status === 'fail')) continue;
      // The Diagnostic-Code of a DSN quotes the remote reply: a provider's published rejection names the cause.
      const code = Number(/\b([45]\d\d)\b/.exec(found.diagnostic ?? '')?.[1] ?? (hard ? 550 : 450));
      const known = providerRejection({ code, enhanced: found.status, text: found.diagnostic ?? '' });
      const check: Check = {
        id: 'bounce',
        status: hard ? 'fail' : 'warn',
        cause: known?.cause ?? (hard ? 'canary.bounce.hard' : 'canary.bounce.soft'),
        message:
          `canary ${pending.token} ${hard ? 'bounced' : 'delayed'}: ${found.status} ${found.diagnostic ?? ''}`.trim(),
        details: {
          token: pending.token,
          enhancedCode: found.status,
          ...(found.diagnostic ? { diagnostic: found.diagnostic } : {}),
          ...(found.recipient ? { recipient: found.recipient } : {}),
          ...(known?.details ?? {}),
        },
      };
      checks.splice(0, checks.length, check);
    }
  } finally {
    await mailbox.close();
  }
  return { checks, bounced };
}

/** The memo to keep: the newest MAX_PENDING canaries still awaited (a long outage must not wipe the list). */
function toMemo(memo: Memo): JsonObject {
  return { pending: memo.pending.slice(-MAX_PENDING).map((p) => ({ ...p })), misses: memo.misses };
}
