import type { CauseTable } from './types';

/** Causes named by the `canary` probe (a real message sent and looked for). Ids start with `canary.`. */
export const canaryCauses = {
  // --- delivery ----------------------------------------------------------------------------------------------
  'canary.delivery.missing': {
    title: 'Canary not delivered in time',
    explanation:
      'A canary was accepted for sending but did not show up in the seed mailbox (any watched folder) or as an ' +
      'inbound arrival within the arrival window. The message is queued somewhere (sender relay, receiving MX ' +
      'greylisting or deferring it), was silently discarded, or bounced to an address nobody reads. One miss is a ' +
      'soft failure (warn); the second consecutive miss is a hard failure.',
    remediation:
      'Follow the message by its token (header X-Mailprobe-Canary): on the sending relay `postqueue -p` / ' +
      '`grep <token> /var/log/mail.log` (SES: the send event or CloudWatch bounce/complaint metrics), then the ' +
      'receiving side’s logs or message trace (Google Email Log Search, Exchange message trace). A deferral names ' +
      'its reason in the queue entry (greylisting, 421 rate limit, TLS failure, DNS); a held queue needs ' +
      '`postsuper -H ALL` once the cause is fixed.',
  },
  'canary.delivery.slow': {
    title: 'Canary delivered slower than the latency threshold',
    explanation:
      'The canary arrived, but the time between sending and arrival exceeded the configured threshold. Usual ' +
      'reasons are greylisting (a first 4xx and a retry minutes later), a backed-up queue on the relay, content ' +
      'scanning delays at the receiver, or a throttled sending account.',
    remediation:
      'Compare the Received header timestamps in the check details to see which hop held the message; look for ' +
      '4xx deferrals of the token in the relay log; whitelist the sender in the receiver’s greylisting or ' +
      'raise the sending rate limit if the queue is the bottleneck.',
  },
  'canary.placement.spam': {
    title: 'Canary delivered to the spam/junk folder',
    explanation:
      'The receiver accepted the canary but filed it as spam. Real mail of the same sender likely goes there too. ' +
      'Common reasons: failing or unaligned SPF/DKIM/DMARC, a listed sending IP or domain, a new or cold IP, ' +
      'low domain reputation, or content that looks like bulk mail.',
    remediation:
      'Read the auth checks of this result first (a DKIM or DMARC failure explains most spam placement); check the ' +
      'sending IP and domain against blocklists (dnsbl probe); look at the receiver’s spam headers in the message ' +
      '(X-Spam-Status, X-MS-Exchange-Organization-SCL, Gmail Postmaster Tools reputation) and warm up new IPs slowly.',
  },
  // --- sending -----------------------------------------------------------------------------------------------
  'canary.bounce.hard': {
    title: 'Canary bounced permanently (5xx)',
    explanation:
      'The canary was refused with a permanent error, either in the SMTP reply while sending or in a delivery ' +
      'status notification (DSN) that came back to the sender. 5.1.1 means the recipient does not exist, 5.7.x ' +
      'a policy rejection (authentication, reputation, relay denied), 5.2.2 a full mailbox.',
    remediation:
      'Read the enhanced status code and the diagnostic text in the check details. 5.1.1: fix the seed address or ' +
      'recreate the mailbox. 5.7.1/5.7.26: fix SPF/DKIM/DMARC or request delisting. 5.7.1 "relay access denied": ' +
      'the relay needs AUTH for this sender.',
  },
  'canary.bounce.soft': {
    title: 'Canary deferred (4xx)',
    explanation:
      'The canary was refused with a temporary error: greylisting, a rate limit, a full queue or a receiving ' +
      'server that is busy. The sender normally retries, so delivery is delayed rather than lost, unless the ' +
      'deferral persists until the queue lifetime expires.',
    remediation:
      'Read the reply in the check details. Greylisting (4.7.1 / 450 "try again later") clears on retry; 421/4.7.0 ' +
      'rate limits mean sending too fast for the receiver; a persistent 4xx for hours needs the receiver’s ' +
      'postmaster or your relay’s logs.',
  },
  'canary.send.unreachable': {
    title: 'Sending relay unreachable',
    explanation:
      'The probe could not hand the canary to the configured SMTP relay: the connection was refused or timed out, ' +
      'or TLS could not be set up. No canary was sent, so nothing about delivery is known yet, but every other ' +
      'sender using this relay is blocked the same way.',
    remediation:
      'Check that the relay listens (`nc -vz <host> <port>`, `openssl s_client -starttls smtp -connect <host>:<port>`), ' +
      'that the port is not filtered where the probe runs (Lambda blocks outbound port 25: use 587), and run the ' +
      'smtp probe against the same endpoint for a detailed diagnosis.',
  },
  'canary.send.starttls-unavailable': {
    title: 'Sending relay offers no usable STARTTLS',
    explanation:
      'The canary is sent with STARTTLS required (mode starttls), and the relay did not offer STARTTLS in its EHLO ' +
      'reply or refused the STARTTLS command. No canary and no credentials went out in plaintext. Either the relay ' +
      'lost its TLS setup (a missing certificate, a broken TLS config after an upgrade), or something in the path ' +
      'strips STARTTLS from the EHLO reply (a firewall doing SMTP inspection, a downgrade attack).',
    remediation:
      'Look at the EHLO reply in the transcript; compare with `openssl s_client -starttls smtp -connect ' +
      '<host>:<port>` from another network. On Postfix check `smtpd_tls_cert_file`/`smtpd_tls_key_file` and ' +
      '`smtpd_tls_security_level`; on Exchange the receive connector’s certificate. A relay that speaks TLS from ' +
      'the first byte (port 465) needs `mode: implicit-tls`.',
  },
  'canary.send.smtputf8-unavailable': {
    title: 'Sending relay cannot carry an international address (no SMTPUTF8)',
    explanation:
      'The canary sender or seed address has a UTF-8 local part (müller@example.de), and the relay does not ' +
      'advertise SMTPUTF8 in its EHLO reply. RFC 6531 3.4 forbids sending such an address without the extension, ' +
      'so the canary was not sent: the relay (or one behind it) would refuse it, mangle it, or deliver it to the ' +
      'wrong mailbox. Real mail to or from such addresses through this relay has the same problem.',
    remediation:
      'Enable SMTPUTF8 on the relay (Postfix 3.0+: `smtputf8_enable = yes`, the default with compatibility_level ' +
      '>= 1; Exchange Online and Gmail offer it), or use an ASCII address for the canary sender and seed ' +
      '(an international domain alone needs no SMTPUTF8: it is sent as punycode).',
  },
  'canary.send.auth-failed': {
    title: 'Sending relay refused the credentials',
    explanation:
      'The relay rejected AUTH for the canary sender (535 5.7.8 or similar). Often the password was rotated, an ' +
      'app password is required (Gmail, Microsoft 365 with MFA), or SMTP AUTH is disabled for the account.',
    remediation:
      'Update the secret the config references; on Microsoft 365 enable SMTP AUTH for the mailbox ' +
      '(`Set-CASMailbox -SmtpClientAuthenticationDisabled $false`); on Google use an app password. The canary ' +
      'logs in to a relay with PLAIN, LOGIN or CRAM-MD5 (OAuth2 is for IMAP seeds only): a relay that takes only ' +
      'XOAUTH2 needs `send.via: ses` or a relay that accepts a password.',
  },
  'canary.ses.identity-unverified': {
    title: 'SES refused the canary: sandbox or unverified identity',
    explanation:
      'SES answered MessageRejected: the From identity (address or domain) is not verified in this region, or the ' +
      'account is in the SES sandbox and the recipient is not a verified address either. This is a configuration ' +
      'error; retrying cannot help.',
    remediation:
      'Verify the sending domain in the SES console of the probe’s region (`aws sesv2 get-email-identity ' +
      '--email-identity <domain>`), or verify the seed recipient while in the sandbox; request production access ' +
      'to leave the sandbox.',
  },
  'canary.ses.throttled': {
    title: 'SES throttled the canary',
    explanation:
      'SES refused the send for exceeding the account’s sending rate or daily quota (Throttling / "Maximum sending ' +
      'rate exceeded" / "Daily message quota exceeded"), even after backing off. Other mail from the account is ' +
      'being throttled too.',
    remediation:
      'Check `aws sesv2 get-account` (SendQuota: Max24HourSend, MaxSendRate, SentLast24Hours); spread sending or ' +
      'request a quota increase. In the sandbox the limits are 1 message per second and 200 per day.',
  },
  'canary.ses.account-paused': {
    title: 'SES sending is paused for the account',
    explanation:
      'SES refused the send because sending is disabled for the account or configuration set (AccountSuspended / ' +
      'SendingPaused), usually after a bounce or complaint rate review, or because someone paused it by hand. ' +
      'No mail from this account is leaving.',
    remediation:
      'Open the SES account dashboard / Virtual Deliverability Manager for the review notice; `aws sesv2 ' +
      'get-account` shows EnforcementStatus and SendingEnabled. Fix the bounce/complaint source, then re-enable ' +
      'with `aws sesv2 put-account-sending-attributes --sending-enabled` (or for the configuration set).',
  },
  'canary.ses.access-denied': {
    title: 'The monitor may not send through SES',
    explanation:
      'SES refused the call itself (AccessDenied, an unknown or expired access key, a bad signature): the probe’s ' +
      'role or credentials lack ses:SendEmail on the identity. This is a fault of the monitor, not of the mail ' +
      'system: no canary was sent, so the result is unknown (a long run of it raises a coverage alert).',
    remediation:
      'Deployed: the stack grants ses:SendEmail on the From address and domain identities (and the configuration ' +
      'set); check that `options.from` and the verified identity match and that no SCP or permission boundary ' +
      'denies SES. Locally: `aws sts get-caller-identity` and the AWS_PROFILE / AWS_REGION the CLI runs with.',
  },
  'canary.ses.unavailable': {
    title: 'SES could not be reached or failed on its side',
    explanation:
      'The SendEmail call got no answer from SES (no region configured, DNS, a refused connection, a timeout) or ' +
      'SES answered with a service error (5xx, InternalFailure, ServiceUnavailable). SES said nothing about the ' +
      'mail, so the result is unknown: a fault of the monitor’s path, not a deliverability verdict.',
    remediation:
      '"Region is missing": set `send.region` in the canary group (or AWS_REGION where the CLI runs). Otherwise ' +
      'check the AWS Health dashboard for SES in the region and the probe’s network path (VPC endpoints or NAT ' +
      'for static-egress groups); transient service errors clear on the next run.',
  },
  'canary.ses.failed': {
    title: 'SES refused the request for another reason',
    explanation:
      'SES answered with a client error that is neither a rejection of the identity, a throttle, a pause nor a ' +
      'permission problem (a bad request, a configuration set that does not exist in the region). The request ' +
      'the monitor built is at fault, not the mail system: the result is unknown.',
    remediation:
      'Read the error name and message in the check details. NotFoundException: create the configuration set ' +
      'named in `send.configurationSet` in the probe’s region, or remove it; BadRequestException: report it with ' +
      'the details, the request is mailprobe’s.',
  },
  'canary.ses.inbound-mx': {
    title: 'Canary domain’s MX does not point at SES inbound',
    explanation:
      'Seed addresses with arrival via ledger are received by the stack’s SES receipt rule, which only sees mail ' +
      'that the domain’s MX sends to inbound-smtp.<region>.amazonaws.com of the stack’s region. With another (or ' +
      'no) MX, or SES only as a less preferred fallback, canaries are delivered elsewhere and every one is missed.',
    remediation:
      'Publish `<canary domain>. MX 10 inbound-smtp.<region>.amazonaws.com.` (the stack output CanaryInboundMx) as ' +
      'the only or most preferred MX, verify the domain in SES of that region, then `mailprobe inbound-mx --region ' +
      '<region>`; use a subdomain (canary.example.com) so the main domain’s mail is untouched.',
  },
  // --- authentication verdicts at the receiver ---------------------------------------------------------------
  'canary.auth.spf-fail': {
    title: 'Receiver’s SPF check failed for the canary',
    explanation:
      'The receiving server evaluated SPF for the envelope sender and the sending IP was not authorised (fail or ' +
      'softfail), or the record was broken (permerror). Receivers treat this as a strong spam or spoofing signal.',
    remediation:
      'Add the sending IP or the provider’s include to the SPF record of the envelope-from domain (`dig TXT ' +
      '<domain>`); keep it under 10 DNS lookups; run the dns probe for the exact record diagnosis.',
  },
  'canary.auth.dkim-fail': {
    title: 'Receiver’s DKIM check failed for the canary',
    explanation:
      'A DKIM signature was present but did not verify: the public key in DNS does not match the signing key (a ' +
      'rotated or wrong selector), the body or signed headers were modified in transit (footers, mailing lists), ' +
      'or the key record is malformed.',
    remediation:
      'Compare the selector in the DKIM-Signature (s=) with `dig TXT <selector>._domainkey.<domain>`; publish the ' +
      'public key matching the signer’s private key; stop relays from rewriting signed messages.',
  },
  'canary.dkim.key-missing': {
    title: 'DKIM key not published for the selector the canary was signed with',
    explanation:
      'The DKIM-Signature names a selector (s=) and domain (d=) whose key record <s>._domainkey.<d> does not ' +
      'exist in DNS (NXDOMAIN or no TXT). The signer uses a selector nobody published, or the record was deleted ' +
      'during a key rotation before the signer switched.',
    remediation:
      'Publish the public key of the signing key at the selector and domain named in the check (`dig TXT ' +
      '<selector>._domainkey.<domain>` must return it), or configure the signer with the selector that is ' +
      'published. Keep an old selector published until no signer uses it.',
  },
  'canary.dkim.key-mismatch': {
    title: 'DKIM signature does not verify with the published key',
    explanation:
      'A key is published at the selector, but the signature does not verify with it ("bad signature"): the ' +
      'signer holds a different private key (rotated on one side only, a key pasted into the wrong selector), or ' +
      'a signed header (Subject, From, Date) was changed in transit.',
    remediation:
      'Derive the public key from the private key the signer uses (`openssl rsa -in key.pem -pubout`) and ' +
      'compare it with the p= of the selector; publish the matching one. If they match, look for a hop that ' +
      'rewrites signed headers (a list manager adding a Subject tag, a gateway re-encoding From).',
  },
  'canary.dkim.body-hash': {
    title: 'DKIM body hash mismatch: the body was changed after signing',
    explanation:
      "The signature's bh= does not match the body as delivered: something after the signer modified the body (a " +
      'disclaimer or footer appended by a gateway, an antivirus banner, a line-ending or encoding rewrite). The ' +
      'key and selector are fine.',
    remediation:
      'Sign after every hop that modifies the body (move DKIM signing to the last outbound hop), or stop the ' +
      'footer/disclaimer/rewrite on that path. Relaxed body canonicalization (c=relaxed/relaxed) tolerates ' +
      'whitespace changes only.',
  },
  'canary.dkim.expired': {
    title: 'DKIM signature expired',
    explanation:
      'The signature carries an expiry (x=) that has passed (or precedes its own timestamp t=): verifiers must ' +
      'ignore it. A signer with a very short expiry, or a clock far behind, produces signatures that die in queue.',
    remediation:
      "Set the signer's signature expiry to days, not minutes (or leave x= out), and check the signing host's " +
      'clock (NTP).',
  },
  'canary.dkim.key-invalid': {
    title: 'DKIM key record is malformed',
    explanation:
      'A record exists at the selector but cannot be used: an unknown version or key type, or a p= that is not a ' +
      'valid public key (truncated when pasted, quotes or spaces inside the base64, a 255-byte string split badly).',
    remediation:
      'Re-publish the record as generated by the signer (`v=DKIM1; k=rsa; p=<base64>`), splitting long keys into ' +
      'several quoted strings of one TXT record; check it with the dns probe (`dkimSelectors`).',
  },
  'canary.dkim.weak-key': {
    title: 'DKIM key too short',
    explanation:
      'The signing key has fewer than 1024 bits; receivers (Gmail, Yahoo, Microsoft) treat such signatures as ' +
      'failing and RFC 8301 forbids verifying them.',
    remediation:
      'Generate a 2048-bit RSA key (or add an ed25519 signature), publish it under a new selector, switch.',
  },
  'canary.dkim.dns-error': {
    title: 'DKIM key lookup failed',
    explanation:
      'The verifier could not fetch the key record (timeout, SERVFAIL): receivers see a temporary error and may ' +
      'defer or treat the message as unsigned. Often the DNS servers of the signing domain are slow or DNSSEC ' +
      'validation of the selector fails.',
    remediation:
      'Query `dig TXT <selector>._domainkey.<domain>` against each authoritative server of the domain and fix the ' +
      'one that fails; check the DNSSEC chain of the domain.',
  },
  'canary.compliance.verdict': {
    title: 'Canary misses the bulk-sender requirements of a provider',
    explanation:
      'Gmail and Yahoo (since February 2024) and Outlook.com (since May 2025) reject or junk mail from bulk ' +
      'senders (5,000+ messages a day to them) that misses their requirements. The check lists the verdict per ' +
      'provider; each missed rule is its own check with its own fix.',
    remediation: 'Fix each `compliance.*` check of the same run; the verdict passes when none is left.',
    source:
      'Gmail email sender guidelines, https://support.google.com/a/answer/81126; Yahoo Sender Hub best practices, https://senders.yahooinc.com/best-practices/; Outlook requirements for high-volume senders (May 2025), https://techcommunity.microsoft.com/blog/microsoftdefenderforoffice365blog/strengthening-email-ecosystem-outlook%E2%80%99s-new-requirements-for-high%E2%80%90volume-senders/4399730',
  },
  'canary.compliance.spf': {
    title: 'Bulk-sender rule: SPF must pass',
    explanation:
      'All three providers require SPF to pass for the envelope (Return-Path) domain of bulk mail.',
    remediation:
      'Authorise the sending IP in the SPF record of the Return-Path domain (dns probe with sendingIps).',
    source:
      'Gmail email sender guidelines, https://support.google.com/a/answer/81126; Outlook requirements for high-volume senders (May 2025), https://techcommunity.microsoft.com/blog/microsoftdefenderforoffice365blog/strengthening-email-ecosystem-outlook%E2%80%99s-new-requirements-for-high%E2%80%90volume-senders/4399730',
  },
  'canary.compliance.dkim': {
    title: 'Bulk-sender rule: DKIM must pass',
    explanation:
      'All three providers require a DKIM signature that verifies on bulk mail; Microsoft checks it separately ' +
      'from SPF, so an SPF pass does not make up for it.',
    remediation:
      'Sign with DKIM and publish the key; the auth.dkim check of this run names why the signature fails.',
    source:
      'Gmail email sender guidelines, https://support.google.com/a/answer/81126; Outlook requirements for high-volume senders (May 2025), https://techcommunity.microsoft.com/blog/microsoftdefenderforoffice365blog/strengthening-email-ecosystem-outlook%E2%80%99s-new-requirements-for-high%E2%80%90volume-senders/4399730',
  },
  'canary.compliance.dmarc': {
    title: 'Bulk-sender rule: DMARC must pass, aligned',
    explanation:
      'The From domain must publish DMARC (p=none suffices) and the message must pass it: SPF or DKIM aligned ' +
      'with the From domain.',
    remediation: 'Publish DMARC and align SPF (custom Return-Path) or DKIM (d= of the From domain).',
    source:
      'Gmail email sender guidelines, https://support.google.com/a/answer/81126; Yahoo Sender Hub best practices, https://senders.yahooinc.com/best-practices/; Outlook requirements for high-volume senders (May 2025), https://techcommunity.microsoft.com/blog/microsoftdefenderforoffice365blog/strengthening-email-ecosystem-outlook%E2%80%99s-new-requirements-for-high%E2%80%90volume-senders/4399730',
  },
  'canary.compliance.dkim-key': {
    title: 'Bulk-sender rule: DKIM key of at least 1024 bits',
    explanation:
      'Gmail requires DKIM keys of at least 1024 bits (2048 recommended); shorter keys count as failing.',
    remediation: 'Generate a 2048-bit key, publish it under a new selector and switch the signer to it.',
    source: 'Gmail email sender guidelines, https://support.google.com/a/answer/81126',
  },
  'canary.compliance.fcrdns': {
    title: 'Bulk-sender rule: forward-confirmed reverse DNS of the sending IP',
    explanation:
      'The IP that delivered the canary to the receiver (from its Received chain) must have a PTR record whose ' +
      'name resolves back to the same IP. Gmail and Yahoo require it of every sender.',
    remediation:
      'Ask the owner of the IP for a PTR to a name in your domain and publish that name’s A/AAAA record with the ' +
      'IP (in AWS: the Elastic IP reverse DNS request).',
    source:
      'Gmail email sender guidelines, https://support.google.com/a/answer/81126; Yahoo Sender Hub best practices, https://senders.yahooinc.com/best-practices/',
  },
  'canary.compliance.tls': {
    title: 'Bulk-sender rule: TLS on the hop into the receiver',
    explanation:
      'Gmail requires the connection that delivers the message to use TLS; this canary arrived in plaintext.',
    remediation: 'Enable STARTTLS on the sending MTA (Postfix smtp_tls_security_level = may or encrypt).',
    source: 'Gmail email sender guidelines, https://support.google.com/a/answer/81126',
  },
  'canary.compliance.rfc5322': {
    title: 'Bulk-sender rule: message format per RFC 5322',
    explanation:
      'The providers require RFC 5322 messages: exactly one address in From and a valid Message-ID among them. ' +
      'Messages that are not are refused (Gmail 5.7.x "not RFC 5322 compliant").',
    remediation:
      'Fix the sending application or library so it writes one From address and a Message-ID <id@domain>.',
    source:
      'Gmail email sender guidelines, https://support.google.com/a/answer/81126; Yahoo Sender Hub best practices, https://senders.yahooinc.com/best-practices/',
  },
  'canary.compliance.one-click': {
    title: 'Bulk-sender rule: one-click unsubscribe (RFC 8058)',
    explanation:
      'Marketing and subscribed mail must carry List-Unsubscribe with an https URI and List-Unsubscribe-Post: ' +
      'List-Unsubscribe=One-Click, both covered by a passing DKIM signature (RFC 8058 section 4), and honour the ' +
      'request within two days.',
    remediation:
      'Add both headers to bulk streams and add them to the signer’s signed header list (h=); the https endpoint ' +
      'must accept a POST without a login.',
    source:
      'Gmail email sender guidelines, https://support.google.com/a/answer/81126; Yahoo Sender Hub best practices, https://senders.yahooinc.com/best-practices/; Outlook requirements for high-volume senders (May 2025), https://techcommunity.microsoft.com/blog/microsoftdefenderforoffice365blog/strengthening-email-ecosystem-outlook%E2%80%99s-new-requirements-for-high%E2%80%90volume-senders/4399730',
  },
  'canary.auth.dmarc-fail': {
    title: 'Receiver’s DMARC check failed for the canary',
    explanation:
      'Neither SPF nor DKIM passed in alignment with the From domain, so the receiver applied the DMARC policy ' +
      '(quarantine or reject). Mail from this domain is going to spam or being refused.',
    remediation:
      'Make at least one of SPF or DKIM pass with the From domain (sign with d=<from domain>; use a return-path in ' +
      'the From domain); watch the DMARC aggregate reports (rua) to find other failing sources.',
  },
  'canary.auth.missing': {
    title: 'No SPF/DKIM/DMARC verdict for the canary',
    explanation:
      'The receiver recorded no result (or "none") for this mechanism: there is no SPF or DMARC record, or the ' +
      'message was not DKIM-signed. Major mailbox providers require SPF, DKIM and DMARC from bulk senders and ' +
      'down-rank unauthenticated mail.',
    remediation:
      'Publish the missing record (SPF TXT on the envelope domain, DMARC at _dmarc.<domain>) or enable DKIM signing ' +
      'on the sender (the canary’s own dkim option for SMTP, Easy DKIM for SES).',
  },
  // --- arrival detection (coverage, not deliverability) ------------------------------------------------------
  'canary.imap.login-failed': {
    title: 'Seed mailbox login failed',
    explanation:
      'The IMAP server refused the seed mailbox credentials, so the canary could not be looked for. This is a ' +
      'broken seed mailbox (password changed, app password revoked, expired OAuth2 token, IMAP disabled), not a ' +
      'deliverability problem: the result is unknown.',
    remediation:
      'Log in to the seed mailbox by hand (`openssl s_client -connect <host>:993` then `a LOGIN user pass`); renew ' +
      'the app password or OAuth2 token and update the secret; make sure IMAP access is enabled for the account.',
  },
  'canary.oauth.refresh-rejected': {
    title: 'Seed mailbox OAuth2 refresh token refused',
    explanation:
      'The token endpoint refused to exchange the seed mailbox’s refresh token for an access token (invalid_grant: ' +
      'the refresh token expired, was revoked or the password changed; invalid_client: wrong client id or secret, ' +
      'or an expired client secret). The canary could not be looked for: a coverage gap of the monitor, not a ' +
      'deliverability verdict (unknown).',
    remediation:
      'Read the error code in the check. invalid_grant: run the one-time consent for the seed account again and ' +
      'store the new refresh token in its secret (Microsoft refresh tokens lapse after 90 days without use, Google’s ' +
      'after 7 days while the OAuth consent screen is in "Testing"). invalid_client: renew the client secret in ' +
      'the app registration and update its secret. See docs/deploy.md "OAuth2 seed mailboxes".',
  },
  'canary.oauth.unavailable': {
    title: 'Seed mailbox OAuth2 token endpoint unreachable',
    explanation:
      'The token endpoint that turns the refresh token into an access token could not be reached, did not answer ' +
      'in time, answered a server error or an unreadable document. Arrival could not be checked: unknown.',
    remediation:
      'Check `tokenUrl` (Microsoft: https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token, Google: ' +
      'https://oauth2.googleapis.com/token), that the probe can reach it (a VPC needs a NAT gateway), and the ' +
      'provider’s status page.',
  },
  'canary.imap.unavailable': {
    title: 'Seed mailbox server unreachable',
    explanation:
      'The IMAP server of the seed mailbox could not be reached or did not answer in time (connection refused, ' +
      'timeout, TLS failure). Arrival could not be checked: the result is unknown.',
    remediation:
      'Check the host and port (993 implicit TLS, 143 STARTTLS) with `openssl s_client`; check the CA settings for ' +
      'a private server; the provider’s status page for an outage.',
  },
  'canary.imap.folder-missing': {
    title: 'A watched seed mailbox folder does not exist',
    explanation:
      'A folder named in the mailbox’s spam folders (or INBOX) could not be opened, so a canary filed there would ' +
      'go unseen. Providers name their spam folder differently ("[Gmail]/Spam", "Junk Email", "Junk").',
    remediation:
      'List the folders (`a LIST "" "*"` over IMAP) and put the exact name of the spam folder in the mailbox’s ' +
      '`spamFolders`.',
  },
  'canary.ledger.unavailable': {
    title: 'Canary ledger not available',
    explanation:
      'This canary looks for arrivals recorded in the results table (SES inbound or `mailprobe receive`), but the ' +
      'run has no access to the table, or the table call failed. Arrival could not be checked: unknown.',
    remediation:
      'Give the function read/write access to the results table; locally, run with the embedded store (the CLI ' +
      'does this). Check the function logs for the DynamoDB error.',
  },
  'canary.config.secret-unavailable': {
    title: 'Canary credential could not be read',
    explanation:
      'A secret the canary needs (relay password, IMAP password or OAuth2 token, DKIM private key) could not be ' +
      'resolved, so that step could not run. Nothing is known about delivery: unknown.',
    remediation:
      'Check that the referenced secret exists and the probe may read it; locally set the environment variable.',
  },
} as const satisfies CauseTable;
