import type { DnsResolver } from '../../dns/resolver';
import { gatherComplianceFacts } from './compliance';
import type { ImapArrival } from './config';
import type { Arrival } from './evaluate';
import { parseHeaders, receivedHops, receiverVerdicts } from './headers';
import { type ImapCredentials, SeedMailbox } from './imap';
import type { CanaryLedger } from './ledger';
import { mailauthResolver, reverify } from './reverify';
import { oneLine } from './text';

/** A canary the probe sent and still waits for. */
export interface Pending {
  token: string;
  sentAt: string;
}

/** Where arrivals are looked for: a seed mailbox over IMAP, or the ledger the inbound side writes. */
export interface ArrivalSource {
  find(pending: Pending): Promise<Arrival | undefined>;
  /** Pause between two polls of the same canary. */
  readonly pollMs: number;
  /** Folders that could not be searched. */
  missingFolders(): string[];
  /** Removes canaries stored before `before` that nobody will look for any more; the count removed. */
  sweep(before: Date): Promise<number>;
  close(): Promise<void>;
}

export function ledgerSource(ledger: CanaryLedger): ArrivalSource {
  return {
    pollMs: 1_000,
    missingFolders: () => [],
    // Ledger items expire by TTL.
    sweep: async () => 0,
    close: async () => {},
    async find(pending) {
      const record = await ledger.findArrival(pending.token);
      if (!record) return undefined;
      return {
        token: pending.token,
        sentAt: new Date(pending.sentAt),
        arrivedAt: new Date(record.receivedAt),
        placement: record.folder,
        where: record.source === 'ses' ? 'SES inbound' : 'mailprobe receive',
        receiver: record.verdicts,
        ...(record.dkimSignatures ? { dkimSignatures: record.dkimSignatures } : {}),
        hops: record.hops ?? [],
        extra: {
          ...(record.remoteAddress ? { remoteAddress: oneLine(record.remoteAddress) } : {}),
          ...(record.verdicts.spam ? { spamVerdict: record.verdicts.spam } : {}),
          ...(record.verdicts.virus ? { virusVerdict: record.verdicts.virus } : {}),
        },
      };
    },
  };
}

export async function imapSource(
  config: ImapArrival,
  credentials: ImapCredentials,
  io: {
    resolver: DnsResolver;
    signal: AbortSignal;
    log: (l: string) => void;
  },
): Promise<ArrivalSource> {
  const mailbox = await SeedMailbox.open(config, credentials, io);
  const dns = mailauthResolver(io.resolver);
  return {
    pollMs: 2_000,
    missingFolders: () => [...mailbox.missingFolders],
    sweep: (before) => mailbox.sweep(before),
    close: () => mailbox.close(),
    async find(pending) {
      const found = await mailbox.find(pending.token);
      if (!found) return undefined;
      io.log(`canary ${pending.token} found in ${found.folder} (uid ${found.uid})`);
      const headers = parseHeaders(found.raw);
      const receiver = receiverVerdicts(headers, config.authservId);
      const arrival: Arrival = {
        token: pending.token,
        sentAt: new Date(pending.sentAt),
        arrivedAt: found.arrivedAt,
        placement: found.placement,
        where: found.folder,
        receiver: receiver?.verdicts,
        hops: receivedHops(headers),
        extra: { folder: found.folder, ...(receiver ? { authservId: receiver.authservId } : {}) },
      };
      try {
        const own = await reverify(found.raw, headers, dns);
        arrival.reverified = own.verdicts;
        arrival.dkimSignatures = own.dkim;
        // The receiver's verdicts where it gave them, ours for the rest: what the provider would judge.
        const verdicts = { ...own.verdicts, ...(receiver?.verdicts ?? {}) };
        arrival.compliance = await gatherComplianceFacts(headers, verdicts, own.dkim, own.ip, dns);
        arrival.extra = {
          ...arrival.extra,
          dkimSignatures: own.dkim,
          ...(own.ip ? { clientIp: own.ip } : {}),
        };
      } catch (err) {
        io.log(`mailauth re-verification failed: ${oneLine((err as Error).message)}`);
      }
      try {
        const done = await mailbox.cleanup(found);
        if (done) arrival.extra = { ...arrival.extra, cleanup: done };
      } catch (err) {
        arrival.extra = { ...arrival.extra, cleanup: `failed: ${oneLine((err as Error).message)}` };
      }
      return arrival;
    },
  };
}
