import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { ZoneRecord, ZoneRecords } from '../../cli/demo/dns-server';
import { checkSpf } from '../../shared/probes/dns/spf';
import { zoneResolver } from '../support/dns/zone-resolver';

interface SuiteCase {
  spec: string;
  helo: string;
  host: string;
  mailfrom: string;
  result: string | string[];
}
type ZoneEntry = string | Record<string, unknown>;
interface Section {
  description: string;
  tests: Record<string, SuiteCase>;
  zonedata: Record<string, ZoneEntry[]>;
}

const FILE = join(__dirname, '../data/openspf/rfc7208-subset.yml');
const sections = parseAllDocuments(readFileSync(FILE, 'utf8'))
  .map((d) => d.toJS() as Section | null)
  .filter((s): s is Section => s !== null && typeof s === 'object' && 'tests' in s);

/** The suite's zonedata as a zone object plus the names whose queries time out. */
function zoneOf(data: Record<string, ZoneEntry[]>): { zone: ZoneRecords; timeouts: Set<string> } {
  const zone: ZoneRecords = {};
  const timeouts = new Set<string>();
  for (const [rawName, entries] of Object.entries(data)) {
    const name = rawName.toLowerCase();
    const records: ZoneRecord[] = [];
    const spf: ZoneRecord[] = [];
    let hasTxt = false;
    for (const entry of entries) {
      if (entry === 'TIMEOUT') {
        timeouts.add(name);
        continue;
      }
      const [type, value] = Object.entries(entry as Record<string, unknown>)[0] as [string, unknown];
      const strings = (v: unknown) => (Array.isArray(v) ? v.map(String) : [String(v)]);
      switch (type) {
        case 'TXT':
          hasTxt = true;
          if (value !== 'NONE') records.push({ type: 'TXT', data: strings(value) });
          break;
        case 'SPF':
          if (value !== 'NONE') spf.push({ type: 'TXT', data: strings(value) });
          break;
        case 'A':
        case 'AAAA':
          records.push({ type, address: String(value) });
          break;
        case 'MX': {
          const [priority, exchange] = value as [number, string];
          records.push({ type: 'MX', priority, exchange });
          break;
        }
        case 'PTR':
        case 'CNAME':
          records.push({ type, target: String(value) });
          break;
        default:
          throw new Error(`unsupported zonedata type ${type}`);
      }
    }
    // The suite's drivers serve type SPF records as TXT where a name has no TXT of its own.
    zone[name] = hasTxt ? records : [...records, ...spf];
  }
  return { zone, timeouts };
}

const STATIC_CHECKS = ['spf.record', 'spf.includes', 'spf.lookups', 'spf.void-lookups'];

describe.each(sections.map((s) => [s.description, s] as const))(
  'OpenSPF RFC 7208 suite: %s',
  (_name, section) => {
    const { zone, timeouts } = zoneOf(section.zonedata);
    const cases = Object.entries(section.tests);

    it.each(cases)('%s', async (_id, test) => {
      const domain = (test.mailfrom.includes('@') ? test.mailfrom.split('@')[1] : test.helo) as string;
      const resolve = zoneResolver(zone, (name) => (timeouts.has(name) ? 'timeout' : undefined));
      const { checks } = await checkSpf(domain.toLowerCase(), [test.host], resolve);
      const verdict = checks.find((c) => c.id === `spf.ip:${test.host}`);
      const accepted = Array.isArray(test.result) ? test.result : [test.result];
      expect(accepted).toContain(verdict?.details?.result);
      if (test.result === 'permerror') {
        const failed = checks.filter((c) => STATIC_CHECKS.includes(c.id) && c.status === 'fail');
        expect(failed.map((c) => c.id)).not.toEqual([]);
      }
    });
  },
);
