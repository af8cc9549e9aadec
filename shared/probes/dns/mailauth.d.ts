// Declarations for the mailauth internals the dns probe uses that ship without their own types.

declare module 'mailauth/lib/tools' {
  /** Parses and loads a DKIM/ARC public key record from DNS, as mailauth's verifier does. */
  export function getPublicKey(
    type: 'DKIM',
    name: string,
    minBitLength: number,
    resolver: (name: string, type: string) => Promise<string[][]>,
  ): Promise<{ publicKey: string; rr: string; modulusLength?: number }>;
  /** Relaxed (organisational-domain, Public Suffix List) alignment of `fromDomain` with any of `domains`. */
  export function getAlignment(
    fromDomain: string,
    domains: string[],
    strict: boolean,
  ): { domain: string } | false;
}

declare module 'mailauth/lib/dmarc/get-dmarc-record' {
  /** DMARC policy discovery: `_dmarc.<domain>`, then the organisational domain's record. */
  function getDmarcRecord(
    domain: string,
    resolver: (name: string, type: string) => Promise<unknown>,
  ): Promise<false | ({ rr: string; isOrgRecord: boolean } & Record<string, unknown>)>;
  export = getDmarcRecord;
}
