// A thread reply that asks the owner to act @mentions them, as Teams does it (`<at>` in the text
// and a mention entity), so Teams notifies the owner and not just whoever reads the thread.

import { expect } from 'chai';
import { applyCommand } from '../../../bot/use-cases/apply-command.js';
import { fixture } from '../../support/teams-activities.js';
import {
  CHANNELS,
  channelTarget,
  outboxEmpty,
  postedReferralIds,
  recordOf,
  rfiFrom,
  route,
  seed,
  startTestService,
  takeIn,
  useOutboxRig,
} from '../../support/outbox.js';
import { waitFor } from '../../support/wait-for.js';

const SCALE = 0.05;
const owner = { id: fixture.users.anna.aadObjectId, name: fixture.users.anna.name };

describe('outbox: mentions in thread replies (component)', function () {
  this.timeout(20_000);
  const rig = useOutboxRig(SCALE);

  it('the close-date reminder mentions the owner; the "accepted" reply mentions nobody', async () => {
    rig.app = await startTestService(rig.dataDir, SCALE);
    await seed(rig.app, [channelTarget(rig.fake.url, CHANNELS.emea, 'EMEA')], [route(CHANNELS.emea)]);
    await takeIn(rig.app, [rfiFrom('mention-1', 'DE')]);
    await waitFor('the card', () => postedReferralIds(rig.fake, CHANNELS.emea).length === 1 && outboxEmpty(rig.app!));
    const accept = await applyCommand(rig.app.commands, 'mention-1', {
      type: 'accept',
      actor: owner,
      fields: { name: 'Fabrikam migration', dealValue: 50_000, currency: 'EUR', closingDateTime: '2026-06-30T00:00:00.000Z' },
      contacts: [],
    });
    expect(accept.ok).to.equal(true);
    expect((await applyCommand(rig.app.commands, 'mention-1', { type: 'remindCloseDate' })).ok).to.equal(true);
    const record = await recordOf(rig.app, 'mention-1');
    const thread = `${CHANNELS.emea};messageid=${record.card!.activityId}`;
    const replies = await waitFor('two replies', () => {
      const found = rig.fake.newMessages().filter((r) => r.isThreadReply && r.conversationId === thread);
      return found.length === 2 && outboxEmpty(rig.app!) ? found : undefined;
    });
    const [acceptedReply, reminder] = replies.map((r) => r.body as { text: string; entities?: unknown[] });
    expect(acceptedReply!.entities ?? []).to.deep.equal([]);
    expect(reminder!.text.startsWith(`<at>${owner.name}</at> `)).to.equal(true);
    expect(reminder!.entities).to.deep.include({ type: 'mention', text: `<at>${owner.name}</at>`, mentioned: { id: owner.id, name: owner.name } });
  });
});
