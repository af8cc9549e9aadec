import type { CauseTable } from './types';

const c = (title: string, explanation: string, remediation: string) => ({ title, explanation, remediation });

/** Causes named by the `dns` probe. Ids start with `dns.`. */
export const dnsCauses = {
  // --- lookups that got no answer: always `unknown`, never "record missing" -------------------------------------
  'dns.lookup.timeout': c(
    'DNS query timed out',
    'The resolver the probe uses did not answer in time, after every configured try. Nothing is known about the ' +
      'record: receivers may see it fine, or the zone’s name servers may be unreachable for everyone.',
    'Query the name with `dig @<resolver> <name> <type>` and against each authoritative server ' +
      '(`dig +trace`, or `dig @<ns> <name>`). If the authoritative servers are slow or unreachable, fix them; if ' +
      'only the probe’s resolver times out, check `resolver.servers`, `timeoutMs` and the network path.',
  ),
  'dns.lookup.servfail': c(
    'DNS query answered SERVFAIL',
    'The resolver could not get an answer from the zone’s name servers: they are down, lame (not serving the zone ' +
      'they are delegated), or the zone’s DNSSEC signatures fail validation. Receivers using a validating resolver ' +
      'fail the same way and treat SPF/DMARC as temporary errors.',
    'Run `dig +dnssec <name>` and `delv <name>` to see whether DNSSEC validation fails (expired RRSIG, DS not ' +
      'matching the DNSKEY after a key roll); run `dig +trace <name>` to find a lame or unreachable name server.',
  ),
  'dns.lookup.refused': c(
    'DNS query refused',
    'The resolver refused to answer. This is usually the probe’s resolver policy (not open for recursion from the ' +
      'probe’s address), not a problem of the checked domain.',
    'Point `resolver.servers` at a resolver that allows the probe to recurse, or allow the probe’s address on it ' +
      '(BIND `allow-recursion`, Unbound `access-control`).',
  ),
  'dns.lookup.error': c(
    'DNS query failed',
    'The query failed in a way that is neither an answer nor a known server error (malformed response, local ' +
      'resolver problem), so the probe cannot tell whether the record exists.',
    'Repeat the query with `dig` from the probe’s network and look at the transcript of the result for the exact ' +
      'query and error code.',
  ),

  // --- MX --------------------------------------------------------------------------------------------------------
  'dns.mx.missing': c(
    'No MX and no address record',
    'The domain has neither an MX record nor an A/AAAA record to fall back to, so senders have nowhere to deliver ' +
      'mail for it: messages bounce with "Host or domain name not found".',
    'Publish MX records for the domain pointing at the hosts that receive its mail (`example.com. MX 10 ' +
      'mx1.example.com.`). If the domain must never receive mail, publish a null MX (`MX 0 .`) instead.',
  ),
  'dns.mx.implicit': c(
    'No MX record (implicit MX)',
    'Without an MX record, senders deliver to the domain’s own A/AAAA address (RFC 5321 5.1). This works only if a ' +
      'mail server listens there, and many receivers and policies (MTA-STS, DANE) expect an explicit MX.',
    'Publish explicit MX records for the hosts that receive mail; or a null MX (`MX 0 .`) if the domain sends only.',
  ),
  'dns.mx.null-mixed': c(
    'Null MX mixed with other MX records',
    'A null MX (`MX 0 .`, RFC 7505) declares that the domain accepts no mail; published next to other MX records ' +
      'it is invalid, and senders may either bounce everything or ignore the null record.',
    'Decide whether the domain receives mail: remove the `MX 0 .` record if it does, or remove the other MX ' +
      'records if it does not.',
  ),
  'dns.mx.ip-literal': c(
    'MX points at an IP address',
    'An MX record must name a host; an address written as the target is looked up as a host name (`192.0.2.1.`), ' +
      'which does not exist, so senders cannot deliver.',
    'Create an A/AAAA record for a host name (`mx1.example.com. A 192.0.2.1`) and point the MX at that name.',
  ),
  'dns.mx.host-unresolvable': c(
    'MX host has no address',
    'The host named by the MX record has no A or AAAA record, so senders cannot connect to it; if it is the only ' +
      'MX, mail to the domain is deferred and eventually bounces.',
    'Add the missing A/AAAA record for the MX host, or correct the MX target (a typo, a decommissioned host, a ' +
      'record in the wrong zone).',
  ),
  'dns.mx.cname': c(
    'MX host is a CNAME',
    'RFC 5321 5.1 and RFC 2181 10.3: the name an MX record points at must have its own A/AAAA records, not be an ' +
      'alias. Most senders follow the alias anyway, but some do not, and MTA-STS and DANE match the MX name, not ' +
      'the alias target, so a certificate for the target does not cover it.',
    'Point the MX directly at the canonical host name (the last name of the chain shown), or replace the CNAME ' +
      'with A/AAAA records.',
  ),
  'dns.mx.null-on-sender': c(
    'Null MX on a domain that sends mail',
    'The domain publishes a null MX (`MX 0 .`, RFC 7505: it accepts no mail), yet it sends: its SPF record ' +
      'authorises senders, or DKIM selectors or sending IPs are configured for it. Bounces and replies to its ' +
      'addresses cannot be delivered (RFC 7505 4.3), and receivers may reject its mail with 550 5.7.27 "sender ' +
      'address has null MX" (RFC 7505 4.2; Postfix does with `reject_unknown_sender_domain`).',
    'If the domain sends, let it receive: replace the null MX with MX records for a server accepting at least ' +
      'bounces (`MX 10 mx1.example.com.`), or send from (and take bounces at) another domain. If it truly sends ' +
      'nothing, remove the SPF senders (`v=spf1 -all`), DKIM keys and this probe’s sending configuration.',
  ),

  // --- CNAME chains --------------------------------------------------------------------------------------------
  'dns.cname.dangling': c(
    'Dangling CNAME',
    'A name the domain’s mail depends on (a DKIM selector delegated to an email provider, `_dmarc`, `_mta-sts`, ' +
      'the MTA-STS host, an MX host) is an alias to a name that does not exist (NXDOMAIN): the record behind it is ' +
      'gone, typically after an account at a provider was closed. It is also a takeover risk: whoever can create ' +
      'the target (register the deprovisioned SaaS name, open an account that gets it) publishes the record for ' +
      'you: a DKIM key that signs mail as your domain, a DMARC or MTA-STS policy of their choosing.',
    'Remove the CNAME (or point it at the provider’s current name) now, and check in the provider’s dashboard ' +
      'whether the account or domain still exists; re-provision it there before recreating the alias. Audit the ' +
      'zone for other aliases to providers you no longer use.',
  ),
  'dns.cname.loop': c(
    'CNAME loop',
    'Following the aliases leads back to a name already in the chain, so no resolver ever reaches a record: ' +
      'receivers get SERVFAIL and treat the record as a temporary error (DKIM and DMARC temperror, MTA-STS absent).',
    'Follow the chain shown and break it: one of the names must hold the record itself (TXT, A/AAAA) instead of ' +
      'another CNAME.',
  ),
  'dns.cname.chain-too-long': c(
    'CNAME chain too long',
    'The record is reached through more than 8 aliases. Resolvers bound the chains they follow (Unbound gave up ' +
      'after 8 until its limit became configurable, NLnetLabs/unbound#438; Knot Resolver stops at 13), so ' +
      'receivers behind a resolver with a lower limit get SERVFAIL while others see the record; RFC 1912 2.4 warns ' +
      'against chained aliases.',
    'Point the first alias directly at the last name of the chain shown (or publish the record at the first ' +
      'name), keeping at most one or two aliases.',
  ),

  // --- SPF -------------------------------------------------------------------------------------------------------
  'dns.spf.missing': c(
    'No SPF record',
    'The domain publishes no `v=spf1` TXT record, so receivers get SPF "none": no host is authorised, DMARC cannot ' +
      'pass through SPF, and large mailbox providers increasingly reject or junk such mail.',
    'Publish one TXT record at the domain listing every service that sends as it, ending in `~all` or `-all`, e.g. ' +
      '`v=spf1 ip4:192.0.2.0/24 include:_spf.provider.example -all`.',
  ),
  'dns.spf.multiple': c(
    'More than one SPF record',
    'RFC 7208 4.5: two or more `v=spf1` records at one name are a permerror; receivers then treat SPF as failed ' +
      'for every message (and DMARC cannot pass through SPF).',
    'Merge the records into one: combine their mechanisms into a single `v=spf1 ... -all` TXT record and delete the ' +
      'others (often a second record added by a new email service’s setup guide).',
  ),
  'dns.spf.syntax': c(
    'SPF record has a syntax error',
    'A term of the record is not valid SPF (misspelt mechanism, `redirect:` instead of `redirect=`, an invalid IP ' +
      'or prefix, non-ASCII text, a second redirect). RFC 7208 makes the whole record a permerror, not just the term.',
    'Correct the term named in the message; check the result with `mailprobe run --only <probe>` or a validator ' +
      'before publishing. Common fixes: `ip4:` for IPv4 and `ip6:` for IPv6, no spaces inside a term, one redirect.',
  ),
  'dns.spf.include-missing': c(
    'Included domain has no SPF record',
    'An `include:` or `redirect=` names a domain without a `v=spf1` record (a retired provider, a typo, or a ' +
      'provider that changed its include name). RFC 7208 makes that a permerror for every message evaluated past it.',
    'Check the provider’s current documentation for its include domain and correct or remove the term; ' +
      '`dig TXT <included domain>` must show exactly one `v=spf1` record.',
  ),
  'dns.spf.include-loop': c(
    'SPF include loop',
    'The records include or redirect back to a domain already being evaluated (directly or through other domains), ' +
      'or nest deeper than any sane policy. Evaluation cannot end and receivers return permerror.',
    'Follow the chain shown in the message and remove the include/redirect that points back up the chain.',
  ),
  'dns.spf.too-many-mx': c(
    'SPF mx mechanism returns too many hosts',
    'RFC 7208 4.6.4: an `mx` term whose MX lookup returns more than 10 hosts is a permerror.',
    'Replace the `mx` term with `ip4:`/`ip6:` ranges (or an include) for the hosts that actually send mail.',
  ),
  'dns.spf.ptr-mechanism': c(
    'SPF uses the ptr mechanism',
    'RFC 7208 5.5 says `ptr` should not be used: it is slow, unreliable, costs lookups, and some receivers skip it, so ' +
      'hosts it is meant to authorise may fail SPF.',
    'Replace `ptr` with explicit `ip4:`/`ip6:` ranges or an `a:` term for the sending hosts.',
  ),
  'dns.spf.redirect-ignored': c(
    'SPF redirect ignored',
    'The record has both an `all` mechanism and a `redirect=` modifier; `all` always ends evaluation, so the redirect ' +
      'is never used. Usually a policy meant to delegate to another domain does not do what its author intended.',
    'Remove `all` to delegate to the redirect target, or remove the redirect if the record is meant to be complete.',
  ),
  'dns.spf.too-many-lookups': c(
    'SPF needs more than 10 DNS lookups',
    'RFC 7208 4.6.4 limits evaluation to 10 terms that query DNS (include, a, mx, ptr, exists, redirect), counted ' +
      'through every include. Above it receivers return permerror and SPF fails, typically after a new service’s ' +
      'include was added.',
    'Remove includes of services no longer used, replace `a`/`mx` terms with `ip4:`/`ip6:` ranges, or move rarely ' +
      'used senders to a subdomain with its own record. Flattening includes into IP ranges works but must be kept up ' +
      'to date when providers change addresses.',
  ),
  'dns.spf.lookups-near-limit': c(
    'SPF close to the 10-lookup limit',
    'The record uses 8 or more of the 10 DNS-querying terms allowed. One more include (or a provider adding one to ' +
      'its own record) pushes it over the limit and SPF fails with permerror.',
    'Reduce lookups now while nothing is broken: remove unused includes, replace `a`/`mx` with `ip4:`/`ip6:`.',
  ),
  'dns.spf.too-many-void-lookups': c(
    'SPF has more than 2 void lookups',
    'RFC 7208 4.6.4: more than two terms whose query finds no such name or no records cause a permerror. Stale `a:`, ' +
      '`mx:` or `include:` terms pointing at deleted names cause it.',
    'Remove or correct the terms whose names are listed in the message; each must resolve.',
  ),
  'dns.spf.all-pass': c(
    'SPF authorises everyone (+all)',
    '`+all` (or a bare `all`) passes SPF for every host on the internet: anyone can send as the domain with an SPF ' +
      'pass, which DMARC then accepts as aligned.',
    'End the record with `-all` (or `~all` during a transition) after listing the real senders.',
  ),
  'dns.spf.all-neutral': c(
    'SPF ends in ?all',
    '`?all` gives unlisted hosts a neutral result, the same as having no policy: spoofed mail is not marked.',
    'End the record with `~all` or `-all` once every legitimate sender is listed.',
  ),
  'dns.spf.no-all': c(
    'SPF has no all mechanism',
    'Without `all` (or a redirect to a record with one), unlisted hosts get the default neutral result, which gives ' +
      'no protection against spoofing.',
    'Append `~all` or `-all` to the record.',
  ),
  'dns.spf.temperror': c(
    'SPF evaluation hit a DNS error',
    'Evaluating SPF for a sending IP ran into a DNS timeout or server failure, as a receiver’s would; receivers ' +
      'then defer or treat SPF as temperror. The probe cannot tell whether the IP is authorised.',
    'See the `dns.lookup.*` checks of the same run for the failing name; check the authoritative servers of the ' +
      'included domains with `dig +trace`.',
  ),
  'dns.spf.permerror': c(
    'SPF permerror for a sending IP',
    'Evaluating SPF for the sending IP ended in a permanent error (syntax, limits, a missing include): receivers ' +
      'treat the message as failing SPF.',
    'Fix the record problem reported by the spf.record, spf.includes and spf.lookups checks of the same run.',
  ),
  'dns.spf.ip-not-authorized': c(
    'Sending IP not authorised by SPF',
    'A configured sending IP gets fail, softfail or neutral, so its mail fails SPF: with DMARC enforcing and no ' +
      'aligned DKIM signature, receivers quarantine or reject it. Typical after moving to a new server or provider.',
    'Add the IP (`ip4:192.0.2.10`, `ip6:2001:db8::10`) or the provider’s include to the record; or remove the IP ' +
      'from the probe’s `sendingIps` if it no longer sends for the domain.',
  ),

  // --- DKIM ------------------------------------------------------------------------------------------------------
  'dns.dkim.missing': c(
    'DKIM key not published',
    'No TXT record exists at `<selector>._domainkey.<domain>`, so every message signed with that selector fails DKIM ' +
      '(and DMARC unless SPF aligns).',
    'Publish the public key your signer (mail server or provider) shows for this selector; for a provider, add the ' +
      'CNAME or TXT record it asks for. If the selector is retired, remove it from `dkimSelectors`.',
  ),
  'dns.dkim.multiple': c(
    'More than one DKIM key record',
    'Several TXT records exist at the selector name; verifiers use one of them, which may not match the signing key, ' +
      'so DKIM fails intermittently.',
    'Keep exactly one TXT record at the selector; use a new selector name for a new key instead of adding records.',
  ),
  'dns.dkim.invalid-record': c(
    'DKIM key record is malformed',
    'The record has no `p=` tag, a `v=` other than `DKIM1` (or not first), or an unsupported `k=` key type, so ' +
      'verifiers cannot use it and signatures with this selector fail.',
    'Republish the record as generated by the signer: `v=DKIM1; k=rsa; p=<base64 key>` (or `k=ed25519`).',
  ),
  'dns.dkim.revoked': c(
    'DKIM key revoked (empty p=)',
    'An empty `p=` means the key is revoked (RFC 6376 3.6.1): every signature made with this selector fails. Right ' +
      'after a key rotation this is intended; if mail is still signed with this selector it is an outage.',
    'Check which selector the signer uses now (the `s=` tag of a DKIM-Signature header) and either publish its ' +
      'key here or update `dkimSelectors` to the new selector.',
  ),
  'dns.dkim.invalid-key': c(
    'DKIM public key does not parse',
    'The `p=` value is not a valid public key of the declared type (truncated when pasted, split strings joined ' +
      'wrongly, quotes or spaces inside the key), so verifiers fail every signature.',
    'Copy the public key again from the signer and publish it; long keys must be split into several quoted strings ' +
      'of at most 255 bytes inside one TXT record, not into several records.',
  ),
  'dns.dkim.key-too-short': c(
    'DKIM RSA key under 1024 bits',
    'RSA keys shorter than 1024 bits are rejected by major receivers (RFC 8301) and can be factored: signatures do ' +
      'not count.',
    'Generate a 2048-bit RSA key (or Ed25519 in addition), publish it under a new selector, switch the signer to ' +
      'it, then revoke the old selector.',
  ),
  'dns.dkim.key-weak': c(
    'DKIM RSA key under 2048 bits',
    'A 1024-bit RSA key is still accepted but below current guidance (RFC 8301 recommends 2048); some receivers ' +
      'already score it lower.',
    'Rotate to a 2048-bit RSA key under a new selector; keep the old selector published until mail signed with it ' +
      'has been delivered, then revoke it.',
  ),
  'dns.dkim.testing': c(
    'DKIM key in test mode (t=y)',
    '`t=y` tells verifiers the domain is testing DKIM and failures should not be held against it; left in place, ' +
      'DKIM protection is weakened.',
    'Remove `t=y` from the key record once signing is confirmed to work.',
  ),

  // --- DNSSEC ----------------------------------------------------------------------------------------------------
  'dns.dnssec.bogus': c(
    'Domain fails DNSSEC validation',
    'The validating resolver answers SERVFAIL for the domain while a checking-disabled query returns the data: the ' +
      'zone is signed but does not validate (expired or not-yet-valid signatures, a DS at the parent matching no ' +
      'DNSKEY after a key roll, missing signatures, an algorithm the validator does not support). Every receiver ' +
      'on a validating resolver (Gmail, Microsoft, most ISPs) then fails to resolve MX, SPF, DKIM and DMARC: mail ' +
      'from and to the domain is deferred or rejected. The extended DNS error (RFC 8914) names the reason.',
    'Re-sign the zone (or fix the signer that stopped: `ldns-verify-zone`, `dnssec-verify`, the DNS host’s DNSSEC ' +
      'page); after a key roll make the DS at the registrar match a published KSK (`dig DS <domain> +short` vs ' +
      '`dig DNSKEY <domain> +dnssec`). If the zone cannot be fixed quickly, remove the DS at the registrar so the ' +
      'zone becomes insecure instead of bogus. Check with `delv <domain> SOA` and https://dnsviz.net.',
  ),
  'dns.dnssec.unsigned': c(
    'Domain is not DNSSEC-signed',
    'The probe requires DNSSEC for this domain, but the validating resolver calls it insecure: the zone is ' +
      'unsigned or its parent has no DS record. DANE and DNSSEC-protected MX lookups are not possible.',
    'Enable DNSSEC signing at the DNS host, then publish the DS record at the registrar; check with `delv ' +
      '<domain> SOA` ("fully validated").',
  ),
  'dns.dnssec.deprecated-algorithm': c(
    'Domain signed with a deprecated DNSSEC algorithm',
    'The zone’s DNSKEYs use RSAMD5, DSA, RSASHA1 or ECC-GOST, which RFC 8624 deprecates. Validators that dropped ' +
      'them (RHEL 9’s default crypto policy refuses SHA-1 signatures, for one) treat the zone as insecure or bogus, ' +
      'so its protection and its DANE records stop counting.',
    'Roll the zone to ECDSAP256SHA256 (13) or ED25519 (15), or RSASHA256 (8) with 2048-bit keys: an algorithm ' +
      'roll (RFC 6781 4.1.4) publishes the new keys and signatures first, then the new DS, then retires the old.',
  ),
  'dns.dnssec.unverifiable': c(
    'DNSSEC state unverifiable',
    'DNSSEC is required for this domain, but the probe’s resolver is not declared validating, so an AD bit or a ' +
      'SERVFAIL from it proves nothing.',
    'Point `resolver.servers` at a validating resolver you trust (a local Unbound, your VPC resolver with DNSSEC ' +
      'validation on) and set `resolver.validating: true`.',
  ),

  // --- DMARC -----------------------------------------------------------------------------------------------------
  'dns.dmarc.missing': c(
    'No DMARC record',
    'Neither `_dmarc.<domain>` nor any parent domain up to the top-level domain (the RFC 9989 tree walk) publishes ' +
      'a DMARC record, so receivers apply no policy to spoofed mail and send no reports; Google, Yahoo and ' +
      'Outlook.com require DMARC from bulk senders.',
    'Publish `_dmarc.<domain> TXT "v=DMARC1; p=none; rua=mailto:dmarc-reports@<domain>"`, read the reports, then ' +
      'move to `p=quarantine` and `p=reject`.',
  ),
  'dns.dmarc.multiple': c(
    'More than one DMARC record',
    'Two or more `v=DMARC1` records at `_dmarc.<domain>` make receivers ignore DMARC for the domain entirely.',
    'Merge them into one record and delete the rest.',
  ),
  'dns.dmarc.invalid': c(
    'DMARC record is invalid',
    'The record does not start with `v=DMARC1`, lacks `p=`, or has a tag value receivers cannot use (a policy other ' +
      'than none/quarantine/reject, pct outside 0-100, alignment other than r/s, t other than y/n, psd other than ' +
      'y/n/u). Receivers may ignore the record, or treat it as p=none when it names a valid rua.',
    'Correct the tags named in the message, e.g. `v=DMARC1; p=quarantine; rua=mailto:dmarc@example.com`.',
  ),
  'dns.dmarc.policy-none': c(
    'DMARC policy is none',
    '`p=none` only asks for reports: mail failing DMARC (spoofed mail) is still delivered. It is the right first ' +
      'step, but not a protection.',
    'Once the aggregate reports show every legitimate source passing SPF or DKIM aligned, move to `p=quarantine`, ' +
      'then `p=reject`.',
  ),
  'dns.dmarc.subdomain-policy-none': c(
    'DMARC leaves subdomains unprotected',
    'The domain enforces DMARC but `sp=none` (or `np=none` for non-existent subdomains) lets mail from any ' +
      'subdomain through unchecked: attackers spoof `anything.<domain>`.',
    'Remove `sp=none`/`np=none` so subdomains inherit `p=`, or set them to quarantine/reject.',
  ),
  'dns.dmarc.testing': c(
    'DMARC in testing mode (t=y)',
    'DMARCbis `t=y` asks receivers to apply one level less than the published policy (reject becomes quarantine, ' +
      'quarantine becomes none).',
    'Remove `t=y` (or set `t=n`) when the rollout is complete.',
  ),
  'dns.dmarc.partial-pct': c(
    'DMARC policy applied to part of the mail',
    '`pct` below 100 asks RFC 7489 receivers to apply the policy to only that share of failing mail and treat the ' +
      'rest one level lower. RFC 9989 removed `pct`: its receivers apply the whole policy, so the same record now ' +
      'means different things to different receivers.',
    'Remove `pct`. To keep a softer rollout, publish `t=y` (RFC 9989 testing mode: one level less than the ' +
      'policy), or publish the lower policy itself until the reports show legitimate mail passing.',
  ),
  'dns.dmarc.removed-tag': c(
    'DMARC record uses a tag RFC 9989 removed',
    'RFC 9989 (DMARCbis) removed `pct` (replaced by `t`), `rf` (one failure-report format) and `ri` (aggregate ' +
      'reports are daily). Receivers that follow it ignore them; only RFC 7489 receivers still act on `pct`.',
    'Delete `pct=`, `rf=` and `ri=` from the record; for a testing phase use `t=y` instead of `pct=0`.',
  ),
  'dns.dmarc.unknown-tag': c(
    'DMARC record has an unknown tag',
    'A tag neither RFC 7489 nor RFC 9989 defines is ignored by every receiver. It is usually a misspelling ' +
      '(`adkm`, `sp `, `rau`), so the setting the domain owner meant to publish is not in effect.',
    'Correct the tag to the one meant (the message suggests the nearest defined tag) or remove it. Defined tags: ' +
      'v, p, sp, np, psd, t, adkim, aspf, rua, ruf, fo.',
  ),
  'dns.dmarc.psd-misuse': c(
    'DMARC record declares the domain a public suffix (psd=y)',
    '`psd=y` is for public suffix operators (a TLD, a registry). On an ordinary domain it makes each subdomain its ' +
      'own organisational domain in the RFC 9989 tree walk, so mail from `news.<domain>` signed with `d=<domain>` ' +
      '(or sent with an SPF domain of `<domain>`) no longer passes relaxed alignment.',
    'Remove `psd=y` (or set `psd=n` to mark the domain as an organisational domain explicitly).',
  ),
  'dns.dmarc.discovery-differs': c(
    'RFC 7489 and RFC 9989 receivers find different DMARC records',
    'RFC 9989 finds the policy by walking up the DNS one label at a time; RFC 7489 looks only at the domain and its ' +
      'organisational domain from the Public Suffix List. A record on an intermediate domain (say ' +
      '`_dmarc.mail.example.com` for `a.mail.example.com`) is seen by one and not the other, so receivers apply ' +
      'different policies to the same mail during the transition.',
    'Publish the intended record on the domain itself (`_dmarc.<domain>`), which both find first, or make the ' +
      'organisational domain’s record say the same as the intermediate one.',
  ),
  'dns.dmarc.org-domain-differs': c(
    'Organisational domain differs between RFC 7489 and RFC 9989',
    'Relaxed alignment compares organisational domains. RFC 9989 derives it from DMARC records on the tree walk ' +
      '(psd=n, psd=y, or the highest record), RFC 7489 from the Public Suffix List. When they differ, a DKIM ' +
      'signature or SPF domain of a parent or sibling domain aligns for one kind of receiver and fails for the ' +
      'other: typically a subdomain has a DMARC record and its parent has none.',
    'Publish a DMARC record at the organisational domain you mean (e.g. `_dmarc.example.com`), or `psd=n` on it, ' +
      'so the tree walk ends where the Public Suffix List does; or sign with the exact From domain (`d=<domain>`).',
  ),
  'dns.dmarc.report-uri-invalid': c(
    'DMARC report address invalid',
    'A `rua`/`ruf` entry is not a `mailto:` address receivers can use (missing `mailto:`, a bare address, a ' +
      'malformed size suffix), so reports for it are not sent.',
    'Write each destination as `mailto:user@example.com`, separated by commas.',
  ),
  'dns.dmarc.report-unauthorized': c(
    'External DMARC report destination not authorised',
    'Reports go to a mailbox in another organisational domain, which must publish ' +
      '`<domain>._report._dmarc.<destination>` with `v=DMARC1` (RFC 7489 7.1); without it receivers drop the ' +
      'reports.',
    'Ask the report processor (or the owner of the destination domain) to publish the authorisation record, e.g. ' +
      '`example.com._report._dmarc.reports.example.net TXT "v=DMARC1"`, or use a destination in your own domain.',
  ),
  'dns.dmarc.no-rua': c(
    'DMARC requests no aggregate reports',
    'Without `rua=` nobody receives aggregate reports, so a new legitimate sender failing DMARC, or someone ' +
      'spoofing the domain, goes unnoticed.',
    'Add `rua=mailto:<mailbox>` pointing at a mailbox or a DMARC report service.',
  ),

  // --- MTA-STS ---------------------------------------------------------------------------------------------------
  'dns.mta-sts.missing': c(
    'No MTA-STS record',
    'The probe requires MTA-STS for this domain but `_mta-sts.<domain>` has no `v=STSv1` record, so senders deliver ' +
      'without enforced TLS (downgrade attacks possible).',
    'Publish the policy at `https://mta-sts.<domain>/.well-known/mta-sts.txt` and the record ' +
      '`_mta-sts.<domain> TXT "v=STSv1; id=<date or serial>"`.',
  ),
  'dns.mta-sts.multiple': c(
    'More than one MTA-STS record',
    'RFC 8461 3.1: several `v=STSv1` records make senders treat the domain as having no MTA-STS policy.',
    'Keep one record; change its `id=` whenever the policy changes.',
  ),
  'dns.mta-sts.invalid-record': c(
    'MTA-STS record invalid',
    'The `id=` of the `v=STSv1` record is missing or not 1-32 letters and digits, so senders ignore the record.',
    'Publish `v=STSv1; id=20240101T000000` (any 1-32 alphanumeric string, changed on every policy edit).',
  ),
  'dns.mta-sts.policy-host-missing': c(
    'MTA-STS policy host does not resolve',
    'The record announces a policy but `mta-sts.<domain>` has no address, so senders cannot fetch it and apply ' +
      'no policy (while a cached enforce policy may still be used).',
    'Create the A/AAAA (or CNAME) record for `mta-sts.<domain>` pointing at the web server hosting the policy.',
  ),
  'dns.mta-sts.policy-timeout': c(
    'MTA-STS policy fetch timed out',
    'The policy host did not answer the HTTPS request in time. It may be down or filtered, or the probe’s network ' +
      'may not reach it; the result is unknown.',
    'Fetch it by hand: `curl -v https://mta-sts.<domain>/.well-known/mta-sts.txt`; check the web server and ' +
      'firewall for port 443.',
  ),
  'dns.mta-sts.policy-unreachable': c(
    'MTA-STS policy host refused the connection',
    'Connecting to the policy host failed (connection refused or reset), so senders cannot fetch the policy.',
    'Make sure a web server listens on port 443 of `mta-sts.<domain>` and serves the policy file.',
  ),
  'dns.mta-sts.policy-tls': c(
    'MTA-STS policy host certificate invalid',
    'The HTTPS certificate of `mta-sts.<domain>` is not trusted, expired, or not issued for that name. RFC 8461 ' +
      'requires a valid certificate, so senders discard the policy.',
    'Issue a certificate that covers `mta-sts.<domain>` from a public CA (e.g. Let’s Encrypt) and serve the full ' +
      'chain; check with `openssl s_client -connect mta-sts.<domain>:443 -servername mta-sts.<domain>`.',
  ),
  'dns.mta-sts.policy-http-status': c(
    'MTA-STS policy not served with 200',
    'The policy URL answered with a status other than 200 (a 404, or a redirect, which RFC 8461 forbids following), ' +
      'so senders have no policy.',
    'Serve the file directly at `/.well-known/mta-sts.txt` on `mta-sts.<domain>` with status 200 and ' +
      '`Content-Type: text/plain`; do not redirect it (e.g. to www or to HTTPS on another host).',
  ),
  'dns.mta-sts.policy-too-large': c(
    'MTA-STS policy too large',
    'The policy body is larger than the probe accepts (64 KiB by default); senders bound it too and discard it.',
    'Serve only the policy lines (version, mode, mx, max_age); check that the URL does not return an HTML page.',
  ),
  'dns.mta-sts.policy-invalid': c(
    'MTA-STS policy is invalid',
    'The policy file lacks `version: STSv1`, has an unknown mode, a missing or out-of-range `max_age`, or no `mx:` ' +
      'line in testing/enforce mode, so senders reject it.',
    'Serve lines like `version: STSv1`, `mode: enforce`, `mx: mx1.example.com`, `max_age: 604800`, one per line.',
  ),
  'dns.mta-sts.policy-content-type': c(
    'MTA-STS policy served with the wrong content type',
    'RFC 8461 3.2: the policy must be served as `text/plain`, and senders should check it, to guard against web ' +
      'servers that let users host other content at that path. A policy served as `text/html` (a CMS, a site ' +
      'builder or a catch-all page answering the path), `application/octet-stream` or without a Content-Type is ' +
      'discarded by senders that check (chasquid does), so they apply no policy.',
    'Serve `/.well-known/mta-sts.txt` as a static file with `Content-Type: text/plain` (nginx: ' +
      '`location = /.well-known/mta-sts.txt { default_type text/plain; }`; Apache: `AddType text/plain .txt`), not ' +
      'through the CMS; check with `curl -sI https://mta-sts.<domain>/.well-known/mta-sts.txt`.',
  ),
  'dns.mta-sts.id-unchanged': c(
    'MTA-STS policy changed without a new id',
    'The policy served now differs from the one served earlier under the same `id=` of the `_mta-sts` record. ' +
      'Senders cache the policy and refetch it only when the id changes or the cached copy’s `max_age` runs out ' +
      '(RFC 8461 3.3 and 5.1), so until then they keep applying the old one: with a new MX not in the old `mx:` ' +
      'lines, enforcing senders refuse to deliver to it.',
    'Change the `id=` of `_mta-sts.<domain>` (e.g. to the current date and time, `id=20261202T0800`) every time ' +
      'the policy file changes; the warning ends once the id changes or the old policy’s max_age has passed.',
  ),
  'dns.mta-sts.mode-none': c(
    'MTA-STS policy mode is none',
    '`mode: none` tells senders to stop applying MTA-STS: it is how a policy is withdrawn, and offers no protection.',
    'Use `mode: testing` while verifying, then `mode: enforce`; use `none` only to retire MTA-STS deliberately.',
  ),
  'dns.mta-sts.max-age-short': c(
    'MTA-STS max_age is short',
    'A `max_age` under a day means senders drop the cached policy quickly, so an attacker who blocks the policy ' +
      'fetch can downgrade delivery soon after.',
    'Set `max_age` to at least a week (604800) once the policy is stable; RFC 8461 allows up to 31557600.',
  ),
  'dns.mta-sts.mx-unmatched': c(
    'MX host not covered by the MTA-STS policy',
    'An MX host is matched by no `mx:` line of the policy. In enforce mode senders refuse to deliver to it; in ' +
      'testing mode they report failures. Typical after adding or renaming an MX without updating the policy.',
    'Add an `mx:` line for the host (a `*.` wildcard matches one label), bump the `id=` in the `_mta-sts` record, ' +
      'and make sure the host’s certificate covers its name.',
  ),

  // --- TLS-RPT ---------------------------------------------------------------------------------------------------
  'dns.tls-rpt.missing': c(
    'No TLS-RPT record',
    'The probe requires TLS reporting but `_smtp._tls.<domain>` has no `v=TLSRPTv1` record, so TLS delivery ' +
      'failures (expired certificates, MTA-STS mismatches) are never reported to you.',
    'Publish `_smtp._tls.<domain> TXT "v=TLSRPTv1; rua=mailto:tls-reports@<domain>"`.',
  ),
  'dns.tls-rpt.multiple': c(
    'More than one TLS-RPT record',
    'RFC 8460 3: several `v=TLSRPTv1` records make senders treat the domain as having none.',
    'Merge the destinations into one record (comma-separated `rua`).',
  ),
  'dns.tls-rpt.invalid': c(
    'TLS-RPT record invalid',
    'The record has no `rua=` or a destination that is not a `mailto:` or `https:` URI, so no reports are sent.',
    'Write `v=TLSRPTv1; rua=mailto:tls-reports@example.com` (several destinations separated by commas).',
  ),

  // --- PTR / FCrDNS ----------------------------------------------------------------------------------------------
  'dns.ptr.missing': c(
    'Sending IP has no PTR record',
    'The sending IP has no reverse DNS name. Many receivers (Gmail, Microsoft, most spam filters) reject or junk ' +
      'mail from IPs without reverse DNS.',
    'Ask whoever controls the IP block (hosting or cloud provider, ISP) to set a PTR to the server’s host name; in ' +
      'AWS this is the Elastic IP “reverse DNS” setting. The name must resolve back to the IP.',
  ),
  'dns.ptr.mismatch': c(
    'Reverse DNS not forward-confirmed',
    'The IP’s PTR name does not resolve back to the IP (FCrDNS fails), which receivers treat like missing reverse DNS.',
    'Add an A/AAAA record for the PTR name pointing at the IP, or change the PTR to a name that does; the ' +
      'server’s HELO name should be that same name.',
  ),

  // --- BIMI ------------------------------------------------------------------------------------------------------
  'dns.bimi.missing': c(
    'No BIMI record',
    'The probe requires BIMI but `default._bimi.<domain>` has no `v=BIMI1` record, so no logo is shown.',
    'Publish `default._bimi.<domain> TXT "v=BIMI1; l=https://<host>/logo.svg; a=https://<host>/vmc.pem"` (BIMI ' +
      'also needs DMARC at quarantine or reject).',
  ),
  'dns.bimi.invalid': c(
    'BIMI record invalid',
    'The BIMI record is duplicated, malformed, or its certificate URL (`a=`) is not https, so mailbox providers ' +
      'ignore it.',
    'Publish one `v=BIMI1; l=<https logo URL>; a=<https VMC URL>` record.',
  ),
  'dns.bimi.logo-not-https': c(
    'BIMI logo URL not https',
    'The `l=` logo location must be an https URL to an SVG Tiny PS file; any other URL is ignored.',
    'Host the SVG logo over HTTPS and put that URL in `l=`.',
  ),

  // --- drift and expectations ------------------------------------------------------------------------------------
  'dns.drift.changed': c(
    'DNS record changed',
    'A record set differs from what the previous run saw. This may be an intended edit, or an unreviewed one (a new ' +
      'provider’s setup guide replacing SPF, a DNS migration dropping DKIM keys, a compromised DNS account).',
    'Compare the before and after values in the check; confirm the change with whoever owns the zone, and if it is ' +
      'intended, record the new value in `expect` so a later change is caught as a mismatch.',
  ),
  'dns.expect.mismatch': c(
    'DNS record differs from the expected value',
    'A record set does not equal (or match the pattern of) the value the configuration expects for it.',
    'Restore the expected record, or update the `expect` entry in the configuration if the new value is intended.',
  ),
} as const satisfies CauseTable;
