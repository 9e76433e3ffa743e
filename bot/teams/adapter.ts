// The Bot Framework CloudAdapter for our config. With an empty MicrosoftAppId botbuilder checks no
// inbound tokens (local mode); otherwise it validates every /api/messages call.

import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type Activity, type InvokeResponse, type TurnContext } from 'botbuilder';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { isStoreUnavailable } from '../http/errors.js';

/**
 * CloudAdapter with its per-activity entry point opened up: the messages route authenticates and
 * runs the turn itself, so that a request that fails authentication (for any reason, including an
 * unreachable token issuer) is a 401, and only a failure inside the turn is a 500.
 */
export class ReferralDeskAdapter extends CloudAdapter {
  /**
   * Validates a Bot Framework token on its own, before any body byte is read: signature, issuer,
   * audience and the endorsement for Teams (the only channel the bot serves). Throws when it fails.
   * handleActivity validates again with the activity (its serviceUrl claim).
   */
  async authenticateToken(authHeader: string): Promise<void> {
    await this.botFrameworkAuthentication.authenticateStreamingRequest(authHeader, TEAMS_CHANNEL_ID);
  }

  handleActivity(authHeader: string, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    return this.processActivity(authHeader, activity, logic);
  }
}

/** Activities from any other Bot Framework channel (Web Chat, Direct Line…) are refused. */
export const TEAMS_CHANNEL_ID = 'msteams';

export function createAdapter(config: Config, log: Logger): ReferralDeskAdapter {
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: config.microsoftAppId,
    MicrosoftAppPassword: config.microsoftAppPassword,
    MicrosoftAppType: config.localMode ? '' : config.microsoftAppType,
    MicrosoftAppTenantId: config.microsoftAppTenantId,
  });
  const adapter = new ReferralDeskAdapter(auth);
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    // Teams retries a 503; the route answers it (nothing was decided, so a retry is safe).
    if (isStoreUnavailable(error)) throw error;
    log.error('turn failed', { error, activityType: context.activity.type, activityName: context.activity.name });
  };
  return adapter;
}
