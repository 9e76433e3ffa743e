// People @mentioned in a channel, looked up in the team's roster: their AAD object ids (what card
// actions carry, so the bot knows the assignee when they click) and a personal chat with each who
// has none yet. A bot installed in a team may open a 1:1 chat with any member of it, so an
// assignee gets their card without having written to the bot first (docs/teams-guide.md).

import { TeamsInfo, type TurnContext } from 'botbuilder';
import type { Person } from '../../storage/bot-state-reads.js';
import { target, userKey, type ConversationTarget } from '../../storage/bot-state-reads.js';
import type { Store } from '../../storage/store.js';
import type { Logger } from '../logger.js';
import { rememberTarget } from '../use-cases/subscriptions.js';
import type { ResolvedPerson } from './text-commands.js';

interface ConversationsLike {
  createConversation(parameters: Record<string, unknown>): Promise<{ id?: string }>;
}

/** Opens a 1:1 chat with `person` and remembers it as their personal target. */
async function openPersonalChat(context: TurnContext, store: Store, person: ResolvedPerson & { aadObjectId: string }, now: Date): Promise<void> {
  const activity = context.activity;
  const adapter = context.adapter as unknown as { ConnectorClientKey: symbol };
  const client = context.turnState.get(adapter.ConnectorClientKey) as { conversations?: ConversationsLike } | undefined;
  if (!client?.conversations) throw new Error('no connector client in this turn');
  const tenantId = (activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id ?? activity.conversation.tenantId;
  const created = await client.conversations.createConversation({
    isGroup: false,
    bot: { id: activity.recipient.id, name: activity.recipient.name },
    members: [{ id: person.id }],
    ...(tenantId !== undefined && { tenantId, channelData: { tenant: { id: tenantId } } }),
  });
  if (!created.id) throw new Error('the connector created no conversation');
  const personal: ConversationTarget = {
    key: userKey(person.aadObjectId),
    kind: 'personal',
    reference: {
      serviceUrl: activity.serviceUrl,
      channelId: activity.channelId,
      conversation: { id: created.id, conversationType: 'personal', isGroup: false, ...(tenantId !== undefined && { tenantId }) },
      bot: { id: activity.recipient.id, ...(activity.recipient.name !== undefined && { name: activity.recipient.name }) },
      user: { id: person.id, name: person.name, aadObjectId: person.aadObjectId },
    },
    ...(tenantId !== undefined && { tenantId }),
    userName: person.name,
    aadObjectId: person.aadObjectId,
    active: true,
    updatedAt: now.toISOString(),
  };
  await rememberTarget(store, personal, now, false);
}

/** The people with their AAD object ids (as the roster has them), each with a personal chat the bot can write to. */
export async function resolvePeople(context: TurnContext, people: readonly Person[], store: Store, now: Date, log: Logger): Promise<ResolvedPerson[]> {
  const resolved: ResolvedPerson[] = [];
  for (const person of people) {
    let aadObjectId: string | undefined;
    try {
      aadObjectId = (await TeamsInfo.getMember(context, person.id)).aadObjectId ?? undefined;
    } catch (error) {
      log.warn('roster: a mentioned person was not found in the team', { error });
    }
    const entry: ResolvedPerson = { ...person, ...(aadObjectId !== undefined && { aadObjectId }) };
    resolved.push(entry);
    if (aadObjectId === undefined || target(store.readState(), userKey(aadObjectId))?.active) continue;
    try {
      await openPersonalChat(context, store, { ...entry, aadObjectId }, now);
    } catch (error) {
      // Their assignments still reach the channel thread with an @mention; the card waits for them there.
      log.warn('roster: could not open a personal chat', { error });
    }
  }
  return resolved;
}

/** The members of the team a channel belongs to, as Teams lists them (AAD object ids and names). */
export async function channelMembers(context: TurnContext, store: Store, channelKey: string | undefined, log: Logger): Promise<{ id: string; name: string }[]> {
  const teamId = channelKey === undefined ? undefined : target(store.readState(), channelKey)?.teamId;
  if (teamId === undefined) return [];
  const members: { id: string; name: string }[] = [];
  try {
    let token: string | undefined;
    do {
      const page = await TeamsInfo.getPagedTeamMembers(context, teamId, 500, token);
      for (const member of page.members) if (member.aadObjectId) members.push({ id: member.aadObjectId, name: member.name ?? member.aadObjectId });
      token = page.continuationToken;
    } while (token);
  } catch (error) {
    log.warn('roster: the team members could not be listed', { error });
  }
  return members;
}
