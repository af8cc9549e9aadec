import type { MailprobeConfigInput } from '../../shared/suite/schema';

/**
 * One probe kind's share of the `npm start` demo lab: the servers it started on loopback (healthy and broken
 * targets) and the config fragment that points probes at them.
 */
export interface DemoPart {
  targets?: Partial<NonNullable<MailprobeConfigInput['targets']>>;
  probes: MailprobeConfigInput['probes'];
  close(): Promise<void>;
}

/** Shared demo infrastructure a part may use: the demo DNS server (records can be added at any time). */
export interface DemoLab {
  /** The data directory of the run (parts that record directly in the results table open it too). */
  dataDir?: string;
  dns: {
    /** `127.0.0.1:<port>`: what the demo config puts in `resolver.servers`. */
    server: string;
    add(records: import('./dns-server').ZoneRecords): void;
  };
}

export type DemoPartFactory = (lab: DemoLab) => Promise<DemoPart>;
