// The Partner Center rules of the core (referrals/partner-center.ts, docs/architecture.md#partner-center):
// a table of our state × what Partner Center shows → the result of syncFromPartnerCenter, both
// flows; what each decision writes back; when a 412'd write still applies or already did.

import { expect } from 'chai';
import type { ReferralEvent } from '../../referrals/events.js';
import { decide } from '../../referrals/lifecycle.js';
import type { Flow, Referral, Rfi } from '../../referrals/model.js';
import { alreadyApplied, partnerCenterPatch, stillApplies } from '../../referrals/partner-center.js';
import { at, command, HOUR, lifecycleRfi, policyFor, reach, stateOf, step, type Path } from '../support/lifecycle.js';

const PATHS: Record<string, Path> = {
  'inbox   New/Pending': [],
  'inbox   Active/Accepted': [[1, 'accept']],
  'inbox   Closed/Declined': [[1, 'decline']],
  'classic New/Pending': [],
  'classic New/Received': [[1, 'interested']],
  'classic Active/Accepted': [
    [1, 'interested'],
    [2, 'accept'],
  ],
};

const THEIRS = ['New/Pending', 'New/Received', 'Active/Accepted', 'Closed/Won', 'Closed/Lost', 'Closed/Declined', 'Closed/Expired'] as const;
const U = 'Unchanged',
  C = 'Closed';

// What Partner Center shows (columns) against what the bot has (rows): the state after the sync,
// or the error. Partner Center behind us is our own write on its way: nothing to adopt.
const TABLE: ReadonlyArray<readonly [keyof typeof PATHS, ...string[]]> = [
  //                            New/Pending    New/Received    Active/Accepted    Won           Lost           Declined           Expired
  ['inbox   New/Pending', U, 'New/Received', 'Active/Accepted', 'Closed/Won', 'Closed/Lost', 'Closed/Declined', 'Closed/Expired'],
  ['inbox   Active/Accepted', U, U, U, 'Closed/Won', 'Closed/Lost', 'Closed/Declined', 'Closed/Expired'],
  ['inbox   Closed/Declined', C, C, C, C, C, C, C],
  ['classic New/Pending', U, 'New/Received', 'Active/Accepted', 'Closed/Won', 'Closed/Lost', 'Closed/Declined', 'Closed/Expired'],
  ['classic New/Received', U, U, 'Active/Accepted', 'Closed/Won', 'Closed/Lost', 'Closed/Declined', 'Closed/Expired'],
  ['classic Active/Accepted', U, U, U, 'Closed/Won', 'Closed/Lost', 'Closed/Declined', 'Closed/Expired'],
];

function setUp(key: string): { flow: Flow; referral: Referral; now: Date } {
  const flow = key.split(/\s+/)[0] as Flow;
  const path = PATHS[key]!;
  const last = path.at(-1)?.[0] ?? 0;
  return { flow, referral: reach(flow, path), now: at((last + 1) * HOUR) };
}

/** Partner Center's resource for the referral, in state `theirs`, last changed `updated`. */
function resource(referral: Referral, theirs: string, updated: string): Rfi {
  const [status, substatus] = theirs.split('/');
  return { ...lifecycleRfi({ id: referral.id }), status, substatus, updatedDateTime: updated };
}

describe('Partner Center: our state × Partner Center’s → syncFromPartnerCenter', () => {
  for (const [key, ...cells] of TABLE) {
    THEIRS.forEach((theirs, i) => {
      const expected = cells[i]!;
      it(`${key.padEnd(24)} + Partner Center ${theirs.padEnd(16)} → ${expected}`, () => {
        const { flow, referral, now } = setUp(key);
        const policy = policyFor(flow);
        // Changed there before our last change: only a later state counts, never older fields.
        const cmd = {
          type: 'syncFromPartnerCenter' as const,
          resource: resource(referral, theirs, new Date(Date.parse(referral.updatedDateTime) - HOUR).toISOString()),
        };
        if (expected.includes('/')) {
          const next = step(referral, cmd, now, policy);
          expect(stateOf(next)).to.equal(expected);
          expect(next.history.at(-1)).to.include({ type: 'changedInPartnerCenter' });
          if (expected.startsWith('Closed')) expect(next.closedDateTime).to.equal(now.toISOString());
        } else {
          const decision = decide(referral, cmd, now, policy);
          expect(decision.ok).to.equal(false);
          if (!decision.ok) expect(decision.error.code).to.equal(expected);
        }
      });
    });
  }

  it('engagement fields edited there are adopted only from a resource changed after our last change', () => {
    const { referral, now } = setUp('inbox   Active/Accepted');
    const policy = policyFor('inbox');
    const edited = (updated: string): Rfi => ({ ...resource(referral, 'Active/Accepted', updated), details: { ...referral.details, dealValue: 99_000 } });
    const older = decide(
      referral,
      { type: 'syncFromPartnerCenter', resource: edited(new Date(Date.parse(referral.updatedDateTime) - 1000).toISOString()) },
      now,
      policy,
    );
    expect(older.ok).to.equal(false);
    const newer = step(
      referral,
      { type: 'syncFromPartnerCenter', resource: edited(new Date(Date.parse(referral.updatedDateTime) + 1000).toISOString()) },
      now,
      policy,
    );
    expect(newer.details.dealValue).to.equal(99_000);
    expect(newer.history.at(-1)).to.deep.include({ type: 'changedInPartnerCenter', changes: { dealValue: 99_000 } });
  });

  it('a statusReason Partner Center gives is kept: a known reason as the reason, other words as notes', () => {
    const { referral, now } = setUp('inbox   New/Pending');
    const policy = policyFor('inbox');
    const known = step(
      referral,
      { type: 'syncFromPartnerCenter', resource: { ...resource(referral, 'Closed/Declined', now.toISOString()), statusReason: 'NotACustomer' } },
      now,
      policy,
    );
    expect(known).to.include({ statusReason: 'NotACustomer' });
    const words = step(
      referral,
      { type: 'syncFromPartnerCenter', resource: { ...resource(referral, 'Closed/Lost', now.toISOString()), statusReason: 'Went with the incumbent' } },
      now,
      policy,
    );
    expect(words).to.include({ statusReasonNotes: 'Went with the incumbent' });
  });

  it('taken in from Partner Center already accepted there: the card starts Active, marked as changed there', () => {
    const policy = policyFor('inbox');
    const rfi = { ...lifecycleRfi({ id: 'late' }), status: 'Active', substatus: 'Accepted' };
    const decision = decide(undefined, { type: 'takeIn', rfi, source: 'partnerCenter' }, at(0), policy);
    expect(decision.ok && decision.events.map((event) => event.type)).to.deep.equal(['received', 'changedInPartnerCenter']);
    // From the intake API the state Partner Center's resource names is not taken for the bot's.
    const direct = decide(undefined, { type: 'takeIn', rfi }, at(0), policy);
    expect(direct.ok && direct.events.map((event) => event.type)).to.deep.equal(['received']);
  });
});

describe('Partner Center: what each decision writes back', () => {
  const events = (flow: Flow, path: Path): ReferralEvent[] => reach(flow, path).history;
  const lastPatch = (flow: Flow, path: Path) => partnerCenterPatch(events(flow, path).at(-1)!);

  it('Accept: Active/Accepted with the engagement fields and the extra contacts', () => {
    expect(lastPatch('inbox', [[1, 'accept']])).to.deep.equal([
      { op: 'replace', path: '/status', value: 'Active' },
      { op: 'replace', path: '/substatus', value: 'Accepted' },
      { op: 'replace', path: '/name', value: 'Contoso Teams rollout' },
      { op: 'replace', path: '/details/dealValue', value: 50_000 },
      { op: 'replace', path: '/details/currency', value: 'EUR' },
      { op: 'replace', path: '/details/closingDateTime', value: (command('accept') as { fields: { closingDateTime: string } }).fields.closingDateTime },
      { op: 'replace', path: '/details/notes', value: 'Rollout for 400 seats' },
      { op: 'replace', path: '/externalReferenceId', value: 'CRM-42' },
      { op: 'add', path: '/team/-', value: { firstName: 'Carol', lastName: 'Partner', email: 'carol@partner.example' } },
    ]);
  });

  const cases: Array<[string, Flow, Path, unknown]> = [
    [
      'Decline',
      'inbox',
      [[1, 'decline']],
      [
        { op: 'replace', path: '/status', value: 'Closed' },
        { op: 'replace', path: '/substatus', value: 'Declined' },
        { op: 'replace', path: '/statusReason', value: 'NotACustomer' },
      ],
    ],
    [
      'Won',
      'inbox',
      [
        [1, 'accept'],
        [2, 'won'],
      ],
      [
        { op: 'replace', path: '/status', value: 'Closed' },
        { op: 'replace', path: '/substatus', value: 'Won' },
      ],
    ],
    [
      'Lost',
      'inbox',
      [
        [1, 'accept'],
        [2, 'lost'],
      ],
      [
        { op: 'replace', path: '/status', value: 'Closed' },
        { op: 'replace', path: '/substatus', value: 'Lost' },
        { op: 'replace', path: '/statusReason', value: 'CustomerChoseAnotherVendor' },
      ],
    ],
    [
      'Edit engagement',
      'inbox',
      [
        [1, 'accept'],
        [2, 'editEngagement'],
      ],
      [
        { op: 'replace', path: '/details/dealValue', value: 75_000 },
        { op: 'replace', path: '/details/notes', value: 'Scope grew to 600 seats' },
      ],
    ],
    [
      'Add contact',
      'inbox',
      [
        [1, 'accept'],
        [2, 'addContact'],
      ],
      [{ op: 'add', path: '/team/-', value: { firstName: 'Dan', lastName: 'Partner', phoneNumber: '+49 30 123456' } }],
    ],
    [
      "classic I'm interested",
      'classic',
      [[1, 'interested']],
      [
        { op: 'replace', path: '/status', value: 'New' },
        { op: 'replace', path: '/substatus', value: 'Received' },
      ],
    ],
    [
      'classic No thanks (Partner Center has no Skipped)',
      'classic',
      [[1, 'noThanks']],
      [
        { op: 'replace', path: '/status', value: 'Closed' },
        { op: 'replace', path: '/substatus', value: 'Declined' },
        { op: 'replace', path: '/statusReason', value: 'Other' },
      ],
    ],
  ];
  for (const [name, flow, path, expected] of cases) {
    it(`${name}`, () => expect(lastPatch(flow, path)).to.deep.equal(expected));
  }

  it('timers and changes that came from Partner Center write nothing', () => {
    const timers = events('inbox', [[14 * 24, 'expire']]).slice(1);
    expect(timers.map(partnerCenterPatch)).to.deep.equal([undefined]);
    expect(partnerCenterPatch({ type: 'changedInPartnerCenter', at: at(0).toISOString(), status: 'Closed', substatus: 'Won' })).to.equal(undefined);
    expect(partnerCenterPatch({ type: 'reminded', at: at(0).toISOString() })).to.equal(undefined);
  });
});

describe('Partner Center: after a 412', () => {
  const accepted = partnerCenterPatch(reach('inbox', [[1, 'accept']]).history.at(-1)!)!;
  const won = partnerCenterPatch(
    reach('inbox', [
      [1, 'accept'],
      [2, 'won'],
    ]).history.at(-1)!,
  )!;
  const edit = partnerCenterPatch(
    reach('inbox', [
      [1, 'accept'],
      [2, 'editEngagement'],
    ]).history.at(-1)!,
  )!;
  const there = (status: string, substatus: string, extra: Record<string, unknown> = {}): Rfi => ({ ...lifecycleRfi(), status, substatus, ...extra });

  it('a move still applies while Partner Center is behind it and not closed', () => {
    expect(stillApplies(accepted, there('New', 'Pending'))).to.equal(true);
    expect(stillApplies(accepted, there('Active', 'Accepted'))).to.equal(false);
    expect(stillApplies(accepted, there('Closed', 'Declined'))).to.equal(false);
    expect(stillApplies(won, there('Active', 'Accepted'))).to.equal(true);
    expect(stillApplies(won, there('Closed', 'Lost'))).to.equal(false);
  });

  it('an edit applies while Partner Center has it Active', () => {
    expect(stillApplies(edit, there('Active', 'Accepted'))).to.equal(true);
    expect(stillApplies(edit, there('Closed', 'Won'))).to.equal(false);
  });

  it('a write whose answer was lost is recognised as already there (dates compared as instants, contacts by their fields)', () => {
    const applied = {
      ...there('Active', 'Accepted'),
      name: 'Contoso Teams rollout',
      externalReferenceId: 'CRM-42',
      details: { dealValue: 50_000, currency: 'EUR', notes: 'Rollout for 400 seats', closingDateTime: '2024-04-03T00:00:00.0000000Z' },
      team: [{ firstName: 'Carol', lastName: 'Partner', email: 'carol@partner.example', contactPreference: { locale: 'en-US' } }],
    };
    expect(alreadyApplied(accepted, applied)).to.equal(true);
    expect(alreadyApplied(accepted, { ...applied, team: [] })).to.equal(false);
    expect(alreadyApplied(accepted, { ...applied, substatus: 'Pending' })).to.equal(false);
  });
});
