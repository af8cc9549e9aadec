import type { Check } from '../../model/result';
import { compilePattern } from '../../util/pattern';
import type { Expectation } from './config';
import { clip } from './lookup';

function describe(expectation: Expectation): string | string[] {
  if (typeof expectation === 'string' || Array.isArray(expectation)) return expectation;
  return `/${expectation.pattern}/`;
}

function matches(records: string[], expectation: Expectation): boolean {
  if (typeof expectation === 'string' || Array.isArray(expectation)) {
    const want = [...new Set(typeof expectation === 'string' ? [expectation] : expectation)]
      .map((s) => s.trim())
      .sort();
    const have = [...new Set(records.map((r) => r.trim()))].sort();
    return want.length === have.length && want.every((w, i) => w === have[i]);
  }
  const re = compilePattern(expectation.pattern);
  return records.length > 0 && records.every((r) => re.test(r));
}

/** An operator's expected value for one record set: exact (as a set) or a pattern every record must match. */
export function checkExpectation(
  key: string,
  records: string[] | undefined,
  expectation: Expectation,
): Check {
  const id = `expect:${key}`;
  const expected = describe(expectation);
  if (records === undefined) {
    return {
      id,
      status: 'unknown',
      cause: 'dns.lookup.error',
      message: `${key}: the lookup got no answer`,
      expected,
    };
  }
  if (matches(records, expectation)) {
    return { id, status: 'pass', message: `${key} is as expected`, expected };
  }
  return {
    id,
    status: 'fail',
    cause: 'dns.expect.mismatch',
    message: `${key} is ${records.length === 0 ? '(none)' : clip(records.join(' | '), 300)}, expected ${clip(JSON.stringify(expected), 300)}`,
    observed: records.map((r) => clip(r, 500)),
    expected,
  };
}
