import { type ZoneSpec, type ZoneSpecInput, zoneSpec } from './zone-spec';

/** The secret a keyed zone needs, named as the group option that holds its reference. */
export type ZoneKeyOption = 'dqsKey' | 'abusixKey';

export interface CatalogZone {
  spec: ZoneSpec;
  /** How the zone is queried with a key: `{key}` is replaced; the key never appears anywhere else. */
  key?: { option: ZoneKeyOption; zone: string; required: boolean };
  /** In the default set (keyed zones: only when their key is configured). */
  byDefault: boolean;
}

const SPAMHAUS_ERRORS = {
  '127.255.255.252': { meaning: 'unknown zone name or invalid DQS key', kind: 'misconfigured' },
  '127.255.255.254': {
    meaning: 'query through a public or cloud resolver, refused (use DQS or an own resolver)',
    kind: 'refused',
  },
  '127.255.255.255': { meaning: 'too many queries from this resolver', kind: 'rate-limited' },
} as const;

const SPAMHAUS_DELIST = 'https://check.spamhaus.org/';

function entry(spec: ZoneSpecInput, extra: Omit<CatalogZone, 'spec'>): CatalogZone {
  return { spec: zoneSpec.parse(spec), ...extra };
}

/**
 * Live blocklists worth querying by default, and a few opt-in ones. Dead lists are deliberately absent: a retired
 * zone either answers nothing or lists the whole internet. Among them SORBS (decommissioned by Proofpoint on
 * 5 June 2024, its zones emptied: Proofpoint's statement to The Register, quoted at
 * https://powermta.ninja/sorbs-blacklist-shuts-down), NiX Spam (ix.dnsbl.manitu.net, reported shut down in
 * January 2025: https://reviewmyemails.com/emailalmanac/spam-filters-and-blocklists/major-blocklists-services/which-blocklists-have-shut-down-or-are-defunct),
 * NJABL, AHBL and the old SpamCop-era mirrors.
 *
 * Each entry names, in a `Codes:` comment, the page where its operator documents the answers, as re-checked on
 * 2026-12-02; entries without one rely on RFC 5782 (127.0.0.2 listed) and their operator's lookup page, where no
 * operator page listing the codes was found.
 */
export const ZONE_CATALOG: readonly CatalogZone[] = [
  // Codes: https://docs.spamhaus.com/datasets/docs/source/10-data-type-documentation/datasets/040-zones.html (ZEN:
  // SBL, CSS, DROP, XBL, PBL, BCL; .5-.7 "currently unused") and https://www.spamhaus.org/news/article/788/ (errors).
  entry(
    {
      zone: 'zen.spamhaus.org',
      label: 'Spamhaus ZEN',
      kinds: ['ip4', 'ip6'],
      codes: {
        '127.0.0.2': { meaning: 'SBL: direct spam source or spam operation' },
        '127.0.0.3': { meaning: 'SBL CSS: snowshoe spam source' },
        '127.0.0.4': { meaning: 'XBL: exploited host (malware, open proxy, botnet)' },
        '127.0.0.5': { meaning: 'XBL: exploited host (legacy code)' },
        '127.0.0.6': { meaning: 'XBL: exploited host (legacy code)' },
        '127.0.0.7': { meaning: 'XBL: exploited host (legacy code)' },
        '127.0.0.9': { meaning: 'DROP: hijacked or criminal netblock' },
        '127.0.0.10': { meaning: 'PBL: range its ISP says should not send direct mail', category: 'policy' },
        '127.0.0.11': { meaning: 'PBL: range Spamhaus lists as dynamic/non-mail', category: 'policy' },
        '127.0.0.30': { meaning: 'BCL: botnet command-and-control server' },
      },
      errors: SPAMHAUS_ERRORS,
      infoUrl: 'https://www.spamhaus.org/blocklists/zen-blocklist/',
      delistUrl: SPAMHAUS_DELIST,
    },
    // Public mirrors refuse cloud and public resolvers: only by default through DQS; opt in to the public name.
    { key: { option: 'dqsKey', zone: '{key}.zen.dq.spamhaus.net', required: false }, byDefault: true },
  ),
  // Codes: the Spamhaus zones page above (DBL, and 127.0.1.255 for an IP sent to it).
  entry(
    {
      zone: 'dbl.spamhaus.org',
      label: 'Spamhaus DBL',
      kinds: ['domain'],
      codes: {
        '127.0.1.2': { meaning: 'spam domain' },
        '127.0.1.4': { meaning: 'phishing domain' },
        '127.0.1.5': { meaning: 'malware domain' },
        '127.0.1.6': { meaning: 'botnet command-and-control domain' },
        '127.0.1.102': { meaning: 'abused legitimate domain: spam' },
        '127.0.1.103': { meaning: 'abused legitimate domain: spammed redirector' },
        '127.0.1.104': { meaning: 'abused legitimate domain: phishing' },
        '127.0.1.105': { meaning: 'abused legitimate domain: malware' },
        '127.0.1.106': { meaning: 'abused legitimate domain: botnet C&C' },
      },
      errors: {
        ...SPAMHAUS_ERRORS,
        '127.0.1.255': { meaning: 'an IP address was sent to the domain list', kind: 'misconfigured' },
      },
      selfTest: { listed: 'dbltest.com', notListed: 'invalid' },
      infoUrl: 'https://www.spamhaus.org/blocklists/domain-blocklist/',
      delistUrl: SPAMHAUS_DELIST,
    },
    { key: { option: 'dqsKey', zone: '{key}.dbl.dq.spamhaus.net', required: false }, byDefault: true },
  ),
  // Codes: https://www.barracudacentral.org/rbl/how-to-use (127.0.0.2; queries need a registered resolver).
  entry(
    {
      zone: 'b.barracudacentral.org',
      label: 'Barracuda BRBL',
      kinds: ['ip4'],
      codes: { '127.0.0.2': { meaning: 'poor sending reputation (Barracuda Reputation Block List)' } },
      infoUrl: 'https://www.barracudacentral.org/lookups',
      delistUrl: 'https://www.barracudacentral.org/rbl/removal-request',
    },
    { byDefault: true },
  ),
  // No operator page naming the answer was found (127.0.0.2 per RFC 5782). Policy: https://www.spamcop.net/bl.shtml
  // (time-based, delisted automatically when reports stop) and SpamCop's dispute page mirrored at
  // http://forum.spamcop.net/scwik/SCBLDeListing ("All SCBL listings expire 24 hours from the time of the last
  // reported email"; no removal requests).
  entry(
    {
      zone: 'bl.spamcop.net',
      label: 'SpamCop',
      kinds: ['ip4'],
      codes: {
        '127.0.0.2': {
          meaning: 'reported by SpamCop users or spam traps (expires 24 h after the last reported message)',
        },
      },
      infoUrl: 'https://www.spamcop.net/bl.shtml',
      delistUrl: 'https://www.spamcop.net/bl.shtml',
    },
    { byDefault: true },
  ),
  // No operator page naming the answer was found (127.0.0.2 per RFC 5782). Usage: http://psbl.surriel.com/howto/
  // ("Anybody is free to use PSBL"); policy: http://psbl.org/faq/ (listed for mail to a spamtrap, expires a few weeks
  // after the last hit, anyone can remove an address).
  entry(
    {
      zone: 'psbl.surriel.com',
      label: 'PSBL',
      kinds: ['ip4'],
      codes: {
        '127.0.0.2': { meaning: 'sent mail to PSBL spam traps (expires a few weeks after the last hit)' },
      },
      infoUrl: 'https://psbl.org/',
      delistUrl: 'https://psbl.org/',
    },
    { byDefault: true },
  ),
  // Codes: https://mailspike.org/usage.html (bl = z.mailspike.net's 127.0.0.2 plus rep.mailspike.net's L3-L5).
  entry(
    {
      zone: 'bl.mailspike.net',
      label: 'Mailspike',
      kinds: ['ip4'],
      codes: {
        '127.0.0.2': { meaning: 'listed by Mailspike (spam source)' },
        '127.0.0.10': { meaning: 'worst possible reputation', category: 'reputation', severity: 'fail' },
        '127.0.0.11': { meaning: 'very bad reputation', category: 'reputation', severity: 'fail' },
        '127.0.0.12': { meaning: 'bad reputation', category: 'reputation' },
        '127.0.0.13': { meaning: 'suspicious reputation', category: 'reputation' },
        '127.0.0.14': { meaning: 'neutral reputation leaning to spam', category: 'reputation' },
      },
      infoUrl: 'https://mailspike.org/',
      delistUrl: 'https://mailspike.org/',
    },
    { byDefault: true },
  ),
  // No operator page naming the answer was found (127.0.0.2 per RFC 5782). Policy:
  // https://www.uceprotect.net/en/index.php?m=3&s=3 (single IPs: spamtrap hits, mail forwarded against SPF, port
  // scans or attacks on its servers); expiry 7 days after the last incident per the operator's news page
  // http://www.uceprotect.net/en/index.php?m=12&s=0 as summarised (secondary) at
  // https://clients.backlayer.eu/knowledgebase/94/Mi-IP-figura-en-la-lista-negra-UCEProtect.html. No free-use limit
  // found published.
  entry(
    {
      zone: 'dnsbl-1.uceprotect.net',
      label: 'UCEPROTECT level 1',
      kinds: ['ip4'],
      codes: {
        '127.0.0.2': {
          meaning:
            'this address hit UCEPROTECT spam traps, forwarded mail against SPF or attacked its servers (expires 7 days after the last incident)',
        },
      },
      infoUrl: 'https://www.uceprotect.net/en/rblcheck.php',
      delistUrl: 'https://www.uceprotect.net/en/rblcheck.php',
    },
    { byDefault: true },
  ),
  // Codes (secondary: no operator page listing them was found): DroneBL's classes as InspIRCd's provider config
  // lists them, https://github.com/inspircd/inspircd/blob/insp4/docs/conf/providers/dronebl.example.conf (2025), the
  // same list https://github.com/antipatico/zeek-dronebl-dnsbl (dronebl-dnsbl/threatclass.bro) copied from
  // https://dronebl.org/classes. 127.0.0.1 is its testing class (RFC 5782 reserves it; never a listing here); 2 is
  // sample data, not a verdict (InspIRCd does not act on it). Free for commercial and non-commercial use:
  // https://dronebl.org/docs/howtouse.
  entry(
    {
      zone: 'dnsbl.dronebl.org',
      label: 'DroneBL',
      kinds: ['ip4'],
      codes: {
        '127.0.0.2': { meaning: 'sample data kept for heuristic analysis', category: 'reputation' },
        '127.0.0.3': { meaning: 'IRC spam drone' },
        '127.0.0.5': { meaning: 'bottler' },
        '127.0.0.6': { meaning: 'unknown worm or spambot' },
        '127.0.0.7': { meaning: 'DDoS drone' },
        '127.0.0.8': { meaning: 'open SOCKS proxy' },
        '127.0.0.9': { meaning: 'open HTTP proxy' },
        '127.0.0.10': { meaning: 'proxy chain' },
        '127.0.0.11': { meaning: 'web page proxy' },
        '127.0.0.12': { meaning: 'open DNS resolver' },
        '127.0.0.13': { meaning: 'automated dictionary (brute-force) attacks' },
        '127.0.0.14': { meaning: 'open Wingate proxy' },
        '127.0.0.15': { meaning: 'compromised router or gateway' },
        '127.0.0.16': { meaning: 'autorooting worm' },
        '127.0.0.17': { meaning: 'automatically detected botnet address' },
        '127.0.0.18': { meaning: 'possibly compromised DNS/MX-type hostname seen on IRC' },
        '127.0.0.19': { meaning: 'abused VPN service' },
        '127.0.0.255': { meaning: 'uncategorised threat' },
      },
      infoUrl: 'https://dronebl.org/lookup',
      delistUrl: 'https://dronebl.org/lookup',
    },
    { byDefault: true },
  ),
  // Lists and meanings: https://www.spamrats.com/lists.php (RATS-All answers for each list), the list pages
  // https://www.spamrats.com/rats-spam.php, https://spamrats.com/rats-noptr.php, https://www.spamrats.com/rats-auth.php;
  // .36 for RATS-Dyna and "any other IP ... could be a rejection error": https://spamrats.com/communigate-configuration.php.
  // .37/.38/.43 come only from public RATS-All checker scripts (no operator page numbering them was found). RATS-Auth
  // is not for inbound mail ("Do NOT use the RATS-Auth return code for Inbound Email!":
  // https://spamrats.com/postfix-configuration.php), so it warns. Free for most users; the operator now asks for a
  // free API key label in the query name ({key}.spam.spamrats.com) and warns keyless queries may fail from some
  // resolvers (same pages); the catalog queries the keyless name.
  entry(
    {
      zone: 'all.spamrats.com',
      label: 'SpamRATS',
      kinds: ['ip4'],
      codes: {
        '127.0.0.36': {
          meaning:
            'RATS-Dyna: abusive connections from an address whose reverse DNS looks dynamic or residential',
          category: 'policy',
        },
        '127.0.0.37': {
          meaning: 'RATS-NoPtr: abusive connections from an address without reverse DNS',
          category: 'reputation',
        },
        '127.0.0.38': { meaning: 'RATS-Spam: repeatedly observed or reported sending spam' },
        '127.0.0.43': {
          meaning: 'RATS-Auth: password-guessing or business email compromise attacks',
          severity: 'warn',
        },
      },
      // "any other IP ... could be a rejection error" (the communigate page above): not a listing.
      undocumented: 'error',
      infoUrl: 'https://www.spamrats.com/lookup.php',
      delistUrl: 'https://www.spamrats.com/lookup.php',
    },
    { byDefault: true },
  ),
  // No operator page naming the answer was found (127.0.0.2 per RFC 5782). Policy: http://www.backscatterer.org/
  // (misdirected bounces, auto-replies and sender callouts, listed for 4 weeks); usage:
  // http://www.backscatterer.org/?target=usage (receivers should query it only for MAIL FROM <> or postmaster).
  entry(
    {
      zone: 'ips.backscatterer.org',
      label: 'Backscatterer',
      kinds: ['ip4'],
      codes: {
        '127.0.0.2': {
          meaning: 'sends bounces, auto-replies or sender callouts to forged senders (listed for 4 weeks)',
          category: 'backscatter',
        },
      },
      infoUrl: 'https://www.backscatterer.org/',
      delistUrl: 'https://www.backscatterer.org/?target=test',
    },
    { byDefault: true },
  ),
  // Codes: http://blocklist.de/de/rbldns.html (one answer per attacked service, the operator's service names kept;
  // attackers of the last 48 hours). 127.0.0.2 is amavis, not a generic listing.
  entry(
    {
      zone: 'bl.blocklist.de',
      label: 'blocklist.de',
      kinds: ['ip4'],
      codes: {
        '127.0.0.2': { meaning: 'amavis: reported by an amavis mail filter' },
        '127.0.0.3': { meaning: 'apacheddos: DDoS against a web server' },
        '127.0.0.4': { meaning: 'asterisk: attacks on an Asterisk (VoIP) server' },
        '127.0.0.5': { meaning: 'badbot: abusive web bot' },
        '127.0.0.6': { meaning: 'ftp: attacks on an FTP server' },
        '127.0.0.7': { meaning: 'imap: attacks on an IMAP server' },
        '127.0.0.8': { meaning: 'ircbot: IRC bot' },
        '127.0.0.9': { meaning: 'mail: attacks on a mail server' },
        '127.0.0.10': { meaning: 'pop3: attacks on a POP3 server' },
        '127.0.0.11': { meaning: 'regbot: registration bot' },
        '127.0.0.12': { meaning: 'rfi-attack: remote file inclusion attack' },
        '127.0.0.13': { meaning: 'sasl: SMTP AUTH (SASL) login attacks' },
        '127.0.0.14': { meaning: 'ssh: attacks on an SSH server' },
        '127.0.0.15': { meaning: 'w00tw00t: web vulnerability scanning' },
        '127.0.0.16': { meaning: 'portflood: port flooding' },
        '127.0.0.17': { meaning: 'sql-injection: SQL injection attempts' },
        '127.0.0.18': { meaning: 'webmin: attacks on Webmin' },
        '127.0.0.19': { meaning: 'trigger-spam: spam (no further description published)' },
        '127.0.0.20': { meaning: 'manuall: listed manually by blocklist.de' },
        '127.0.0.21': { meaning: 'bruteforcelogin: brute-force login attempts' },
        '127.0.0.22': { meaning: 'mysql: attacks on a MySQL server' },
      },
      infoUrl: 'https://www.blocklist.de/en/search.html',
      delistUrl: 'https://www.blocklist.de/en/delist.html',
    },
    { byDefault: true },
  ),
  // Codes: http://www.s5h.net/rblcheck ("fully RFC 5782 compliant"); live per https://whatismyipaddress.com/blacklist/s5h.
  entry(
    {
      zone: 'all.s5h.net',
      label: 'S5H',
      kinds: ['ip4'],
      codes: { '127.0.0.2': { meaning: 'hit s5h.net spam traps' } },
      infoUrl: 'http://www.s5h.net/rblcheck',
      // Removal is automatic when this page is requested from the listed address itself.
      delistUrl: 'http://www.usenix.org.uk/content/rblremove',
    },
    { byDefault: true },
  ),
  // Codes: https://docs.abusix.com/docs/guardian-mail/production-zones (combined = black .2/.3/.200, exploit .4,
  // policy .11/.12) and https://docs.abusix.com/ami-production-zones/policy (.11 generic rDNS, .12 no rDNS).
  entry(
    {
      zone: 'combined.mail.abusix.zone',
      label: 'Abusix Mail Intelligence',
      kinds: ['ip4', 'ip6'],
      codes: {
        '127.0.0.2': { meaning: 'black: sent mail to Abusix spam traps' },
        '127.0.0.3': { meaning: 'black: very low reputation, or next to hosts hitting the spam traps' },
        '127.0.0.4': { meaning: 'exploit: compromised or infected host, proxy, VPN or TOR exit' },
        '127.0.0.11': {
          meaning: 'policy: generic reverse DNS, not meant to send direct mail',
          category: 'policy',
        },
        '127.0.0.12': {
          meaning: 'policy: no reverse DNS, not meant to send direct mail',
          category: 'policy',
        },
        '127.0.0.200': { meaning: 'black: semi-permanent manual listing' },
      },
      infoUrl: 'https://abusix.com/',
      delistUrl: 'https://lookup.abusix.com/',
    },
    {
      key: { option: 'abusixKey', zone: '{key}.combined.mail.abusix.zone', required: true },
      byDefault: true,
    },
  ),
  // Codes: https://www.securityzones.net/new-return-codes-added-to-surbl-multi/ (SURBL's operator: DM 4, PH 8,
  // MW 16, CT 32, ABUSE 64, CR 128; DM and CT added last).
  entry(
    {
      zone: 'multi.surbl.org',
      label: 'SURBL multi',
      kinds: ['domain'],
      answers: 'bitmask',
      codes: {
        '4': { meaning: 'DM: disposable email domain', category: 'policy' },
        '8': { meaning: 'PH: phishing' },
        '16': { meaning: 'MW: malware' },
        '32': { meaning: 'CT: click-tracking domain seen in unsolicited mail' },
        '64': { meaning: 'ABUSE: spam and other abuse' },
        '128': { meaning: 'CR: cracked (compromised) site' },
      },
      infoUrl: 'https://www.surbl.org/lists',
      delistUrl: 'https://www.surbl.org/surbl-analysis',
    },
    { byDefault: true },
  ),
  // Codes: https://uribl.com/about.shtml (black, grey, red; white is not in multi) and https://uribl.com/refused.shtml
  // (127.0.0.1: query refused, bit 0x1 is never a listing).
  entry(
    {
      zone: 'multi.uribl.com',
      label: 'URIBL multi',
      kinds: ['domain'],
      answers: 'bitmask',
      codes: {
        '2': { meaning: 'black: domain seen in spam' },
        '4': { meaning: 'grey: domain seen in bulk mail of mixed quality', category: 'reputation' },
        '8': { meaning: 'red: new domain seen in spam' },
      },
      errors: {
        '127.0.0.1': { meaning: 'query refused: resolver blocked or over the free volume', kind: 'refused' },
      },
      infoUrl: 'https://uribl.com/',
      delistUrl: 'https://admin.uribl.com/',
    },
    { byDefault: true },
  ),
  // Codes: 127.0.x.y, x the category and y the trust (dnswl.org's table, as quoted at
  // https://mail-archive.com/community@mailsbestfriend.com/msg00263.html); 127.0.0.255 for resolvers over the fair-use
  // limit, as its operator explains at https://go.mail-archive.com/users@spamassassin.apache.org/msg107955.html
  entry(
    {
      zone: 'list.dnswl.org',
      label: 'DNSWL (allowlist)',
      kinds: ['ip4'],
      polarity: 'allow',
      errors: {
        '127.0.0.255': { meaning: 'too many queries: register or use a data feed', kind: 'rate-limited' },
      },
      infoUrl: 'https://www.dnswl.org/',
    },
    { byDefault: false },
  ),
];

export function catalogZone(name: string): CatalogZone | undefined {
  return ZONE_CATALOG.find((z) => z.spec.zone === name);
}
