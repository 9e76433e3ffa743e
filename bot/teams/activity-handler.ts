// The Teams activity handler: installs and removals, text commands, and card actions. It turns
// Teams activities into calls of the use cases; it holds no state of its own.

import {
  CardFactory,
  MessageFactory,
  TeamsActivityHandler,
  TurnContext,
  type Activity,
  type ChannelAccount,
  type InvokeResponse,
  type FileConsentCardResponse,
  type TeamsChannelData,
} from 'botbuilder';
import { t, type Locale } from '../../cards/index.js';
import { channelKey, localeOf, MAX_NOTIFIED, userKey, type ConversationTarget, type Person, type StoredReference } from '../../storage/bot-state-reads.js';
import { errorAnswer, handleCardAction, type ActionContext } from './card-actions.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { REMOVED_REASON } from '../outbox/inactive-reason.js';
import { deactivateTargets, rememberTarget } from '../use-cases/subscriptions.js';
import { runTextCommand, type Reply, type TextCommandDeps } from './text-commands.js';
import type { CommandDeps } from '../use-cases/apply-command.js';
import { passOn, reassign, reassignChoices, type AssignmentDeps } from '../use-cases/assignment.js';
import type { Actor } from '../../referrals/model.js';
import type { ReferralRecord } from '../../storage/store.js';
import { channelMembers, resolvePeople } from './roster.js';
import { exportFile, exportRequestOf, FILE_INFO_CARD } from './export-command.js';
import { UploadError, uploadAccepted } from './file-upload.js';
import { handOver, handOverChoices } from '../use-cases/hand-over.js';

export interface BotDeps {
  commands: CommandDeps;
  config: Config;
  log: Logger;
  /** Extra text commands (e.g. the managers' `status`). */
  extraCommands?: TextCommandDeps['extra'];
  /** The card's "retry saving in Partner Center" (absent: the connection is off). */
  retryPartnerCenter?: (referralId: string) => Promise<number>;
  /** Assignment pools: the assignee's Pass on a card. */
  assignment?: AssignmentDeps;
}

type Scope = 'channel' | 'personal' | 'groupChat';

function scopeOf(activity: Activity): Scope {
  const type = activity.conversation?.conversationType;
  return type === 'channel' ? 'channel' : type === 'groupChat' ? 'groupChat' : 'personal';
}

function tenantOf(activity: Activity): string | undefined {
  return (activity.channelData as TeamsChannelData | undefined)?.tenant?.id ?? activity.conversation?.tenantId;
}

function storedReference(activity: Activity, conversationId: string): StoredReference {
  const reference = TurnContext.getConversationReference(activity);
  const conversation = reference.conversation ?? activity.conversation;
  return {
    serviceUrl: activity.serviceUrl,
    channelId: activity.channelId,
    conversation: {
      id: conversationId,
      ...(conversation.tenantId !== undefined && { tenantId: conversation.tenantId }),
      ...(conversation.conversationType !== undefined && { conversationType: conversation.conversationType }),
      ...(conversation.isGroup !== undefined && { isGroup: conversation.isGroup }),
    },
    bot: { id: activity.recipient.id, ...(activity.recipient.name !== undefined && { name: activity.recipient.name }) },
    ...(scopeOf(activity) === 'personal' && {
      user: {
        id: activity.from.id,
        ...(activity.from.name !== undefined && { name: activity.from.name }),
        ...(activity.from.aadObjectId !== undefined && { aadObjectId: activity.from.aadObjectId }),
      },
    }),
  };
}

/** The key of the conversation an activity came from: the person for a personal chat, else the channel. */
function conversationKeyOf(activity: Activity): string {
  return scopeOf(activity) === 'personal' ? userKey(activity.from.aadObjectId ?? activity.from.id) : channelKey(activity.conversation.id);
}

/** The conversation an activity came from, as a target the bot can post to later. */
export function targetFrom(activity: Activity, now: Date): ConversationTarget {
  const scope = scopeOf(activity);
  const channelData = activity.channelData as TeamsChannelData | undefined;
  const tenantId = tenantOf(activity);
  if (scope === 'personal') {
    const aad = activity.from.aadObjectId ?? activity.from.id;
    return {
      key: conversationKeyOf(activity),
      kind: 'personal',
      reference: storedReference(activity, activity.conversation.id),
      ...(tenantId !== undefined && { tenantId }),
      ...(activity.from.name !== undefined && { userName: activity.from.name }),
      aadObjectId: aad,
      active: true,
      updatedAt: now.toISOString(),
    };
  }
  const conversationId = activity.conversation.id.split(';')[0]!;
  const teamId = channelData?.team?.id;
  return {
    key: conversationKeyOf(activity),
    kind: 'channel',
    reference: storedReference(activity, conversationId),
    ...(tenantId !== undefined && { tenantId }),
    ...(teamId !== undefined && { teamId }),
    ...(channelData?.team?.name && { teamName: channelData.team.name }),
    // Teams leaves the General channel's name out; its id is the team's id.
    ...((channelData?.channel?.name || conversationId === teamId) && { channelName: channelData?.channel?.name ?? 'General' }),
    active: true,
    updatedAt: now.toISOString(),
  };
}

/** The people a message @mentions, the bot itself left out; at most a screenful, each once, names bounded. */
function mentionedPeople(activity: Activity): Person[] {
  const people: Person[] = [];
  for (const entity of activity.entities ?? []) {
    const mentioned = (entity as { type?: unknown; mentioned?: { id?: unknown; name?: unknown } }).mentioned;
    if (entity.type !== 'mention' || typeof mentioned?.id !== 'string' || mentioned.id === '' || mentioned.id.length > 200) continue;
    if (mentioned.id === activity.recipient?.id) continue;
    if (people.some((person) => person.id === mentioned.id) || people.length >= MAX_NOTIFIED) continue;
    const name = typeof mentioned.name === 'string' && mentioned.name.trim() !== '' ? mentioned.name.trim().slice(0, 100) : mentioned.id;
    people.push({ id: mentioned.id, name });
  }
  return people;
}

export class ReferralDeskBot extends TeamsActivityHandler {
  constructor(private readonly deps: BotDeps) {
    super();

    this.onMessage(async (context, next) => {
      await this.handleMessage(context);
      await next();
    });
    this.onInstallationUpdateAdd(async (context, next) => {
      await this.install(context.activity);
      await next();
    });
    this.onInstallationUpdateRemove(async (context, next) => {
      await this.uninstall(context.activity);
      await next();
    });
    this.onTeamsMembersAddedEvent(async (membersAdded, _teamInfo, context, next) => {
      if (this.includesBot(membersAdded, context.activity)) await this.install(context.activity);
      await next();
    });
    this.onTeamsMembersRemovedEvent(async (membersRemoved, _teamInfo, context, next) => {
      if (this.includesBot(membersRemoved, context.activity)) await this.uninstall(context.activity);
      await next();
    });
  }

  private includesBot(members: ChannelAccount[], activity: Activity): boolean {
    return members.some((member) => member.id === activity.recipient.id);
  }

  private allowed(activity: Activity): boolean {
    const allowed = this.deps.config.allowedTenants;
    if (allowed.length === 0) return true;
    const tenant = tenantOf(activity);
    return tenant !== undefined && allowed.includes(tenant);
  }

  private localeFor(activity: Activity): Locale {
    return localeOf(this.deps.commands.store.readState(), conversationKeyOf(activity), this.deps.config.defaultLocale);
  }

  private isManager(activity: Activity): boolean {
    const { managerIds, localMode } = this.deps.config;
    // Local mode (loopback only) with nobody named: everyone is, so the playground needs no set-up.
    if (localMode && managerIds.length === 0) return true;
    const aad = activity.from?.aadObjectId;
    return aad !== undefined && managerIds.includes(aad);
  }

  private async install(activity: Activity): Promise<void> {
    // A group chat has no threads and no routes: nothing to remember there.
    if (scopeOf(activity) === 'groupChat') return;
    if (!this.allowed(activity)) {
      this.deps.log.warn('install from a tenant that is not allowed: ignored', { tenantId: tenantOf(activity) });
      return;
    }
    const target = targetFrom(activity, this.deps.commands.clock());
    const isNew = await rememberTarget(this.deps.commands.store, target, this.deps.commands.clock(), scopeOf(activity) === 'channel');
    if (isNew) this.deps.log.info('installed', { target: target.key, teamId: target.teamId });
  }

  private async uninstall(activity: Activity): Promise<void> {
    const teamId = (activity.channelData as TeamsChannelData | undefined)?.team?.id;
    const key = conversationKeyOf(activity);
    const removed = await deactivateTargets(
      this.deps.commands.store,
      (target) => target.key === key || (teamId !== undefined && target.teamId === teamId),
      REMOVED_REASON,
      this.deps.commands.clock(),
    );
    this.deps.log.info('uninstalled', { targets: removed });
  }

  private async handleMessage(context: TurnContext): Promise<void> {
    const activity = context.activity;
    const locale = this.localeFor(activity);
    if (!this.allowed(activity)) {
      await context.sendActivity(t(locale, 'command.notAllowedTenant'));
      return;
    }
    const scope = scopeOf(activity);
    const target = targetFrom(activity, this.deps.commands.clock());
    if (scope !== 'groupChat') await rememberTarget(this.deps.commands.store, target, this.deps.commands.clock(), false);
    const text = TurnContext.removeRecipientMention(activity) ?? activity.text ?? '';
    const replies = await runTextCommand(
      { commands: this.deps.commands, managerIds: this.deps.config.managerIds, ...(this.deps.extraCommands && { extra: this.deps.extraCommands }) },
      text.replace(/<[^>]+>/g, ' '),
      {
        scope,
        targetKey: target.key,
        locale,
        isManager: this.isManager(activity),
        actor: { id: activity.from.aadObjectId ?? activity.from.id, name: activity.from.name ?? activity.from.id },
        mentioned: mentionedPeople(activity),
        writer: { id: activity.from.id, name: activity.from.name ?? activity.from.id },
        resolvePeople: (people) => resolvePeople(context, people, this.deps.commands.store, this.deps.commands.clock(), this.deps.log),
      },
    );
    for (const reply of replies) await context.sendActivity(toActivity(reply));
  }

  protected override async handleTeamsFileConsentAccept(context: TurnContext, response: FileConsentCardResponse): Promise<void> {
    const locale = this.localeFor(context.activity);
    // The consent came from a manager's personal chat; whoever answers it must still be one.
    if (!this.allowed(context.activity) || !this.isManager(context.activity)) {
      await context.sendActivity(t(locale, 'export.managersOnly'));
      return;
    }
    await sendAcceptedExport(context, response, this.deps, locale);
  }

  protected override async handleTeamsFileConsentDecline(context: TurnContext): Promise<void> {
    await context.sendActivity(t(this.localeFor(context.activity), 'export.declined'));
  }

  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    if (context.activity.name !== 'adaptiveCard/action') return super.onInvokeActivity(context);
    const activity = context.activity;
    const locale = this.localeFor(activity);
    if (!this.allowed(activity))
      return { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: t(locale, 'command.notAllowedTenant') } };
    const value = activity.value as { action?: { verb?: unknown; data?: unknown }; trigger?: unknown } | undefined;
    if (typeof value !== 'object' || value === null || typeof value.action !== 'object' || value.action === null) {
      const answer = errorAnswer(400, 'BadRequest', t(locale, 'command.unknownAction'));
      return { status: answer.statusCode, body: answer };
    }
    // An automatic refresh only ever reads: whatever the verb says, it must not change anything.
    const verb = value.trigger === 'automatic' ? 'refresh' : value.action.verb;
    const actorId = activity.from.aadObjectId ?? activity.from.id;
    const isManager = this.isManager(activity);
    const actionContext: ActionContext = {
      actor: { id: actorId, name: activity.from.name ?? activity.from.id },
      isManager,
      viewer: { scope: scopeOf(activity), place: conversationKeyOf(activity), actorId, isManager },
      locale,
      ...(typeof activity.localTimezone === 'string' && activity.localTimezone !== '' && { timeZone: activity.localTimezone }),
    };
    const assignment = this.deps.assignment;
    const members = (record: ReferralRecord) => channelMembers(context, this.deps.commands.store, record.card?.target, this.deps.log);
    try {
      const answer = await handleCardAction(
        {
          commands: this.deps.commands,
          ...(this.deps.retryPartnerCenter && { retryPartnerCenter: this.deps.retryPartnerCenter }),
          handOverChoices: async (record: ReferralRecord) => handOverChoices(record, await members(record)),
          handOver: async (record: ReferralRecord, actor: Actor, asManager: boolean, to: string, version: number) =>
            handOver(this.deps.commands, record, actor, asManager, to, await members(record), version),
          ...(assignment && {
            pass: (record: ReferralRecord, actor: Actor, version: number) => passOn(assignment, record, actor, version),
            reassignChoices: (record: ReferralRecord) => reassignChoices(assignment, record),
            reassign: (record: ReferralRecord, actor: Actor, to: string, version: number) => reassign(assignment, record, actor, to, version),
          }),
        },
        verb,
        value.action.data,
        actionContext,
      );
      return { status: answer.statusCode, body: answer };
    } catch (error) {
      this.deps.log.error('card action failed', { error, verb: typeof verb === 'string' ? verb : undefined });
      return { status: 500, body: errorAnswer(500, 'InternalError', t(locale, 'command.error')) };
    }
  }
}

/** The export a manager accepted: made now, uploaded to the URL Teams gave, then posted in the chat. */
async function sendAcceptedExport(context: TurnContext, response: FileConsentCardResponse, deps: BotDeps, locale: Locale): Promise<void> {
  const request = exportRequestOf(response.context);
  const upload = response.uploadInfo;
  if (!request || !upload) {
    await context.sendActivity(t(locale, 'export.usage'));
    return;
  }
  const file = await exportFile({ store: deps.commands.store, clock: deps.commands.clock }, request);
  try {
    await uploadAccepted(upload.uploadUrl, file.body, deps.config.localMode);
  } catch (error) {
    deps.log.warn('export: the upload failed', { error });
    await context.sendActivity(t(locale, 'export.failed', { reason: error instanceof UploadError ? error.message : 'network' }));
    return;
  }
  await context.sendActivity({
    text: t(locale, 'export.sent', { count: file.count }),
    attachments: [
      { contentType: FILE_INFO_CARD, contentUrl: upload.contentUrl, name: upload.name, content: { uniqueId: upload.uniqueId, fileType: upload.fileType } },
    ],
  });
}

function toActivity(reply: Reply): Partial<Activity> {
  if ('text' in reply) return MessageFactory.text(reply.text);
  if ('attachment' in reply) return MessageFactory.attachment(reply.attachment);
  return MessageFactory.attachment(CardFactory.adaptiveCard(reply.card));
}
