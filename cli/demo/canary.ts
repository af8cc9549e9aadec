import { generateKeyPairSync } from 'node:crypto';
import { startReceiver } from '../../shared/probes/canary/receiver';
import { DynamoCanaryLedger } from '../../shared/store/canary-ledger';
import { openEmbeddedStore } from '../../shared/store/embedded';
import { silentLog } from '../../shared/util/log';
import { DEFAULT_DATA_DIR } from '../context';
import type { DemoLab, DemoPartFactory } from './types';

const DOMAIN = 'canary.demo.test';
/** A sender whose DKIM key was rotated without publishing the new one, sending through a relay not in its SPF. */
const ROTATED = 'rotated.demo.test';
const GOOD_KEY_ENV = 'MAILPROBE_DEMO_CANARY_DKIM_KEY';
const WRONG_KEY_ENV = 'MAILPROBE_DEMO_CANARY_WRONG_DKIM_KEY';

/** A TXT value as strings of at most 255 bytes. */
function chunks(value: string): string[] {
  return value.match(/.{1,255}/g) ?? [];
}

function rsaKey(): { privatePem: string; publicB64: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privatePem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicB64: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
  };
}

/**
 * The canary demo: an in-process receiver (`mailprobe receive`) on loopback recording arrivals in the demo's
 * store, sender domains with SPF, DKIM and DMARC (p=quarantine) in the demo DNS, and two canary groups: one
 * signed with the published key (delivered to the inbox, all pass) and one whose domain rotated its DKIM key
 * without publishing it and does not list the relay in SPF (SPF, DKIM and DMARC fail, filed as spam).
 */
export const canaryDemo: DemoPartFactory = async (lab: DemoLab) => {
  const good = rsaKey();
  const wrong = rsaKey();
  lab.dns.add({
    [DOMAIN]: [{ type: 'TXT', data: ['v=spf1 ip4:127.0.0.1 -all'] }],
    [`s1._domainkey.${DOMAIN}`]: [{ type: 'TXT', data: chunks(`v=DKIM1; k=rsa; p=${good.publicB64}`) }],
    [`_dmarc.${DOMAIN}`]: [{ type: 'TXT', data: [`v=DMARC1; p=quarantine; rua=mailto:dmarc@${DOMAIN}`] }],
    [ROTATED]: [{ type: 'TXT', data: ['v=spf1 ip4:192.0.2.25 -all'] }],
    [`s1._domainkey.${ROTATED}`]: [{ type: 'TXT', data: chunks(`v=DKIM1; k=rsa; p=${good.publicB64}`) }],
    [`_dmarc.${ROTATED}`]: [{ type: 'TXT', data: ['v=DMARC1; p=quarantine'] }],
  });
  const previous = { good: process.env[GOOD_KEY_ENV], wrong: process.env[WRONG_KEY_ENV] };
  process.env[GOOD_KEY_ENV] = good.privatePem;
  process.env[WRONG_KEY_ENV] = wrong.privatePem;

  const embedded = await openEmbeddedStore({ dataDir: lab.dataDir ?? DEFAULT_DATA_DIR });
  const ledger = new DynamoCanaryLedger({ client: embedded.client, tableName: embedded.tableName });
  const [host, port] = lab.dns.server.split(':');
  const receiver = await startReceiver({
    ledger,
    resolver: { servers: [`${host}:${port}`], timeoutMs: 1000, tries: 1 },
    log: silentLog,
    hostname: 'mx.receiver.demo.test',
  });

  const group = (name: string, domain: string, keyEnv: string) => ({
    name,
    kind: 'canary' as const,
    schedule: 'rate(15 minutes)',
    timeoutSeconds: 20,
    targets: ['demo-seed'],
    options: {
      from: `canary@${domain}`,
      send: {
        via: 'smtp' as const,
        host: '127.0.0.1',
        port: receiver.port,
        mode: 'plain' as const,
        ehloName: `out.${domain}`,
        dkim: { domain, selector: 's1', privateKey: { env: keyEnv } },
      },
      checkAfter: '0s',
      waitSeconds: 5,
    },
  });

  return {
    targets: {
      mailboxes: [
        { name: 'demo-seed', address: 'seed@receiver.demo.test', arrival: { via: 'ledger' as const } },
      ],
    },
    probes: [
      group('canary-signed', DOMAIN, GOOD_KEY_ENV),
      group('canary-rotated-key', ROTATED, WRONG_KEY_ENV),
    ],
    async close() {
      await receiver.close();
      await embedded.close();
      for (const [env, value] of [
        [GOOD_KEY_ENV, previous.good],
        [WRONG_KEY_ENV, previous.wrong],
      ] as const) {
        if (value === undefined) delete process.env[env];
        else process.env[env] = value;
      }
    },
  };
};
