// The one typed configuration of the service: reads the environment (and ./.env when present)
// once, applies defaults, and fails fast with a message that names the offending variable.

import { isLoopback } from './loopback.js';
import { redactConnectionString } from '../storage/redact-connection.js';
import { PartnerCenterConfigError, readPartnerCenterConfig, readReferralUrl, type PartnerCenterConfig } from './partner-center/config.js';
import { existsSync } from 'node:fs';
import path from 'node:path';
import dayjs from 'dayjs';
import duration from 'dayjs/plugin/duration.js';
import { FLOWS, type Flow } from '../referrals/model.js';
import type { Policy } from '../referrals/policy.js';
import { parseTimeZone, parseWorkingHours, WorkingHoursError, type WorkingHours } from '../referrals/working-hours.js';
import { DigestScheduleError, parseDigestAt, type DigestSchedule } from '../referrals/digest-schedule.js';

dayjs.extend(duration);

export const LOCALES = ['en', 'ru'] as const;
export type Locale = (typeof LOCALES)[number];

export type AppType = 'SingleTenant' | 'MultiTenant' | 'UserAssignedMSI';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** DATABASE_URL: the PostgreSQL store; undefined: the embedded store in dataDir. */
  databaseUrl?: string;
  /** DATABASE_POOL_SIZE: connections each instance may hold for requests (PostgreSQL store). */
  databasePoolSize: number;
  /** SCHEDULER_FAILOVER: how soon another instance takes over the timers when the one running them dies (PostgreSQL store). */
  schedulerFailoverMs: number;
  /** Empty: intake accepts loopback callers only. */
  intakeApiKey: string;
  policy: Policy;
  /** ASSIGN_RESPOND_WITHIN: how long an assignee has to answer (counted in working hours) when the pool names no window. */
  assignRespondWithinMs: number;
  /** Optional working hours for reminders, e.g. "09:00-18:00 Mon-Fri Europe/Berlin" (parsed by the scheduler). */
  workingHours: string;
  /** WORKING_HOURS parsed and validated at start-up; undefined when WORKING_HOURS is empty. */
  workingHoursSpec?: WorkingHours;
  /** When the channel digest is posted, e.g. "09:00 Mon-Fri Europe/Berlin"; '' = no digest. DIGEST_AT. */
  digestAt: string;
  /** DIGEST_AT parsed and validated at start-up; undefined when DIGEST_AT is empty. */
  digestSchedule?: DigestSchedule;
  microsoftAppId: string;
  microsoftAppPassword: string;
  microsoftAppType: AppType;
  microsoftAppTenantId: string;
  /** Empty: any tenant. */
  allowedTenants: string[];
  /** AAD object ids of managers. */
  managerIds: string[];
  defaultLocale: Locale;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** True when MicrosoftAppId is empty: inbound auth is off, loopback only. */
  localMode: boolean;
  /** Outbox delivery: timeout of one call to the Teams connector (the SDK has none). SEND_TIMEOUT, default 15 s. */
  sendTimeoutMs: number;
  /** Outbox delivery: attempts before an item is parked as failed. OUTBOX_MAX_ATTEMPTS, default 8. */
  outboxMaxAttempts: number;
  /** Outbox delivery: longest wait between two attempts. OUTBOX_MAX_BACKOFF, default 5 min. */
  outboxMaxBackoffMs: number;
  /** Units of each currency per 1 USD (USD_RATES, e.g. "EUR=0.92,GBP=0.79"): the pipeline total and the deal-registration threshold. */
  usdRates: Record<string, number>;
  /** The Partner Center connection (PARTNER_CENTER_*); undefined when PARTNER_CENTER_CLIENT_ID is empty. */
  partnerCenter?: PartnerCenterConfig;
  /** PARTNER_CENTER_REFERRAL_URL: "Open in Partner Center" on each card, {id} replaced. */
  partnerCenterReferralUrl?: string;
  /** The zone cards and messages show moments in: DISPLAY_TIME_ZONE, default WORKING_HOURS' zone, else DIGEST_AT's, else UTC. */
  displayTimeZone: string;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`Invalid configuration: ${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const ISO_DURATION = /^P(?=\d|T\d)(\d+(\.\d+)?Y)?(\d+(\.\d+)?M)?(\d+(\.\d+)?W)?(\d+(\.\d+)?D)?(T(?=\d)(\d+(\.\d+)?H)?(\d+(\.\d+)?M)?(\d+(\.\d+)?S)?)?$/;

function text(env: Env, name: string, fallback = ''): string {
  return (env[name] ?? '').trim() || fallback;
}

function list(env: Env, name: string): string[] {
  return text(env, name)
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const value = text(env, name, fallback);
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(name, `"${value}" is not one of ${allowed.join(', ')}`);
  }
  return value as T;
}

/** An ISO 8601 duration such as PT24H or P14D, as milliseconds (> 0). */
export function parseDuration(name: string, value: string): number {
  const ms = ISO_DURATION.test(value) ? dayjs.duration(value).asMilliseconds() : Number.NaN;
  if (!Number.isFinite(ms) || ms <= 0) {
    throw new ConfigError(name, `"${value}" is not a positive ISO 8601 duration (examples: PT24H, P14D, PT30S)`);
  }
  return ms;
}

function durationVar(env: Env, name: string, fallback: string): number {
  return parseDuration(name, text(env, name, fallback));
}

/** WORKING_HOURS (referrals/working-hours.ts has the grammar); empty = reminders at any hour. */
function digestAtVar(env: Env): DigestSchedule | undefined {
  const value = text(env, 'DIGEST_AT');
  if (value === '') return undefined;
  try {
    return parseDigestAt(value);
  } catch (error) {
    if (error instanceof DigestScheduleError) throw new ConfigError('DIGEST_AT', error.message);
    throw error;
  }
}

function partnerCenterVars(env: Env, localMode: boolean): Pick<Config, 'partnerCenter' | 'partnerCenterReferralUrl'> {
  try {
    const partnerCenter = readPartnerCenterConfig(env, localMode, parseDuration);
    const partnerCenterReferralUrl = readReferralUrl(env);
    return { ...(partnerCenter && { partnerCenter }), ...(partnerCenterReferralUrl && { partnerCenterReferralUrl }) };
  } catch (error) {
    if (error instanceof PartnerCenterConfigError) throw new ConfigError(error.variable, error.message.slice(error.variable.length + 1));
    throw error;
  }
}

/** DISPLAY_TIME_ZONE: an IANA name; empty = the zone the team already named for its hours or digest. */
function displayTimeZoneVar(env: Env, fallback: string): string {
  const value = text(env, 'DISPLAY_TIME_ZONE');
  if (value === '') return fallback;
  try {
    return parseTimeZone(value);
  } catch (error) {
    if (error instanceof WorkingHoursError) throw new ConfigError('DISPLAY_TIME_ZONE', error.message);
    throw error;
  }
}

function workingHoursVar(env: Env): WorkingHours | undefined {
  const value = text(env, 'WORKING_HOURS');
  if (value === '') return undefined;
  try {
    return parseWorkingHours(value);
  } catch (error) {
    if (error instanceof WorkingHoursError) throw new ConfigError('WORKING_HOURS', error.message);
    throw error;
  }
}

function positiveInteger(env: Env, name: string, fallback: number, max: number): number {
  const raw = text(env, name, String(fallback));
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < 1 || value > max) throw new ConfigError(name, `"${raw}" is not a whole number from 1 to ${max}`);
  return value;
}

function port(env: Env): number {
  const raw = text(env, 'PORT', '3978');
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value > 65535) throw new ConfigError('PORT', `"${raw}" is not a port number (0–65535)`);
  return value;
}

const CURRENCY_CODES = new Set(Intl.supportedValuesOf('currency'));

/** USD_RATES: "EUR=0.92,GBP=0.79", units of a currency per 1 USD; empty = no conversion. */
function usdRatesVar(env: Env): Record<string, number> {
  const rates: Record<string, number> = {};
  for (const item of list(env, 'USD_RATES')) {
    const match = /^([A-Za-z]{3})\s*=\s*(\d+(?:\.\d+)?)$/.exec(item);
    const code = match?.[1]?.toUpperCase();
    const rate = Number(match?.[2]);
    if (!match || !code || !CURRENCY_CODES.has(code) || !(rate > 0)) {
      throw new ConfigError('USD_RATES', `"${item}" is not CODE=rate with an ISO 4217 code and a rate above 0 (example: EUR=0.92,GBP=0.79)`);
    }
    rates[code] = rate;
  }
  return rates;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function guidList(env: Env, name: string): string[] {
  const values = list(env, name);
  const bad = values.find((value) => !GUID.test(value));
  if (bad !== undefined) throw new ConfigError(name, `"${bad}" is not a GUID (tenant and AAD object ids are GUIDs)`);
  return values;
}

function databaseUrlVar(env: Env): { databaseUrl?: string } {
  const value = text(env, 'DATABASE_URL');
  if (value === '') return {};
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(
      'DATABASE_URL',
      `"${redactConnectionString(value)}" is not a URL (example: postgres://referral_desk:secret@db.example.com:5432/referral_desk?sslmode=verify-full)`,
    );
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError('DATABASE_URL', `"${redactConnectionString(value)}" is not a postgres:// URL; leave it empty for the embedded store in DATA_DIR`);
  }
  return { databaseUrl: value };
}

/** Builds the config from an environment; throws ConfigError naming the first bad variable. */
export function readConfig(env: Env = process.env): Config {
  const microsoftAppId = text(env, 'MicrosoftAppId');
  const localMode = microsoftAppId === '';
  const host = text(env, 'HOST', localMode ? '127.0.0.1' : '0.0.0.0');
  if (localMode && !isLoopback(host)) {
    throw new ConfigError(
      'HOST',
      `"${host}" is not a loopback address, but MicrosoftAppId is empty so inbound auth is off; set MicrosoftAppId or bind to 127.0.0.1`,
    );
  }
  const microsoftAppType = oneOf<AppType>(env, 'MicrosoftAppType', ['SingleTenant', 'MultiTenant', 'UserAssignedMSI'], 'SingleTenant');
  const microsoftAppTenantId = text(env, 'MicrosoftAppTenantId');
  if (!localMode && microsoftAppType !== 'MultiTenant' && microsoftAppTenantId === '') {
    throw new ConfigError('MicrosoftAppTenantId', `is required when MicrosoftAppType is ${microsoftAppType}`);
  }
  if (!localMode && microsoftAppType !== 'UserAssignedMSI' && text(env, 'MicrosoftAppPassword') === '') {
    throw new ConfigError('MicrosoftAppPassword', `is required when MicrosoftAppId is set and MicrosoftAppType is ${microsoftAppType}`);
  }
  if (localMode && text(env, 'MicrosoftAppPassword') !== '') {
    throw new ConfigError('MicrosoftAppPassword', 'is set but MicrosoftAppId is empty; set both or neither');
  }
  if (!localMode && text(env, 'INTAKE_API_KEY') === '') {
    throw new ConfigError('INTAKE_API_KEY', 'is required when MicrosoftAppId is set: behind a proxy or tunnel every caller looks local');
  }
  const allowedTenants = guidList(env, 'ALLOWED_TENANTS');
  if (!localMode && allowedTenants.length === 0) {
    throw new ConfigError('ALLOWED_TENANTS', 'is required when MicrosoftAppId is set: name the tenant ids (comma-separated) whose Teams may use the bot');
  }
  const managerIds = guidList(env, 'MANAGER_IDS');
  if (!localMode && managerIds.length === 0) {
    throw new ConfigError('MANAGER_IDS', 'is required when MicrosoftAppId is set: name the Entra object ids of the people who may change routing and settings');
  }
  const flow: Flow = oneOf(env, 'REFERRAL_FLOW', FLOWS, 'inbox');
  const workingHoursSpec = workingHoursVar(env);
  const digestSchedule = digestAtVar(env);
  return {
    port: port(env),
    host,
    dataDir: path.resolve(text(env, 'DATA_DIR', './data')),
    ...databaseUrlVar(env),
    databasePoolSize: positiveInteger(env, 'DATABASE_POOL_SIZE', 10, 1000),
    schedulerFailoverMs: durationVar(env, 'SCHEDULER_FAILOVER', 'PT30S'),
    intakeApiKey: text(env, 'INTAKE_API_KEY'),
    policy: {
      flow,
      respondWithinMs: durationVar(env, 'RESPOND_WITHIN', 'PT24H'),
      expireAfterMs: durationVar(env, 'EXPIRE_AFTER', 'P14D'),
      urgentForMs: durationVar(env, 'URGENT_FOR', 'PT72H'),
      skipAfterMs: durationVar(env, 'SKIP_AFTER', 'PT72H'),
      evaluateWithinMs: durationVar(env, 'EVALUATE_WITHIN', 'P7D'),
      expiryWarningBeforeMs: durationVar(env, 'EXPIRY_WARNING_BEFORE', 'P2D'),
      closeReminderEveryMs: durationVar(env, 'CLOSE_REMINDER_EVERY', 'P7D'),
      assignEscalateAfterMs: durationVar(env, 'ASSIGN_ESCALATE_AFTER', 'PT24H'),
    },
    assignRespondWithinMs: durationVar(env, 'ASSIGN_RESPOND_WITHIN', 'PT2H'),
    workingHours: text(env, 'WORKING_HOURS'),
    ...(workingHoursSpec && { workingHoursSpec }),
    digestAt: text(env, 'DIGEST_AT'),
    ...(digestSchedule && { digestSchedule }),
    microsoftAppId,
    microsoftAppPassword: text(env, 'MicrosoftAppPassword'),
    microsoftAppType,
    microsoftAppTenantId,
    allowedTenants,
    managerIds,
    defaultLocale: oneOf(env, 'DEFAULT_LOCALE', LOCALES, 'en'),
    logLevel: oneOf(env, 'LOG_LEVEL', ['debug', 'info', 'warn', 'error', 'silent'], 'info'),
    localMode,
    sendTimeoutMs: durationVar(env, 'SEND_TIMEOUT', 'PT15S'),
    outboxMaxAttempts: positiveInteger(env, 'OUTBOX_MAX_ATTEMPTS', 8, 100),
    outboxMaxBackoffMs: durationVar(env, 'OUTBOX_MAX_BACKOFF', 'PT5M'),
    usdRates: usdRatesVar(env),
    displayTimeZone: displayTimeZoneVar(env, workingHoursSpec?.timeZone ?? digestSchedule?.timeZone ?? 'UTC'),
    ...partnerCenterVars(env, localMode),
  };
}

/** Loads ./.env (when present) into process.env without overriding what is set, then reads the config. */
export function loadConfig(): Config {
  if (existsSync('.env')) process.loadEnvFile('.env');
  return readConfig(process.env);
}
