// `npm run partner-center -- login | status | register-webhook <public URL> [--replace] | test-event`
// (docs/deploy.md#partner-center): connect the bot to Partner Center from a terminal on the server,
// with the same config (.env) and DATA_DIR as the bot. Exit code 0 on success, 1 on an error
// (printed in one line, without tokens), 2 on a usage error.

import { ConfigError, loadConfig, type Config } from '../bot/config.js';
import { createLogger } from '../bot/logger.js';
import { MfaMissingError, PartnerCenterSignIn, SignInNeededError, TOKEN_CACHE_NAME } from '../bot/partner-center/sign-in.js';
import { MFA_MISSING } from '../bot/partner-center/token-mfa.js';
import { openSharedValue } from '../storage/shared-value.js';
import { REFERRAL_WEBHOOK_EVENTS, WebhookRegistrationApi } from '../bot/partner-center/webhook-registration.js';
import { EVENTS_PATH } from '../bot/http/partner-center-events-route.js';

const USAGE = 'usage: npm run partner-center -- login | status | register-webhook <public https URL of the bot> [--replace] | test-event';

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

function fail(line: string, code = 1): never {
  process.stderr.write(`${line}\n`);
  process.exit(code);
}

function partnerCenterOf(config: Config) {
  if (!config.partnerCenter) fail('PARTNER_CENTER_CLIENT_ID is empty: the Partner Center connection is off (see docs/deploy.md#partner-center)');
  return config.partnerCenter;
}

/**
 * `status` with no connection in this config: a bot on this machine may still have one (the
 * simulator gives its bot settings of its own). Its /healthz says, to a local caller in local mode.
 * Exits when that bot has a connection; returns when there is none to report.
 */
async function statusOfRunningBot(port: number): Promise<void> {
  const link = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(3_000) })
    .then((response) => response.json() as Promise<{ partnerCenter?: { enabled?: boolean; signedInAs?: string; mfa?: boolean; needsSignIn?: string } }>)
    .then((health) => health.partnerCenter)
    .catch(() => undefined);
  if (!link?.enabled) return;
  out(`PARTNER_CENTER_CLIENT_ID is empty here, but the bot on port ${port} (the simulator's?) has a Partner Center connection of its own.`);
  if (!link.signedInAs) fail(`That bot is not signed in: ${link.needsSignIn ?? 'nobody has signed in'}.`);
  out(`That bot is signed in as ${link.signedInAs}${link.mfa === true ? ' (MFA: yes)' : ''}${link.needsSignIn ? `, but ${link.needsSignIn}` : ''}.`);
  process.exit(link.needsSignIn ? 1 : 0);
}

/** The events URL for a public base URL (or the full events URL as given). */
function eventsUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    fail(`"${raw}" is not a URL`, 2);
  }
  if (url.protocol !== 'https:') fail('the webhook URL must be https: Partner Center posts to public HTTPS endpoints only', 2);
  if (!url.pathname.endsWith(EVENTS_PATH)) url.pathname = `${url.pathname.replace(/\/+$/, '')}${EVENTS_PATH}`;
  return url.toString();
}

async function main(): Promise<void> {
  const [command, ...args] = process.argv.slice(2);
  if (!command) fail(USAGE, 2);
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  if (command === 'status' && !config.partnerCenter) await statusOfRunningBot(config.port);
  const settings = partnerCenterOf(config);
  const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  // The same shared sign-in as the running service: in the database with DATABASE_URL, else in DATA_DIR.
  const signIn = new PartnerCenterSignIn(
    settings,
    openSharedValue({ dataDir: config.dataDir, ...(config.databaseUrl && { databaseUrl: config.databaseUrl }) }, TOKEN_CACHE_NAME),
    log,
  );
  if (!signIn.persistent) out('PARTNER_CENTER_TOKEN_KEY is empty: this sign-in lasts only as long as this command (local mode).');

  switch (command) {
    case 'login': {
      let account: string;
      try {
        account = await signIn.signIn((prompt) => out(prompt.message));
      } catch (error) {
        if (error instanceof MfaMissingError) fail(`Sign-in refused for ${error.account}: ${MFA_MISSING}.`);
        throw error;
      }
      out(`Signed in to Partner Center as ${account} (MFA: yes). The bot uses this sign-in from now on (no restart needed).`);
      return;
    }
    case 'status': {
      const state = await signIn.load();
      if (!state.account) fail(`Not signed in: ${state.needsSignIn ?? 'nobody has signed in'}. Run: npm run partner-center -- login`);
      try {
        await signIn.token();
      } catch (error) {
        if (error instanceof SignInNeededError) fail(`Signed in as ${state.account}, but ${error.reason}. Run: npm run partner-center -- login`);
        throw error;
      }
      out(`Signed in as ${state.account} (MFA: yes); the sign-in works.`);
      const registration = await new WebhookRegistrationApi(settings.webhooksApiUrl, signIn).current();
      out(registration ? `Webhook: ${registration.webhookUrl} (${registration.events.join(', ')})` : 'Webhook: none registered (run register-webhook <URL>).');
      return;
    }
    case 'register-webhook': {
      const target = args.find((arg) => !arg.startsWith('--'));
      if (!target) fail(USAGE, 2);
      const url = eventsUrl(target);
      const api = new WebhookRegistrationApi(settings.webhooksApiUrl, signIn);
      const existing = await api.current();
      if (existing?.webhookUrl === url) {
        out(`Already registered: ${url}`);
        return;
      }
      if (existing && !args.includes('--replace')) {
        fail(
          `Partner Center already sends this tenant's events to ${existing.webhookUrl} (one URL per event per tenant; a CRM connector may own it). Run again with --replace to send them to the bot instead.`,
        );
      }
      await api.register(url, existing !== undefined);
      out(`Registered ${url} for ${REFERRAL_WEBHOOK_EVENTS.join(', ')}.${existing ? ` Replaced ${existing.webhookUrl}.` : ''}`);
      return;
    }
    case 'test-event': {
      const api = new WebhookRegistrationApi(settings.webhooksApiUrl, signIn);
      const id = await api.testEvent();
      out(`Partner Center is sending a test event (correlation id ${id}).`);
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      out(`Delivery status: ${await api.testEventStatus(id)}`);
      return;
    }
    default:
      fail(USAGE, 2);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    const code = (error as { errorCode?: unknown })?.errorCode;
    fail(`partner-center: ${typeof code === 'string' ? code : ((error as Error)?.message ?? String(error))}`);
  },
);
