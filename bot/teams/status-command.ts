// The managers' `status` command: pending and failed deliveries and inactive conversations, and
// `status retry` to give failed messages a new chance now.

import { escapeMarkdown, formatDateTime, formatDuration, t } from '../../cards/index.js';
import type { Store } from '../../storage/store.js';
import type { Clock } from '../clock.js';
import { inactiveReasonText } from '../outbox/inactive-reason.js';
import { outboxStatus } from '../outbox/status.js';
import type { ExtraCommand, Reply } from './text-commands.js';

export interface StatusCommandDeps {
  store: Store;
  clock: Clock;
  retryFailed: () => Promise<number>;
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
            since: formatDateTime(locale, target.since),
            reason: inactiveReasonText(locale, target.reason),
          }),
        );
      }
    }
    if (status.pending === 0 && status.failed === 0 && status.inactiveTargets.length === 0) lines.push(t(locale, 'admin.status.allGood'));
    return [{ text: lines.join('\n\n') }];
  };
}
