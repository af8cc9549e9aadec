import { ConfigError } from '../../shared/config/errors';
import { causes } from '../../shared/model/causes/index';
import { parseConfig } from '../../shared/suite/load';

const mailbox = {
  name: 'gmail-seed',
  address: 'seed@gmail.example',
  arrival: { via: 'imap', host: 'imap.gmail.com', user: 'seed@gmail.example', password: { env: 'SEED_PW' } },
};
const group = {
  name: 'canary',
  kind: 'canary',
  schedule: 'rate(15 minutes)',
  options: { from: 'canary@example.com', send: { via: 'ses' } },
};
const parse = (m: Record<string, unknown>[], g: Record<string, unknown>) =>
  parseConfig({ targets: { mailboxes: m }, probes: [g] }, 'test');

function issues(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map((i) => `${i.path}: ${i.message}`);
    throw err;
  }
  return [];
}

describe('canary config', () => {
  it('fills the defaults: IMAPS on 993, Junk watched, canary deleted, same-run check, 15 min window', () => {
    const config = parse([mailbox], group);
    expect(config.targets.mailboxes[0]?.arrival).toMatchObject({
      port: 993,
      mode: 'implicit-tls',
      inbox: 'INBOX',
      spamFolders: ['Junk'],
      afterCheck: 'delete',
    });
    expect(config.probes[0]).toMatchObject({
      options: { checkAfter: 0, window: 900_000, waitSeconds: 30, latencyWarn: 120_000 },
    });
  });

  it('names every bad field at once', () => {
    const found = issues(() =>
      parse(
        [
          { ...mailbox, arrival: { ...mailbox.arrival, accessToken: { env: 'TOKEN' }, afterCheck: 'move' } },
          { ...mailbox, arrival: { via: 'ledger' } },
        ],
        {
          ...group,
          options: {
            from: 'canary@example.com',
            send: { via: 'smtp', host: 'smtp.example.com', mode: 'plain' },
            checkAfter: '20m',
            window: '15m',
          },
        },
      ),
    );
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/password: give exactly one of password, accessToken or oauth2/),
        expect.stringMatching(/moveTo: afterCheck: move needs moveTo/),
        expect.stringMatching(/mode: plain mode is only for a receiver on loopback/),
        expect.stringMatching(/checkAfter: checkAfter must be shorter than window/),
        expect.stringMatching(/duplicate name "gmail-seed" in targets.mailboxes/),
      ]),
    );
  });

  it('asks for a mailbox target when a canary group has none', () => {
    expect(issues(() => parse([], group))).toEqual([
      expect.stringMatching(/no targets of the kind a canary probe needs \(targets.mailboxes\)/),
    ]);
  });

  it('has a catalog entry with title, explanation and remediation for every canary cause', () => {
    const ids = Object.keys(causes).filter((id) => id.startsWith('canary.'));
    expect(ids.length).toBeGreaterThanOrEqual(15);
    for (const id of ids) {
      const c = causes[id as keyof typeof causes];
      expect([id, c.title.length > 0, c.explanation.length > 80, c.remediation.length > 40]).toEqual([
        id,
        true,
        true,
        true,
      ]);
    }
  });
});
