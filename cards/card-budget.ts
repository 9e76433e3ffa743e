// How much of a long referral a card shows: Teams refuses a card over 28 KB, and Partner Center's
// fields together allow far more (10,000 characters of notes, 100 items per requirement list, 50
// contacts). Past these bounds the card shows the start and says how much more Partner Center holds;
// the API and the export keep everything (docs/architecture.md#card-size).

export const CARD_LIMITS = {
  /** Characters of the customer's notes. */
  notes: 1_500,
  /** Characters of the inviter's note. */
  inviteNotes: 800,
  /** Items of each requirement list, and characters of each. */
  listItems: 5,
  listItem: 80,
  /** People in a contact list (the customer's, the inviter's). */
  people: 5,
  /** Characters of a first or last name, and of a value such as a solution play. */
  name: 60,
  value: 80,
} as const;

/** The first `max` characters (whole code points) and "…" when there were more. */
export function clip(text: string, max: number): string {
  const points = Array.from(text);
  return points.length <= max ? text : `${points.slice(0, max).join('').trimEnd()}…`;
}

/** The first `max` items, and how many were left out. */
export function firstOf<T>(items: readonly T[], max: number): { shown: T[]; more: number } {
  return { shown: items.slice(0, max), more: Math.max(0, items.length - max) };
}
