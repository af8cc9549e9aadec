import { ConfigError } from '../../config/errors';
import type { MailprobeConfig } from '../../config/schema';
import type { NamedTarget } from '../types';
import { domainSubject, expandRange, rangeSize, type Subject } from './address';
import type { DnsblGroup } from './config';

/**
 * One target per sending address (CIDR ranges expanded, at most `maxRangeSize` addresses per entry) and per
 * domain, named by its canonical value. A range over the cap is a configuration error naming the entry: it
 * would otherwise silently create thousands of scheduled probes.
 */
export function dnsblTargets(group: DnsblGroup, config: MailprobeConfig): NamedTarget<Subject>[] {
  const cap = group.options.maxRangeSize;
  const issues = config.targets.sendingIps.flatMap((entry, i) => {
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
  for (const entry of config.targets.sendingIps) for (const s of expandRange(entry, cap)) add(s);
  for (const domain of config.targets.domains) add(domainSubject(domain.name));
  return out;
}
