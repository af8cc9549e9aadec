import { type Log, silentLog } from '../util/log';
import { plainText, slackCode, slackText, terminalText, truncate } from '../util/sanitize';
import { formatTime, type RenderedCheck, renderAlert, STATE_WORD } from './render';
import type { Alert, Alerter } from './types';

export interface SlackAlerterOptions {
  /** Resolves the incoming-webhook URL (a secret). Called on first use; called again after Slack says the hook is gone. */
  webhookUrl: () => Promise<string>;
  /** `<!here>`, `<!channel>`, `<@U…>` or `<!subteam^…>`, added to failure alerts only. */
  mention?: string;
  /** Per attempt, connect to last byte. Default 5 s. */
  timeoutMs?: number;
  /** Attempts in all, including the first. Default 4. */
  maxAttempts?: number;
  /** Longest wait honoured from a 429's Retry-After. Default 30 s. */
  maxRetryAfterMs?: number;
  /** First backoff after a 5xx, network error or timeout; doubles per attempt. Default 500 ms. */
  backoffMs?: number;
  log?: Log;
}

export type SlackFailure = 'secret' | 'config' | 'rejected' | 'exhausted';

/** The alert did not reach Slack. The message never contains the webhook URL (it is the secret). */
export class SlackDeliveryError extends Error {
  override readonly name = 'SlackDeliveryError';
  constructor(
    message: string,
    readonly reason: SlackFailure,
    readonly attempts: number,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

type Text =
  | { type: 'mrkdwn'; text: string; verbatim: true }
  | { type: 'plain_text'; text: string; emoji: false };
interface Button {
  type: 'button';
  text: { type: 'plain_text'; text: string; emoji: false };
  url: string;
}
type Block =
  | { type: 'header'; text: Text }
  | { type: 'section'; text: Text }
  | { type: 'context'; elements: Text[] }
  | { type: 'actions'; elements: Button[] };
export interface SlackPayload {
  text: string;
  blocks: Block[];
}

/** Escaped untrusted text only; `verbatim` stops Slack from auto-linking or parsing mentions in it. */
const mrkdwn = (text: string): Text => ({ type: 'mrkdwn', text, verbatim: true });

const EMOJI = {
  pass: ':large_green_circle:',
  warn: ':large_yellow_circle:',
  unknown: ':white_circle:',
  fail: ':red_circle:',
};

/** Slack caps a header at 150 and a section text at 3000 characters. */
const HEADER_MAX = 150;
const SECTION_MAX = 3000;

function checkSection(c: RenderedCheck): Block {
  const label = [`\`${slackCode(c.id, 100)}\``, c.causeId ? `\`${c.causeId}\`` : '', c.change ?? '']
    .filter(Boolean)
    .join(' · ');
  const observed = slackText(c.message, 600)
    .split('\n')
    .slice(0, 10)
    .map((line) => `>${line}`)
    .join('\n');
  const lines = [`${EMOJI[c.status]} *${slackText(c.title, 150)}*  ${label}`, observed];
  if (c.observed !== undefined) lines.push(`*Value:* \`${slackCode(c.observed, 300)}\``);
  if (c.explanation) lines.push(`*Why:* ${slackText(c.explanation, 1000)}`);
  if (c.remediation) lines.push(`*Fix:* ${slackText(c.remediation, 1000)}`);
  return { type: 'section', text: mrkdwn(truncate(lines.join('\n'), SECTION_MAX)) };
}

/** The Block Kit message for one alert. The configured mention goes on failure alerts only. */
export function slackPayload(alert: Alert, mention?: string): SlackPayload {
  const r = renderAlert(alert);
  const ping = mention && alert.type === 'failure' ? `${mention} ` : '';
  const summary = [
    `${ping}*${slackText(r.headline)}*`,
    `*Probe:* ${alert.kind} \`${slackCode(alert.probeId)}\` · target ${slackText(alert.target)}`,
    `*Run:* ${r.at}${r.since ? ` · *since* ${r.since}` : ''}`,
  ].join('\n');
  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: plainText(r.subject, HEADER_MAX), emoji: false } },
  ];
  if (r.incident?.cause) {
    blocks.push({ type: 'section', text: mrkdwn(`*Likely cause:* ${slackText(r.incident.cause, 1000)}`) });
  }
  blocks.push({ type: 'section', text: mrkdwn(summary) }, ...r.checks.map(checkSection));
  if (r.omittedChecks > 0)
    blocks.push({ type: 'context', elements: [mrkdwn(`…and ${r.omittedChecks} more checks`)] });
  if (r.incident) blocks.push(incidentSection(r.incident));
  if (r.transcript.length > 0) {
    const excerpt = r.transcript.map((l) => slackCode(l, 200)).join('\n');
    blocks.push({
      type: 'section',
      text: mrkdwn(truncate(`*Transcript (end, redacted)*\n\`\`\`${excerpt}\`\`\``, SECTION_MAX)),
    });
  }
  blocks.push({
    type: 'context',
    elements: [
      mrkdwn(`History: \`${slackCode(r.historyCommand)}\``),
      mrkdwn(`Report: \`${slackCode(r.reportCommand)}\``),
    ],
  });
  if (r.dashboardUrl && /^https:\/\//.test(r.dashboardUrl) && r.dashboardUrl.length <= 3000) {
    blocks.push({
      type: 'actions',
      elements: [
        {
          type: 'button',
          text: { type: 'plain_text', text: 'CloudWatch dashboard', emoji: false },
          url: r.dashboardUrl,
        },
      ],
    });
  }
  return { text: `${ping}${slackText(r.subject)}`, blocks };
}

function incidentSection(incident: NonNullable<ReturnType<typeof renderAlert>['incident']>): Block {
  const lines = [`*Incident* \`${slackCode(incident.id, 40)}\` · ${incident.summary}`];
  for (const m of incident.members) {
    lines.push(
      `${EMOJI[m.status]} \`${slackCode(m.probeId, 100)}\` ${STATE_WORD[m.state]} since ${formatTime(m.since)}: *${slackText(m.title, 150)}* ${slackText(m.message, 200)}`,
    );
  }
  if (incident.omitted > 0) lines.push(`…and ${incident.omitted} more probes`);
  return { type: 'section', text: mrkdwn(truncate(lines.join('\n'), SECTION_MAX)) };
}

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** Checks the secret is a URL we may post to: https, or http on loopback (tests, local relays). */
function webhookTarget(value: string): URL {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    // The TypeError would carry the input, which is the secret: no cause attached.
    throw new SlackDeliveryError('Slack webhook secret is not a URL', 'config', 0);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    throw new SlackDeliveryError('Slack webhook URL must use https', 'config', 0);
  }
  return url;
}

/** Milliseconds a Retry-After header asks for (seconds or an HTTP date); undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // An HTTP date has a weekday and month name; Date.parse alone would read `-5` as a year.
  const at = /[A-Za-z]{3}/.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** A network error as a short code (ECONNREFUSED, UND_ERR_SOCKET...), never its message, which may name the URL. */
function networkCode(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown } }).cause;
  const code = typeof cause?.code === 'string' ? cause.code : (err as Error).name;
  return /^[A-Za-z_]{1,40}$/.test(code) ? code : 'network error';
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Posts alerts to a Slack incoming webhook. Retries 429 after its Retry-After (capped), and 5xx, network
 * errors and timeouts with doubling backoff, up to `maxAttempts`; any other 4xx fails at once.
 */
export function createSlackAlerter(options: SlackAlerterOptions): Alerter {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const maxAttempts = Math.max(1, options.maxAttempts ?? 4);
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 30_000;
  const backoffMs = options.backoffMs ?? 500;
  const log = options.log ?? silentLog;
  let cached: Promise<URL> | undefined;

  const target = (): Promise<URL> => {
    cached ??= options.webhookUrl().then(webhookTarget, (err: unknown) => {
      throw new SlackDeliveryError('Slack webhook secret could not be resolved', 'secret', 0, undefined, {
        cause: err,
      });
    });
    const pending = cached;
    pending.catch(() => {
      if (cached === pending) cached = undefined;
    });
    return pending;
  };

  return {
    name: 'slack',
    async publish(alert) {
      const url = await target();
      // Whatever a server sends back is shown without the secret path, even if it echoes it.
      const redact = (text: string) => {
        let out = text.split(url.href).join('[webhook]');
        if (url.pathname.length > 1) out = out.split(url.pathname).join('[webhook]');
        return terminalText(out, { max: 200 });
      };
      const body = JSON.stringify(slackPayload(alert, options.mention));
      let last = '';
      let lastStatus: number | undefined;

      for (let attempt = 1; attempt <= maxAttempts; attempt++) {
        let wait = backoffMs * 2 ** (attempt - 1);
        try {
          const res = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json; charset=utf-8' },
            body,
            redirect: 'error',
            signal: AbortSignal.timeout(timeoutMs),
          });
          const answer = redact(await res.text());
          if (res.ok) return;
          lastStatus = res.status;
          if (res.status === 429) {
            wait = Math.min(retryAfterMs(res.headers.get('retry-after')) ?? wait, maxRetryAfterMs);
            last = `HTTP 429 rate limited${answer ? `: ${answer}` : ''}`;
          } else if (res.status >= 500) {
            last = `HTTP ${res.status}${answer ? `: ${answer}` : ''}`;
          } else {
            // 403/404/410: the hook was revoked or the secret rotated; read the secret again next time.
            if ([403, 404, 410].includes(res.status)) cached = undefined;
            throw new SlackDeliveryError(
              `Slack rejected the alert: HTTP ${res.status}${answer ? `: ${answer}` : ''}`,
              'rejected',
              attempt,
              res.status,
            );
          }
        } catch (err) {
          if (err instanceof SlackDeliveryError) throw err;
          lastStatus = undefined;
          const name = (err as Error).name;
          last =
            name === 'TimeoutError' || name === 'AbortError'
              ? `no answer within ${timeoutMs} ms`
              : networkCode(err);
        }
        if (attempt < maxAttempts) {
          log.warn('Slack delivery failed, retrying', { attempt, reason: last, waitMs: wait });
          await sleep(wait);
        }
      }
      throw new SlackDeliveryError(
        `Slack webhook failed after ${maxAttempts} attempts: ${last}`,
        'exhausted',
        maxAttempts,
        lastStatus,
      );
    },
  };
}
