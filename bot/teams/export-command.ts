// `export [7d|30d|90d|all] [csv|json]` in a manager's personal chat: the same file as
// GET /api/referrals/export, through Teams' file consent flow (docs/teams-guide.md#export). The
// bot asks to send a file; when the manager accepts, Teams gives an upload URL in their OneDrive,
// the bot uploads the file there and posts it in the chat. The consent carries only the period and
// the format: the file is made at the moment of the upload, from the data as it is then.

import { t } from '../../cards/index.js';
import type { Store } from '../../storage/store.js';
import type { Clock } from '../clock.js';
import { buildExport, type ExportFormat } from '../http/export-route.js';
import { STATS_PERIODS } from './manager-commands.js';
import type { ExtraCommand, Reply } from './text-commands.js';

export const FILE_CONSENT_CARD = 'application/vnd.microsoft.teams.card.file.consent';
export const FILE_INFO_CARD = 'application/vnd.microsoft.teams.card.file.info';

type Period = keyof typeof STATS_PERIODS;

/** What a consent carries back when accepted: which export, nothing of the data. */
export interface ExportRequest {
  period: Period;
  format: ExportFormat;
}

export interface ExportDeps {
  store: Store;
  clock: Clock;
}

function isPeriod(value: string): value is Period {
  return Object.hasOwn(STATS_PERIODS, value);
}

/** The request a consent's context holds, checked again (it comes back from the client). */
export function exportRequestOf(context: unknown): ExportRequest | undefined {
  const value = context as Partial<ExportRequest> | null | undefined;
  if (typeof value?.period !== 'string' || !isPeriod(value.period)) return undefined;
  if (value.format !== 'csv' && value.format !== 'json') return undefined;
  return { period: value.period, format: value.format };
}

/** The file for a request, made now: its name and its bytes. */
export async function exportFile(deps: ExportDeps, request: ExportRequest): Promise<{ name: string; body: Buffer; count: number }> {
  const now = deps.clock();
  const span = STATS_PERIODS[request.period];
  const file = await buildExport(deps.store, { format: request.format, ...(span !== undefined && { from: now.getTime() - span }) });
  return {
    name: `referrals-${request.period}-${now.toISOString().slice(0, 10)}.${request.format}`,
    body: Buffer.from(file.text, 'utf8'),
    count: file.count,
  };
}

export function exportCommand(deps: ExportDeps): ExtraCommand {
  return async (context, args) => {
    const { locale } = context;
    const words = args.map((word) => word.toLowerCase());
    const period = words.find(isPeriod) ?? '30d';
    const format = (words.find((word) => word === 'csv' || word === 'json') ?? 'csv') as ExportFormat;
    if (words.some((word) => !isPeriod(word) && word !== 'csv' && word !== 'json')) return [{ text: t(locale, 'export.usage') }];
    if (!context.isManager) return [{ text: t(locale, 'export.managersOnly') }];
    if (context.scope !== 'personal') return [{ text: t(locale, 'export.personalOnly') }];
    const request: ExportRequest = { period, format };
    const file = await exportFile(deps, request);
    const consent: Reply = {
      attachment: {
        contentType: FILE_CONSENT_CARD,
        name: file.name,
        content: {
          description: t(locale, 'export.description', { count: file.count, period: t(locale, `stats.period.${period}`) }),
          sizeInBytes: file.body.length,
          acceptContext: request,
          declineContext: request,
        },
      },
    };
    return [consent];
  };
}
