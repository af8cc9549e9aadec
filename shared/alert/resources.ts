/**
 * What a probe shares with other probes, as `kind:value` strings: the correlator groups alerts of probes that share
 * a resource a cause relation names (shared/model/causes/relations.ts). From the probe's own target and group (its
 * configuration) and from what its result observed (the certificate an endpoint presented).
 */
import { isIP } from 'node:net';
import type { ResolverSettings } from '../config/resolver';
import type { ResourceKind } from '../model/causes/relations';
import type { ProbeKind, ProbeResult } from '../model/result';
import type { CanaryGroup, MailboxTarget } from '../probes/canary/config';
import type { DomainTarget } from '../probes/dns/config';
import type { Subject } from '../probes/dnsbl/address';
import type { SmtpEndpoint } from '../probes/smtp/config';
import type { ProbeSpec } from '../suite/expand';
import type { MailprobeConfig } from '../suite/schema';

/** What correlation needs of the config: where mail is sent from, and the resolver every DNS probe shares. */
export interface ResourceContext {
  targets: Pick<MailprobeConfig['targets'], 'domains' | 'sendingIps'>;
  resolver: ResolverSettings;
}

export const resource = (kind: ResourceKind, value: string): string => `${kind}:${value.toLowerCase()}`;

export const resourceKind = (key: string): ResourceKind => key.slice(0, key.indexOf(':')) as ResourceKind;
export const resourceValue = (key: string): string => key.slice(key.indexOf(':') + 1);

function resolverOf(config: ResourceContext): string {
  return resource('resolver', config.resolver.servers.join(',') || 'system');
}

const singleIps = (entries: readonly string[]) => entries.filter((e) => isIP(e) !== 0);

function canaryResources(spec: ProbeSpec, config: ResourceContext): string[] {
  const mailbox = spec.target as MailboxTarget;
  const { options } = spec.group as CanaryGroup;
  const fromDomain = options.from.slice(options.from.lastIndexOf('@') + 1);
  const domain = config.targets.domains.find((d) => d.name.toLowerCase() === fromDomain.toLowerCase());
  const out = [resource('mailbox', mailbox.address), resource('domain', fromDomain)];
  for (const ip of singleIps(domain?.sendingIps ?? config.targets.sendingIps)) out.push(resource('ip', ip));
  if (options.send.via === 'smtp') {
    out.push(resource('host', options.send.host));
    const dkim = options.send.dkim;
    if (dkim) out.push(resource('dkim', `${dkim.selector}._domainkey.${dkim.domain}`));
  } else {
    for (const s of domain?.dkimSelectors ?? []) out.push(resource('dkim', `${s}._domainkey.${fromDomain}`));
  }
  return out;
}

/** The resources a probe's configuration says it depends on. */
function configResources(spec: ProbeSpec, config: ResourceContext): string[] {
  switch (spec.kind as ProbeKind) {
    case 'smtp':
      return [resource('host', (spec.target as SmtpEndpoint).host), resolverOf(config)];
    case 'dns': {
      const d = spec.target as DomainTarget;
      return [
        resource('domain', d.name),
        ...d.dkimSelectors.map((s) => resource('dkim', `${s}._domainkey.${d.name}`)),
        ...singleIps(d.sendingIps ?? []).map((ip) => resource('ip', ip)),
        resolverOf(config),
      ];
    }
    case 'dnsbl': {
      const s = spec.target as Subject;
      return [resource(isIP(s.value) ? 'ip' : 'domain', s.value), resolverOf(config)];
    }
    case 'canary':
      return canaryResources(spec, config);
    default:
      return [resolverOf(config)];
  }
}

/** Resources a result observed: the certificate (SHA-256 fingerprint) an SMTP endpoint presented. */
function observedResources(result: ProbeResult): string[] {
  const out: string[] = [];
  for (const c of result.checks) {
    const fp = c.details?.fingerprint256;
    if (c.id === 'tls.certificate' && typeof fp === 'string' && fp.length > 0) {
      out.push(resource('cert', fp.slice(0, 23)));
    }
  }
  return out;
}

export function probeResources(spec: ProbeSpec, config: ResourceContext, result: ProbeResult): string[] {
  return [...new Set([...configResources(spec, config), ...observedResources(result)])].sort();
}
