import { BlockList, isIP } from 'node:net';
import type { ConfigIssue } from '../../config/errors';
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
 * An entry of `sendingIps` over the group's `maxRangeSize` is a configuration error naming the entry: it would
 * otherwise silently create thousands of scheduled probes.
 */
export function dnsblTargetIssues(targets: DnsblTargetsInput, group: DnsblGroup): ConfigIssue[] {
  const cap = group.options.maxRangeSize;
  return targets.sendingIps.flatMap((entry, i) => {
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
}

/** How many targets `dnsblTargets` returns at most (overlapping entries counted twice), without expanding. */
export function dnsblTargetCount(targets: DnsblTargetsInput, group: DnsblGroup): number {
  const cap = BigInt(group.options.maxRangeSize);
  const addresses = targets.sendingIps.reduce((n, entry) => {
    const size = rangeSize(entry);
    return n + (size < cap ? size : cap);
  }, 0n);
  return Number(addresses) + targets.domains.length;
}

/**
 * One target per sending address (CIDR ranges expanded, at most `maxRangeSize` addresses per entry, see
 * `dnsblTargetIssues`) and per domain, named by its canonical value.
 */
export function dnsblTargets(targets: DnsblTargetsInput, group: DnsblGroup): NamedTarget<Subject>[] {
  const cap = group.options.maxRangeSize;
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
