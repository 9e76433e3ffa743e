// GET /api/referrals/export?format=csv|json&from=&to= (intake auth): every referral received in the
// range with its current state, owner, deal fields, response time and closing reason.
//
//   format  csv (default): RFC 4180, a header record then one record per referral, CRLF line
//           ends, UTF-8 (text/csv; charset=utf-8; header=present), served as an attachment.
//           json: { from, to, count, columns, items: [{column: value}] } with numbers and booleans
//           typed and absent values null.
//   from    optional; a day (YYYY-MM-DD, from 00:00 UTC) or a date-time with a zone
//           (2026-03-01T08:00:00Z, 2026-03-01T09:00+01:00): referrals received at or after it.
//   to      optional; a day (through the end of that UTC day) or a date-time (exclusive):
//           referrals received before it.
// Rows are ordered by receipt, oldest first. 400 for an unknown format, a malformed date, a
// repeated parameter, or a range whose start is not before its end.
//
// Mount it before the intake routes: its path would otherwise look like GET /api/referrals/:id.
// (restify's router prefers the static path anyway; the order keeps that independent of it.)

import type { Request, Response, Server } from 'restify';
import { EXPORT_COLUMNS, toExportRow } from '../../referrals/export-view.js';
import type { Store } from '../../storage/store.js';
import { toCsv } from './csv.js';
import { sendError } from './errors.js';
import { intakeAuth } from './intake-auth.js';

export const EXPORT_FORMATS = ['csv', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;
const DAY_MS = 86_400_000;

/** A `from` / `to` value as epoch ms (a day: its start; for `to` the start of the next day), or an error text. */
export function parseBound(value: string, role: 'from' | 'to'): number | string {
  const day = DAY.exec(value);
  if (day) {
    const [year, month, date] = [Number(day[1]), Number(day[2]), Number(day[3])];
    const ms = Date.UTC(year, month - 1, date);
    const check = new Date(ms);
    if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== date) return `"${value}" is not a date`;
    return role === 'to' ? ms + DAY_MS : ms;
  }
  if (DATE_TIME.test(value)) {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) return ms;
  }
  return `"${value}" is not a date (YYYY-MM-DD) or a date-time with a zone (YYYY-MM-DDTHH:MM:SSZ)`;
}

export interface ExportQuery {
  format: ExportFormat;
  from?: number;
  to?: number;
}

/** Checks the query; the problems in the intake API's error shape. */
export function parseExportQuery(
  query: Record<string, unknown>,
): { ok: true; query: ExportQuery } | { ok: false; details: Array<{ path: string; message: string }> } {
  const details: Array<{ path: string; message: string }> = [];
  const single = (name: string): string | undefined => {
    const value = query[name];
    if (value === undefined || value === '') return undefined;
    if (typeof value !== 'string') {
      details.push({ path: name, message: 'must be given once' });
      return undefined;
    }
    return value;
  };
  const formatText = single('format') ?? 'csv';
  const format = formatText.toLowerCase();
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) details.push({ path: 'format', message: `must be one of ${EXPORT_FORMATS.join(', ')}` });
  const bounds: { from?: number; to?: number } = {};
  for (const role of ['from', 'to'] as const) {
    const text = single(role);
    if (text === undefined) continue;
    const parsed = parseBound(text, role);
    if (typeof parsed === 'string') details.push({ path: role, message: parsed });
    else bounds[role] = parsed;
  }
  if (bounds.from !== undefined && bounds.to !== undefined && bounds.from >= bounds.to) {
    details.push({ path: 'to', message: 'must be after from' });
  }
  if (details.length > 0) return { ok: false, details };
  return { ok: true, query: { format: format as ExportFormat, ...bounds } };
}

/** The export's content for a query: what the API answers, and what `export` in Teams uploads. */
export async function buildExport(store: Store, query: ExportQuery): Promise<{ count: number; text: string; json?: unknown }> {
  const { format, from, to } = query;
  // Received at or after `from` implies updated at or after it: archived history before is not read.
  const referrals = await store.list(from === undefined ? {} : { updatedSince: new Date(from).toISOString() });
  const rows = referrals
    .filter((referral) => {
      const received = Date.parse(referral.receivedDateTime);
      return (from === undefined || received >= from) && (to === undefined || received < to);
    })
    .sort((a, b) => Date.parse(a.receivedDateTime) - Date.parse(b.receivedDateTime) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map(toExportRow);
  if (format === 'csv') return { count: rows.length, text: toCsv(EXPORT_COLUMNS, rows) };
  const json = {
    from: from === undefined ? null : new Date(from).toISOString(),
    to: to === undefined ? null : new Date(to).toISOString(),
    count: rows.length,
    columns: EXPORT_COLUMNS,
    items: rows,
  };
  return { count: rows.length, text: JSON.stringify(json), json };
}

export function mountExportRoute(server: Server, store: Store, apiKey: string): void {
  server.get('/api/referrals/export', intakeAuth(apiKey), async (req: Request, res: Response) => {
    const parsed = parseExportQuery((req.query ?? {}) as Record<string, unknown>);
    if (!parsed.ok) {
      sendError(res, 400, 'invalid query', { details: parsed.details });
      return;
    }
    const file = await buildExport(store, parsed.query);
    if (file.json !== undefined) {
      res.send(200, file.json);
      return;
    }
    res.sendRaw(200, file.text, {
      'Content-Type': 'text/csv; charset=utf-8; header=present',
      'Content-Disposition': 'attachment; filename="referrals.csv"',
      'Cache-Control': 'no-store',
    });
  });
}
