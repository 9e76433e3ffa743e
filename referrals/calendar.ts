// Calendar dates as card forms carry them (YYYY-MM-DD): checks, conversions and "today" in a
// person's time zone. Pure: `now` is passed in.

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `value` is a real calendar date written YYYY-MM-DD. */
export function isDateOnly(value: string): boolean {
  const match = DATE_ONLY.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** `YYYY-MM-DD` (a card's Input.Date) → `YYYY-MM-DDT00:00:00.000Z`, the stored form. */
export function dateInputToIso(date: string): string {
  return `${date}T00:00:00.000Z`;
}

/** A stored ISO date-time → `YYYY-MM-DD` for an Input.Date (UTC date part; dates are stored at UTC midnight). */
export function isoToDateInput(iso: string | undefined): string | undefined {
  if (iso === undefined) return undefined;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString().slice(0, 10);
}

/** The calendar date of `now` in `timeZone` (default UTC), as YYYY-MM-DD. An unknown zone counts as UTC. */
export function todayIn(now: Date, timeZone?: string): string {
  if (timeZone) {
    try {
      const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now);
      const part = (type: string) => parts.find((p) => p.type === type)?.value;
      const date = `${part('year')}-${part('month')}-${part('day')}`;
      if (isDateOnly(date)) return date;
    } catch {
      // RangeError: unknown time zone; fall through to UTC.
    }
  }
  return now.toISOString().slice(0, 10);
}

/** The calendar date `days` after (or before, when negative) a YYYY-MM-DD date. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
