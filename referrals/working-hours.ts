// Working hours for reminders (WORKING_HOURS): a reminder that falls outside them waits for the
// start of the next working period; expiries never wait (the scheduler decides which is which).
// Pure: no clock reads. Time zones via Intl (IANA names), so DST changes are handled by the
// platform's tz database, not by fixed offsets.
//
// Grammar (whitespace-separated, case-insensitive day names):
//
//   WORKING_HOURS = TIME "-" TIME  DAYS  ZONE
//   TIME          = HH ":" MM            00:00 … 23:59; the end may also be 24:00 (end of day)
//   DAYS          = ITEM { "," ITEM }    spaces around "," and "-" are allowed
//   ITEM          = DAY | DAY "-" DAY    a range runs forward through the week and may wrap:
//                                        Fri-Mon = Fri, Sat, Sun, Mon; Mon-Mon = Monday only
//   DAY           = Mon | Tue | Wed | Thu | Fri | Sat | Sun   (or the full English name)
//   ZONE          = an IANA time zone name known to Intl, e.g. Europe/Berlin, UTC
//
// Examples: "09:00-18:00 Mon-Fri Europe/Berlin", "08:30-17:00 Mon,Wed,Fri UTC",
// "10:00-14:00 Sat America/New_York", "09:00-17:00 Sun-Thu Asia/Jerusalem".
// The start must be before the end on the same day: periods that run past midnight
// (22:00-06:00) are not supported. A working period whose start falls into a DST gap (a local
// time that does not exist that day) starts at the same wall-clock time shifted by the gap.

export const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface WorkingHours {
  /** Minutes after local midnight at which work starts (inclusive). */
  startMinute: number;
  /** Minutes after local midnight at which work ends (exclusive); 1440 = midnight. */
  endMinute: number;
  /** Working days, in week order starting with Sunday. */
  days: readonly Weekday[];
  /** Canonical IANA name (as Intl resolves it). */
  timeZone: string;
  /** The text this was parsed from. */
  source: string;
}

export class WorkingHoursError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkingHoursError';
  }
}

const EXAMPLE = 'expected "HH:MM-HH:MM DAYS TIMEZONE", e.g. "09:00-18:00 Mon-Fri Europe/Berlin"';
const FULL_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

export function parseTime(text: string, role: 'start' | 'end'): number {
  const match = /^(\d{2}):(\d{2})$/.exec(text);
  const hours = match ? Number(match[1]) : Number.NaN;
  const minutes = match ? Number(match[2]) : Number.NaN;
  const endOfDay = role === 'end' && hours === 24 && minutes === 0;
  if (!match || minutes > 59 || (hours > 23 && !endOfDay)) {
    throw new WorkingHoursError(`"${text}" is not a valid ${role} time (HH:MM, 00:00–23:59${role === 'end' ? ' or 24:00' : ''})`);
  }
  return hours * 60 + minutes;
}

function parseDay(text: string): number {
  const lower = text.toLowerCase();
  const index = WEEKDAYS.findIndex((day, i) => day.toLowerCase() === lower || FULL_NAMES[i] === lower);
  if (index < 0) throw new WorkingHoursError(`"${text}" is not a day (use Mon, Tue, Wed, Thu, Fri, Sat, Sun)`);
  return index;
}

/** A day list like "Mon-Fri" or "Mon,Wed,Fri" (see the grammar above). */
export function parseDays(text: string): Weekday[] {
  const chosen = new Set<number>();
  for (const item of text.split(',')) {
    if (item === '') throw new WorkingHoursError(`"${text}" has an empty day in its list`);
    const ends = item.split('-');
    if (ends.length > 2) throw new WorkingHoursError(`"${item}" is not a day or a day range like Mon-Fri`);
    const from = parseDay(ends[0]!);
    const to = ends.length === 2 ? parseDay(ends[1]!) : from;
    for (let day = from; ; day = (day + 1) % 7) {
      chosen.add(day);
      if (day === to) break;
    }
  }
  return WEEKDAYS.filter((_, index) => chosen.has(index));
}

/** An IANA time zone name, canonicalised by Intl. */
export function parseTimeZone(text: string): string {
  // Intl also takes some non-IANA forms on some Node versions (offsets such as "+01:00"): refuse those.
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(text)) {
    throw new WorkingHoursError(`"${text}" is not an IANA time zone name (e.g. Europe/Berlin, America/New_York, UTC)`);
  }
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: text }).resolvedOptions().timeZone;
  } catch {
    throw new WorkingHoursError(`"${text}" is not a time zone this runtime knows (IANA names, e.g. Europe/Berlin, America/New_York, UTC)`);
  }
}

/** Parses WORKING_HOURS; throws WorkingHoursError with a precise message. */
export function parseWorkingHours(text: string): WorkingHours {
  const source = text.trim();
  if (source === '') throw new WorkingHoursError(`is empty; ${EXAMPLE}`);
  // Spaces around "-" and "," are allowed: glue them away before splitting into the three parts.
  const tokens = source.replace(/\s*([-,])\s*/g, '$1').split(/\s+/);
  if (tokens.length !== 3) throw new WorkingHoursError(`"${source}" is not in the expected form: ${EXAMPLE}`);
  const [range, days, zone] = tokens as [string, string, string];
  const times = range.split('-');
  if (times.length !== 2) throw new WorkingHoursError(`"${range}" is not a time range like 09:00-18:00; ${EXAMPLE}`);
  const startMinute = parseTime(times[0]!, 'start');
  const endMinute = parseTime(times[1]!, 'end');
  if (startMinute >= endMinute) {
    throw new WorkingHoursError(`"${range}": the start must be before the end (periods past midnight are not supported)`);
  }
  return { startMinute, endMinute, days: parseDays(days), timeZone: parseTimeZone(zone), source };
}

// --- time zone arithmetic (Intl) ----------------------------------------------------------

const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(timeZone, format);
  }
  return format;
}

interface Wall {
  year: number;
  month: number;
  day: number;
  /** Milliseconds after local midnight. */
  msOfDay: number;
}

function wallClock(instant: number, timeZone: string): Wall {
  const parts: Record<string, number> = {};
  for (const part of formatFor(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const ms = ((instant % 1000) + 1000) % 1000;
  return {
    year: parts['year']!,
    month: parts['month']!,
    day: parts['day']!,
    msOfDay: ((parts['hour']! * 60 + parts['minute']!) * 60 + parts['second']!) * 1000 + ms,
  };
}

/** The calendar day `instant` falls on in `timeZone`, and its weekday. */
export function localDateOf(instant: number, timeZone: string): { year: number; month: number; day: number; weekday: Weekday } {
  const wall = wallClock(instant, timeZone);
  const weekday = WEEKDAYS[new Date(Date.UTC(wall.year, wall.month - 1, wall.day)).getUTCDay()]!;
  return { year: wall.year, month: wall.month, day: wall.day, weekday };
}

/** Offset of `timeZone` from UTC at `instant`, in ms (Berlin in summer: +7_200_000). */
function offsetAt(instant: number, timeZone: string): number {
  const wall = wallClock(instant, timeZone);
  return Date.UTC(wall.year, wall.month - 1, wall.day) + wall.msOfDay - instant;
}

/**
 * The instant at which the wall clock in `timeZone` shows the given local time. An ambiguous time
 * (the hour repeated when DST ends) gives its first occurrence; a time that does not exist (the
 * hour skipped when DST starts) gives the instant the same distance after the gap's start.
 */
export function instantOfWallTime(timeZone: string, year: number, month: number, day: number, minuteOfDay: number): number {
  const asUtc = Date.UTC(year, month - 1, day) + minuteOfDay * 60_000;
  const hour = 3_600_000;
  // Offsets on either side: a DST change happens at most once within such a window.
  const candidates = [...new Set([offsetAt(asUtc - 12 * hour, timeZone), offsetAt(asUtc + 12 * hour, timeZone)])].map((offset) => asUtc - offset);
  const valid = candidates.filter((instant) => {
    const wall = wallClock(instant, timeZone);
    return wall.year === year && wall.month === month && wall.day === day && wall.msOfDay === minuteOfDay * 60_000;
  });
  // In a gap no candidate shows the wanted time: the later one is the wanted time moved by the gap.
  return valid.length > 0 ? Math.min(...valid) : Math.max(...candidates);
}

/** Whether `date` falls inside the working hours. */
export function isWorkingTime(spec: WorkingHours, date: Date): boolean {
  const wall = wallClock(date.getTime(), spec.timeZone);
  const weekday = WEEKDAYS[new Date(Date.UTC(wall.year, wall.month - 1, wall.day)).getUTCDay()]!;
  return spec.days.includes(weekday) && wall.msOfDay >= spec.startMinute * 60_000 && wall.msOfDay < spec.endMinute * 60_000;
}

/** `date` itself if it falls inside the working hours, else the start of the next working period. */
export function nextWorkingTime(spec: WorkingHours, date: Date): Date {
  const instant = date.getTime();
  if (Number.isNaN(instant)) throw new RangeError('nextWorkingTime: invalid date');
  if (isWorkingTime(spec, date)) return date;
  const wall = wallClock(instant, spec.timeZone);
  // Today (if work has not started yet) or one of the next 7 days: some day of every week works.
  for (let offset = 0; offset <= 7; offset++) {
    const civil = new Date(Date.UTC(wall.year, wall.month - 1, wall.day + offset));
    if (!spec.days.includes(WEEKDAYS[civil.getUTCDay()]!)) continue;
    const start = instantOfWallTime(spec.timeZone, civil.getUTCFullYear(), civil.getUTCMonth() + 1, civil.getUTCDate(), spec.startMinute);
    if (start > instant) return new Date(start);
  }
  throw new Error(`nextWorkingTime: no working period found after ${date.toISOString()} for "${spec.source}"`);
}

/**
 * The instant `ms` of working time after `date` (an assignee's window: 2 h asked at 17:30 on a
 * Friday with 09:00-18:00 Mon-Fri ends at 10:30 on Monday). No working hours: plain `ms` later.
 */
export function addWorkingTime(spec: WorkingHours | undefined, date: Date, ms: number): Date {
  if (!spec) return new Date(date.getTime() + ms);
  let at = date.getTime();
  let left = ms;
  // Each pass uses up one working period (or what is left); a year of periods bounds a bad spec.
  for (let guard = 0; guard < 400; guard++) {
    at = nextWorkingTime(spec, new Date(at)).getTime();
    const local = localDateOf(at, spec.timeZone);
    const periodEnd = instantOfWallTime(spec.timeZone, local.year, local.month, local.day, spec.endMinute);
    const used = Math.min(left, periodEnd - at);
    at += used;
    left -= used;
    if (left <= 0) return new Date(at);
  }
  throw new Error(`addWorkingTime: ${ms} ms of working time does not fit in a year of "${spec.source}"`);
}
