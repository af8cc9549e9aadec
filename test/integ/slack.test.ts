import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createSlackAlerter,
  type SlackAlerterOptions,
  SlackDeliveryError,
  type SlackPayload,
} from '../../shared/alert/slack';
import type { Alert } from '../../shared/alert/types';
import { causes } from '../../shared/model/causes/index';
import type { Log } from '../../shared/util/log';
import { slackCode, slackText } from '../../shared/util/sanitize';
import { failureAlert, incidentFailureAlert } from '../support/alert';

jest.setTimeout(15_000);

/** The secret part of a webhook URL: it must never show up in an error or a log line. */
const SECRET_PATH = '/services/T0SECRET/B0SECRET/xoxSECRETtoken1234';

type Responder = (req: IncomingMessage, res: ServerResponse, body: string) => void;

interface Hook {
  url: string;
  requests: { path: string; contentType: string | undefined; body: string }[];
  /** Answers in order; the last one repeats. */
  answer(...responders: Responder[]): void;
  close(): Promise<void>;
}

async function startHook(): Promise<Hook> {
  let responders: Responder[] = [(_q, res) => res.end('ok')];
  const requests: Hook['requests'] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    req.on('end', () => {
      requests.push({ path: req.url ?? '', contentType: req.headers['content-type'], body });
      const responder = responders.length > 1 ? responders.shift() : responders[0];
      responder?.(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${SECRET_PATH}`,
    requests,
    answer: (...r) => {
      responders = r;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const status =
  (code: number, text: string, headers: Record<string, string> = {}): Responder =>
  (_req, res) => {
    res.writeHead(code, { 'content-type': 'text/plain', ...headers });
    res.end(text);
  };
const ok = status(200, 'ok');
const hang: Responder = () => {};

const alert: Alert = failureAlert({
  checks: [
    {
      id: 'banner',
      status: 'fail',
      previousStatus: 'pass',
      cause: 'probe.crashed',
      message: '554 <!channel> @here go to <https://evil.example|the fix> & run `rm -rf`',
      change: 'new',
    },
  ],
});

/** Records log lines so a test can check the URL never reaches them. */
function recordingLog(): Log & { lines: string[] } {
  const lines: string[] = [];
  const add = (message: string, extra?: Record<string, unknown>) =>
    lines.push(`${message} ${JSON.stringify(extra)}`);
  return { lines, debug: add, info: add, warn: add, error: add };
}

let hook: Hook;
beforeEach(async () => {
  hook = await startHook();
});
afterEach(() => hook.close());

function alerter(overrides: Partial<SlackAlerterOptions> = {}) {
  return createSlackAlerter({
    webhookUrl: async () => hook.url,
    timeoutMs: 2_000,
    backoffMs: 10,
    ...overrides,
  });
}

async function failure(p: Promise<void>): Promise<SlackDeliveryError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SlackDeliveryError);
  const e = err as SlackDeliveryError;
  expect(`${e.message} ${JSON.stringify(e)} ${String(e.cause ?? '')}`).not.toContain('SECRET');
  return e;
}

describe('Slack alerter against a local webhook', () => {
  it('posts a Block Kit message with the catalog words and untrusted text escaped', async () => {
    await alerter({ mention: '<!subteam^S0ONCALL>' }).publish(alert);

    expect(hook.requests).toHaveLength(1);
    const [req] = hook.requests;
    expect(req?.path).toBe(SECRET_PATH);
    expect(req?.contentType).toBe('application/json; charset=utf-8');
    const payload = JSON.parse(req?.body ?? '{}') as SlackPayload;
    const c = causes['probe.crashed'];
    expect(payload.text).toBe(`<!subteam^S0ONCALL> [mailprobe] FAIL submission/mail.example.com: ${c.title}`);
    expect(payload.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'context']);
    expect(payload.blocks[0]).toEqual({
      type: 'header',
      text: {
        type: 'plain_text',
        text: `[mailprobe] FAIL submission/mail.example.com: ${c.title}`,
        emoji: false,
      },
    });
    expect(payload.blocks[1]).toEqual({
      type: 'section',
      text: {
        type: 'mrkdwn',
        verbatim: true,
        text: [
          '<!subteam^S0ONCALL> *Now failing (last run: pass).*',
          '*Probe:* smtp `submission/mail.example.com` · target mail.example.com',
          '*Run:* 2026-11-23 10:05 UTC · *since* 2026-11-23 10:00 UTC (5m)',
        ].join('\n'),
      },
    });
    expect(payload.blocks[2]).toEqual({
      type: 'section',
      text: {
        type: 'mrkdwn',
        verbatim: true,
        text: [
          `:red_circle: *${c.title}*  \`banner\` · \`probe.crashed\` · new`,
          '>554 &lt;!channel&gt; @\u2060here go to &lt;https://evil.example|the fix&gt; &amp; run `rm -rf`',
          // Catalog text is escaped too: remediations quote commands such as `--only <probe>`.
          `*Why:* ${slackText(c.explanation, 1000)}`,
          `*Fix:* ${slackText(c.remediation, 1000)}`,
        ].join('\n'),
      },
    });
    expect(payload.blocks[3]).toEqual({
      type: 'context',
      elements: [
        { type: 'mrkdwn', verbatim: true, text: 'History: `mailprobe history submission/mail.example.com`' },
        {
          type: 'mrkdwn',
          verbatim: true,
          text: 'Report: `mailprobe report --only submission/mail.example.com`',
        },
      ],
    });
  });

  it('posts an incident as Block Kit: likely cause, members, transcript, remote history and report, and the dashboard button', async () => {
    await alerter().publish(incidentFailureAlert());
    const payload = JSON.parse(hook.requests[0]?.body ?? '{}') as SlackPayload;
    const listed = causes['dnsbl.listed'];
    const spam = causes['canary.placement.spam'];
    expect(payload.text).toBe(`[mailprobe] FAIL bl/192.0.2.10: ${listed.title} (+1 related)`);
    expect(payload.blocks.map((b) => b.type)).toEqual([
      'header',
      'section',
      'section',
      'section',
      'section',
      'section',
      'context',
      'actions',
    ]);
    expect(payload.blocks[1]).toEqual({
      type: 'section',
      text: {
        type: 'mrkdwn',
        verbatim: true,
        text: '*Likely cause:* canary filed as spam (Junk) (canary/seed) 10 minutes after 192.0.2.10: listed on zen.spamhaus.org: SBL (127.0.0.2); DKIM and SPF unchanged',
      },
    });
    expect(payload.blocks[3]).toMatchObject({
      text: { text: expect.stringContaining('*Value:* `["127.0.0.2"]`') },
    });
    expect(payload.blocks[4]).toEqual({
      type: 'section',
      text: {
        type: 'mrkdwn',
        verbatim: true,
        text: [
          '*Incident* `f00dfeed12345678` · 2 probes involved, 2 failing now',
          `:red_circle: \`bl/192.0.2.10\` failing since 2026-11-23 10:00 UTC: *${listed.title}* listed on zen.spamhaus.org: SBL (127.0.0.2)`,
          `:red_circle: \`canary/seed\` failing since 2026-11-23 10:10 UTC: *${spam.title}* canary filed as spam (Junk)`,
        ].join('\n'),
      },
    });
    // The remote side's text stays inert inside the code block: no mention, no formatting.
    const transcript = (payload.blocks[5] as { text: { text: string } }).text.text;
    expect(transcript).toBe(
      `*Transcript (end, redacted)*\n\`\`\`${slackCode('A 10.2.0.192.zen.spamhaus.org: 127.0.0.2', 200)}\n${slackCode('TXT 10.2.0.192.zen.spamhaus.org: "<!channel> *buy*"', 200)}\`\`\``,
    );
    expect(transcript).not.toContain('<!channel>');
    expect(payload.blocks[6]).toEqual({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          verbatim: true,
          text: 'History: `mailprobe history bl/192.0.2.10 --remote --table mailprobe-prod-Results --region eu-west-1`',
        },
        {
          type: 'mrkdwn',
          verbatim: true,
          text: 'Report: `mailprobe report --remote --table mailprobe-prod-Results --region eu-west-1 --only bl/192.0.2.10 canary/seed`',
        },
      ],
    });
    expect(payload.blocks[7]).toEqual({
      type: 'actions',
      elements: [
        {
          type: 'button',
          text: { type: 'plain_text', text: 'CloudWatch dashboard', emoji: false },
          url: 'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/mailprobe-prod',
        },
      ],
    });
  });

  it('mentions only on failure alerts', async () => {
    await alerter({ mention: '<!here>' }).publish({ ...alert, type: 'reminder' });
    const payload = JSON.parse(hook.requests[0]?.body ?? '{}') as SlackPayload;
    expect(payload.text.startsWith('[mailprobe] STILL FAILING')).toBe(true);
    expect(hook.requests[0]?.body).not.toContain('<!here>');
  });

  it('waits as long as a 429 Retry-After says, then succeeds', async () => {
    hook.answer(status(429, 'rate_limited', { 'retry-after': '1' }), ok);
    // A backoff of 60 s would time the test out: the retry happens because Retry-After was honoured.
    await alerter({ backoffMs: 60_000 }).publish(alert);
    expect(hook.requests).toHaveLength(2);
    expect(hook.requests[1]?.body).toBe(hook.requests[0]?.body);
  });

  it('caps a long Retry-After', async () => {
    hook.answer(status(429, 'rate_limited', { 'retry-after': '3600' }), ok);
    await alerter({ maxRetryAfterMs: 20 }).publish(alert);
    expect(hook.requests).toHaveLength(2);
  });

  it('retries after a 500 and succeeds', async () => {
    hook.answer(status(500, 'internal_error'), ok);
    await alerter().publish(alert);
    expect(hook.requests).toHaveLength(2);
  });

  it('gives up after maxAttempts when Slack keeps failing', async () => {
    hook.answer(status(503, 'service_unavailable'));
    const err = await failure(alerter({ maxAttempts: 3 }).publish(alert));
    expect(hook.requests).toHaveLength(3);
    expect(err).toMatchObject({
      reason: 'exhausted',
      attempts: 3,
      status: 503,
      message: 'Slack webhook failed after 3 attempts: HTTP 503: service_unavailable',
    });
  });

  it('fails at once on a permanent 4xx without retrying', async () => {
    hook.answer(status(400, 'invalid_payload'));
    const err = await failure(alerter({ maxAttempts: 5 }).publish(alert));
    expect(hook.requests).toHaveLength(1);
    expect(err).toMatchObject({
      reason: 'rejected',
      status: 400,
      message: 'Slack rejected the alert: HTTP 400: invalid_payload',
    });
  });

  it('bounds a webhook that never answers by the per-attempt timeout and the attempt count', async () => {
    hook.answer(hang);
    const err = await failure(alerter({ timeoutMs: 150, maxAttempts: 2 }).publish(alert));
    expect(hook.requests).toHaveLength(2);
    expect(err).toMatchObject({
      reason: 'exhausted',
      message: 'Slack webhook failed after 2 attempts: no answer within 150 ms',
    });
  });

  it('reports a refused connection by its code, without the URL', async () => {
    const url = hook.url;
    await hook.close();
    const log = recordingLog();
    const err = await failure(alerter({ webhookUrl: async () => url, maxAttempts: 2, log }).publish(alert));
    expect(err.message).toBe('Slack webhook failed after 2 attempts: ECONNREFUSED');
    expect(log.lines).toHaveLength(1);
    expect(log.lines.join('\n')).not.toContain('SECRET');
    hook = await startHook();
  });

  it('masks the webhook path when the server echoes it back', async () => {
    hook.answer((req, res) => {
      res.writeHead(404);
      res.end(`no_service for ${req.url}`);
    });
    const err = await failure(alerter().publish(alert));
    expect(err.message).toBe('Slack rejected the alert: HTTP 404: no_service for [webhook]');
  });

  it('reads the secret lazily, once, and again after Slack says the hook is gone', async () => {
    let reads = 0;
    const a = alerter({
      webhookUrl: async () => {
        reads++;
        return hook.url;
      },
    });
    expect(reads).toBe(0);
    await a.publish(alert);
    await a.publish(alert);
    expect(reads).toBe(1);
    hook.answer(status(410, 'no_service'), ok);
    await failure(a.publish(alert));
    await a.publish(alert);
    expect(reads).toBe(2);
  });

  it('fails with reason secret when the secret cannot be read, and tries again next time', async () => {
    let reads = 0;
    const a = alerter({
      webhookUrl: async () => {
        reads++;
        if (reads === 1) throw new Error('secret secret:slack-hook unavailable: AccessDenied');
        return hook.url;
      },
    });
    const err = await failure(a.publish(alert));
    expect(err).toMatchObject({ reason: 'secret', message: 'Slack webhook secret could not be resolved' });
    await a.publish(alert);
    expect(hook.requests).toHaveLength(1);
  });

  it('refuses to send the alert over plain http to a remote host', async () => {
    const err = await failure(
      alerter({ webhookUrl: async () => `http://hooks.slack.example${SECRET_PATH}` }).publish(alert),
    );
    expect(err).toMatchObject({ reason: 'config', message: 'Slack webhook URL must use https' });
  });

  it('does not leak a malformed secret through the URL parser error', async () => {
    const err = await failure(alerter({ webhookUrl: async () => `not a url ${SECRET_PATH}` }).publish(alert));
    expect(err).toMatchObject({ reason: 'config', message: 'Slack webhook secret is not a URL' });
    expect(err.cause).toBeUndefined();
  });
});
