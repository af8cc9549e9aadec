import { BlockList, isIP } from 'node:net';
import { ConfigError } from '../../config/errors';
import type { DomainTarget } from '../dns/config';
import type { NamedTarget } from '../types';
import { domainSubject, expandRange, rangeSize, type Subject } from './address';
import type { DnsblGroup } from './config';

/** The part of `targets` the dnsbl probes read: the sending addresses and the mail domains. */
export interface DnsblTargetsInput {
  sendingIps: string[];
  domains: DomainTarget[];
}

/**
 * One target per sending address (CIDR ranges expanded, at most `maxRangeSize` addresses per entry) and per
 * domain, named by its canonical value. A range over the cap is a configuration error naming the entry: it
 * would otherwise silently create thousands of scheduled probes.
 */
export function dnsblTargets(targets: DnsblTargetsInput, group: DnsblGroup): NamedTarget<Subject>[] {
  const cap = group.options.maxRangeSize;
  const issues = targets.sendingIps.flatMap((entry, i) => {
    const size = rangeSize(entry);
    return size > BigInt(cap)
      ? [
          {
            path: `targets.sendingIps[${i}]`,
            message:
              `${entry} holds ${size} addresses, more than the ${cap} allowed by probe group "${group.name}" ` +
              '(options.maxRangeSize): list the addresses that send mail, raise maxRangeSize (at most 65536), or ' +
              'check the whole range once with `mailprobe dnsbl-sweep`',
          },
        ]
      : [];
  });
  if (issues.length > 0) throw new ConfigError('config', issues);

  const seen = new Set<string>();
  const out: NamedTarget<Subject>[] = [];
  const add = (subject: Subject) => {
    if (seen.has(subject.value)) return;
    seen.add(subject.value);
    out.push({ name: subject.value, target: subject });
  };
  for (const entry of targets.sendingIps) for (const s of expandRange(entry, cap)) add(s);
  for (const domain of targets.domains) add(domainSubject(domain.name));
  return out;
}

/** A group may name an entry of `sendingIps` or `domains`, or any single address inside a `sendingIps` range. */
export function isDnsblTarget(name: string, targets: DnsblTargetsInput): boolean {
  if ([...targets.sendingIps, ...targets.domains.map((d) => d.name)].includes(name)) return true;
  if (!isIP(name)) return false;
  const family = (ip: string) => (isIP(ip) === 6 ? 'ipv6' : 'ipv4');
  const list = new BlockList();
  for (const entry of targets.sendingIps) {
    const [addr = '', bits] = entry.split('/');
    if (bits === undefined) list.addAddress(addr, family(addr));
    else list.addSubnet(addr, Number(bits), family(addr));
  }
  return list.check(name, family(name));
}
