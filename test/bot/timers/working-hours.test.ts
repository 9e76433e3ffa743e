// WORKING_HOURS: the grammar (each rule, each error message) and nextWorkingTime, including the
// weekend skip and both DST change weekends of 2024 in Europe/Berlin.

import { expect } from 'chai';
import { instantOfWallTime, isWorkingTime, nextWorkingTime, parseWorkingHours, WorkingHoursError } from '../../../referrals/working-hours.js';

const BERLIN = parseWorkingHours('09:00-18:00 Mon-Fri Europe/Berlin');
const next = (spec: ReturnType<typeof parseWorkingHours>, iso: string) => nextWorkingTime(spec, new Date(iso)).toISOString();

function errorOf(text: string): string {
  try {
    parseWorkingHours(text);
  } catch (error) {
    expect(error).to.be.instanceOf(WorkingHoursError);
    return (error as Error).message;
  }
  throw new Error(`expected "${text}" to be refused`);
}

describe('working hours: WORKING_HOURS grammar', () => {
  it('parses "09:00-18:00 Mon-Fri Europe/Berlin"', () => {
    expect(BERLIN).to.deep.equal({
      startMinute: 9 * 60,
      endMinute: 18 * 60,
      days: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'],
      timeZone: 'Europe/Berlin',
      source: '09:00-18:00 Mon-Fri Europe/Berlin',
    });
  });

  const DAYS: ReadonlyArray<readonly [string, string[]]> = [
    ['Mon,Wed,Fri', ['Mon', 'Wed', 'Fri']],
    ['Sat', ['Sat']],
    ['Sat-Sun', ['Sun', 'Sat']],
    ['Fri-Mon', ['Sun', 'Mon', 'Fri', 'Sat']],
    ['Sun-Thu', ['Sun', 'Mon', 'Tue', 'Wed', 'Thu']],
    ['Mon-Mon', ['Mon']],
    ['Mon-Wed,Fri', ['Mon', 'Tue', 'Wed', 'Fri']],
    ['monday-FRIDAY', ['Mon', 'Tue', 'Wed', 'Thu', 'Fri']],
    ['Mon, Wed , Fri', ['Mon', 'Wed', 'Fri']],
    ['Mon - Fri', ['Mon', 'Tue', 'Wed', 'Thu', 'Fri']],
    ['Mon,Mon-Tue', ['Mon', 'Tue']],
  ];
  for (const [days, expected] of DAYS) {
    it(`days "${days}" → ${expected.join(', ')}`, () => {
      expect(parseWorkingHours(`09:00-18:00 ${days} UTC`).days).to.deep.equal(expected);
    });
  }

  it('canonicalises the time zone name, trims, accepts 24:00 as the end and spaces around the time dash', () => {
    const spec = parseWorkingHours('  08:30 - 24:00  Mon-Fri  europe/berlin ');
    expect(spec).to.include({ startMinute: 8 * 60 + 30, endMinute: 24 * 60, timeZone: 'Europe/Berlin', source: '08:30 - 24:00  Mon-Fri  europe/berlin' });
    // Intl resolves aliases its own way (here possibly to America/Buenos_Aires): any name it knows is taken.
    expect(parseWorkingHours('00:00-23:59 Sun America/Argentina/Buenos_Aires').timeZone).to.match(/Buenos_Aires$/);
  });

  const ERRORS: ReadonlyArray<readonly [string, RegExp]> = [
    ['9-18 Mon-Fri Europe/Berlin', /"9" is not a valid start time \(HH:MM/],
    ['9:00-18:00 Mon-Fri Europe/Berlin', /"9:00" is not a valid start time/],
    ['09:00-18:60 Mon-Fri Europe/Berlin', /"18:60" is not a valid end time .*24:00/],
    ['24:00-24:00 Mon-Fri Europe/Berlin', /"24:00" is not a valid start time/],
    ['09:00-25:00 Mon-Fri Europe/Berlin', /"25:00" is not a valid end time/],
    ['18:00-09:00 Mon-Fri Europe/Berlin', /start must be before the end .*past midnight/],
    ['09:00-09:00 Mon-Fri Europe/Berlin', /start must be before the end/],
    ['09:00 Mon-Fri Europe/Berlin', /"09:00" is not a time range like 09:00-18:00/],
    ['09:00-18:00 Mon-Fry Europe/Berlin', /"Fry" is not a day \(use Mon, Tue/],
    ['09:00-18:00 Mon-Wed-Fri Europe/Berlin', /"Mon-Wed-Fri" is not a day or a day range/],
    ['09:00-18:00 Mon,,Fri Europe/Berlin', /empty day/],
    ['09:00-18:00 Mon-Fri Mars/Olympus_Mons', /"Mars\/Olympus_Mons" is not a time zone this runtime knows/],
    ['09:00-18:00 Mon-Fri +01:00', /"\+01:00" is not an IANA time zone name/],
    ['09:00-18:00 Mon-Fri', /is not in the expected form: expected "HH:MM-HH:MM DAYS TIMEZONE"/],
    ['09:00-18:00 Mon-Fri Europe/Berlin extra', /is not in the expected form/],
    ['   ', /is empty/],
  ];
  for (const [text, message] of ERRORS) {
    it(`refuses "${text}" with ${message}`, () => {
      expect(errorOf(text)).to.match(message);
    });
  }
});

describe('working hours: nextWorkingTime', () => {
  const CASES: ReadonlyArray<readonly [label: string, at: string, expected: string]> = [
    // March 2024: Berlin is CET (UTC+1) until Sunday 31 March 02:00, then CEST (UTC+2).
    ['inside working hours: the date itself', '2024-03-05T10:15:30.250Z', '2024-03-05T10:15:30.250Z'],
    ['exactly at the start: the date itself', '2024-03-05T08:00:00.000Z', '2024-03-05T08:00:00.000Z'],
    ['one ms before the start: the start', '2024-03-05T07:59:59.999Z', '2024-03-05T08:00:00.000Z'],
    ['early morning: today’s start', '2024-03-05T03:00:00.000Z', '2024-03-05T08:00:00.000Z'],
    ['exactly at the end (exclusive): tomorrow', '2024-03-05T17:00:00.000Z', '2024-03-06T08:00:00.000Z'],
    ['evening: tomorrow morning', '2024-03-05T20:00:00.000Z', '2024-03-06T08:00:00.000Z'],
    ['after midnight UTC but still evening in Berlin? no: 23:30Z is 00:30 Wed', '2024-03-05T23:30:00.000Z', '2024-03-06T08:00:00.000Z'],
    ['Friday evening: skips the weekend to Monday', '2024-03-08T17:30:00.000Z', '2024-03-11T08:00:00.000Z'],
    ['Saturday noon: Monday', '2024-03-09T12:00:00.000Z', '2024-03-11T08:00:00.000Z'],
    ['Sunday 23:59 Berlin: Monday', '2024-03-10T22:59:00.000Z', '2024-03-11T08:00:00.000Z'],
    // Spring forward (31 March): Friday in CET, Monday in CEST, so 09:00 Monday is 07:00Z.
    ['spring-forward weekend: Friday evening (CET) → Monday 09:00 CEST', '2024-03-29T18:00:00.000Z', '2024-04-01T07:00:00.000Z'],
    ['spring-forward weekend: Sunday 01:30Z (03:30 CEST) → Monday 09:00 CEST', '2024-03-31T01:30:00.000Z', '2024-04-01T07:00:00.000Z'],
    ['the Monday after spring forward, 07:30Z = 09:30 CEST: inside', '2024-04-01T07:30:00.000Z', '2024-04-01T07:30:00.000Z'],
    ['the Monday after spring forward, 06:30Z = 08:30 CEST: 07:00Z', '2024-04-01T06:30:00.000Z', '2024-04-01T07:00:00.000Z'],
    // Fall back (27 October): Friday in CEST, Monday in CET, so 09:00 Monday is 08:00Z.
    ['fall-back weekend: Friday evening (CEST) → Monday 09:00 CET', '2024-10-25T16:30:00.000Z', '2024-10-28T08:00:00.000Z'],
    ['fall-back weekend: Sunday 00:30Z (the first 02:30) → Monday 09:00 CET', '2024-10-27T00:30:00.000Z', '2024-10-28T08:00:00.000Z'],
    ['the Monday after fall back, 07:30Z = 08:30 CET: 08:00Z', '2024-10-28T07:30:00.000Z', '2024-10-28T08:00:00.000Z'],
    ['the Friday before fall back, 16:59Z = 18:59 CEST: Monday', '2024-10-25T16:59:00.000Z', '2024-10-28T08:00:00.000Z'],
  ];
  for (const [label, at, expected] of CASES) {
    it(`09:00-18:00 Mon-Fri Europe/Berlin: ${label}`, () => {
      expect(next(BERLIN, at)).to.equal(expected);
    });
  }

  it('returns the same Date object when inside, and never an earlier time', () => {
    const inside = new Date('2024-03-05T10:00:00Z');
    expect(nextWorkingTime(BERLIN, inside)).to.equal(inside);
    for (let t = Date.parse('2024-03-28T00:00:00Z'); t < Date.parse('2024-04-03T00:00:00Z'); t += 17 * 60_000) {
      const result = nextWorkingTime(BERLIN, new Date(t));
      expect(result.getTime()).to.be.at.least(t);
      expect(isWorkingTime(BERLIN, result), result.toISOString()).to.equal(true);
    }
  });

  it('a week-end-only spec across the spring-forward Sunday uses the summer offset that day', () => {
    const weekend = parseWorkingHours('09:00-18:00 Sat-Sun Europe/Berlin');
    expect(next(weekend, '2024-03-29T12:00:00Z')).to.equal('2024-03-30T08:00:00.000Z'); // Sat 09:00 CET
    expect(next(weekend, '2024-03-30T17:30:00Z')).to.equal('2024-03-31T07:00:00.000Z'); // Sun 09:00 CEST
    expect(next(weekend, '2024-03-31T07:30:00Z')).to.equal('2024-03-31T07:30:00.000Z'); // 09:30 CEST: inside
    expect(next(weekend, '2024-03-31T16:30:00Z')).to.equal('2024-04-06T07:00:00.000Z'); // 18:30 CEST: next Saturday
  });

  it('a start inside the DST gap moves by the gap; inside the repeated hour it takes the first occurrence', () => {
    const gap = parseWorkingHours('02:30-04:00 Sun Europe/Berlin');
    expect(next(gap, '2024-03-30T12:00:00Z')).to.equal('2024-03-31T01:30:00.000Z'); // 02:30 does not exist: 03:30 CEST
    const repeated = parseWorkingHours('02:30-04:00 Sun Europe/Berlin');
    expect(next(repeated, '2024-10-26T12:00:00Z')).to.equal('2024-10-27T00:30:00.000Z'); // first 02:30 (CEST)
    expect(instantOfWallTime('Europe/Berlin', 2024, 10, 27, 150)).to.equal(Date.parse('2024-10-27T00:30:00Z'));
    expect(instantOfWallTime('Europe/Berlin', 2024, 3, 31, 150)).to.equal(Date.parse('2024-03-31T01:30:00Z'));
  });

  it('other zones and day lists: New York (its own DST dates), Mon,Wed,Fri, a single day, 24:00', () => {
    const ny = parseWorkingHours('09:00-17:00 Mon-Fri America/New_York');
    // US DST starts 10 March 2024: Friday 8 March is EST (UTC-5), Monday 11 March EDT (UTC-4).
    expect(next(ny, '2024-03-08T23:00:00Z')).to.equal('2024-03-11T13:00:00.000Z');
    expect(next(ny, '2024-03-08T13:59:00Z')).to.equal('2024-03-08T14:00:00.000Z');
    const mwf = parseWorkingHours('10:00-12:00 Mon,Wed,Fri UTC');
    expect(next(mwf, '2024-03-05T11:00:00Z')).to.equal('2024-03-06T10:00:00.000Z'); // Tuesday → Wednesday
    expect(next(mwf, '2024-03-08T12:00:00Z')).to.equal('2024-03-11T10:00:00.000Z'); // Friday after → Monday
    const sunday = parseWorkingHours('10:00-11:00 Sun UTC');
    expect(next(sunday, '2024-03-10T10:30:00Z')).to.equal('2024-03-10T10:30:00.000Z');
    expect(next(sunday, '2024-03-10T11:00:00Z')).to.equal('2024-03-17T10:00:00.000Z'); // a full week later
    const late = parseWorkingHours('20:00-24:00 Mon-Fri UTC');
    expect(next(late, '2024-03-05T23:59:59Z')).to.equal('2024-03-05T23:59:59.000Z');
    expect(next(late, '2024-03-08T23:59:59Z')).to.equal('2024-03-08T23:59:59.000Z');
    expect(next(late, '2024-03-09T00:00:00Z')).to.equal('2024-03-11T20:00:00.000Z');
  });
});
