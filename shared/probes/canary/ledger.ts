/** SPF/DKIM/DMARC (and spam/virus) verdicts as a receiver recorded them: `pass`, `fail`, `none`, `softfail`... */
export interface Verdicts {
  spf?: string;
  dkim?: string;
  dmarc?: string;
  spam?: string;
  virus?: string;
}

/**
 * Why a DKIM signature did not verify, from the verifier's own result: each has its own fix. `key-missing`: no
 * key at <s>._domainkey.<d>; `key-mismatch`: the published key does not verify the signature (rotated key, wrong
 * selector, signed headers changed); `body-hash`: the body changed after signing (footer, rewrite);
 * `expired`: past its x= time; `key-invalid`: the key record is malformed; `weak-key`: shorter than 1024 bits;
 * `dns-error`: the key lookup failed.
 */
export type DkimFailure =
  | 'key-missing'
  | 'key-mismatch'
  | 'body-hash'
  | 'expired'
  | 'key-invalid'
  | 'weak-key'
  | 'dns-error';

/** A type, not an interface: it is stored as JSON (ledger items, check details). */
export type DkimSignature = {
  domain: string;
  selector?: string;
  result: string;
  comment?: string;
  /** Set when the signature did not pass and the verifier said why. */
  failure?: DkimFailure;
  /** Key size in bits (RSA), when the key was fetched. */
  bits?: number;
  /** The header fields the signature covers (h=), lowercase. */
  signedHeaders?: string[];
};

/** One hop of the Received chain, oldest first. */
export interface Hop {
  by?: string;
  from?: string;
  at?: string;
}

/** A canary sent by a probe run: what the inbound side needs to accept its arrival. */
export interface CanarySendRecord {
  token: string;
  sentAt: string;
  /** The mailbox target name and the recipient address. */
  mailbox: string;
  to: string;
  group: string;
}

/** A canary seen by an inbound path (SES receipt rule, `mailprobe receive`). */
export interface CanaryArrivalRecord {
  token: string;
  receivedAt: string;
  source: 'ses' | 'receiver';
  /** `inbox` unless the inbound path filed it as spam (SES spam verdict FAIL is still delivered to the rule). */
  folder: 'inbox' | 'spam';
  verdicts: Verdicts;
  /** The inbound verifier's result per DKIM signature (`mailprobe receive`), with why each failed. */
  dkimSignatures?: DkimSignature[];
  hops: Hop[];
  /** Envelope and header sender as the inbound side saw them (bounded). */
  mailFrom?: string;
  remoteAddress?: string;
}

/**
 * Where canary sends and arrivals are recorded, so that a sender run, a later checker run and an inbound handler
 * (possibly different invocations) meet. Implemented on the results table (DynamoCanaryLedger) and in memory.
 */
export interface CanaryLedger {
  recordSend(send: CanarySendRecord): Promise<void>;
  findSend(token: string): Promise<CanarySendRecord | undefined>;
  /** Records an arrival once; false when the token has no recorded send (foreign or expired) or was already seen. */
  recordArrival(arrival: CanaryArrivalRecord): Promise<boolean>;
  findArrival(token: string): Promise<CanaryArrivalRecord | undefined>;
}
