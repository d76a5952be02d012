// Dates in Berlin time, computed once per minute and kept (the pages format the same times on
// every view): the kept parts must be those of that minute, across the time changes too.
import { describe, expect, it } from 'vitest';
import { formatDateTime, isoDate } from '../../server/shared/dates.ts';

describe('Berlin dates', () => {
  it('formats each minute right, also when asked again and around the time changes', () => {
    const cases: [string, string][] = [
      ['2026-03-29T00:59:59Z', '29.03.2026, 01:59'],
      ['2026-03-29T01:00:00Z', '29.03.2026, 03:00'],
      ['2026-10-25T00:30:00Z', '25.10.2026, 02:30'],
      ['2026-10-25T01:30:00Z', '25.10.2026, 02:30'],
      ['2026-12-31T22:59:30Z', '31.12.2026, 23:59'],
      ['2026-12-31T23:00:10Z', '01.01.2027, 00:00'],
    ];
    for (let round = 0; round < 2; round += 1) {
      for (const [utc, berlin] of cases) expect(formatDateTime(new Date(utc))).toBe(berlin);
    }
    expect(isoDate(new Date('2026-12-31T23:00:10Z'))).toBe('2027-01-01');
  });
});
