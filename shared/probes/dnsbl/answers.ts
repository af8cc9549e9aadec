import { isIPv4 } from 'node:net';
import type { CauseId } from '../../model/causes/index';
import type { ErrorKind, ListingCategory, ZoneSpec } from './zone-spec';

type ErrorMeaning = ZoneSpec['errors'][string];

/** One decoded meaning of a listing answer (several codes or bits give several meanings). */
export interface Meaning {
  /** The answer address, or `bit <n>` for bitmask zones. */
  code: string;
  meaning: string;
  category: ListingCategory;
  severity: 'fail' | 'warn';
}

/** What the A answers of one zone say about one subject. */
export type AnswerVerdict =
  | { kind: 'listed'; severity: 'fail' | 'warn'; cause: CauseId; meanings: Meaning[] }
  | { kind: 'allowlisted'; meanings: Meaning[] }
  | { kind: 'error'; cause: CauseId; detail: string };

const CAUSE_BY_ERROR: Record<ErrorKind, CauseId> = {
  refused: 'dnsbl.resolver.refused',
  'rate-limited': 'dnsbl.resolver.rate-limited',
  misconfigured: 'dnsbl.zone.misconfigured',
  invalid: 'dnsbl.answer.invalid',
};

/** Most telling first: an abuse listing explains more than a policy one. */
const CAUSE_BY_CATEGORY: Array<[ListingCategory, CauseId]> = [
  ['abuse', 'dnsbl.listed'],
  ['backscatter', 'dnsbl.listed.backscatter'],
  ['reputation', 'dnsbl.listed.reputation'],
  ['policy', 'dnsbl.listed.policy'],
];

const UNDOCUMENTED = 'listed (code not documented for this zone)';

/**
 * The error range lists share (Spamhaus introduced it; Abusix, Mailspike and private lists built on rbldnsd answer
 * the same way): 127.255.255.0/24 is never a listing. It holds for every zone, custom ones included, below the
 * zone's own `errors`.
 */
const ERROR_RANGE: Record<string, ErrorMeaning> = {
  '127.255.255.252': { meaning: 'error code: unknown zone name or invalid key', kind: 'misconfigured' },
  '127.255.255.254': {
    meaning: 'error code: query refused (public or unregistered resolver)',
    kind: 'refused',
  },
  '127.255.255.255': { meaning: 'error code: too many queries from this resolver', kind: 'rate-limited' },
};

/** The error meaning of an answer: the zone's own first, then the shared 127.255.255.0/24 error range. */
function errorOf(spec: ZoneSpec, answer: string): ErrorMeaning | undefined {
  const own = spec.errors[answer];
  if (own) return own;
  if (!answer.startsWith('127.255.255.')) return undefined;
  return (
    ERROR_RANGE[answer] ?? {
      meaning: 'error code in the 127.255.255.0/24 error range: query refused',
      kind: 'refused',
    }
  );
}

function inLoopbackNet(address: string): boolean {
  return isIPv4(address) && address.startsWith('127.');
}

function decode(spec: ZoneSpec, answer: string): Meaning[] {
  const make = (code: string, key: string): Meaning => {
    const known = spec.codes[key];
    const category = known?.category ?? 'abuse';
    const severity = known?.severity ?? (category === 'abuse' ? 'fail' : 'warn');
    return { code, meaning: known?.meaning ?? UNDOCUMENTED, category, severity };
  };
  if (spec.answers === 'codes') return [make(answer, answer)];
  const mask = Number(answer.split('.')[3]);
  const meanings: Meaning[] = [];
  for (let bit = 1; bit <= 128; bit <<= 1) {
    if (mask & bit) meanings.push(make(`${answer} (bit ${bit})`, String(bit)));
  }
  return meanings;
}

/**
 * Reads the A answers of a zone for one subject. Never calls an error code a listing: anything outside
 * 127.0.0.0/8, a documented error code, the shared 127.255.255.0/24 error range, 127.0.0.1 (RFC 5782 reserves it), an
 * empty bitmask, or an undocumented code of a zone whose operator says other answers are errors is an `error`.
 */
export function classifyAnswers(spec: ZoneSpec, answers: string[]): AnswerVerdict {
  const outside = answers.find((a) => !inLoopbackNet(a));
  if (outside !== undefined) {
    return {
      kind: 'error',
      cause: 'dnsbl.answer.out-of-range',
      detail: `answered ${outside}, outside 127.0.0.0/8`,
    };
  }
  for (const a of answers) {
    const error = errorOf(spec, a);
    if (error)
      return { kind: 'error', cause: CAUSE_BY_ERROR[error.kind], detail: `answered ${a}: ${error.meaning}` };
  }
  const meanings = answers.flatMap((a) => decode(spec, a));
  const undocumented = meanings.find((m) => m.meaning === UNDOCUMENTED);
  if (undocumented && spec.undocumented === 'error') {
    return {
      kind: 'error',
      cause: 'dnsbl.answer.invalid',
      detail: `answered ${undocumented.code}, a code this zone does not document: its operator says any other answer is an error, not a listing`,
    };
  }
  if (spec.polarity === 'allow') return { kind: 'allowlisted', meanings };
  if (answers.includes('127.0.0.1')) {
    return {
      kind: 'error',
      cause: 'dnsbl.answer.invalid',
      detail: 'answered 127.0.0.1, which RFC 5782 reserves',
    };
  }
  if (meanings.length === 0) {
    return {
      kind: 'error',
      cause: 'dnsbl.answer.invalid',
      detail: `answered ${answers.join(', ')}: no bit set`,
    };
  }
  const severity = spec.severity ?? (meanings.some((m) => m.severity === 'fail') ? 'fail' : 'warn');
  const cause =
    CAUSE_BY_CATEGORY.find(([category]) => meanings.some((m) => m.category === category))?.[1] ??
    'dnsbl.listed';
  return { kind: 'listed', severity, cause, meanings };
}
