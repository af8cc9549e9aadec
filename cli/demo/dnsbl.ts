import type { ZoneRecords } from './dns-server';
import type { DemoPartFactory } from './types';

/** Documentation addresses (RFC 5737): one listed on the demo blocklist, one clean. */
export const LISTED_IP = '198.51.100.25';
export const CLEAN_IP = '192.0.2.10';
/** A healthy zone that lists LISTED_IP, and a broken one that lists everything (as retired lists do). */
export const DEMO_ZONE = 'bl.demo.test';
export const BROKEN_ZONE = 'wildcard.demo.test';

const reversed = (ip: string) => ip.split('.').reverse().join('.');

function demoRecords(): ZoneRecords {
  const a = (address: string) => ({ type: 'A' as const, address });
  return {
    // RFC 5782 test entry: the healthy zone lists 127.0.0.2 and not 127.0.0.1.
    [`2.0.0.127.${DEMO_ZONE}`]: [a('127.0.0.2')],
    [`${reversed(LISTED_IP)}.${DEMO_ZONE}`]: [
      a('127.0.0.2'),
      { type: 'TXT', data: [`Spam trap hits from ${LISTED_IP}, see https://bl.demo.test/lookup`] },
    ],
    // The broken zone answers 127.0.0.2 for every address, the RFC 5782 "must not be listed" one included.
    [`2.0.0.127.${BROKEN_ZONE}`]: [a('127.0.0.2')],
    [`1.0.0.127.${BROKEN_ZONE}`]: [a('127.0.0.2')],
    [`${reversed(LISTED_IP)}.${BROKEN_ZONE}`]: [a('127.0.0.2')],
    [`${reversed(CLEAN_IP)}.${BROKEN_ZONE}`]: [a('127.0.0.2')],
  };
}

/**
 * The dnsbl probe's part of the demo: two zones in the demo DNS server, a listed and a clean sending address.
 * The listed address fails with its reason and delisting link; the wildcard zone is reported as untrusted
 * (unknown), never as listing the clean address.
 */
export const dnsblDemo: DemoPartFactory = async (lab) => {
  lab.dns.add(demoRecords());
  return {
    targets: { sendingIps: [LISTED_IP, CLEAN_IP] },
    probes: [
      {
        name: 'blocklists',
        kind: 'dnsbl',
        schedule: 'rate(1 hour)',
        targets: [LISTED_IP, CLEAN_IP],
        options: {
          // The demo has no internet: only the loopback zones.
          defaultZones: false,
          customZones: [
            {
              zone: DEMO_ZONE,
              label: 'Demo BL',
              kinds: ['ip4'],
              codes: { '127.0.0.2': { meaning: 'spam trap hits' } },
              infoUrl: 'https://bl.demo.test/',
              delistUrl: 'https://bl.demo.test/remove',
            },
            { zone: BROKEN_ZONE, label: 'Retired wildcard BL', kinds: ['ip4'] },
          ],
        },
      },
    ],
    close: async () => {},
  };
};
