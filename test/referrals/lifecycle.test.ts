// Lifecycle core, both flows (docs/architecture.md#the-workflow): state × command → resulting status/substatus or the
// typed error code, one `it` per cell of the table below; then ownership, closed referrals,
// event contents (actor, version, fold), what Accept/Decline/Lost write, first response, `extra`.

import { expect } from 'chai';
import type { Command, CommandType } from '../../referrals/commands.js';
import { LifecycleError } from '../../referrals/errors.js';
import { applyEvents, fold } from '../../referrals/evolve.js';
import { availableCommands, decide } from '../../referrals/lifecycle.js';
import type { Flow, Referral } from '../../referrals/model.js';
import {
  ALICE,
  BOB,
  CLOSE_DATE,
  DAY,
  HOUR,
  MARY,
  at,
  command,
  iso,
  lifecycleRfi,
  policyFor,
  reach,
  refusal,
  stateOf,
  step,
  type Path,
} from '../support/lifecycle.js';

// ---------------------------------------------------------------------------------------------
// How each state is reached: [hours after takeIn at T0, command], all by ALICE.
// `null` = the referral does not exist yet.
const PATHS: Record<string, Path | null> = {
  'inbox   none': null,
  'inbox   New/Pending': [],
  'inbox   Active/Accepted': [[1, 'accept']],
  'inbox   Closed/Declined': [[1, 'decline']],
  'inbox   Closed/Won': [
    [1, 'accept'],
    [2, 'won'],
  ],
  'inbox   Closed/Lost': [
    [1, 'accept'],
    [2, 'lost'],
  ],
  'inbox   Closed/Expired': [[14 * 24, 'expire']],
  'classic none': null,
  'classic New/Pending': [],
  'classic New/Received': [[1, 'interested']],
  'classic Active/Accepted': [
    [1, 'interested'],
    [2, 'accept'],
  ],
  'classic Closed/Skipped by noThanks': [[1, 'noThanks']],
  'classic Closed/Skipped by timer': [[72, 'skip']],
  'classic Closed/Declined': [
    [1, 'interested'],
    [2, 'decline'],
  ],
  'classic Closed/Expired': [
    [1, 'interested'],
    [1 + 7 * 24, 'expire'],
  ],
  'classic Closed/Won': [
    [1, 'interested'],
    [2, 'accept'],
    [3, 'won'],
  ],
  'classic Closed/Lost': [
    [1, 'interested'],
    [2, 'accept'],
    [3, 'lost'],
  ],
};

const COLUMNS = ['takeIn', 'interested', 'noThanks', 'accept', 'decline', 'won', 'lost', 'editEngagement', 'addContact', 'handOver', 'linkRelated'] as const;

// Cells: a resulting status/substatus, or an error code.
const NEW = 'New/Pending',
  RCV = 'New/Received',
  ACT = 'Active/Accepted';
const DEC = 'Closed/Declined',
  SKP = 'Closed/Skipped',
  WON = 'Closed/Won',
  LST = 'Closed/Lost';
const ILL = 'IllegalTransition',
  CLO = 'Closed',
  DUP = 'AlreadyExists',
  NF = 'NotFound';
const CLOSED_ROW = [DUP, CLO, CLO, CLO, CLO, CLO, CLO, CLO, CLO, CLO, CLO] as const;

// The command is given by the owner (ALICE accepted in every Active path), one hour after the path.
const TABLE: ReadonlyArray<readonly [state: keyof typeof PATHS, ...cells: string[]]> = [
  //  state                                 takeIn interested noThanks accept decline won  lost edit addContact handOver linkRelated
  ['inbox   none', NEW, NF, NF, NF, NF, NF, NF, NF, NF, NF, NF],
  ['inbox   New/Pending', DUP, ILL, ILL, ACT, DEC, ILL, ILL, ILL, ILL, ILL, NEW],
  ['inbox   Active/Accepted', DUP, ILL, ILL, ILL, ILL, WON, LST, ACT, ACT, ACT, ACT],
  ['inbox   Closed/Declined', ...CLOSED_ROW],
  ['inbox   Closed/Won', ...CLOSED_ROW],
  ['inbox   Closed/Lost', ...CLOSED_ROW],
  ['inbox   Closed/Expired', ...CLOSED_ROW],
  ['classic none', NEW, NF, NF, NF, NF, NF, NF, NF, NF, NF, NF],
  ['classic New/Pending', DUP, RCV, SKP, ILL, ILL, ILL, ILL, ILL, ILL, ILL, NEW],
  ['classic New/Received', DUP, ILL, ILL, ACT, DEC, ILL, ILL, ILL, ILL, ILL, RCV],
  ['classic Active/Accepted', DUP, ILL, ILL, ILL, ILL, WON, LST, ACT, ACT, ACT, ACT],
  ['classic Closed/Skipped by noThanks', ...CLOSED_ROW],
  ['classic Closed/Skipped by timer', ...CLOSED_ROW],
  ['classic Closed/Declined', ...CLOSED_ROW],
  ['classic Closed/Expired', ...CLOSED_ROW],
  ['classic Closed/Won', ...CLOSED_ROW],
  ['classic Closed/Lost', ...CLOSED_ROW],
];

function parseState(key: string): { flow: Flow; label: string } {
  const [flow, label] = key.split(/\s+/) as [Flow, string];
  return { flow, label };
}

function setUp(key: string): { flow: Flow; referral: Referral | undefined; now: Date } {
  const { flow } = parseState(key);
  const path = PATHS[key];
  if (path === undefined) throw new Error(`no path for ${key}`);
  if (path === null) return { flow, referral: undefined, now: at(0) };
  const last = path.at(-1)?.[0] ?? 0;
  return { flow, referral: reach(flow, path), now: at((last + 1) * HOUR) };
}

describe('lifecycle: state × command table', () => {
  describe('every path reaches the state it is named after', () => {
    for (const key of Object.keys(PATHS)) {
      const { label } = parseState(key);
      if (label === 'none') continue;
      it(key, () => {
        const { flow, referral } = setUp(key);
        expect(referral).to.not.equal(undefined);
        expect(stateOf(referral!)).to.equal(label);
        expect(referral!.flow).to.equal(flow);
      });
    }
  });

  it('the table covers every state and every command', () => {
    expect(TABLE.map(([state]) => state)).to.have.members(Object.keys(PATHS));
    for (const row of TABLE) expect(row, row[0]).to.have.length(COLUMNS.length + 1);
  });

  for (const [key, ...cells] of TABLE) {
    COLUMNS.forEach((type, i) => {
      const expected = cells[i]!;
      it(`${key.padEnd(36)} + ${type.padEnd(14)} → ${expected}`, () => {
        const { flow, referral, now } = setUp(key);
        const policy = policyFor(flow);
        const cmd = command(type);
        if (expected.includes('/')) {
          const next = step(referral, cmd, now, policy);
          expect(stateOf(next)).to.equal(expected);
          expect(next.flow).to.equal(flow);
          expect(next.version).to.equal((referral?.version ?? 0) + 1);
        } else {
          const decision = decide(referral, cmd, now, policy);
          expect(decision.ok).to.equal(false);
          if (decision.ok) return;
          expect(decision.error).to.be.instanceOf(LifecycleError);
          expect(decision.error.code).to.equal(expected);
          expect(decision.error.command).to.equal(type);
          expect(decision.error.state).to.deep.equal(referral && { status: referral.status, substatus: referral.substatus });
          expect(refusal(referral, cmd, now, policy)).to.equal(expected);
        }
      });
    });
  }

  it('availableCommands() lists exactly the commands the table allows a person (what a card offers)', () => {
    for (const [key, ...cells] of TABLE) {
      const { referral } = setUp(key);
      if (!referral) continue;
      // linkRelated comes from the bot (a later referral of the engagement), never from a button.
      const allowed = COLUMNS.filter((type, i) => type !== 'takeIn' && type !== 'linkRelated' && cells[i]!.includes('/'));
      expect([...availableCommands(referral)], key).to.have.members(allowed);
    }
  });
});

// ---------------------------------------------------------------------------------------------
describe('lifecycle: who may act on an Active referral', () => {
  // ALICE accepted. [actor, asManager, expected outcome of each Active command]
  const WHO: ReadonlyArray<readonly [who: string, actor: typeof ALICE, asManager: boolean | undefined, expected: 'ok' | 'NotOwner']> = [
    ['owner', ALICE, undefined, 'ok'],
    ['owner asManager', ALICE, true, 'ok'],
    ['other user', BOB, undefined, 'NotOwner'],
    ['other user, asManager false', BOB, false, 'NotOwner'],
    ['manager (asManager)', MARY, true, 'ok'],
  ];
  const ACTIVE: Record<Flow, Path> = {
    inbox: [[1, 'accept']],
    classic: [
      [1, 'interested'],
      [2, 'accept'],
    ],
  };
  const EXPECTED_STATE: Partial<Record<CommandType, string>> = { won: WON, lost: LST, editEngagement: ACT, addContact: ACT };

  for (const flow of ['inbox', 'classic'] as const) {
    for (const [who, actor, asManager, expected] of WHO) {
      for (const type of ['won', 'lost', 'editEngagement', 'addContact'] as const) {
        it(`${flow}: ${type} by ${who} → ${expected === 'ok' ? EXPECTED_STATE[type] : expected}`, () => {
          const referral = reach(flow, ACTIVE[flow]);
          const cmd = command(type, actor, asManager);
          if (expected === 'NotOwner') {
            expect(refusal(referral, cmd, at(DAY), policyFor(flow))).to.equal('NotOwner');
            return;
          }
          const next = step(referral, cmd, at(DAY), policyFor(flow));
          expect(stateOf(next)).to.equal(EXPECTED_STATE[type]);
          expect(next.owner, 'acting does not change the owner').to.deep.equal(ALICE);
          expect(next.history.at(-1)?.actor).to.deep.equal(actor);
        });
      }
    }
  }

  // Hand over: the owner or a manager gives the deal to someone else (BOB), who owns it from then on.
  for (const flow of ['inbox', 'classic'] as const) {
    for (const [who, actor, asManager, expected] of WHO) {
      it(`${flow}: handOver to Bob by ${who} → ${expected === 'ok' ? 'Bob owns it' : expected}`, () => {
        const referral = reach(flow, ACTIVE[flow]);
        const cmd = command('handOver', actor, asManager);
        if (expected === 'NotOwner') {
          expect(refusal(referral, cmd, at(DAY), policyFor(flow))).to.equal('NotOwner');
          return;
        }
        const next = step(referral, cmd, at(DAY), policyFor(flow));
        expect(stateOf(next)).to.equal(ACT);
        expect(next.owner).to.deep.equal(BOB);
        expect(next.history.at(-1)).to.deep.include({ type: 'handedOver', actor, from: ALICE, to: BOB });
      });
    }
  }

  it('after a hand over the previous owner may no longer act; the new one may; handing it to its owner changes nothing', () => {
    const policy = policyFor('inbox');
    const handed = step(reach('inbox', [[1, 'accept']]), command('handOver', ALICE), at(DAY), policy);
    expect(refusal(handed, command('won', ALICE), at(2 * DAY), policy)).to.equal('NotOwner');
    expect(stateOf(step(handed, command('won', BOB), at(2 * DAY), policy))).to.equal(WON);
    expect(refusal(handed, command('handOver', BOB), at(2 * DAY), policy)).to.equal('Unchanged');
  });

  it('an illegal command by a stranger is IllegalTransition, not NotOwner (state is checked first)', () => {
    const referral = reach('inbox', [[1, 'accept']]);
    expect(refusal(referral, command('decline', BOB), at(DAY), policyFor('inbox'))).to.equal('IllegalTransition');
  });

  it('New referrals are open to anybody (no owner yet)', () => {
    const inbox = reach('inbox', []);
    expect(stateOf(step(inbox, command('accept', BOB), at(HOUR), policyFor('inbox')))).to.equal(ACT);
    const classic = reach('classic', [[1, 'interested']]);
    expect(stateOf(step(classic, command('decline', BOB), at(2 * HOUR), policyFor('classic')))).to.equal(DEC);
    expect(step(classic, command('accept', BOB), at(2 * HOUR), policyFor('classic')).owner).to.deep.equal(BOB);
  });
});

// ---------------------------------------------------------------------------------------------
describe('lifecycle: closed referrals cannot be edited', () => {
  const CLOSED: ReadonlyArray<readonly [Flow, Path]> = [
    ['inbox', [[1, 'decline']]],
    [
      'inbox',
      [
        [1, 'accept'],
        [2, 'won'],
      ],
    ],
    [
      'inbox',
      [
        [1, 'accept'],
        [2, 'lost'],
      ],
    ],
    ['classic', [[1, 'noThanks']]],
    [
      'classic',
      [
        [1, 'interested'],
        [2, 'accept'],
        [3, 'won'],
      ],
    ],
  ];
  for (const [flow, path] of CLOSED) {
    it(`${flow} ${path.map(([, t]) => t).join(' → ')}: edit/addContact by owner or manager → Closed, nothing changes`, () => {
      const referral = reach(flow, path);
      expect(referral.status).to.equal('Closed');
      const cmds: Command[] = [
        command('editEngagement', ALICE),
        command('editEngagement', MARY, true),
        command('addContact', ALICE),
        command('addContact', MARY, true),
        command('won', ALICE),
      ];
      for (const cmd of cmds) expect(refusal(referral, cmd, at(5 * DAY), policyFor(flow)), cmd.type).to.equal('Closed');
    });
  }

  it('the error names the command and the state', () => {
    const referral = reach('inbox', [[1, 'decline']]);
    const decision = decide(referral, command('editEngagement'), at(DAY), policyFor('inbox'));
    if (decision.ok) throw new Error('expected a refusal');
    expect(decision.error.message).to.equal('editEngagement: Closed (referral is Closed/Declined)');
  });
});

// ---------------------------------------------------------------------------------------------
describe('lifecycle: events, history and versions', () => {
  /** A long walk through each flow: [hours, command, actor]. */
  const WALKS: Record<Flow, ReadonlyArray<readonly [number, CommandType, typeof ALICE]>> = {
    inbox: [
      [2, 'remind', ALICE],
      [25, 'remind', ALICE],
      [26, 'accept', ALICE],
      [27, 'editEngagement', BOB],
      [28, 'addContact', ALICE],
      [29, 'lost', ALICE],
    ],
    classic: [
      [24, 'remind', ALICE],
      [30, 'interested', BOB],
      [31, 'accept', ALICE],
      [32, 'addContact', ALICE],
      [33, 'won', ALICE],
    ],
  };

  for (const flow of ['inbox', 'classic'] as const) {
    it(`${flow}: fold(history) deep-equals the state built step by step; version = number of events`, () => {
      const policy = policyFor(flow);
      let referral = step(undefined, { type: 'takeIn', rfi: lifecycleRfi() }, at(0), policy);
      expect(referral.version).to.equal(1);
      const states: Referral[] = [referral];
      for (const [hours, type, actor] of WALKS[flow]) {
        const decision = decide(referral, type === 'remind' ? { type } : command(type, actor, actor === BOB ? true : undefined), at(hours * HOUR), policy);
        if (!decision.ok) {
          expect(decision.error.code, `${type} at ${hours}h`).to.equal('NotDue');
          continue;
        }
        const before = referral.version;
        referral = applyEvents(referral, decision.events);
        expect(referral.version).to.equal(before + decision.events.length);
        expect(referral.updatedDateTime).to.equal(iso(hours * HOUR));
        states.push(referral);
      }
      expect(referral.status).to.equal('Closed');
      expect(referral.version).to.equal(referral.history.length);
      expect(fold(referral.history)).to.deep.equal(referral);
      // every prefix of the history folds to the state at that point
      for (const state of states) expect(fold(referral.history.slice(0, state.version))).to.deep.equal(state);
    });
  }

  it('fold([]) is undefined; an event before "received" is rejected', () => {
    expect(fold([])).to.equal(undefined);
    expect(() => fold([{ type: 'reminded', at: iso(0) }])).to.throw(/before the referral was received/);
  });

  const ACTOR_CASES: ReadonlyArray<readonly [Flow, Path, CommandType, string]> = [
    ['classic', [], 'interested', 'interested'],
    ['classic', [], 'noThanks', 'skipped'],
    ['inbox', [], 'accept', 'accepted'],
    ['inbox', [], 'decline', 'declined'],
    ['inbox', [[1, 'accept']], 'won', 'won'],
    ['inbox', [[1, 'accept']], 'lost', 'lost'],
    ['inbox', [[1, 'accept']], 'editEngagement', 'engagementEdited'],
    ['inbox', [[1, 'accept']], 'addContact', 'contactAdded'],
  ];
  for (const [flow, path, type, eventType] of ACTOR_CASES) {
    it(`${flow} ${type} → one "${eventType}" event carrying the actor and the time`, () => {
      const referral = reach(flow, path);
      const actor = type === 'accept' || type === 'interested' || type === 'noThanks' || type === 'decline' ? BOB : ALICE;
      const decision = decide(referral, command(type, actor), at(3 * HOUR), policyFor(flow));
      if (!decision.ok) throw decision.error;
      expect(decision.events).to.have.length(1);
      expect(decision.events[0]).to.include({ type: eventType, at: iso(3 * HOUR) });
      expect(decision.events[0]!.actor).to.deep.equal(actor);
    });
  }

  it('received and timer events carry no actor', () => {
    let referral = reach('classic', []);
    expect(referral.history[0]).to.include({ type: 'received', at: iso(0) });
    expect(referral.history[0]!.actor).to.equal(undefined);
    referral = step(referral, { type: 'skip' }, at(72 * HOUR), policyFor('classic'));
    expect(referral.history.at(-1)).to.deep.equal({ type: 'skipped', at: iso(72 * HOUR) });
  });

  it('a stored referral keeps its flow when the configured flow changes', () => {
    const classic = reach('classic', []);
    const inboxPolicy = policyFor('inbox');
    expect(stateOf(step(classic, command('interested'), at(HOUR), inboxPolicy))).to.equal(RCV);
    expect(refusal(classic, command('accept'), at(HOUR), inboxPolicy)).to.equal('IllegalTransition');
    const inbox = reach('inbox', []);
    expect(refusal(inbox, command('interested'), at(HOUR), policyFor('classic'))).to.equal('IllegalTransition');
  });
});

// ---------------------------------------------------------------------------------------------
describe('lifecycle: what each command writes', () => {
  for (const flow of ['inbox', 'classic'] as const) {
    it(`${flow}: accept fills name, details, CRM id, team, owner, acceptedDateTime`, () => {
      const before = reach(flow, flow === 'classic' ? [[1, 'interested']] : []);
      const referral = step(before, command('accept', BOB), at(5 * HOUR), policyFor(flow));
      expect(referral.name).to.equal('Contoso Teams rollout');
      expect(referral.details).to.deep.equal({
        notes: 'Rollout for 400 seats',
        dealValue: 50_000,
        currency: 'EUR',
        closingDateTime: CLOSE_DATE,
        requirements: { products: [{ id: 'Microsoft365' }] },
      });
      expect(referral.externalReferenceId).to.equal('CRM-42');
      expect(referral.team).to.deep.equal([{ firstName: 'Carol', lastName: 'Partner', email: 'carol@partner.example' }]);
      expect(referral.owner).to.deep.equal(BOB);
      expect(referral.acceptedDateTime).to.equal(iso(5 * HOUR));
      expect(referral.customerProfile.name, 'customer untouched').to.equal('Contoso Ltd');
      expect(referral.closedDateTime).to.equal(undefined);
    });
  }

  it("accept with partial fields keeps what the RFI had; our contacts are kept apart from Partner Center's team (the inviter's people)", () => {
    const rfi = lifecycleRfi({ name: 'RFI name', externalReferenceId: 'PC-1', team: [{ firstName: 'Pat', email: 'pat@partner.example' }] });
    const before = reach('inbox', [], rfi);
    expect(before.name).to.equal('RFI name');
    const referral = step(before, { type: 'accept', actor: ALICE, fields: { dealValue: 10 }, contacts: [{ firstName: 'Q' }] }, at(HOUR), policyFor('inbox'));
    expect(referral.name).to.equal('RFI name');
    expect(referral.externalReferenceId).to.equal('PC-1');
    expect(referral.details).to.include({ notes: 'Wants a Teams rollout', dealValue: 10 });
    expect(referral.team.map((c) => c.firstName)).to.deep.equal(['Q']);
    expect(referral.engagementTeam?.map((c) => c.firstName)).to.deep.equal(['Pat']);
  });

  it('linkRelated names a later referral of the engagement once; the same one again changes nothing', () => {
    const related = { id: 'rfi-twin', name: 'Contoso (Microsoft)' };
    const linked = step(reach('inbox', []), { type: 'linkRelated', related }, at(HOUR), policyFor('inbox'));
    expect(linked.related).to.deep.equal([related]);
    expect(linked.history.at(-1)).to.include({ type: 'relatedArrived' });
    expect(refusal(linked, { type: 'linkRelated', related }, at(2 * HOUR), policyFor('inbox'))).to.equal('Unchanged');
  });

  it('the name defaults to the customer name', () => {
    expect(reach('inbox', []).name).to.equal('Contoso Ltd');
  });

  it('editEngagement changes only the given fields; addContact appends', () => {
    let referral = reach('inbox', [[1, 'accept']]);
    referral = step(
      referral,
      { type: 'editEngagement', actor: ALICE, changes: { name: 'Renamed', externalReferenceId: 'CRM-43', closingDateTime: iso(40 * DAY) } },
      at(2 * HOUR),
      policyFor('inbox'),
    );
    expect(referral.name).to.equal('Renamed');
    expect(referral.externalReferenceId).to.equal('CRM-43');
    expect(referral.details).to.include({ dealValue: 50_000, currency: 'EUR', notes: 'Rollout for 400 seats', closingDateTime: iso(40 * DAY) });
    referral = step(referral, command('addContact'), at(3 * HOUR), policyFor('inbox'));
    expect(referral.team.map((c) => c.firstName)).to.deep.equal(['Carol', 'Dan']);
    expect(stateOf(referral)).to.equal(ACT);
  });

  const REASONS: ReadonlyArray<readonly [Flow, Path, Command, string, string | undefined]> = [
    ['inbox', [], { type: 'decline', actor: ALICE, reason: 'BudgetNotAdequate', notes: 'Too small' }, 'BudgetNotAdequate', 'Too small'],
    ['inbox', [], { type: 'decline', actor: ALICE, reason: 'AbuseSpamPhishing' }, 'AbuseSpamPhishing', undefined],
    ['classic', [[1, 'interested']], { type: 'decline', actor: ALICE, reason: 'Other', notes: 'n' }, 'Other', 'n'],
    [
      'inbox',
      [[1, 'accept']],
      { type: 'lost', actor: ALICE, reason: 'TimelineTooShort', notes: 'Needed it in a week' },
      'TimelineTooShort',
      'Needed it in a week',
    ],
    [
      'classic',
      [
        [1, 'interested'],
        [2, 'accept'],
      ],
      { type: 'lost', actor: ALICE, reason: 'CustomerDidNotRespond' },
      'CustomerDidNotRespond',
      undefined,
    ],
  ];
  for (const [flow, path, cmd, reason, notes] of REASONS) {
    it(`${flow} ${cmd.type} sets statusReason ${reason}${notes ? ' + notes' : ', no notes'} and closedDateTime`, () => {
      const referral = step(reach(flow, path), cmd, at(10 * HOUR), policyFor(flow));
      expect(referral.statusReason).to.equal(reason);
      expect(referral.statusReasonNotes).to.equal(notes);
      expect('statusReasonNotes' in referral).to.equal(notes !== undefined);
      expect(referral.closedDateTime).to.equal(iso(10 * HOUR));
    });
  }

  it('won keeps the deal registration when given', () => {
    const referral = step(
      reach('inbox', [[1, 'accept']]),
      { type: 'won', actor: ALICE, dealRegistration: { contractSignedDate: '2024-04-01', customerTenantId: 't-1' } },
      at(DAY),
      policyFor('inbox'),
    );
    expect(stateOf(referral)).to.equal(WON);
    expect(referral.dealRegistration).to.deep.equal({ contractSignedDate: '2024-04-01', customerTenantId: 't-1' });
    expect(referral.statusReason).to.equal(undefined);
  });
});

// ---------------------------------------------------------------------------------------------
describe('lifecycle: firstResponseDateTime is set by the first human response only', () => {
  // [flow, path ([hours, command]), expected firstResponse in hours after T0 (undefined = unset)]
  const CASES: ReadonlyArray<readonly [Flow, Path, number | undefined]> = [
    ['inbox', [], undefined],
    ['inbox', [[25, 'remind']], undefined],
    [
      'inbox',
      [
        [25, 'remind'],
        [30, 'accept'],
      ],
      30,
    ],
    [
      'inbox',
      [
        [3, 'accept'],
        [4, 'editEngagement'],
        [5, 'won'],
      ],
      3,
    ],
    ['inbox', [[3, 'decline']], 3],
    ['inbox', [[14 * 24, 'expire']], undefined],
    [
      'classic',
      [
        [2, 'interested'],
        [5, 'accept'],
      ],
      2,
    ],
    [
      'classic',
      [
        [2, 'interested'],
        [5, 'decline'],
      ],
      2,
    ],
    ['classic', [[4, 'noThanks']], 4],
    ['classic', [[72, 'skip']], undefined],
    [
      'classic',
      [
        [2, 'interested'],
        [2 + 7 * 24, 'expire'],
      ],
      2,
    ],
  ];
  for (const [flow, path, hours] of CASES) {
    it(`${flow} ${path.map(([h, t]) => `${t}@${h}h`).join(' ') || '(taken in)'} → ${hours === undefined ? 'unset' : `${hours}h`}`, () => {
      const referral = reach(flow, path);
      expect(referral.firstResponseDateTime).to.equal(hours === undefined ? undefined : iso(hours * HOUR));
    });
  }
});

// ---------------------------------------------------------------------------------------------
describe('lifecycle: takeIn keeps the RFI', () => {
  it('unknown RFI fields end up in `extra`, known ones do not', () => {
    const rfi = lifecycleRfi({
      createdDateTime: iso(-HOUR),
      status: 'Active',
      substatus: 'Accepted',
      eTag: 'W/"1"',
      callToAction: 'LearnMore',
      partnerScore: 7,
      targetCustomer: { segment: 'SMB' },
    });
    const referral = reach('inbox', [], rfi);
    expect(referral.extra).to.deep.equal({ callToAction: 'LearnMore', partnerScore: 7, targetCustomer: { segment: 'SMB' } });
    expect(stateOf(referral), 'incoming status is ignored').to.equal(NEW);
    expect(referral).to.include({ id: 'rfi-1', engagementId: 'eng-1', type: 'Independent', qualification: 'SalesQualified' });
    expect(referral.consent).to.deep.equal({ consentToContact: true });
    expect(referral.customerProfile.team).to.have.length(1);
    expect(referral.createdDateTime).to.equal(iso(-HOUR));
    expect(referral.receivedDateTime).to.equal(iso(0));
    expect(referral.history[0]).to.deep.include({ type: 'received', rfi, flow: 'inbox' });
  });

  it('a fresh referral is New/Pending, version 1, no owner, empty team, no extra', () => {
    const referral = reach('inbox', [], lifecycleRfi({ details: undefined }));
    expect(referral).to.include({ status: 'New', substatus: 'Pending', version: 1, urgent: false, createdDateTime: iso(0) });
    expect(referral.owner).to.equal(undefined);
    expect(referral.team).to.deep.equal([]);
    expect(referral.details).to.deep.equal({});
    expect(referral.extra).to.deep.equal({});
  });

  it('takeIn twice for the same referral → AlreadyExists, whatever its state', () => {
    for (const path of [[], [[1, 'accept']], [[1, 'decline']]] as Path[]) {
      const referral = reach('inbox', path);
      expect(refusal(referral, { type: 'takeIn', rfi: lifecycleRfi() }, at(2 * HOUR), policyFor('inbox'))).to.equal('AlreadyExists');
    }
  });
});
