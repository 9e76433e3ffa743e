// The pure delivery plan: where each queued message goes (or why not), the order lanes are
// served in, and what one send settles. See docs/architecture.md#delivery.

import { expect } from 'chai';
import { jobFor, lanesInOrder, routeItem, type Candidate } from '../../../bot/outbox/delivery-plan.js';
import type { ConversationTarget } from '../../../storage/bot-state-reads.js';
import type { OutboxItem, ReferralRecord } from '../../../storage/store.js';
import { defaultBotState } from '../../../storage/bot-state.js';
import { newReferral, outboxItem, recordOf } from '../../support/records.js';

const CHANNEL = '19:sales@thread.tacv2';

function channelTarget(key: string, extra: Partial<ConversationTarget> = {}): ConversationTarget {
  return {
    key,
    kind: 'channel',
    reference: { serviceUrl: 'http://127.0.0.1:9/', channelId: 'msteams', conversation: { id: CHANNEL, conversationType: 'channel' }, bot: { id: 'bot' } },
    tenantId: 'tenant-1',
    active: true,
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...extra,
  };
}
const personalTarget: ConversationTarget = {
  key: 'user:anna',
  kind: 'personal',
  reference: { serviceUrl: 'http://127.0.0.1:9/', channelId: 'msteams', conversation: { id: 'a:chat-anna', conversationType: 'personal' }, bot: { id: 'bot' } },
  active: true,
  updatedAt: '2026-01-01T00:00:00.000Z',
};

const conversations = {
  'channel:sales': channelTarget('channel:sales'),
  'channel:gone': channelTarget('channel:gone', { active: false, inactiveReason: 'removed' }),
  'channel:leaving': channelTarget('channel:leaving'),
  'user:anna': personalTarget,
};
const retiring = new Set(['channel:leaving']);

const item = (kind: OutboxItem['kind'], target: string, id = `${kind}-1`): OutboxItem => ({ ...outboxItem(id, kind), target });
const withCard = (card: ReferralRecord['card'], outbox: OutboxItem[] = []): ReferralRecord => ({
  ...recordOf(newReferral('rfi-1'), outbox),
  ...(card && { card }),
});

describe('outbox: the delivery plan (pure)', () => {
  const table: Array<[string, OutboxItem, ReferralRecord | undefined, string]> = [
    ['a target nobody knows', item('personal', 'user:nobody'), undefined, 'park'],
    ['a conversation being retired', item('postCard', 'channel:leaving'), withCard(undefined), 'wait'],
    ['an inactive conversation', item('channelMessage', 'channel:gone'), undefined, 'retire:removed'],
    ['an update of a card that lives elsewhere', item('updateCard', 'channel:sales'), withCard({ target: 'channel:other', activityId: 'a-1' }), 'drop'],
    ['a reply before the card has an id', item('threadReply', 'channel:sales'), withCard({ target: 'channel:sales' }), 'wait'],
    [
      'a reply to a posted card',
      item('threadReply', 'channel:sales'),
      withCard({ target: 'channel:sales', activityId: 'a-1' }),
      `lane:${CHANNEL};messageid=a-1`,
    ],
    ['a card update', item('updateCard', 'channel:sales'), withCard({ target: 'channel:sales', activityId: 'a-1' }), `lane:${CHANNEL};messageid=a-1`],
    ['a card post without a referral', item('postCard', 'channel:sales'), undefined, 'drop'],
    ['a card post whose card moved', item('postCard', 'channel:sales'), withCard({ target: 'channel:other' }), 'drop'],
    ['a card post', item('postCard', 'channel:sales'), withCard({ target: 'channel:sales' }), `lane:${CHANNEL}`],
    ['a personal message', item('personal', 'user:anna'), undefined, 'lane:a:chat-anna'],
  ];
  for (const [what, queued, record, expected] of table) {
    it(`${what} → ${expected.split(':')[0]}`, () => {
      const routing = routeItem(queued, record, conversations, retiring);
      const got = routing.action === 'lane' ? `lane:${routing.lane}` : routing.action === 'retire' ? `retire:${routing.reason}` : routing.action;
      expect(got).to.equal(expected);
    });
  }

  it('a routed item carries its tenant for the per-tenant limit', () => {
    const routing = routeItem(item('postCard', 'channel:sales'), withCard({ target: 'channel:sales' }), conversations, retiring);
    expect(routing.action === 'lane' && routing.reference.conversation.tenantId).to.equal('tenant-1');
  });

  const candidate = (queued: OutboxItem, lane: string, order: number, seq: number, record?: ReferralRecord): Candidate => ({
    item: queued,
    record,
    order,
    seq,
    lane,
    target: conversations['channel:sales'],
    reference: conversations['channel:sales'].reference,
  });

  it('serves the lane with the oldest head first, oldest item first in each, and skips busy lanes', () => {
    const lanes = new Map([
      ['late', [candidate(item('personal', 'x', 'l-2'), 'late', 50, 4), candidate(item('personal', 'x', 'l-1'), 'late', 30, 5)]],
      ['early', [candidate(item('personal', 'x', 'e-2'), 'early', 20, 2), candidate(item('personal', 'x', 'e-1'), 'early', 20, 1)]],
      ['busy', [candidate(item('personal', 'x', 'b-1'), 'busy', 1, 0)]],
    ]);
    const order = lanesInOrder(lanes, new Set(['busy'])).map((list) => list.map((c) => c.item.id));
    expect(order).to.deep.equal([
      ['e-1', 'e-2'],
      ['l-1', 'l-2'],
    ]);
  });

  it('a post settles the updates queued before it; several updates go out as one; an update already shown is skipped', () => {
    const post = item('postCard', 'channel:sales', 'post');
    const updates = [item('updateCard', 'channel:sales', 'u-1'), item('updateCard', 'channel:sales', 'u-2')];
    const unposted = withCard({ target: 'channel:sales' }, [post, ...updates]);
    const postJob = jobFor(candidate(post, 'lane', 1, 1, unposted), [candidate(post, 'lane', 1, 1, unposted)], { ...defaultBotState(), conversations });
    expect([postJob.kind, postJob.doneIds, postJob.attemptIds]).to.deep.equal(['post', ['post', 'u-1', 'u-2'], ['post']]);

    const posted = withCard({ target: 'channel:sales', activityId: 'a-1', shownVersion: 0 }, updates);
    const lane = updates.map((u, i) => candidate(u, 'thread', i, i, posted));
    const updateJob = jobFor(lane[0]!, lane, { ...defaultBotState(), conversations });
    expect([updateJob.kind, updateJob.doneIds, updateJob.cardActivityId]).to.deep.equal(['update', ['u-1', 'u-2'], 'a-1']);

    const current = withCard({ target: 'channel:sales', activityId: 'a-1', shownVersion: posted.referral.version }, updates);
    const skip = jobFor(candidate(updates[0]!, 'thread', 0, 0, current), [candidate(updates[0]!, 'thread', 0, 0, current)], {
      ...defaultBotState(),
      conversations,
    });
    expect(skip.kind).to.equal('skip');
  });
});
