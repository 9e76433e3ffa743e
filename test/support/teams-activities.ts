/**
 * Incoming Bot Framework activities shaped as Microsoft Teams sends them to the bot's /api/messages,
 * plus a small fixture (tenant, bot, a team with General + EMEA, five users).
 *
 * What botbuilder 4.23 dispatches on (TeamsActivityHandler / ActivityHandler):
 * - `type`; for conversationUpdate with `channelId === 'msteams'`: first `membersAdded` (non-empty →
 *   onTeamsMembersAdded; for members that are not the bot (recipient.id) and carry no
 *   givenName/surname/email/userPrincipalName it calls TeamsInfo.getMember → GET
 *   /v3/conversations/{teamId}/members/{id} on serviceUrl), then `membersRemoved`, then
 *   `channelData.eventType` (channelCreated, channelDeleted, channelRenamed, teamRenamed, ...).
 *   Teams also sets eventType 'teamMemberAdded' / 'teamMemberRemoved' with membersAdded/Removed.
 * - installationUpdate: `action` 'add' | 'remove' | 'add-upgrade' | 'remove-upgrade'.
 * - invoke `name: 'adaptiveCard/action'`: `value.action.type` must be 'Action.Execute' (else 400);
 *   onAdaptiveCardInvoke receives {action: {type, verb, data, id}, authentication, state} — it drops
 *   `value.trigger`, read it from context.activity.value.trigger.
 * - channel messages reach the bot only when they @mention it; the text keeps the `<at>..</at>` tag
 *   (TurnContext.removeRecipientMention strips it).
 */
import { randomUUID } from 'node:crypto';
import { personalConversationIdFor, type FakeConnectorOptions, type FakeMember, type FakeTeam } from './fake-connector.js';

export type Json = Record<string, any>;

export interface FixtureUser {
  /** Teams user id (`29:...`), the id in `from.id`. */
  id: string;
  name: string;
  /** Entra (AAD) object id, GUID. */
  aadObjectId: string;
  givenName: string;
  surname: string;
  email: string;
  userPrincipalName: string;
  /** The user's 1:1 chat with the bot (same id the fake connector returns from createConversation). */
  personalConversationId: string;
}
export interface FixtureChannel {
  id: string;
  name: string;
}
export interface TeamsFixture {
  tenant: { id: string };
  bot: { id: string; name: string; appId: string };
  team: { id: string; name: string; aadGroupId: string; general: FixtureChannel; emea: FixtureChannel };
  users: { anna: FixtureUser; bruno: FixtureUser; chen: FixtureUser; dmitri: FixtureUser; maria: FixtureUser };
  sellers: FixtureUser[];
  manager: FixtureUser;
}

function user(id: string, aadObjectId: string, givenName: string, surname: string, login: string): FixtureUser {
  return {
    id,
    name: `${givenName} ${surname}`,
    aadObjectId,
    givenName,
    surname,
    email: `${login}@contoso-partner.example`,
    userPrincipalName: `${login}@contoso-partner.example`,
    personalConversationId: personalConversationIdFor(id),
  };
}

const TEAM_ID = '19:Qm8vZXJyYWwtZGVzay1wYXJ0bmVyLXNhbGVz3f1a@thread.tacv2';
const users = {
  anna: user('29:1Anna7wQx3PzK9mR2tYbL5vN8cJ0hGfD4sE6uW1iOaBkZyX', '3b1f6c2e-8a4d-4f7e-9b2c-5d6e7f8a9b01', 'Anna', 'Schmidt', 'anna.schmidt'),
  bruno: user('29:1Bruno2sLk8VdQ4nZ6xTf1mH9cR3pYw7eJ5aG0uB2iKoNhM', '4c2a7d3f-9b5e-4a8f-8c3d-6e7f8a9b0c12', 'Bruno', 'Costa', 'bruno.costa'),
  chen: user('29:1Chen5qPm1XrT8zW3kLb6vY0dN4sF7gJ2hC9aE5uQ1iRoTy', '5d3b8e4a-0c6f-4b9a-9d4e-7f8a9b0c1d23', 'Chen', 'Wei', 'chen.wei'),
  dmitri: user('29:1Dmitri9aWe4TyU2iOp7AsD5fGh3JkL1zXc8VbN6mQ0rSwE', '6e4c9f5b-1d7a-4c0b-8e5f-8a9b0c1d2e34', 'Dmitri', 'Volkov', 'dmitri.volkov'),
  maria: user('29:1Maria3zXc6VbN1mQw8ErT4yUi0OpA7sDf2GhJ5kL9aPoIu', '7f5d0a6c-2e8b-4d1c-9f6a-9b0c1d2e3f45', 'Maria', 'Lopez', 'maria.lopez'),
};

/** A tenant, the bot, one team ("Partner Sales": General + EMEA), four sellers and a manager (Maria). */
export const fixture: TeamsFixture = {
  tenant: { id: '9c1e4b7a-3d2f-4e8b-a6c5-1f0e2d3c4b5a' },
  bot: { id: '28:6b1c2f7e-4a5d-4e8f-9c0b-1a2b3c4d5e6f', name: 'Referral Desk', appId: '6b1c2f7e-4a5d-4e8f-9c0b-1a2b3c4d5e6f' },
  team: {
    id: TEAM_ID,
    name: 'Partner Sales',
    aadGroupId: '0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d',
    // In Teams the General channel's id is the team id.
    general: { id: TEAM_ID, name: 'General' },
    emea: { id: '19:e1a6c0ffee5b4d2a9c7e3f8a1b2d4c6e@thread.tacv2', name: 'EMEA' },
  },
  users,
  sellers: [users.anna, users.bruno, users.chen, users.dmitri],
  manager: users.maria,
};

/** Members as the connector returns them (TeamsChannelAccount). */
export function fixtureMembers(fx: TeamsFixture = fixture): FakeMember[] {
  return Object.values(fx.users).map((u) => ({
    id: u.id,
    name: u.name,
    aadObjectId: u.aadObjectId,
    givenName: u.givenName,
    surname: u.surname,
    email: u.email,
    userPrincipalName: u.userPrincipalName,
    tenantId: fx.tenant.id,
    userRole: 'user',
  }));
}

/** Options for startFakeConnector so TeamsInfo calls (members, channels, team details) answer from the fixture. */
export function fixtureConnectorOptions(fx: TeamsFixture = fixture): Pick<FakeConnectorOptions, 'teams' | 'members' | 'tenantId'> {
  const team: FakeTeam = {
    id: fx.team.id,
    name: fx.team.name,
    aadGroupId: fx.team.aadGroupId,
    tenantId: fx.tenant.id,
    // Teams' channel list reports General without a name.
    channels: [
      { id: fx.team.general.id, type: 'standard' },
      { id: fx.team.emea.id, name: fx.team.emea.name, type: 'standard' },
    ],
    members: fixtureMembers(fx),
  };
  return { teams: [team], members: fixtureMembers(fx), tenantId: fx.tenant.id };
}

// ---------------------------------------------------------------------------------------------
// Builders

let lastMessageId = Date.now();
/** A Teams message id: milliseconds since the epoch as a string, unique and increasing in this process. */
export function newMessageId(): string {
  lastMessageId = Math.max(lastMessageId + 1, Date.now());
  return String(lastMessageId);
}
const eventId = () => `f:${randomUUID()}`;

export interface BaseOptions {
  /** The fake connector's url (activity.serviceUrl). */
  serviceUrl: string;
  fx?: TeamsFixture;
  /** Who acted; default the first seller (Anna) for messages/invokes, the manager for installs. */
  from?: FixtureUser;
  timestamp?: Date;
  locale?: string;
  timezone?: string;
}

function common(o: BaseOptions, defaultFrom: FixtureUser) {
  const fx = o.fx ?? fixture;
  const from = o.from ?? defaultFrom;
  const ts = (o.timestamp ?? new Date()).toISOString();
  return {
    fx,
    base: {
      timestamp: ts,
      localTimestamp: ts,
      channelId: 'msteams',
      serviceUrl: o.serviceUrl,
      from: { id: from.id, name: from.name, aadObjectId: from.aadObjectId },
      recipient: { id: fx.bot.id, name: fx.bot.name },
      locale: o.locale ?? 'en-US',
      localTimezone: o.timezone ?? 'Europe/Berlin',
      entities: [{ type: 'clientInfo', locale: o.locale ?? 'en-US', country: 'DE', platform: 'Web', timezone: o.timezone ?? 'Europe/Berlin' }],
    } as Json,
  };
}

function teamChannelData(fx: TeamsFixture, extra: Json = {}): Json {
  return {
    team: { id: fx.team.id, name: fx.team.name, aadGroupId: fx.team.aadGroupId },
    tenant: { id: fx.tenant.id },
    ...extra,
  };
}

function channelConversation(fx: TeamsFixture, id: string): Json {
  return { isGroup: true, conversationType: 'channel', tenantId: fx.tenant.id, id };
}

export interface InstallOptions extends BaseOptions {
  /** The channel selected in the install dialog; default General. */
  channel?: FixtureChannel;
}

/** installationUpdate add/remove of the app in the fixture team (conversation = the team / General). */
export function installationUpdate(action: 'add' | 'remove' | 'add-upgrade' | 'remove-upgrade', o: InstallOptions): Json {
  const { fx, base } = common(o, (o.fx ?? fixture).manager);
  const channel = o.channel ?? fx.team.general;
  return {
    ...base,
    type: 'installationUpdate',
    id: eventId(),
    action,
    conversation: channelConversation(fx, fx.team.id),
    channelData: teamChannelData(fx, {
      settings: { selectedChannel: { id: channel.id } },
      channel: { id: channel.id },
      source: { name: 'message' },
    }),
  };
}

/** conversationUpdate eventType 'teamMemberAdded' with the bot in membersAdded (sent with installationUpdate). */
export function botAddedToTeam(o: InstallOptions): Json {
  const { fx, base } = common(o, (o.fx ?? fixture).manager);
  const channel = o.channel ?? fx.team.general;
  return {
    ...base,
    type: 'conversationUpdate',
    id: eventId(),
    membersAdded: [{ id: fx.bot.id }],
    conversation: channelConversation(fx, fx.team.id),
    channelData: teamChannelData(fx, { eventType: 'teamMemberAdded', settings: { selectedChannel: { id: channel.id } } }),
  };
}

/** conversationUpdate eventType 'teamMemberRemoved' with the bot in membersRemoved. */
export function botRemovedFromTeam(o: BaseOptions): Json {
  const { fx, base } = common(o, (o.fx ?? fixture).manager);
  return {
    ...base,
    type: 'conversationUpdate',
    id: eventId(),
    membersRemoved: [{ id: fx.bot.id }],
    conversation: channelConversation(fx, fx.team.id),
    channelData: teamChannelData(fx, { eventType: 'teamMemberRemoved' }),
  };
}

/** conversationUpdate 'teamMemberAdded' for users (bare ids, as Teams sends them: the SDK looks them up via getMember). */
export function usersAddedToTeam(added: FixtureUser[], o: BaseOptions): Json {
  const { fx, base } = common(o, (o.fx ?? fixture).manager);
  return {
    ...base,
    type: 'conversationUpdate',
    id: eventId(),
    membersAdded: added.map((u) => ({ id: u.id, aadObjectId: u.aadObjectId })),
    conversation: channelConversation(fx, fx.team.id),
    channelData: teamChannelData(fx, { eventType: 'teamMemberAdded' }),
  };
}

/** conversationUpdate 'teamMemberRemoved' for users. */
export function usersRemovedFromTeam(removed: FixtureUser[], o: BaseOptions): Json {
  const { fx, base } = common(o, (o.fx ?? fixture).manager);
  return {
    ...base,
    type: 'conversationUpdate',
    id: eventId(),
    membersRemoved: removed.map((u) => ({ id: u.id, aadObjectId: u.aadObjectId })),
    conversation: channelConversation(fx, fx.team.id),
    channelData: teamChannelData(fx, { eventType: 'teamMemberRemoved' }),
  };
}

/** conversationUpdate eventType 'channelCreated' (also 'channelDeleted' / 'channelRenamed' via eventType). */
export function channelEvent(channel: FixtureChannel, o: BaseOptions & { eventType?: 'channelCreated' | 'channelDeleted' | 'channelRenamed' }): Json {
  const { fx, base } = common(o, (o.fx ?? fixture).manager);
  return {
    ...base,
    type: 'conversationUpdate',
    id: eventId(),
    conversation: channelConversation(fx, fx.team.id),
    channelData: teamChannelData(fx, { eventType: o.eventType ?? 'channelCreated', channel: { id: channel.id, name: channel.name } }),
  };
}
export const channelCreated = (channel: FixtureChannel, o: BaseOptions) => channelEvent(channel, { ...o, eventType: 'channelCreated' });

export interface ChannelMessageOptions extends BaseOptions {
  /** Default the EMEA channel. */
  channel?: FixtureChannel;
  /** Reply inside this thread (root activity id) instead of starting a new post. */
  threadRootId?: string;
  /** Message id; default a new Teams-style id. */
  id?: string;
  /** Mention the bot (default true: in a channel the bot only receives posts that @mention it). */
  mention?: boolean;
  /** People @mentioned after the command, as Teams sends them (`<at>Name</at>` plus an entity each). */
  mentions?: FixtureUser[];
}

/**
 * A channel post that @mentions the bot: text `<at>Referral Desk</at> <command>`.
 * A new post's conversation id is `<channelId>;messageid=<its own id>`; a reply's is
 * `<channelId>;messageid=<rootId>` with replyToId = rootId.
 */
export function channelMention(command: string, o: ChannelMessageOptions): Json {
  const { fx, base } = common(o, (o.fx ?? fixture).sellers[0]!);
  const channel = o.channel ?? fx.team.emea;
  const id = o.id ?? newMessageId();
  const root = o.threadRootId ?? id;
  const mention = o.mention ?? true;
  const at = `<at>${fx.bot.name}</at>`;
  const people = (o.mentions ?? []).map((user) => ({ type: 'mention', mentioned: { id: user.id, name: user.name }, text: `<at>${user.name}</at>` }));
  const said = [command, ...people.map((person) => person.text)].join(' ');
  const text = mention ? `${at} ${said}` : said;
  const html = mention
    ? `<p><span itemtype="http://schema.skype.com/Mention" itemscope="" itemid="0">${fx.bot.name}</span>&nbsp;${command}</p>`
    : `<p>${command}</p>`;
  const act: Json = {
    ...base,
    type: 'message',
    id,
    text,
    textFormat: 'plain',
    attachments: [{ contentType: 'text/html', content: html }],
    entities: [...(mention ? [{ type: 'mention', mentioned: { id: fx.bot.id, name: fx.bot.name }, text: at }] : []), ...people, ...base.entities],
    conversation: { ...channelConversation(fx, `${channel.id};messageid=${root}`), name: channel.name },
    channelData: teamChannelData(fx, {
      teamsChannelId: channel.id,
      teamsTeamId: fx.team.id,
      channel: { id: channel.id, name: channel.name },
    }),
  };
  if (o.threadRootId) act.replyToId = o.threadRootId;
  return act;
}

export interface PersonalMessageOptions extends BaseOptions {
  id?: string;
}

/** A 1:1 chat message to the bot (conversationType 'personal', id `a:1...`). */
export function personalMessage(text: string, o: PersonalMessageOptions): Json {
  const { fx, base } = common(o, (o.fx ?? fixture).sellers[0]!);
  const from = o.from ?? fx.sellers[0]!;
  return {
    ...base,
    type: 'message',
    id: o.id ?? newMessageId(),
    text,
    textFormat: 'plain',
    conversation: { conversationType: 'personal', tenantId: fx.tenant.id, id: from.personalConversationId },
    channelData: { tenant: { id: fx.tenant.id } },
  };
}

export interface CardActionOptions extends BaseOptions {
  verb: string;
  data?: Json;
  /** 'manual' (a click) or 'automatic' (a refresh). Default 'manual'. */
  trigger?: 'manual' | 'automatic';
  /** Id of the bot message that carries the card (activity.replyToId). */
  cardActivityId: string;
  /** Root of the thread the card is in; default cardActivityId (the card is the thread root). */
  threadRootId?: string;
  /** Default EMEA. */
  channel?: FixtureChannel;
  /** Send from the user's personal chat instead of a channel. */
  personal?: boolean;
  title?: string;
}

/** invoke `adaptiveCard/action` (Universal Action.Execute) as Teams sends it. */
export function cardAction(o: CardActionOptions): Json {
  const { fx, base } = common(o, (o.fx ?? fixture).sellers[0]!);
  const from = o.from ?? fx.sellers[0]!;
  const value = {
    action: { type: 'Action.Execute', title: o.title ?? o.verb, verb: o.verb, data: o.data ?? {} },
    trigger: o.trigger ?? 'manual',
  };
  if (o.personal) {
    return {
      ...base,
      type: 'invoke',
      name: 'adaptiveCard/action',
      id: eventId(),
      replyToId: o.cardActivityId,
      value,
      conversation: { conversationType: 'personal', tenantId: fx.tenant.id, id: from.personalConversationId },
      channelData: { tenant: { id: fx.tenant.id }, source: { name: 'message' }, legacy: { replyToId: o.cardActivityId } },
    };
  }
  const channel = o.channel ?? fx.team.emea;
  const root = o.threadRootId ?? o.cardActivityId;
  return {
    ...base,
    type: 'invoke',
    name: 'adaptiveCard/action',
    id: eventId(),
    replyToId: o.cardActivityId,
    value,
    conversation: channelConversation(fx, `${channel.id};messageid=${root}`),
    channelData: teamChannelData(fx, {
      channel: { id: channel.id, name: channel.name },
      source: { name: 'message' },
      legacy: { replyToId: o.cardActivityId },
    }),
  };
}

// ---------------------------------------------------------------------------------------------
// Conversation references (what the bot stores for proactive posts)

export interface ConversationRefJson {
  channelId: 'msteams';
  serviceUrl: string;
  conversation: Json;
  bot: { id: string; name: string };
  user?: Json;
  activityId?: string;
}

/** Reference to a channel (new thread) or, with threadRootId, to a thread in it. */
export function channelReference(serviceUrl: string, channel: FixtureChannel, threadRootId?: string, fx: TeamsFixture = fixture): ConversationRefJson {
  return {
    channelId: 'msteams',
    serviceUrl,
    conversation: channelConversation(fx, threadRootId ? `${channel.id};messageid=${threadRootId}` : channel.id),
    bot: { id: fx.bot.id, name: fx.bot.name },
  };
}

/** Reference to a user's personal chat with the bot. */
export function personalReference(serviceUrl: string, u: FixtureUser, fx: TeamsFixture = fixture): ConversationRefJson {
  return {
    channelId: 'msteams',
    serviceUrl,
    conversation: { conversationType: 'personal', tenantId: fx.tenant.id, id: u.personalConversationId },
    bot: { id: fx.bot.id, name: fx.bot.name },
    user: { id: u.id, name: u.name, aadObjectId: u.aadObjectId },
  };
}

/** All builders bound to one serviceUrl (and fixture). */
export function teamsActivities(serviceUrl: string, fx: TeamsFixture = fixture) {
  const b = { serviceUrl, fx };
  return {
    fx,
    installationUpdate: (action: 'add' | 'remove' | 'add-upgrade' | 'remove-upgrade', o: Partial<InstallOptions> = {}) =>
      installationUpdate(action, { ...b, ...o }),
    botAddedToTeam: (o: Partial<InstallOptions> = {}) => botAddedToTeam({ ...b, ...o }),
    botRemovedFromTeam: (o: Partial<BaseOptions> = {}) => botRemovedFromTeam({ ...b, ...o }),
    usersAddedToTeam: (added: FixtureUser[], o: Partial<BaseOptions> = {}) => usersAddedToTeam(added, { ...b, ...o }),
    usersRemovedFromTeam: (removed: FixtureUser[], o: Partial<BaseOptions> = {}) => usersRemovedFromTeam(removed, { ...b, ...o }),
    channelCreated: (channel: FixtureChannel, o: Partial<BaseOptions> = {}) => channelCreated(channel, { ...b, ...o }),
    channelMention: (command: string, o: Partial<ChannelMessageOptions> = {}) => channelMention(command, { ...b, ...o }),
    personalMessage: (text: string, o: Partial<PersonalMessageOptions> = {}) => personalMessage(text, { ...b, ...o }),
    cardAction: (o: Omit<CardActionOptions, 'serviceUrl'>) => cardAction({ ...b, ...o }),
    channelReference: (channel: FixtureChannel, threadRootId?: string) => channelReference(serviceUrl, channel, threadRootId, fx),
    personalReference: (u: FixtureUser) => personalReference(serviceUrl, u, fx),
  };
}
