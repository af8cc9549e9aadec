/** DKIM failures named from mailauth's own result: selector, domain, and which of the fixes applies. */
import { generateKeyPairSync } from 'node:crypto';
import { dkimSign } from 'mailauth';
import type { CanaryOptions } from '../../shared/probes/canary/config';
import { type Arrival, arrivalChecks } from '../../shared/probes/canary/evaluate';
import { parseHeaders } from '../../shared/probes/canary/headers';
import { reverify } from '../../shared/probes/canary/reverify';

const DOMAIN = 'sender.test';

function keyPair() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    pem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    p: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
  };
}

/** mailauth's resolver contract: TXT as arrays of strings, ENOTFOUND for names that do not exist. */
function resolverOf(txt: Record<string, string>) {
  return async (name: string, type: string): Promise<never> => {
    const value = txt[name.toLowerCase()];
    if (type !== 'TXT' || value === undefined) {
      throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    }
    return [[value]] as never;
  };
}

const MESSAGE = [
  `From: alerts@${DOMAIN}`,
  'To: seed@receiver.test',
  'Subject: mailprobe canary abc',
  'Date: Tue, 01 Dec 2026 10:00:00 +0000',
  'Message-ID: <abc@sender.test>',
  '',
  'canary body',
  '',
].join('\r\n');

async function signed(pem: string, options: { expires?: Date; signTime?: Date } = {}): Promise<string> {
  const result = await dkimSign(MESSAGE, {
    signatureData: [{ signingDomain: DOMAIN, selector: 's1', privateKey: pem }],
    // Always a sign time: without one, mailauth 4.13 reads the clock once for the header it signs and again for
    // the header it writes, so a signature made across a half second carries a t= it does not sign (about 1 in 400
    // here; python3-dkim rejects those too). The canary's own sends sign with nodemailer, which writes no t=.
    signTime: options.signTime ?? new Date(),
    ...(options.expires ? { expires: options.expires } : {}),
  } as never);
  return result.signatures + MESSAGE;
}

async function dkimCheck(raw: string, txt: Record<string, string>) {
  const own = await reverify(Buffer.from(raw), parseHeaders(Buffer.from(raw)), resolverOf(txt));
  const arrival: Arrival = {
    token: 'abc',
    sentAt: new Date(),
    arrivedAt: new Date(),
    placement: 'inbox',
    where: 'INBOX',
    receiver: undefined,
    reverified: own.verdicts,
    dkimSignatures: own.dkim,
    hops: [],
  };
  return arrivalChecks(arrival, { latencyWarn: 600_000 } as CanaryOptions).find((c) => c.id === 'auth.dkim');
}

describe('DKIM failure reasons from the verifier', () => {
  const good = keyPair();
  const published = { [`s1._domainkey.${DOMAIN}`]: `v=DKIM1; k=rsa; p=${good.p}` };

  it('passes a signature the published key verifies', async () => {
    expect(await dkimCheck(await signed(good.pem), published)).toMatchObject({ status: 'pass' });
  });

  it('names a missing key with its selector and domain', async () => {
    const check = await dkimCheck(await signed(good.pem), {});
    expect(check).toMatchObject({
      status: 'fail',
      cause: 'canary.dkim.key-missing',
      details: { domain: DOMAIN, selector: 's1', failure: 'key-missing' },
    });
    expect(check?.message).toContain(
      `signature d=${DOMAIN} s=s1: no key published at s1._domainkey.${DOMAIN}`,
    );
  });

  it('names a published key that does not match the signing key', async () => {
    const check = await dkimCheck(await signed(keyPair().pem), published);
    expect(check).toMatchObject({
      status: 'fail',
      cause: 'canary.dkim.key-mismatch',
      details: { selector: 's1' },
    });
  });

  it('names a body changed after signing', async () => {
    const raw = (await signed(good.pem)).replace(
      'canary body',
      'canary body\r\n-- \r\nA footer added by a gateway',
    );
    expect(await dkimCheck(raw, published)).toMatchObject({
      status: 'fail',
      cause: 'canary.dkim.body-hash',
      details: { failure: 'body-hash' },
    });
  });

  it('names an expired signature', async () => {
    const raw = await signed(good.pem, {
      signTime: new Date(Date.now() - 3 * 86_400_000),
      expires: new Date(Date.now() - 2 * 86_400_000),
    });
    expect(await dkimCheck(raw, published)).toMatchObject({ status: 'fail', cause: 'canary.dkim.expired' });
  });
});
