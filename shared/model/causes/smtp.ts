import type { CauseTable } from './types';

/** Causes named by the `smtp` probe. Ids start with `smtp.`. */
export const smtpCauses = {
  // --- name resolution -------------------------------------------------------------------------------------
  'smtp.dns.nxdomain': {
    title: 'SMTP host name does not exist',
    explanation:
      'The resolver answered NXDOMAIN for the endpoint host: no client can find the server. Typical causes are a ' +
      'typo in the host name, a deleted or expired zone, or a record removed during a DNS migration.',
    remediation:
      'Check the name with `dig +short A <host>` and `dig +short AAAA <host>` against the authoritative servers ' +
      '(`dig NS <zone>`); restore the A/AAAA record or correct the host in the configuration.',
  },
  'smtp.dns.no-address': {
    title: 'SMTP host has no address record',
    explanation:
      'The name exists but has neither an A nor an AAAA record, so there is no address to connect to. This happens ' +
      'when only an MX or CNAME to a dead name is left, or when a record was published in the wrong zone.',
    remediation:
      'Publish an A (and AAAA if the server has IPv6) record for the host; verify with `dig +short A <host>`. ' +
      'If the host is a mail domain rather than a server, probe the MX host instead (`dig MX <domain>`).',
  },
  'smtp.dns.unavailable': {
    title: 'SMTP host could not be resolved (resolver failure)',
    explanation:
      'The DNS query timed out, was refused, or got SERVFAIL. That says nothing about the SMTP server itself: the ' +
      'resolver or the zone’s name servers are failing (or DNSSEC validation fails), so the check is unknown.',
    remediation:
      'Query the authoritative servers directly (`dig @<ns> A <host>`), check DNSSEC with `delv <host>`, and check ' +
      'that the resolvers in `resolver.servers` answer from where the probe runs.',
  },
  'smtp.config.ca-unreadable': {
    title: 'Configured CA file could not be read',
    explanation:
      'The endpoint names a CA file for its private certificate authority, but the probe could not read it, so the ' +
      'certificate could not be verified. This is a probe configuration problem, not a server fault.',
    remediation:
      'Make the file readable where the probe runs (in Lambda, bundle it or use `tls.caPem` inline instead of ' +
      '`tls.caFile`), then run `mailprobe validate`.',
  },

  'smtp.dns.dnssec-bogus': {
    title: 'SMTP host name fails DNSSEC validation',
    explanation:
      'The validating resolver answers SERVFAIL for the host, and the same query with checking disabled returns ' +
      'data: the zone is signed but its signatures do not validate (expired or not yet valid RRSIGs, a DS at the ' +
      'parent that matches no DNSKEY after a key roll, missing signatures). Every sender on a validating resolver ' +
      '(Gmail, Microsoft, most ISPs) fails the same way, so mail to this host stops. The extended DNS error names ' +
      'the reason.',
    remediation:
      'Re-sign the zone or restart the signer (`ldns-verify-zone`, `dnssec-verify`, or the DNS host’s DNSSEC ' +
      'status page); if a key roll went wrong, publish the DNSKEY that the parent’s DS names, or update the DS at ' +
      'the registrar. Confirm with `delv <host>` and https://dnsviz.net.',
  },

  // --- TCP -------------------------------------------------------------------------------------------------
  'smtp.connect.refused': {
    title: 'SMTP connection refused',
    explanation:
      'The host answered the TCP connection with a reset: nothing listens on that port, the MTA is stopped, or a ' +
      'firewall actively rejects the connection.',
    remediation:
      'On the server: `ss -ltnp | grep :<port>` and the MTA service status (`systemctl status postfix`, ' +
      '`postfix status`); check that the port is enabled in master.cf and that the firewall (nft/iptables, cloud ' +
      'security group) allows it. From outside: `nc -vz <host> <port>`.',
  },
  'smtp.connect.timeout': {
    title: 'SMTP connection timed out',
    explanation:
      'No answer to the TCP connection attempt: packets are silently dropped by a firewall or security group, the ' +
      'host is down, or the address in DNS is no longer the server.',
    remediation:
      'Compare the address the probe used (check details) with the server’s; test with `nc -vz -w 5 <host> <port>` ' +
      'from another network; review firewall and security-group rules for the port; check that the host is up.',
  },
  'smtp.connect.port25-timeout': {
    title: 'Port 25 connection timed out (egress may be blocked)',
    explanation:
      'The connection to port 25 got no answer. AWS blocks outbound port 25 from Lambda (and by default from EC2), ' +
      'and many ISPs and cloud networks do the same, so from such a network this timeout usually means the probe ' +
      'cannot leave, not that the server is down. The result is unknown until it runs from a network allowed to ' +
      'reach port 25.',
    remediation:
      'Run the probe from a network with port 25 egress (the static-egress option: VPC, NAT gateway with an Elastic ' +
      'IP and an approved AWS port-25 unblock request), or probe the submission ports 587/465 instead. To tell the ' +
      'two apart, try `nc -vz -w 5 <host> 25` from a host known to have port 25 egress.',
  },
  'smtp.connect.unreachable': {
    title: 'SMTP host unreachable',
    explanation:
      'The network reported no route to the host (EHOSTUNREACH/ENETUNREACH): a routing problem, an IPv6 address ' +
      'without IPv6 connectivity on the probe side, or a host that is down on its local network.',
    remediation:
      'Check the route with `traceroute -T -p <port> <host>` (or `tracepath`); if only IPv6 fails, check the AAAA ' +
      'record and IPv6 routing of the server, or the probe network’s IPv6 support.',
  },

  // --- greeting --------------------------------------------------------------------------------------------
  'smtp.banner.timeout': {
    title: 'No SMTP greeting',
    explanation:
      'The TCP connection opened but no 220 greeting arrived in time, and follow-up connections speaking TLS, DNS ' +
      'and HTTP got no answer either (what each saw is in the details): the port is not another service waiting ' +
      'for its client. The MTA may be overloaded or hung (out of processes, blocked on DNS lookups of the client), ' +
      'a postscreen/tarpit delay may exceed the timeout, or a proxy or firewall accepts connections without a ' +
      'working backend.',
    remediation:
      'Check the MTA’s process limits and logs (`postqueue -p`, `journalctl -u postfix`, `maillog`), its DNS ' +
      'resolution (slow reverse lookups delay the greeting), and postscreen_greet_wait; raise ' +
      '`options.replyTimeoutSeconds` only if a long greeting delay is intended.',
  },
  'smtp.banner.rejected': {
    title: 'SMTP server refused the session at the greeting',
    explanation:
      'The server greeted with 554 (or another refusal) instead of 220: it refuses this client outright (its IP is on ' +
      'a blocklist or access list, the client has no reverse DNS). A 421 greeting is reported by what it says ' +
      '(smtp.rate-limited, smtp.session.closing, a provider’s deferral).',
    remediation:
      'Read the greeting text in the check details: it usually names the blocklist or policy. Check the probe IP ' +
      'against the blocklists the server uses, its PTR record, and the server’s access maps (smtpd_client_restrictions, ' +
      'postscreen_access_list).',
  },
  'smtp.banner.closed': {
    title: 'Server closed the connection before greeting',
    explanation:
      'The connection opened and was closed without a greeting. MTAs and firewalls do this to clients they block ' +
      '(TCP wrappers, fail2ban, postscreen dropping a listed IP, a connection-rate limit), and crashing smtpd ' +
      'processes look the same.',
    remediation:
      'Check the server log for the probe’s IP at that time (postscreen "DISCONNECT"/"PREGREET", fail2ban bans, ' +
      'anvil rate limits, smtpd crashes "fatal:"/"warning: process ... killed") and unban or allow the probe address.',
  },
  'smtp.size.limit-low': {
    title: 'Message size limit below a usable floor',
    explanation:
      'The server advertises, in its EHLO SIZE keyword (RFC 1870), a largest accepted message below the configured ' +
      'floor (10 MB by default). Messages are counted after MIME encoding, which adds a third to attachments: a ' +
      'limit of a few hundred KB refuses ordinary mail with a PDF or a photo, usually with 552 5.3.4 after the ' +
      'sender has transferred the whole message. Gmail accepts 25 MB attachments (35 MB messages), Microsoft 365 ' +
      'and Yahoo similar sizes.',
    remediation:
      'Raise the limit on the MTA (Postfix `message_size_limit`, Exim `message_size_limit`, Exchange ' +
      '`Set-TransportConfig -MaxReceiveSize`) and on every hop behind it (content filter, mailbox store). If the ' +
      'small limit is intended (a notification-only relay), lower `options.minSizeLimitBytes` for this group.',
  },
  'smtp.service.not-smtp': {
    title: 'The port does not speak SMTP',
    explanation:
      'Something answers on the port, but it is not an SMTP server: an HTTP server, an SSH daemon, a DNS server ' +
      'or another service (its first bytes, or what answered the follow-up connections when it stayed silent, are ' +
      'in the details). Usually the port number is wrong in the configuration, or a port forward or load-balancer ' +
      'listener points at the wrong backend.',
    remediation:
      'Check which service owns the port on the host (`ss -ltnp | grep :<port>`) and the forwarding/listener rules; ' +
      'correct the port (submission is 587 with STARTTLS, 465 with implicit TLS, MX delivery is 25).',
  },
  'smtp.mode.plain-on-tls-port': {
    title: 'Plaintext SMTP sent to an implicit-TLS port',
    explanation:
      'The endpoint is probed in plaintext/STARTTLS mode but the server expects a TLS handshake from the first byte ' +
      '(SMTPS, usually port 465): it sent a TLS alert or nothing at all, and a TLS handshake on a second ' +
      'connection succeeded. This is the classic “SSL/TLS mismatch” of ' +
      'client settings: port 465 needs SSL/TLS, port 587 needs STARTTLS.',
    remediation:
      'Set `mode: implicit-tls` for this port (or use port 587 with STARTTLS). Verify with ' +
      '`openssl s_client -connect <host>:<port> -servername <host>`, which should show the certificate and a 220.',
  },
  'smtp.mode.tls-on-plain-port': {
    title: 'TLS sent to a plaintext/STARTTLS port',
    explanation:
      'The endpoint is probed with implicit TLS but the server answered in plaintext (an SMTP greeting where a TLS ' +
      'handshake was expected; OpenSSL reports “wrong version number”). The port speaks STARTTLS or plain SMTP, ' +
      'not SMTPS.',
    remediation:
      'Set `mode: starttls` for this port, or use the server’s implicit-TLS port (465). Verify with ' +
      '`openssl s_client -starttls smtp -connect <host>:<port>`.',
  },

  // --- EHLO / STARTTLS / TLS -------------------------------------------------------------------------------
  'smtp.ehlo.rejected': {
    title: 'EHLO and HELO rejected',
    explanation:
      'The server refused both EHLO and HELO with the configured name. Servers reject names that are not fully ' +
      'qualified, do not resolve, or impersonate the server itself (Postfix reject_non_fqdn_helo_hostname, ' +
      'reject_unknown_helo_hostname).',
    remediation:
      'Set `ehloName` to a fully-qualified name that resolves to the probe’s address (ideally its PTR name), and ' +
      'check the reply text in the details for the exact rule that matched.',
  },
  'smtp.starttls.not-offered': {
    title: 'STARTTLS not offered',
    explanation:
      'The server did not advertise STARTTLS in its EHLO reply, so the session would stay in plaintext: passwords ' +
      'and mail would cross the network unencrypted, and clients that require TLS cannot submit. Usually the TLS ' +
      'certificate/key settings were lost or the key became unreadable, which makes the MTA silently drop STARTTLS.',
    remediation:
      'On Postfix check `postconf smtpd_tls_cert_file smtpd_tls_key_file smtpd_tls_security_level` and the log for ' +
      '"cannot load certificate"/"TLS library problem"; make the key readable by the MTA and reload. Verify with ' +
      '`openssl s_client -starttls smtp -connect <host>:<port>`.',
  },
  'smtp.starttls.refused': {
    title: 'STARTTLS refused',
    explanation:
      'The server advertised STARTTLS but answered the command with an error (typically 454 4.7.0 TLS not ' +
      'available): its TLS setup is broken at runtime, e.g. the certificate or key cannot be loaded or the TLS ' +
      'session cache is failing.',
    remediation:
      'Look in the MTA log at the time of the probe for the TLS error ("cannot load certificate", "key mismatch", ' +
      'permission denied on the key); fix the files and reload the MTA.',
  },
  'smtp.tls.handshake-failed': {
    title: 'TLS handshake failed',
    explanation:
      'The TLS negotiation did not complete: no protocol version or cipher suite in common (a server limited to ' +
      'TLS 1.0/1.1, or to ciphers modern clients no longer allow), a broken certificate/key pair, or a middlebox ' +
      'interfering. The OpenSSL reason is in the check message.',
    remediation:
      'Reproduce with `openssl s_client -connect <host>:<port> -starttls smtp` (drop -starttls for port 465); enable ' +
      'TLS 1.2 and 1.3 with current cipher suites on the server (Postfix smtpd_tls_protocols / ' +
      'smtpd_tls_mandatory_protocols), and check that the key matches the certificate.',
  },
  'smtp.tls.cert-expired': {
    title: 'TLS certificate expired',
    explanation:
      'The server presents a certificate past its notAfter date. Clients that verify certificates (every modern ' +
      'mail client, MTA-STS senders) refuse the connection; the usual cause is a renewal job (certbot, acme.sh) ' +
      'that renewed the file but the MTA was never reloaded, or a renewal that has been failing.',
    remediation:
      'Renew the certificate and reload the MTA (`postfix reload`, `doveadm reload`); check that the renewal hook ' +
      'reloads it (certbot `--deploy-hook`). Confirm with `openssl s_client -starttls smtp -connect <host>:<port> ' +
      '| openssl x509 -noout -dates`.',
  },
  'smtp.tls.cert-not-yet-valid': {
    title: 'TLS certificate not yet valid',
    explanation:
      'The certificate’s notBefore date is in the future: it was installed before its validity starts, or the ' +
      'server’s or the issuing CA’s clock is wrong. Verifying clients refuse it exactly as an expired one.',
    remediation:
      'Check the server clock (`timedatectl`, NTP/chrony) and the certificate dates (`openssl x509 -noout -dates`); ' +
      'reinstall the previous valid certificate until the new one becomes valid.',
  },
  'smtp.tls.cert-untrusted': {
    title: 'TLS certificate not trusted',
    explanation:
      'The certificate chain does not lead to a trusted CA: it is self-signed, ends at a root the probe does not ' +
      'trust (a private CA the probe was not given), or ends at a certificate whose issuer is neither sent nor ' +
      'trusted. Clients that verify will refuse it. (A leaf sent without the intermediate named in its AIA is ' +
      'reported as smtp.tls.chain-incomplete.)',
    remediation:
      'For a private CA, give its certificate to the probe with `tls.caFile`/`tls.caPem`. For a public CA, serve ' +
      'the full chain (leaf + intermediates, e.g. certbot’s fullchain.pem in smtpd_tls_chain_files) and replace a ' +
      'self-signed certificate with one from a CA senders trust. Check with `openssl s_client -starttls smtp ' +
      '-connect <host>:<port> -showcerts`.',
  },
  'smtp.tls.chain-incomplete': {
    title: 'TLS certificate chain incomplete: the intermediate is not sent',
    explanation:
      'The server sends its own certificate but not the intermediate CA certificate that issued it. Browsers repair ' +
      'this by fetching the intermediate from the certificate’s AIA “CA Issuers” address, so a web check of the ' +
      'same certificate looks fine; MTAs and mail clients fetch nothing and fail with “unable to get local issuer ' +
      'certificate” / “unable to verify the first certificate”. Senders that verify (MTA-STS enforce, DANE-TA, ' +
      'mail apps on submission ports) defer or refuse. Typical after a renewal that installed cert.pem instead of ' +
      'fullchain.pem.',
    remediation:
      'Serve the leaf followed by its intermediate(s). Postfix 3.4+: `smtpd_tls_chain_files = ' +
      '/etc/ssl/private/mail.key, /etc/ssl/certs/mail-fullchain.pem` (the key first, then the leaf, then each ' +
      'intermediate in issuing order; certbot’s fullchain.pem is in that order); older Postfix: ' +
      '`smtpd_tls_cert_file` set to the full chain file. Exim: `tls_certificate` = the full chain file; Dovecot: ' +
      '`ssl_cert = </path/fullchain.pem`. Reload (`postfix reload`) and check that `openssl s_client -starttls smtp ' +
      '-connect <host>:<port> -showcerts` lists the intermediate as certificate 1 and ends with “Verify return code: 0”.',
  },
  'smtp.tls.hostname-mismatch': {
    title: 'TLS certificate does not match the host name',
    explanation:
      'The certificate is valid but issued for other names: clients connecting to this host name reject it. ' +
      'Typical after adding a new host name (alias, new MX) without adding it to the certificate, or when several ' +
      'services share an IP and the wrong certificate is served for this name.',
    remediation:
      'Reissue the certificate with this host name in its subjectAltName (or connect with a name it covers); if the ' +
      'server picks certificates by SNI, check its SNI map. The names the certificate covers are in the details.',
  },
  'smtp.tls.cert-expiring': {
    title: 'TLS certificate expires soon',
    explanation:
      'The certificate is valid but will expire within the warning threshold. Automated renewals normally replace ' +
      'certificates 30 days before expiry, so a certificate this close to expiry usually means renewal is failing.',
    remediation:
      'Run the renewal now and read its output (`certbot renew --dry-run`, acme.sh logs); check the renewal timer or ' +
      'cron job, DNS/HTTP challenge reachability, and that the MTA is reloaded after renewal.',
  },

  'smtp.tls.legacy-protocol': {
    title: 'Server still accepts TLS 1.0 or 1.1',
    explanation:
      'A client that offers only TLS 1.0 or 1.1 (an attacker downgrading, or an outdated client) gets a session. ' +
      'RFC 8996 retired both versions; PCI DSS, BSI TR-03108 and internet.nl reject them, and submission clients ' +
      'that still use them send passwords over weak protection. On port 25 Postfix’s guidance keeps the floor low ' +
      'for opportunistic TLS (any TLS beats cleartext), so it is a warning there, not a break.',
    remediation:
      'Raise the floor to TLS 1.2: Postfix `smtpd_tls_protocols = >=TLSv1.2` and `smtpd_tls_mandatory_protocols = ' +
      '>=TLSv1.2` (older syntax `!SSLv2, !SSLv3, !TLSv1, !TLSv1.1`), Exim `openssl_options = +no_tlsv1 +no_tlsv1_1`, ' +
      'Exchange via the TLS 1.2 registry settings. Check with `openssl s_client -starttls smtp -connect <host>:25 ' +
      '-tls1_1` (it must fail).',
  },
  'smtp.tls.outdated-protocol': {
    title: 'Server speaks only TLS 1.0/1.1',
    explanation:
      'The handshake failed because the server offers nothing newer than TLS 1.1, which current clients and MTAs ' +
      '(OpenSSL 3, Gmail, Microsoft 365, every mail client) no longer accept: submission fails outright, and ' +
      'inbound mail falls back to cleartext or is deferred by senders that require TLS (MTA-STS, DANE). Typical ' +
      'of an old appliance, an MTA linked against an old OpenSSL, or a protocol list written years ago.',
    remediation:
      'Enable TLS 1.2 and 1.3: Postfix `smtpd_tls_protocols = >=TLSv1.2` (remove `!TLSv1.2` exclusions), update ' +
      'OpenSSL or the appliance firmware; confirm with `openssl s_client -starttls smtp -connect <host>:<port> ' +
      '-tls1_2`.',
  },
  'smtp.tls.weak-cipher': {
    title: 'Server accepts weak TLS cipher suites',
    explanation:
      'When a client offers only weak suites the server agrees: RSA key exchange (no forward secrecy: whoever later ' +
      'obtains the server key decrypts recorded sessions), 3DES (Sweet32), RC4 or NULL suites. RFC 9325 ' +
      'forbids them; a downgrading attacker or an old client gets exactly that protection.',
    remediation:
      'Restrict the suites to ECDHE/DHE with AEAD: Postfix `smtpd_tls_mandatory_ciphers = high`, `tls_high_cipherlist ' +
      '= ECDHE+AESGCM:ECDHE+CHACHA20:DHE+AESGCM` and `smtpd_tls_exclude_ciphers = eNULL, kRSA, 3DES, RC4` (for ' +
      'port 25 also `smtpd_tls_ciphers = high`). Check with `openssl s_client -starttls smtp -connect ' +
      '<host>:<port> -tls1_2 -cipher kRSA` (it must fail).',
  },
  'smtp.tls.scan-inconclusive': {
    title: 'TLS scan could not complete',
    explanation:
      'The extra connections that ask for old protocol versions or weak suites did not reach the TLS handshake ' +
      '(the server refused the connection, answered 4xx, or stopped offering STARTTLS), often because it limits ' +
      'connections per client. Nothing is known about what it accepts.',
    remediation:
      'Check the server’s per-client connection limits (Postfix `smtpd_client_connection_count_limit`, anvil) or ' +
      'set `tlsScan: false` for this group.',
  },

  // --- DANE (RFC 7672) -------------------------------------------------------------------------------------
  'smtp.dane.mismatch': {
    title: 'DANE TLSA records do not match the certificate',
    explanation:
      'The host publishes DNSSEC-signed TLSA records, so DANE senders (Postfix and Exim with DANE, Exchange ' +
      'Online, many European providers) authenticate it by them alone. None matches the certificate ' +
      'chain it serves: those senders defer every message until the records match. Usually the key or certificate ' +
      'was renewed (a new key on renewal) without publishing the new TLSA record first; a DANE-TA record also ' +
      'fails when the server does not send the trust-anchor certificate or the certificate does not name the host.',
    remediation:
      'Publish a record for the key now served, e.g. `_25._tcp.<host> TLSA 3 1 1 <sha256 of the SPKI>` (from ' +
      '`openssl x509 -in cert.pem -noout -pubkey | openssl pkey -pubin -outform DER | openssl dgst -sha256`), keep ' +
      'the old one until caches expire, and from then on roll keys as "current + next" (publish the next key’s ' +
      'record before deploying it; certbot `--reuse-key` keeps the key across renewals). Check with `posttls-finger ' +
      '-t30 -T180 -c -L verbose,summary <domain>` or `danetool --check <host> --port 25 --starttls-proto smtp`.',
  },
  'smtp.dane.anchor-not-sent': {
    title: 'DANE-TA trust anchor not in the chain the server sends',
    explanation:
      'The host’s DNSSEC-signed TLSA records are DANE-TA(2): they name a CA certificate (an intermediate or the ' +
      'root) that the chain must lead to. DANE senders look for that anchor only among the certificates the server ' +
      'sends (RFC 7671 5.2.2), never in a trust store, and this server sends only its own certificate: no DANE-TA ' +
      'record can match, so those senders defer every message. PKIX clients may still verify it.',
    remediation:
      'Send the chain up to the anchor: Postfix `smtpd_tls_chain_files = /etc/ssl/private/mail.key, ' +
      '/etc/ssl/certs/mail-fullchain.pem` (key, leaf, then each intermediate; a record for the root needs the root ' +
      'in the file too), then `postfix reload`. Or publish a DANE-EE record for the server key instead ' +
      '(`3 1 1 <sha256 of the SPKI>`), which needs no chain. Check with `posttls-finger -t30 -T180 -c -L ' +
      'verbose,summary <domain>`.',
  },
  'smtp.dane.tlsa-bogus': {
    title: 'TLSA lookup fails DNSSEC validation',
    explanation:
      'A validating resolver answers SERVFAIL for the TLSA records: the signatures expired, the DS in the parent no ' +
      'longer matches the zone’s DNSKEY after a key roll, or signatures are missing. DANE senders treat a failed ' +
      'TLSA lookup as a temporary error and defer all mail to the host (RFC 7672 2.2); the extended DNS error in ' +
      'the message says why, and the records seen with checking disabled show what is behind it.',
    remediation:
      'Re-sign the zone (check that the signer runs: `ldns-verify-zone`, `dnssec-verify`, or your DNS host’s ' +
      'DNSSEC status), make the DS at the registrar match a published KSK (`dig +dnssec DS <zone>` vs `dig DNSKEY ' +
      '<zone>`), and confirm with `delv _25._tcp.<host> TLSA` against a validating resolver.',
  },
  'smtp.dane.insecure': {
    title: 'TLSA records are not DNSSEC-signed',
    explanation:
      'TLSA records exist, but the validating resolver says the answer is insecure (the zone is unsigned or has no ' +
      'DS in its parent). DANE senders ignore unsigned TLSA records (RFC 7672 2.2), so they protect nothing; the ' +
      'intent to use DANE is not in effect.',
    remediation:
      'Sign the zone and publish its DS at the registrar, then verify with `delv _25._tcp.<host> TLSA` (it must say ' +
      '"fully validated"); or remove the TLSA records if DANE is not wanted.',
  },
  'smtp.dane.unusable': {
    title: 'No TLSA record usable for SMTP',
    explanation:
      'Every TLSA record has a usage SMTP does not support (PKIX-TA 0, PKIX-EE 1: RFC 7672 3.1.3), an unknown ' +
      'selector or matching type, or a digest of the wrong length. DANE senders then still require TLS but ' +
      'authenticate nothing, and a typo here often hides a record meant to work.',
    remediation:
      'Publish DANE-EE `3 1 1` (SHA-256 of the server key’s SPKI) or DANE-TA `2 1 1` (of the issuing CA’s key, sent ' +
      'in the chain) and remove the unusable records.',
  },
  'smtp.dane.missing': {
    title: 'DANE required but no TLSA records',
    explanation:
      'The endpoint is configured with `dane: required` but `_<port>._tcp.<host>` has no TLSA records, so DANE ' +
      'senders deliver with opportunistic TLS that an attacker can strip.',
    remediation:
      'Publish `_25._tcp.<host> TLSA 3 1 1 <sha256 of the SPKI>` in a DNSSEC-signed zone (or set `dane: optional`).',
  },
  'smtp.dane.no-tls': {
    title: 'DANE published but the session ended without TLS',
    explanation:
      'Usable TLSA records oblige DANE senders to use TLS and authenticate the server; this session never got that ' +
      'far (no STARTTLS, a refused STARTTLS or a handshake failure), so DANE senders defer all mail.',
    remediation: 'Fix the TLS problem reported by the tls check; DANE senders will deliver once TLS works.',
  },
  'smtp.dane.lookup-failed': {
    title: 'TLSA lookup got no answer',
    explanation:
      'The TLSA query timed out, was refused or failed without DNSSEC being the reason the probe could see. Nothing ' +
      'is known about DANE for this host; DANE senders facing the same failure defer mail.',
    remediation:
      'Query `dig +dnssec _25._tcp.<host> TLSA @<resolver>` and the zone’s name servers directly; check ' +
      '`resolver.servers`. Some old name servers answer unknown types such as TLSA wrongly: upgrade them.',
  },

  // --- AUTH ------------------------------------------------------------------------------------------------
  'smtp.auth.offered-before-tls': {
    title: 'AUTH offered before STARTTLS',
    explanation:
      'The server starts a PLAIN or LOGIN exchange on the unencrypted connection, before STARTTLS (the probe asks ' +
      'without credentials and cancels at once). A client that is misconfigured, or downgraded by an attacker who ' +
      'strips STARTTLS, then sends the password in cleartext and it is accepted (RFC 8314 asks servers not to).',
    remediation:
      'Offer AUTH only inside TLS: Postfix `smtpd_tls_auth_only = yes` (or port 465 with implicit TLS), Dovecot ' +
      '`disable_plaintext_auth = yes`, Exim `auth_advertise_hosts` limited to TLS sessions (an expansion on ' +
      '`$tls_in_cipher`).',
  },
  'smtp.auth.not-offered': {
    title: 'AUTH not offered',
    explanation:
      'Credentials are configured, but the server does not advertise AUTH even over TLS: SASL is disabled on this ' +
      'port or its authentication backend (e.g. Dovecot auth socket) is not configured, so users cannot log in to ' +
      'submit mail.',
    remediation:
      'On Postfix check `smtpd_sasl_auth_enable=yes` for this port (master.cf -o overrides for submission), ' +
      '`smtpd_sasl_type`/`smtpd_sasl_path` and that the Dovecot auth socket exists; `postconf -n | grep sasl`.',
  },
  'smtp.auth.tls-required': {
    title: 'AUTH requires TLS first',
    explanation:
      'The server only accepts authentication inside an encrypted session (530 5.7.0 “Must issue a STARTTLS command ' +
      'first”, 538 5.7.11 “Encryption required”), or advertises AUTH only after STARTTLS, but the probe authenticated ' +
      'in plaintext. This is correct server behaviour; the endpoint’s client settings are wrong.',
    remediation:
      'Use `mode: starttls` (port 587) or `mode: implicit-tls` (port 465) for this endpoint, as mail clients must.',
  },
  'smtp.auth.no-common-mechanism': {
    title: 'No usable AUTH mechanism',
    explanation:
      'The server offers AUTH, but none of the mechanisms it advertises (or the configured one) can be used with a ' +
      'password: for example only XOAUTH2/OAUTHBEARER, or only GSSAPI.',
    remediation:
      'Enable PLAIN and LOGIN over TLS on the server (Dovecot `auth_mechanisms = plain login`), or configure a ' +
      'mechanism the server lists (see the mechanisms in the details).',
  },
  'smtp.auth.rejected': {
    title: 'AUTH rejected (wrong credentials)',
    explanation:
      'The server rejected the login (535 5.7.8 “authentication credentials invalid”, or 534 5.7.9 when it wants ' +
      'a stronger method). The password is wrong or was changed, the account is locked or disabled, or the ' +
      'provider requires an app password because the account has two-factor authentication (Gmail, Microsoft 365, ' +
      'iCloud, Yahoo), or SMTP AUTH is disabled for the mailbox (Microsoft 365).',
    remediation:
      'Check the account and its password in the secret store; with 2FA create an app password and store that; on ' +
      'Microsoft 365 enable “Authenticated SMTP” for the mailbox. On your own server, the auth log ' +
      '(`doveadm log errors`, `journalctl -u dovecot`) names the reason; test with `swaks --auth -tls ...`.',
  },
  'smtp.auth.temporary': {
    title: 'AUTH failed temporarily',
    explanation:
      'The server answered the login with a temporary failure (454 4.7.0): its authentication backend (Dovecot, ' +
      'LDAP, SQL, the provider’s identity service) is unavailable, or login attempts are being throttled. While it ' +
      'lasts, no user can submit mail.',
    remediation:
      'Check the auth backend on the server (`doveadm auth test <user>`, the Dovecot/LDAP/SQL logs, the ' +
      'smtpd_sasl_path socket); for a provider, check its status page and whether the account hit a login rate ' +
      'limit.',
  },

  // --- envelope --------------------------------------------------------------------------------------------
  'smtp.mail.rejected': {
    title: 'Sender address rejected',
    explanation:
      'MAIL FROM was refused: the authenticated user may not send as this address (553 5.7.1 sender not owned), ' +
      'the sender domain does not resolve, authentication is required, or the sender is on the server’s block list.',
    remediation:
      'Read the reply in the details; on Postfix check smtpd_sender_login_maps and smtpd_sender_restrictions; make ' +
      'sure the configured sender belongs to the authenticated account and its domain has MX/A records.',
  },
  'smtp.rcpt.unknown-user': {
    title: 'Recipient does not exist (hard bounce)',
    explanation:
      'The server rejected the recipient permanently as unknown (550 5.1.1): the mailbox was deleted or renamed, ' +
      'the address has a typo, or the server’s recipient table (virtual maps, LDAP) lost it. Real mail to this ' +
      'address bounces immediately.',
    remediation:
      'Check the address; on the server look it up (`postmap -q <addr> <virtual map>`, `doveadm user <addr>`) and ' +
      'restore the mailbox or alias. Senders must stop retrying hard-bounced addresses to protect their reputation.',
  },
  'smtp.rcpt.mailbox-full': {
    title: 'Recipient mailbox full',
    explanation:
      'The recipient’s mailbox is over quota (x.2.2): 452 4.2.2 is a soft bounce (mail is queued and retried), ' +
      '552 5.2.2 a permanent one. Mail to it is delayed and eventually returned.',
    remediation:
      'Free space in the mailbox or raise its quota (`doveadm quota get -u <user>`, `doveadm expunge` of old mail); ' +
      'for a probe mailbox, make sure test messages are deleted after they are checked.',
  },
  'smtp.rcpt.relay-denied': {
    title: 'Relay denied',
    explanation:
      'The server refused to accept mail for this recipient domain from this client (554/550 5.7.1 Relay access ' +
      'denied): it is not a destination the server handles, and the session is not authorised to relay (not ' +
      'authenticated, or the domain is missing from the server’s local/virtual domains).',
    remediation:
      'For a submission endpoint, authenticate first (configure `auth`). For an MX, add the domain to the server’s ' +
      'accepted domains (Postfix mydestination/virtual_mailbox_domains/relay_domains) and check the MX points here.',
  },
  'smtp.rcpt.greylisted': {
    title: 'Recipient greylisted',
    explanation:
      'The server deferred the recipient with a greylisting reply (450/451 4.7.1 “try again later”): first ' +
      'contact from an unknown sender/IP/recipient triplet is refused once and accepted on retry after a delay. ' +
      'Legitimate mail is delayed by the retry interval; a greylist that never accepts the retry blocks mail.',
    remediation:
      'Nothing to fix if mail arrives after the delay. Set `options.greylistRetrySeconds` (e.g. 300) so the probe ' +
      'retries and reports whether the retry is accepted; whitelist the probe’s IP in the greylisting service ' +
      '(postgrey --whitelist-clients) to avoid the delay.',
  },
  'smtp.rcpt.rejected': {
    title: 'Recipient rejected',
    explanation:
      'The server refused the recipient permanently for a reason other than an unknown user or relaying: a policy ' +
      'rule, a blocklisted sender or client, or a disabled mailbox. The reply text names the rule.',
    remediation:
      'Read the reply code, enhanced code and text in the details and look up the rule in the server’s restrictions ' +
      '(Postfix smtpd_recipient_restrictions, policy services).',
  },
  'smtp.rcpt.deferred': {
    title: 'Recipient temporarily refused',
    explanation:
      'The server answered RCPT TO with a temporary 4xx reply other than greylisting or quota: a lookup backend ' +
      '(LDAP/SQL/policy service) is unavailable or the server is under load. Mail is queued by senders and delayed.',
    remediation:
      'Check the reply text and the server log for the failing lookup table or policy service ' +
      '("temporary lookup failure", "451 4.3.0"), and restore it.',
  },
  'smtp.rate-limited': {
    title: 'Rate limited by the server',
    explanation:
      'The server throttled this client (421 or 4.7.0 “too many connections/errors/messages”): connection or ' +
      'message-rate limits (Postfix anvil, provider sending limits) were reached by this IP or account.',
    remediation:
      'Check whether the probe shares its IP or account with a busy sender; raise or exempt the probe in the limits ' +
      '(smtpd_client_connection_rate_limit, smtpd_client_connection_count_limit) or probe less often.',
  },
  'smtp.message.too-large': {
    title: 'Message size over the server limit',
    explanation:
      'The server refused the message size (552 5.3.4 or a SIZE above its advertised limit): messages of this size ' +
      'bounce. Large attachments hit this first.',
    remediation:
      'Raise the limit on the server (Postfix message_size_limit, and mailbox_size_limit which must stay larger) or ' +
      'send large files as links; the advertised SIZE limit is in the details.',
  },
  'smtp.data.rejected': {
    title: 'Message rejected after DATA',
    explanation:
      'The envelope was accepted, but the server refused the message itself: content or spam filtering, a policy ' +
      'milter, or a missing required header. The reply text names the filter.',
    remediation:
      'Read the reply in the details and the server’s filter logs (rspamd, SpamAssassin, milter logs); adjust the ' +
      'filter or allow-list the probe’s test message sender.',
  },
  'smtp.relay.open': {
    title: 'Open relay',
    explanation:
      'Without authentication the server accepted a recipient in a domain it does not handle. Anyone can use it to ' +
      'send spam, which gets its IP blocklisted within hours and makes all its mail undeliverable.',
    remediation:
      'Restrict relaying now: Postfix `smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, ' +
      'reject_unauth_destination`, a minimal `mynetworks`; check the queue for spam (`postqueue -p`) and the ' +
      'blocklists for the IP.',
  },

  // --- session ---------------------------------------------------------------------------------------------
  'smtp.session.dropped': {
    title: 'Connection dropped mid-session',
    explanation:
      'The server closed or reset the connection in the middle of the dialogue without a proper reply: an smtpd ' +
      'process crashed, a policy daemon or milter failed and took the session down, or a firewall/IPS cut it.',
    remediation:
      'Look in the server log at the time of the probe for the session (fatal errors, "lost connection after ' +
      '<command>", milter or policy service errors) and in the firewall/IPS logs for the probe’s IP.',
  },
  'smtp.smtputf8.not-offered': {
    title: 'SMTPUTF8 not offered: internationalised addresses cannot be delivered',
    explanation:
      'The envelope test uses an address with a UTF-8 local part (RFC 6531 internationalised email, e.g. ' +
      'jörg@example.de or 用户@例子.中国), which a client may only send to a server that advertises SMTPUTF8 in its ' +
      'EHLO reply. This server does not, so mail to or from such addresses bounces here (there is no standard ' +
      'downgrade for a UTF-8 local part). An international domain alone is not affected: it travels as its ' +
      'A-label (xn--…).',
    remediation:
      'Postfix 3.0+: `smtputf8_enable = yes` in main.cf (the default from compatibility_level 1, but often set to no ' +
      'in old configs or master.cf `-o` overrides), then `postfix reload`; check `postconf smtputf8_enable` and that ' +
      'EHLO lists SMTPUTF8. Exim 4.86+: built with SUPPORT_I18N, `smtputf8_advertise_hosts = *`. The mailbox ' +
      'backend must accept the UTF-8 names too (lookup tables, Dovecot users). If no user has such an address, ' +
      'drop it from the probe’s envelope.',
  },
  'smtp.session.closing': {
    title: 'Server ended the session with 421',
    explanation:
      'The server answered 421 (service not available, closing transmission channel): by RFC 5321 3.8 that ends the ' +
      'session in whatever phase it comes, and the server closes the connection. Without throttling words the usual ' +
      'reasons are a service shutting down or restarting, a server out of resources (processes, disk, memory), a ' +
      'session idle past its timeout, too many errors in the session, or a policy (access map, milter, policy ' +
      'service) that disconnects this client. Senders retry later; nothing after the 421 was tested.',
    remediation:
      'Read the reply text in the check details and the server log at the probe’s time. A restart passes by itself; ' +
      'one that recurs needs the reason: Postfix answers "421 4.3.2 Service shutting down" while stopping, "421 ' +
      '4.7.0 Error: too many errors" after smtpd_hard_error_limit, and "421 4.4.2 Error: timeout exceeded" after ' +
      'smtpd_timeout; a 421 from an access map (check_*_access with 421), a milter or a policy service names its ' +
      'rule there. Check free disk for the queue (queue_minfree) and the process limits (default_process_limit).',
  },
  'smtp.session.timeout': {
    title: 'Server stopped answering',
    explanation:
      'A command got no complete reply in time, mid-session: the server is tarpitting (deliberate delays after ' +
      'errors), a lookup it runs for the command hangs (DNS, LDAP, policy service), or the reply trickles in too ' +
      'slowly.',
    remediation:
      'Check the server log and its lookup backends for the command that hung (phase in the check); for tarpits, ' +
      'check smtpd_error_sleep_time/smtpd_soft_error_limit and whether the probe triggers errors.',
  },
  'smtp.protocol.error': {
    title: 'Unexpected SMTP reply',
    explanation:
      'The server answered with something that is not a valid SMTP reply at that point (garbage, an oversized ' +
      'reply, or a reply code the command does not allow). A broken proxy or a non-conformant server is the usual ' +
      'cause.',
    remediation:
      'Reproduce by hand with `swaks` or `openssl s_client -starttls smtp` and compare with the transcript in the ' +
      'result; check any load balancer or SMTP proxy in front of the server.',
  },
} as const satisfies CauseTable;
