// When the digest is posted (DIGEST_AT): one time of day on some weekdays in one time zone. Pure:
// no clock reads; time zones via Intl, DST handled like WORKING_HOURS (working-hours.ts).
//
// Grammar (whitespace-separated, case-insensitive day names, same day and zone rules as
// WORKING_HOURS):
//
//   DIGEST_AT = TIME DAYS ZONE
//   TIME      = HH ":" MM                00:00 … 23:59, local time in ZONE
//   DAYS      = ITEM { "," ITEM }        Mon-Fri, Mon,Wed,Fri, Fri-Mon (wraps), Sun
//   ZONE      = an IANA time zone name, e.g. Europe/Berlin, UTC
//
// Examples: "09:00 Mon-Fri Europe/Berlin", "08:30 Mon,Thu UTC", "17:00 Sun-Thu Asia/Jerusalem".
// An empty DIGEST_AT turns the digest off (the config module decides that; this parser refuses "").
//
// A SLOT is one occurrence: the instant at which the wall clock in ZONE shows TIME on one of DAYS.
// A local time skipped by a DST change gives the instant the same distance after the gap's start;
// a repeated one its first occurrence (instantOfWallTime).

import { instantOfWallTime, localDateOf, parseDays, parseTime, parseTimeZone, WorkingHoursError, type Weekday } from './working-hours.js';

export interface DigestSchedule {
  /** Minutes after local midnight. */
  minuteOfDay: number;
  days: readonly Weekday[];
  timeZone: string;
  source: string;
}

export class DigestScheduleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DigestScheduleError';
  }
}

const EXAMPLE = 'expected "HH:MM DAYS TIMEZONE", e.g. "09:00 Mon-Fri Europe/Berlin"';

/** Parses DIGEST_AT; throws DigestScheduleError with a precise message. */
export function parseDigestAt(text: string): DigestSchedule {
  const source = text.trim();
  if (source === '') throw new DigestScheduleError(`is empty; ${EXAMPLE}`);
  const tokens = source.replace(/\s*([-,])\s*/g, '$1').split(/\s+/);
  if (tokens.length !== 3) throw new DigestScheduleError(`"${source}" is not in the expected form: ${EXAMPLE}`);
  const [time, days, zone] = tokens as [string, string, string];
  try {
    return { minuteOfDay: parseTime(time, 'start'), days: parseDays(days), timeZone: parseTimeZone(zone), source };
  } catch (error) {
    if (error instanceof WorkingHoursError) throw new DigestScheduleError(error.message.replace('valid start time', 'valid time'));
    throw error;
  }
}

/** The civil date `offset` days after the local date of `instant`. */
function civilDay(instant: number, timeZone: string, offset: number): { year: number; month: number; day: number; weekday: Weekday } {
  const local = localDateOf(instant, timeZone);
  const civil = new Date(Date.UTC(local.year, local.month - 1, local.day + offset));
  return localDateOf(Date.UTC(civil.getUTCFullYear(), civil.getUTCMonth(), civil.getUTCDate(), 12), 'UTC');
}

function slotOn(schedule: DigestSchedule, day: { year: number; month: number; day: number }): number {
  return instantOfWallTime(schedule.timeZone, day.year, day.month, day.day, schedule.minuteOfDay);
}

/** The latest slot at or before `now`, or undefined (only when no day is chosen, which parsing prevents). */
export function latestSlotAtOrBefore(schedule: DigestSchedule, now: Date): Date | undefined {
  const instant = now.getTime();
  for (let offset = 0; offset >= -8; offset--) {
    const day = civilDay(instant, schedule.timeZone, offset);
    if (!schedule.days.includes(day.weekday)) continue;
    const slot = slotOn(schedule, day);
    if (slot <= instant) return new Date(slot);
  }
  return undefined;
}

/** The first slot strictly after `now`. */
export function nextSlotAfter(schedule: DigestSchedule, now: Date): Date | undefined {
  const instant = now.getTime();
  for (let offset = 0; offset <= 8; offset++) {
    const day = civilDay(instant, schedule.timeZone, offset);
    if (!schedule.days.includes(day.weekday)) continue;
    const slot = slotOn(schedule, day);
    if (slot > instant) return new Date(slot);
  }
  return undefined;
}

/** The slot before `slot` (for the first digest ever: what changed since then). */
export function previousSlot(schedule: DigestSchedule, slot: Date): Date | undefined {
  return latestSlotAtOrBefore(schedule, new Date(slot.getTime() - 1));
}

/** "YYYY-MM-DD": the local date of `instant` in `timeZone`. */
export function localDateString(instant: Date, timeZone: string): string {
  const day = localDateOf(instant.getTime(), timeZone);
  return `${day.year}-${String(day.month).padStart(2, '0')}-${String(day.day).padStart(2, '0')}`;
}

/** Whether two instants fall on the same local date in `timeZone`. */
export function sameLocalDay(a: Date, b: Date, timeZone: string): boolean {
  return localDateString(a, timeZone) === localDateString(b, timeZone);
}

/** The instant the local day after `instant`'s local day begins (end of "today"). */
export function endOfLocalDay(instant: Date, timeZone: string): Date {
  const next = civilDay(instant.getTime(), timeZone, 1);
  return new Date(instantOfWallTime(timeZone, next.year, next.month, next.day, 0));
}
