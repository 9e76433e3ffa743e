// The managers' `status` command: pending and failed deliveries and inactive conversations, and
// `status retry` to give failed messages a new chance now.

import { escapeMarkdown, formatDateTime, formatDuration, t, type Locale } from '../../cards/index.js';
import type { ConnectionStatus } from '../partner-center/connection.js';
import type { Store } from '../../storage/store.js';
import type { Clock } from '../clock.js';
import { inactiveReasonText } from '../outbox/inactive-reason.js';
import { outboxStatus } from '../outbox/status.js';
import type { ExtraCommand, Reply } from './text-commands.js';

export interface StatusCommandDeps {
  store: Store;
  clock: Clock;
  retryFailed: () => Promise<number>;
  /** The time zone moments are written in. */
  timeZone: string;
  /** The Partner Center connection's state, when it is on. */
  partnerCenter?: () => ConnectionStatus;
}

function partnerCenterLines(locale: Locale, status: ConnectionStatus, timeZone: string): string[] {
  const never = t(locale, 'admin.partnerCenter.never');
  const lines = [
    status.needsSignIn
      ? t(locale, 'admin.partnerCenter.needsSignIn', { reason: escapeMarkdown(status.needsSignIn) })
      : t(locale, status.mfa === true ? 'admin.partnerCenter.signedInMfa' : 'admin.partnerCenter.signedIn', {
          account: escapeMarkdown(status.signedInAs ?? '?'),
        }),
    t(locale, 'admin.partnerCenter.activity', {
      webhook: status.lastWebhookAt ? formatDateTime(locale, status.lastWebhookAt, timeZone) : never,
      poll: status.lastPollAt ? formatDateTime(locale, status.lastPollAt, timeZone) : never,
      events: status.eventsWaiting,
      pending: status.pendingWrites,
      failed: status.failedWrites,
    }),
  ];
  if (status.lastPollError) lines.push(t(locale, 'admin.partnerCenter.pollError', { error: escapeMarkdown(status.lastPollError) }));
  return lines;
}

export function statusCommand(deps: StatusCommandDeps): ExtraCommand {
  return async (context, args): Promise<Reply[]> => {
    const { locale } = context;
    if (!context.isManager) return [{ text: t(locale, 'command.statusManagersOnly') }];
    if (args[0]?.toLowerCase() === 'retry') {
      return [{ text: t(locale, 'admin.status.retried', { count: await deps.retryFailed() }) }];
    }
    const status = outboxStatus(deps.store, deps.clock());
    const lines = [t(locale, 'admin.status.summary', { pending: status.pending, retrying: status.retrying, failed: status.failed, unrouted: status.unrouted })];
    if (status.oldestPendingAgeMs !== null) lines.push(t(locale, 'admin.status.oldest', { age: formatDuration(locale, status.oldestPendingAgeMs) }));
    if (status.failedItems.length > 0) {
      lines.push(t(locale, 'admin.status.failedHeading'));
      for (const item of status.failedItems) {
        lines.push(
          t(locale, 'admin.status.failedItem', {
            kind: t(locale, `outboxKind.${item.kind}`),
            target: escapeMarkdown(item.targetName),
            referral: item.referralName ? ` (${escapeMarkdown(item.referralName)})` : '',
            attempts: item.attempts,
            error: escapeMarkdown(item.lastError ?? '—'),
          }),
        );
      }
    }
    if (status.inactiveTargets.length > 0) {
      lines.push(t(locale, 'admin.status.inactiveHeading'));
      for (const target of status.inactiveTargets) {
        lines.push(
          t(locale, 'admin.status.inactiveItem', {
            name: escapeMarkdown(target.name),
            since: formatDateTime(locale, target.since, deps.timeZone),
            reason: inactiveReasonText(locale, target.reason),
          }),
        );
      }
    }
    const link = deps.partnerCenter?.();
    if (link) lines.push(...partnerCenterLines(locale, link, deps.timeZone));
    const linkGood = !link || (!link.needsSignIn && link.failedWrites === 0);
    if (status.pending === 0 && status.failed === 0 && status.inactiveTargets.length === 0 && linkGood) lines.push(t(locale, 'admin.status.allGood'));
    return [{ text: lines.join('\n\n') }];
  };
}
