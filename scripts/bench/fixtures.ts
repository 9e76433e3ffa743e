// Realistic referral records for the benchmark, built through the real lifecycle core: a mix of
// open ones (New, Active) and closed ones (Won, Lost, Declined, Expired), like a store after years.

import { decide } from '../../referrals/lifecycle.js';
import { applyEvents } from '../../referrals/evolve.js';
import type { Command } from '../../referrals/commands.js';
import type { Referral, Rfi } from '../../referrals/model.js';
import { DEFAULT_POLICY } from '../../referrals/policy.js';
import { LowdbStore } from '../../storage/lowdb-store.js';
import { PgStore } from '../../storage/postgres/pg-store.js';
import type { ReferralRecord } from '../../storage/store.js';

const SELLERS = [
  { id: 'aaaaaaaa-0000-0000-0000-000000000001', name: 'Alex Wilber' },
  { id: 'aaaaaaaa-0000-0000-0000-000000000002', name: 'Megan Bowen' },
];
const COUNTRIES = ['DE', 'AT', 'CH', 'FR', 'US', 'JP', 'GB', 'NL'];

export function benchRfi(id: string, i: number): Rfi {
  return {
    id,
    name: `Engagement ${i}`,
    createdDateTime: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString(),
    customerProfile: {
      name: `Customer ${i} Ltd`,
      size: i % 3 === 0 ? '1to50employees' : '51to250employees',
      address: { city: 'Somewhere', country: COUNTRIES[i % COUNTRIES.length]! },
      team: [{ firstName: 'Pat', lastName: `Buyer${i}`, email: `pat${i}@customer.example`, phoneNumber: '+1 555 0100' }],
    },
    details: {
      notes: 'Looking for a partner to migrate file servers and mail, then modernise line-of-business apps.',
      dealValue: 10_000 + (i % 50) * 1000,
      currency: 'EUR',
      requirements: { products: [{ id: 'Microsoft365' }], solutions: [{ id: 'SOL-ModernWork', name: 'Modern Work' }], industries: [{ id: 'Retail' }] },
    },
  };
}

function run(referral: Referral | undefined, command: Command, at: Date): Referral {
  const decision = decide(referral, command, at, DEFAULT_POLICY);
  if (!decision.ok) throw decision.error;
  return applyEvents(referral, decision.events);
}

/** Record i of a store: 95 % closed (spread over the four outcomes), 5 % open (New or Active). */
export function benchRecord(i: number): ReferralRecord {
  const rfi = benchRfi(`bench-${i}`, i);
  const created = new Date(rfi.createdDateTime!);
  const later = (hours: number) => new Date(created.getTime() + hours * 3_600_000);
  const seller = SELLERS[i % SELLERS.length]!;
  let referral = run(undefined, { type: 'takeIn', rfi }, created);
  const kind = i % 40 === 0 ? 'new' : i % 40 === 20 ? 'active' : ['won', 'lost', 'declined', 'expired'][i % 4]!;
  if (kind === 'declined') {
    referral = run(referral, { type: 'decline', actor: seller, reason: 'CustomerChoseAnotherVendor', notes: 'Went elsewhere' }, later(3));
  } else if (kind === 'expired') {
    referral = run(referral, { type: 'expire' }, later(15 * 24));
  } else if (kind !== 'new') {
    referral = run(
      referral,
      {
        type: 'accept',
        actor: seller,
        fields: { name: `Deal ${i}`, dealValue: 42_000, currency: 'EUR', closingDateTime: later(24 * 60).toISOString(), notes: 'Budget approved' },
        contacts: [],
      },
      later(2),
    );
    if (kind === 'won') referral = run(referral, { type: 'won', actor: seller }, later(24 * 30));
    if (kind === 'lost') referral = run(referral, { type: 'lost', actor: seller, reason: 'BudgetNotAdequate' }, later(24 * 30));
  }
  return { referral, outbox: [] };
}

const isOpen = (i: number) => i % 40 === 0 || i % 40 === 20;

/**
 * Fills a data directory with `count` records (benchRecord 0..count-1), in batches. With
 * `openWork`, exactly the last `openWork` records are open and every one before them is closed:
 * the same open work over more or less history.
 */
export async function seedStore(dataDir: string, count: number, databaseUrl?: string, openWork?: number): Promise<void> {
  const store = databaseUrl ? new PgStore({ connectionString: databaseUrl }) : new LowdbStore({ dataDir });
  await store.open();
  const batch = 5000;
  for (let start = 0; start < count; start += batch) {
    await store.importRecords(
      Array.from({ length: Math.min(batch, count - start) }, (_, k) => {
        const i = start + k;
        if (openWork === undefined) return benchRecord(i);
        // Record i with the kind of a closed or an open one (40 apart: the same id stays unique below).
        const closedKind = isOpen(i) ? i + 1 : i;
        const record = benchRecord(i >= count - openWork ? i - (i % 40) : closedKind);
        return { ...record, referral: { ...record.referral, id: `bench-${i}` } };
      }),
    );
  }
  await store.close();
}
