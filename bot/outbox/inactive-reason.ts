// Why a conversation became inactive, in the reader's words. The store keeps a code (`removed`:
// the app was uninstalled; `delivery: <status> <Teams code>`: a send was refused); people see text.

import { escapeMarkdown, t, type Locale } from '../../cards/index.js';
import { DELIVERY_REASON_PREFIX } from './retire.js';

export const REMOVED_REASON = 'removed';

export function inactiveReasonText(locale: Locale, reason: string | undefined): string {
  if (reason === undefined || reason === 'inactive') return t(locale, 'inactiveReason.unknown');
  if (reason === REMOVED_REASON) return t(locale, 'inactiveReason.removed');
  if (reason.startsWith(DELIVERY_REASON_PREFIX))
    return t(locale, 'inactiveReason.delivery', { detail: escapeMarkdown(reason.slice(DELIVERY_REASON_PREFIX.length)) });
  return reason;
}
