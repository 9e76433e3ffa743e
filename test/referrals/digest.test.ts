// The digest's pure parts: DIGEST_AT parsing and slots (time zones, DST, week wrap), and what a
// channel's digest says (attention categories, changes since the last digest, the fingerprint).

import { expect } from 'chai';
import { attentionFingerprint, attentionOf, digestContent } from '../../referrals/digest-content.js';
import {
  DigestScheduleError,
  endOfLocalDay,
  latestSlotAtOrBefore,
  localDateString,
  nextSlotAfter,
  parseDigestAt,
  previousSlot,
  sameLocalDay,
} from '../../referrals/digest-schedule.js';
import type { Actor, Referral } from '../../referrals/model.js';
import { DAY, HOUR, lifecycleRfi, policyFor } from '../support/lifecycle.js';
import { tell } from '../support/story.js';

const utc = (text: string) => new Date(text);
const BERLIN = parseDigestAt('09:00 Mon-Fri Europe/Berlin');

describe('referrals: DIGEST_AT schedule', () => {
  it('parses time, days and zone', () => {
    expect(BERLIN).to.deep.equal({
      minuteOfDay: 540,
      days: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'],
      timeZone: 'Europe/Berlin',
      source: '09:00 Mon-Fri Europe/Berlin',
    });
    expect(parseDigestAt('  17:30 sun , wed - thu  UTC ')).to.deep.include({ minuteOfDay: 1050, days: ['Sun', 'Wed', 'Thu'], timeZone: 'UTC' });
  });

  it('refuses malformed values with a precise message', () => {
    const cases: [string, RegExp][] = [
      ['', /is empty/],
      ['09:00', /expected form/],
      ['09:00 Mon-Fri', /expected form/],
      ['9:00 Mon UTC', /"9:00" is not a valid time/],
      ['24:00 Mon UTC', /"24:00" is not a valid time/],
      ['09:00 Funday UTC', /"Funday" is not a day/],
      ['09:00 Mon Mars/Olympus', /not a time zone/],
      ['09:00 Mon +01:00', /not an IANA time zone/],
    ];
    for (const [text, pattern] of cases) expect(() => parseDigestAt(text), text).to.throw(DigestScheduleError, pattern);
  });

  it('latest slot at or before now, next slot after now (weekends skipped)', () => {
    // Monday 4 March 2024: 09:00 in Berlin is 08:00 UTC (CET).
    expect(latestSlotAtOrBefore(BERLIN, utc('2024-03-04T07:59:59Z'))!.toISOString()).to.equal('2024-03-01T08:00:00.000Z');
    expect(latestSlotAtOrBefore(BERLIN, utc('2024-03-04T08:00:00Z'))!.toISOString()).to.equal('2024-03-04T08:00:00.000Z');
    expect(nextSlotAfter(BERLIN, utc('2024-03-04T08:00:00Z'))!.toISOString()).to.equal('2024-03-05T08:00:00.000Z');
    expect(nextSlotAfter(BERLIN, utc('2024-03-08T09:00:00Z'))!.toISOString()).to.equal('2024-03-11T08:00:00.000Z');
    expect(previousSlot(BERLIN, utc('2024-03-11T08:00:00Z'))!.toISOString()).to.equal('2024-03-08T08:00:00.000Z');
  });

  it('follows daylight saving time: 09:00 Berlin is 07:00 UTC in summer', () => {
    expect(nextSlotAfter(BERLIN, utc('2024-03-29T12:00:00Z'))!.toISOString()).to.equal('2024-04-01T07:00:00.000Z');
    // 02:30 does not exist on 31 March 2024 in Berlin: the slot moves by the gap (03:30 CEST).
    const gap = parseDigestAt('02:30 Sun Europe/Berlin');
    expect(nextSlotAfter(gap, utc('2024-03-30T12:00:00Z'))!.toISOString()).to.equal('2024-03-31T01:30:00.000Z');
  });

  it('local days in the zone', () => {
    // 23:30 UTC on Monday is already Tuesday in Berlin.
    expect(localDateString(utc('2024-03-04T23:30:00Z'), 'Europe/Berlin')).to.equal('2024-03-05');
    expect(sameLocalDay(utc('2024-03-04T23:30:00Z'), utc('2024-03-05T08:00:00Z'), 'Europe/Berlin')).to.equal(true);
    expect(sameLocalDay(utc('2024-03-04T22:30:00Z'), utc('2024-03-05T08:00:00Z'), 'Europe/Berlin')).to.equal(false);
    expect(endOfLocalDay(utc('2024-03-04T12:00:00Z'), 'Europe/Berlin').toISOString()).to.equal('2024-03-04T23:00:00.000Z');
  });
});

describe('referrals: digest content', () => {
  const policy = policyFor('inbox');
  const ZONE = 'Europe/Berlin';
  // Thursday 14 March 2024, 09:00 in Berlin; "today" ends at 23:00 UTC.
  const NOW = utc('2024-03-14T08:00:00Z');
  const ago = (hours: number) => new Date(NOW.getTime() - hours * HOUR);
  const ALICE: Actor = { id: 'aad-alice', name: 'Alice Seller' };
  const rfi = (id: string) => lifecycleRfi({ id, customerProfile: { name: `Customer ${id}` } });
  const accept = (close: string) => ({
    type: 'accept' as const,
    actor: ALICE,
    fields: { dealValue: 9000, currency: 'EUR', closingDateTime: close },
    contacts: [],
  });

  function mix(): Referral[] {
    return [
      tell(rfi('soon'), ago(13 * 24), [], NOW, policy), // expires in 24 h
      tell(rfi('late'), ago(30), [], NOW, policy), // respond-by passed 6 h ago
      tell(rfi('today'), ago(20), [], NOW, policy), // respond by 12:00 UTC today
      tell(rfi('tomorrow'), ago(2), [], NOW, policy), // respond by 06:00 UTC tomorrow: nothing yet
      tell(rfi('closesToday'), ago(48), [[ago(47), accept('2024-03-14T00:00:00.000Z')]], NOW, policy),
      tell(rfi('closePassed'), ago(72), [[ago(71), accept('2024-03-13T00:00:00.000Z')]], NOW, policy),
      tell(rfi('fine'), ago(10), [[ago(9), accept('2024-04-30T00:00:00.000Z')]], NOW, policy),
      tell(
        rfi('won'),
        ago(200),
        [
          [ago(199), accept('2024-04-30T00:00:00.000Z')],
          [ago(3), { type: 'won', actor: ALICE }],
        ],
        NOW,
        policy,
      ),
      tell(rfi('declinedLongAgo'), ago(100), [[ago(99), { type: 'decline', actor: ALICE, reason: 'Other' }]], NOW, policy),
    ];
  }

  it('attention: each open referral in its first matching category', () => {
    const found = Object.fromEntries(mix().map((r) => [r.id, attentionOf(r, NOW, policy, ZONE)?.category ?? null]));
    expect(found).to.deep.equal({
      soon: 'expiringSoon',
      late: 'overdue',
      today: 'dueToday',
      tomorrow: null,
      closesToday: 'dueToday',
      closePassed: 'closeDatePassed',
      fine: null,
      won: null,
      declinedLongAgo: null,
    });
  });

  it('content: attention by category then deadline; changes in [since, until), latest per referral, oldest first', () => {
    const content = digestContent(mix(), { since: ago(24), until: NOW, now: NOW, policy, timeZone: ZONE });
    expect(content.attention.map((item) => `${item.id}:${item.category}`)).to.deep.equal([
      'soon:expiringSoon',
      'late:overdue',
      'closesToday:dueToday', // the close date (midnight UTC) sorts before today's 12:00 respond-by
      'today:dueToday',
      'closePassed:closeDatePassed',
    ]);
    expect(content.attention.find((item) => item.id === 'closePassed')).to.deep.include({
      owner: 'Alice Seller',
      at: '2024-03-13T00:00:00.000Z',
      substatus: 'Accepted',
    });
    // In the last 24 h: "today" (received 20 h ago), "fine" (accepted 9 h ago, after its receipt 10 h ago),
    // "tomorrow" (received 2 h ago), "won" (3 h ago). Reminders are not changes.
    expect(content.changes.map((item) => `${item.id}:${item.kind}`)).to.deep.equal(['today:received', 'fine:accepted', 'won:won', 'tomorrow:received']);
    expect(content.changes.find((item) => item.id === 'won')).to.deep.include({ actor: 'Alice Seller', dealValue: 9000, currency: 'EUR' });
    // Events at or after `until` belong to the next digest.
    const earlier = digestContent(mix(), { since: ago(24), until: ago(2), now: NOW, policy, timeZone: ZONE });
    expect(earlier.changes.map((item) => item.id)).to.deep.equal(['today', 'fine', 'won']);
  });

  it('an expiry by the timer is a change; nothing in an empty window', () => {
    const expired = tell(rfi('gone'), ago(14 * 24 + 1), [], NOW, policy);
    expect(expired.substatus).to.equal('Expired');
    expect(digestContent([expired], { since: ago(24), until: NOW, now: NOW, policy, timeZone: ZONE }).changes).to.deep.include.members([
      { id: 'gone', name: 'Customer gone', customer: 'Customer gone', kind: 'expired', at: ago(1).toISOString() },
    ]);
    expect(digestContent(mix(), { since: ago(1), until: NOW, now: NOW, policy, timeZone: ZONE }).changes).to.deep.equal([]);
  });

  it('the fingerprint names each referral and its category, sorted', () => {
    const content = digestContent(mix(), { since: ago(24), until: NOW, now: NOW, policy, timeZone: ZONE });
    expect(attentionFingerprint(content.attention)).to.deep.equal([
      'closePassed:closeDatePassed',
      'closesToday:dueToday',
      'late:overdue',
      'soon:expiringSoon',
      'today:dueToday',
    ]);
    // A day later "today" is overdue: a different list.
    const later = digestContent(mix(), { since: NOW, until: new Date(NOW.getTime() + DAY), now: new Date(NOW.getTime() + DAY), policy, timeZone: ZONE });
    expect(attentionFingerprint(later.attention)).to.include('today:overdue');
  });
});
