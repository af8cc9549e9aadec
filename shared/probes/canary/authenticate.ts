import { isIP } from 'node:net';
import type { DKIMVerifyResult, DMARCResult, SPFResult } from 'mailauth';

export interface MessageAuthOptions {
  resolver: (name: string, type: string) => Promise<never>;
  /** The receiving MTA's name, in the verdicts' comments. */
  mta: string;
  /** The client that handed the message over: SPF is evaluated only when it is known. */
  ip?: string;
  helo?: string;
  /** MAIL FROM (DKIM's verifier defaults it to the Return-Path header). */
  sender?: string;
}

export interface MessageAuth {
  dkim: DKIMVerifyResult;
  spf: SPFResult | false;
  dmarc: DMARCResult | false;
}

/**
 * DKIM, SPF and DMARC of one message, as mailauth's `authenticate` computes them with ARC and BIMI off, through
 * its submodules. `authenticate` loads its BIMI module whatever the options, and with it an HTTP client and the
 * XML and certificate parsers of VMC validation: about 700 KB of a function bundle that no canary uses. The
 * submodules load with the first message verified (a canary whose verdicts come from the ledger needs none).
 */
export async function authenticateMessage(raw: Buffer, options: MessageAuthOptions): Promise<MessageAuth> {
  const [{ dkimVerify }, { spf }, { dmarc }] = await Promise.all([
    import('mailauth/lib/dkim/verify'),
    import('mailauth/lib/spf'),
    import('mailauth/lib/dmarc'),
  ]);
  const { resolver, mta, ip, sender } = options;
  const dkim = await dkimVerify(raw, { resolver, ...(sender ? { sender } : {}) });
  let spfResult: SPFResult | false = false;
  if (ip) {
    // As authenticate does: without a HELO name the address stands in, in the bracket syntax of an address literal.
    const helo = options.helo || ip;
    spfResult = await spf({
      ip,
      helo: isIP(helo) ? `[${helo}]` : helo,
      mta,
      resolver,
      ...(sender ? { sender } : {}),
    });
  }
  if (!dkim.headerFrom) return { dkim, spf: spfResult, dmarc: false };
  const dmarcResult = await dmarc({
    headerFrom: dkim.headerFrom,
    spfDomains: spfResult && spfResult.status.result === 'pass' && spfResult.domain ? [spfResult.domain] : [],
    // DMARC aligns on the domain; `underSized` (bytes a signature's l= left unsigned) ranks full signatures first.
    dkimDomains: dkim.results
      .filter((r) => r.status.result === 'pass')
      .map((r) => ({
        domain: r.signingDomain,
        ...(r.status.underSized ? { underSized: r.status.underSized } : {}),
      })),
    resolver,
  });
  return { dkim, spf: spfResult, dmarc: dmarcResult };
}
