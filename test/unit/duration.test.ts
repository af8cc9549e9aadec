import { missingCheck } from '../../shared/probes/canary/evaluate';
import { formatDuration } from '../../shared/util/duration';

describe('formatDuration', () => {
  it.each([
    [250, '0.25 s'],
    [1250, '1.25 s'],
    [4200, '4.2 s'],
    [38_040, '38 s'],
    [200_000, '3 min 20 s'],
    [3_600_000, '1 h'],
    [23.9 * 3_600_000, '23 h 54 min'],
    [47 * 3_600_000, '47 h'],
    [12 * 86_400_000 + 4 * 3_600_000, '12 days 4 h'],
    [-90_000, '1 min 30 s'],
  ])('formats %d ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('durations in messages', () => {
  it('gives a canary window under a minute in seconds, not "0 min"', () => {
    const check = missingCheck('tok', new Date('2026-12-01T10:00:00Z'), 1, 30_000);
    expect(check.message).toContain('not seen within 30 s');
  });
});
