import type { CauseTable } from './types';

const GMAIL_CODES = 'https://support.google.com/a/answer/3726730 (Gmail SMTP errors and codes)';
const GMAIL_GUIDELINES = 'https://support.google.com/a/answer/81126 (Gmail email sender guidelines)';
const MICROSOFT_515 =
  'https://support.microsoft.com/topic/fix-ndr-error-550-5-7-515-in-outlook-com-34cfe8f8-6fbf-457e-9e8b-9e4dbaf4e0ef';
const MICROSOFT_BANNED =
  'https://learn.microsoft.com/exchange/troubleshoot/email-delivery/send-receive-emails-ndr';
const YAHOO_CODES = 'https://senders.yahooinc.com/smtp-error-codes/ (Yahoo Sender Hub: SMTP error codes)';

/**
 * Rejections whose text a large mailbox provider publishes: the reply of an SMTP endpoint or a canary bounce that
 * carries one is named by the provider's own meaning instead of "rejected (550)". Matched in
 * shared/probes/smtp/provider-rejections.ts; `source` names the page each text was taken from.
 */
export const providerCauses = {
  'provider.gmail.spf': {
    title: 'Gmail: SPF did not pass (4.7.27 / 5.7.27)',
    explanation:
      'Gmail deferred (421 4.7.27) or refused (550 5.7.27) the message because SPF did not pass for the envelope ' +
      'sender (Return-Path) domain: the sending IP is not authorised, or the SPF record fails (permerror: more ' +
      'than 10 lookups, two records). Since 2024 every sender to Gmail needs SPF or DKIM, bulk senders both.',
    remediation:
      'Find the Return-Path domain of the message and authorise the sending IP in its SPF record (run the dns ' +
      'probe with `sendingIps`); keep the record within 10 DNS lookups.',
    source: GMAIL_CODES,
  },
  'provider.gmail.dkim': {
    title: 'Gmail: DKIM did not pass (4.7.30 / 5.7.30)',
    explanation:
      'Gmail deferred or refused the message because it carried no DKIM signature that verifies (unsigned, key ' +
      'missing at the selector, key mismatch, body changed). Bulk senders need a passing DKIM signature.',
    remediation:
      'Sign outgoing mail with DKIM for the From domain and publish the key; the canary probe names which part of ' +
      'the signature fails (key missing, mismatch, body hash).',
    source: GMAIL_CODES,
  },
  'provider.gmail.dmarc-missing': {
    title: 'Gmail: no DMARC policy for the From domain (4.7.40 / 5.7.40, formerly 4.7.31)',
    explanation:
      'Gmail refused bulk mail whose From domain publishes no DMARC record (or one without a valid p=): a DMARC ' +
      'record of at least p=none is required of bulk senders since February 2024.',
    remediation:
      'Publish `_dmarc.<domain> TXT "v=DMARC1; p=none; rua=mailto:<reports>"` and tighten the policy once reports ' +
      'show every source aligned.',
    source: GMAIL_CODES,
  },
  'provider.gmail.alignment': {
    title: 'Gmail: From domain not aligned with SPF or DKIM (4.7.32 / 5.7.32)',
    explanation:
      'SPF and DKIM may pass, but neither authenticated domain matches the visible From domain under DMARC ' +
      'alignment rules (e.g. an ESP signs with its own d= and uses its own Return-Path).',
    remediation:
      'Have the sending service sign with d=<your From domain> (a CNAME-delegated selector) or use a Return-Path ' +
      'in your domain (custom bounce domain) so that one of them aligns.',
    source: GMAIL_CODES,
  },
  'provider.gmail.unauthenticated': {
    title: 'Gmail: unauthenticated sender or DMARC policy reject (5.7.26)',
    explanation:
      'Gmail blocked the message because it fails authentication: neither SPF nor DKIM passes, or it fails DMARC ' +
      'for a From domain whose policy is reject/quarantine ("Unauthenticated email from <domain> is not accepted ' +
      'due to domain\'s DMARC policy"), or SPF fails with -all.',
    remediation:
      'Make SPF and DKIM pass and align for the From domain (dns probe: SPF with `sendingIps`, DKIM selectors, ' +
      'DMARC); forwarders should add ARC. The canary probe shows which verdict fails.',
    source: GMAIL_CODES,
  },
  'provider.gmail.ptr': {
    title: 'Gmail: sending IP without valid reverse DNS (4.7.23 / 5.7.25)',
    explanation:
      'The sending IP has no PTR record, or the PTR name does not resolve back to the same IP (no ' +
      'forward-confirmed reverse DNS). Gmail requires valid FCrDNS of every sender.',
    remediation:
      'Ask the owner of the IP (hosting provider, ISP; in AWS the Elastic IP reverse DNS request) for a PTR to a ' +
      'name in your domain whose A/AAAA record points back to the IP; the dns probe checks FCrDNS per sending IP.',
    source: GMAIL_CODES,
  },
  'provider.gmail.tls': {
    title: 'Gmail: message not sent over TLS (4.7.29 / 5.7.29)',
    explanation:
      'Gmail requires senders to use TLS since December 2023; this hop delivered in plaintext (STARTTLS not used, ' +
      'or the TLS handshake with Google failed and the MTA fell back).',
    remediation:
      'Enable opportunistic TLS on the sending MTA (Postfix `smtp_tls_security_level = may` or better) and check ' +
      'that its OpenSSL can negotiate TLS 1.2 or later.',
    source: GMAIL_GUIDELINES,
  },
  'provider.gmail.rate-limited': {
    title: 'Gmail: rate limited for suspected unsolicited mail (4.7.28 / 4.7.0)',
    explanation:
      'Gmail detected an unusual rate of unsolicited mail from the sending IP or DKIM domain and defers it; it ' +
      'retries, but persistent deferral means reputation trouble (spam rate over 0.3 %, a sudden volume jump).',
    remediation:
      'Slow down and warm up gradually, check Google Postmaster Tools for the spam rate and reputation, remove ' +
      'unengaged recipients, and keep one-click unsubscribe working.',
    source: GMAIL_CODES,
  },
  'provider.gmail.unsolicited': {
    title: 'Gmail: blocked as likely unsolicited (5.7.1)',
    explanation:
      'Gmail refused the message as likely spam ("Our system has detected that this message is likely unsolicited ' +
      'mail"): content, links or the sending reputation, not the authentication, triggered it.',
    remediation:
      'Review Postmaster Tools (domain and IP reputation), the message content and its links (a listed URL in ' +
      'the dnsbl probe), and the list hygiene; Gmail gives no delisting form.',
    source: GMAIL_CODES,
  },
  'provider.microsoft.auth-required': {
    title: 'Outlook.com: sending domain below the required authentication level (5.7.515)',
    explanation:
      'Since May 2025 Outlook.com, Hotmail, Live and MSN reject mail from high-volume senders (5,000+ a day) whose ' +
      'From domain does not pass SPF and DKIM and DMARC (p=none at least, aligned). The NDR often lists ' +
      'Spf=/Dkim=/DMARC= results.',
    remediation:
      'Make SPF pass, DKIM pass and DMARC pass with alignment for the From domain; Microsoft checks SPF and DKIM ' +
      'separately, so one passing mechanism is not enough.',
    source: MICROSOFT_515,
  },
  'provider.microsoft.banned-ip': {
    title: 'Microsoft: sending IP blocked (5.7.606-649, S3140/S3150)',
    explanation:
      'Microsoft 365 or Outlook.com refused the connection or message because the sending IP is on its own block ' +
      'list ("Access denied, banned sending IP", "part of their network is on our block list").',
    remediation:
      'Request delisting at https://sender.office.com (Microsoft 365) or through the Outlook.com sender support ' +
      'form; enrol in SNDS/JMRP to see the reputation of the IP.',
    source: MICROSOFT_BANNED,
  },
  'provider.microsoft.rate-limited': {
    title: 'Microsoft: IP rate limited for reputation (4.7.650 / 4.7.500)',
    explanation:
      'Microsoft temporarily rate limits the sending IP because of its reputation ("has been temporarily rate ' +
      'limited due to IP reputation"); deliveries are deferred and retried.',
    remediation:
      'Reduce the volume, warm up the IP, and check it in SNDS; persistent limits need sender support.',
    source: MICROSOFT_BANNED,
  },
  'provider.yahoo.deferred': {
    title: 'Yahoo: deferred for volume or complaints (421 4.7.0 [TSS04]/[TSS09])',
    explanation:
      'Yahoo temporarily defers mail from the IP because of unusual traffic patterns, user complaints or spam-like ' +
      'characteristics ([TSS04]); [TSS09] means it is deferred for longer.',
    remediation:
      'Slow down, check the complaint feedback loop (Yahoo CFL) and list hygiene, and keep one-click unsubscribe ' +
      'working; Yahoo lifts deferrals as the reputation recovers.',
    source: YAHOO_CODES,
  },
  'provider.yahoo.unauthenticated': {
    title: 'Yahoo: unauthenticated or refused by policy (5.7.9)',
    explanation:
      'Yahoo refused the message because the sender is not authenticated (it requires SPF or DKIM from everyone, ' +
      'SPF, DKIM and DMARC from bulk senders) or it fails the From domain’s DMARC policy ("Message not accepted ' +
      'for policy reasons").',
    remediation:
      'Make SPF and DKIM pass and align for the From domain and publish DMARC; then re-test with the canary probe.',
    source: YAHOO_CODES,
  },
  'provider.yahoo.blocked-ip': {
    title: 'Yahoo: connections from the IP not accepted (553 5.7.1 [BL21]/[BL23])',
    explanation:
      'Yahoo does not accept connections from the sending IP because it is on a blocklist Yahoo uses (Spamhaus ' +
      'for [BL21], its own for [BL23]).',
    remediation:
      'Check the IP with the dnsbl probe and delist it where it is listed (Spamhaus: check.spamhaus.org); for ' +
      'Yahoo’s own list use the Sender Hub support form.',
    source: YAHOO_CODES,
  },
  'provider.blocklist': {
    title: 'Rejected because the sending IP or domain is on a blocklist',
    explanation:
      'The receiver refused the connection or message naming a DNS blocklist ("blocked using <list>", "listed ' +
      'in <list>"). The list, and its delisting page when the catalog knows it, are in the details. Every ' +
      'receiver using that list refuses the same mail.',
    remediation:
      'Run the dnsbl probe (or `mailprobe dnsbl-sweep <ip>`) for the sending IP to see the listing and its ' +
      'reason, fix what caused it (a compromised account, an open relay, a spam run), then request delisting at ' +
      'the list’s page.',
  },
} as const satisfies CauseTable;
