import type { CauseTable } from './types';

/** Causes named by the `dnsbl` probe. Ids start with `dnsbl.`. */
export const dnsblCauses = {
  'dnsbl.listed': {
    title: 'Listed on a DNS blocklist',
    explanation:
      'The blocklist answered with a listing code for this address or domain. Receivers that consult this list ' +
      'reject or junk mail from it. Listings follow spam traps hit, user complaints or abuse the operator saw: a ' +
      'compromised mailbox or web form sending spam, an open relay or proxy, malware on a host behind the same ' +
      'NAT address, or bulk mail sent to old or purchased lists.',
    remediation:
      "Read the listing reason (TXT) and the list's lookup page first. Find and stop the source before asking " +
      'for removal: check the outbound queue and logs for unusual volume (`postqueue -p`, `mailq`), reset ' +
      'credentials of accounts sending from odd places, close open relays (`swaks --to x@other.example --server ' +
      '<you>` must be refused), scan hosts sharing the IP. Then request delisting at the URL given; most lists ' +
      'also expire entries on their own once the abuse stops. Repeated listings after delisting mean the source ' +
      'is still active.',
  },
  'dnsbl.listed.policy': {
    title: 'Listed on a policy blocklist (address should not send direct mail)',
    explanation:
      'The address is in a range its owner or the list declared as not meant to deliver mail directly to MX ' +
      'servers (dynamic or residential pools, Spamhaus PBL, RATS-Dyna). This is not an accusation of spam, but ' +
      'receivers that use the list refuse direct-to-MX mail from it.',
    remediation:
      "If the host sends mail straight to recipients' MX servers, relay it through a smarthost or your " +
      "provider's submission service instead, or move it to a static address with proper reverse DNS. If the " +
      'address really is a dedicated mail server, ask the network owner to mark the range as static, or use the ' +
      "list's self-service removal (Spamhaus PBL allows it for static servers with matching FCrDNS).",
  },
  'dnsbl.listed.reputation': {
    title: 'Poor reputation on a DNS reputation list',
    explanation:
      'The list does not block the address or domain outright but rates it as suspicious (URIBL grey, Mailspike ' +
      'poor-reputation levels, missing reverse DNS on RATS-NoPtr). Filters add spam score for it, so mail lands ' +
      'in junk more often.',
    remediation:
      'Check reverse DNS (the PTR must name a host that resolves back to the address), SPF/DKIM/DMARC alignment ' +
      'and complaint rates; send only to opted-in recipients and remove bounces. Reputation lists usually ' +
      "improve on their own within days of clean sending; the list's page explains what it measures.",
  },
  'dnsbl.listed.backscatter': {
    title: 'Listed for backscatter (bounces to forged senders)',
    explanation:
      'The server accepts mail it cannot deliver and then sends bounces, or sends auto-replies and out-of-office ' +
      'notices, to the forged sender addresses of spam. Backscatter lists catch those messages; receivers use ' +
      'them mostly to refuse bounces and auto-replies from the address.',
    remediation:
      'Reject unknown recipients and spam during the SMTP session (5xx at RCPT TO or after DATA) instead of ' +
      'accepting and bouncing later: recipient validation on relays and backup MX (`smtpd_reject_unlisted_recipient`, ' +
      '`relay_recipient_maps` in Postfix), no auto-replies to mail that failed SPF/DMARC or is marked as spam. The ' +
      'listing expires once no backscatter is seen; paid express removal is optional.',
  },
  'dnsbl.resolver.refused': {
    title: 'Blocklist refused to answer our resolver',
    explanation:
      'The blocklist answered with its "query refused" code (Spamhaus 127.255.255.254, URIBL 127.0.0.1) instead ' +
      'of a verdict. Large lists refuse queries that arrive through public or cloud resolvers (8.8.8.8, 1.1.1.1, ' +
      'the Amazon VPC resolver) or from unregistered networks. The address may or may not be listed: nothing is ' +
      'known.',
    remediation:
      'For Spamhaus, get a free Data Query Service key and set `dqsKey` on the dnsbl probe group (queries then go ' +
      'to <key>.zen.dq.spamhaus.net). Otherwise run your own recursive resolver that queries the lists directly ' +
      '(e.g. unbound on the probe host or in the VPC) and put it in `resolver.servers`; for lists that require ' +
      "registration (URIBL, Barracuda) register the resolver's public IP with them.",
  },
  'dnsbl.resolver.rate-limited': {
    title: 'Blocklist query limit exceeded',
    explanation:
      'The blocklist answered with its "too many queries" code (Spamhaus 127.255.255.255, DNSWL 127.0.0.255): ' +
      "the resolver's address went over the free-use volume. No verdict was given.",
    remediation:
      'Query through a caching resolver of your own so repeated lookups are not sent upstream, reduce how often ' +
      'and how many addresses are checked, or take a data feed / paid subscription (Spamhaus DQS, DNSWL ' +
      'registration) that lifts the limit.',
  },
  'dnsbl.zone.misconfigured': {
    title: 'Blocklist zone queried the wrong way',
    explanation:
      'The list answered with a code meaning the query itself was wrong: Spamhaus 127.255.255.252 (unknown zone ' +
      'name or invalid DQS key), 127.0.1.255 (an IP address sent to the domain list DBL), or another documented ' +
      'error code of the zone. The configuration, not the target, is at fault.',
    remediation:
      'Check the zone name and kind in the dnsbl configuration (IP lists get addresses, domain lists get ' +
      'domains), and that the DQS key is the current one from the Spamhaus portal. `mailprobe dnsbl-sweep ' +
      '127.0.0.2 --zones <zone>` must show the test listing.',
  },
  'dnsbl.answer.out-of-range': {
    title: 'Blocklist answer outside 127.0.0.0/8',
    explanation:
      'A DNSBL answers listings with addresses in 127.0.0.0/8 only. Any other address comes from something in ' +
      'between: a resolver that rewrites NXDOMAIN into an advertising or captive-portal page, a parked or ' +
      'expired blocklist domain with a wildcard, or DNS interception. Treating it as a listing would be a false ' +
      'alarm, so the verdict is unknown.',
    remediation:
      'Query the same name through another resolver (`dig @<resolver> <reversed-ip>.<zone> A`) and compare. If ' +
      'your resolver rewrites answers, switch to one that does not (your own unbound, or disable "search ' +
      'assist"/NXDOMAIN redirection). If every resolver gives it, the zone has been abandoned: remove it from ' +
      'the configuration.',
  },
  'dnsbl.answer.invalid': {
    title: 'Blocklist answered a code it does not define',
    explanation:
      'The zone answered 127.0.0.1, or another code in 127.0.0.0/8 that its documentation reserves for errors. ' +
      'RFC 5782 forbids 127.0.0.1 as a listing code, so this is not a verdict; it usually means the list refused ' +
      'or misread the query.',
    remediation:
      'Look up what the list documents for that code; if it is an access or error signal, fix access as for a ' +
      'refused resolver, and declare the code under `overrides.<zone>.errors` so it is named precisely next time.',
  },
  'dnsbl.query.timeout': {
    title: 'Blocklist lookup timed out',
    explanation:
      "No answer came within the configured timeout and tries. The list's nameservers may be down or " +
      'overloaded, UDP/TCP port 53 towards them may be filtered, or the configured resolver is unreachable. ' +
      'Not an indication of a listing.',
    remediation:
      'Test the resolver and the zone directly (`dig @<resolver> 2.0.0.127.<zone> A`); if only this zone times ' +
      'out repeatedly, it is probably unmaintained and can be removed. If all zones time out, the resolver or ' +
      'the network path to it is broken. Raise `resolver.timeoutMs` only for a known slow resolver.',
  },
  'dnsbl.query.servfail': {
    title: 'Blocklist lookup failed (SERVFAIL)',
    explanation:
      "The resolver answered SERVFAIL: it could not get an answer from the zone's nameservers (lame or broken " +
      'delegation, DNSSEC validation failure, nameservers refusing the resolver). Not an indication of a listing.',
    remediation:
      'Run `dig +trace 2.0.0.127.<zone> A` and `dig @<resolver> ... +cd` to see whether delegation or DNSSEC is ' +
      'failing. If the zone is broken for everyone, wait or remove it; if only your resolver fails, check its ' +
      'logs and outbound DNS access.',
  },
  'dnsbl.query.refused': {
    title: 'Resolver refused the blocklist lookup (REFUSED)',
    explanation:
      "The DNS server answered REFUSED. Usually the configured resolver does not allow recursion for the probe's " +
      "address (an authoritative-only server, or an ACL such as `allow-recursion`), or the list's nameservers " +
      'refuse this network. Not an indication of a listing.',
    remediation:
      "Check that the servers in `resolver.servers` are recursive resolvers that allow the probe's source " +
      'address (`dig @<server> example.com` must answer with the RA flag). For a single zone, check whether the ' +
      'list requires registration of the querying resolver.',
  },
  'dnsbl.query.error': {
    title: 'Blocklist lookup failed',
    explanation:
      'The lookup ended with an error other than a timeout, SERVFAIL or REFUSED (a malformed response, a ' +
      'connection error, a cancelled query). Not an indication of a listing.',
    remediation:
      'Repeat the lookup with `dig` against the configured resolver to see the raw response; check the probe ' +
      'logs for the error code.',
  },
  'dnsbl.zone.dead': {
    title: 'Blocklist zone failed its self-test (test entry missing)',
    explanation:
      'RFC 5782 requires every DNSBL to list its test entry (127.0.0.2, ::FFFF:7F00:2, or TEST for domain ' +
      'lists). This zone did not: it has been shut down, emptied, or is not reachable the way it is configured. ' +
      'Its "not listed" answers mean nothing, so all its verdicts are unknown.',
    remediation:
      "Check the list's website for a shutdown notice (SORBS, for example, closed in 2024) and remove the zone " +
      'from the configuration; if the zone moved, update its name. If the list has a non-standard test entry, ' +
      'set it with `overrides.<zone>.selfTest`.',
  },
  'dnsbl.zone.lists-everything': {
    title: 'Blocklist zone lists everything (failed self-test)',
    explanation:
      'The zone lists 127.0.0.1 (or INVALID for domain lists), which RFC 5782 forbids. This is what a retired ' +
      'list does when its operator wildcards it to force users to stop querying, or what a hijacked or parked ' +
      'domain looks like. Any address would appear listed, so its verdicts are unknown, never "listed".',
    remediation:
      'Remove the zone from the configuration now, and from every mail server that still queries it: a mail ' +
      'server using it rejects all incoming mail.',
  },
  'dnsbl.coverage.no-zones': {
    title: 'No blocklist zone covers this kind of target',
    explanation:
      'None of the configured zones lists this kind of target (IPv6 addresses, or domains), so nothing was ' +
      'checked. Without a zone the target is unmonitored; this is reported as unknown rather than a clean pass.',
    remediation:
      'For IPv6 senders add zones that list IPv6: Spamhaus ZEN via `dqsKey`, Abusix via `abusixKey`, or a ' +
      'customZones entry with `kinds: [ip6]`. For domains keep the default domain lists (multi.surbl.org, ' +
      'multi.uribl.com, Spamhaus DBL via DQS) or add your own; or remove the target from this group with ' +
      '`targets`.',
  },
} as const satisfies CauseTable;
