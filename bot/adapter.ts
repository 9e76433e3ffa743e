// The Bot Framework CloudAdapter for our config. With an empty MicrosoftAppId botbuilder checks no
// inbound tokens (local mode); otherwise it validates every /api/messages call.

import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type TurnContext } from 'botbuilder';
import type { Config } from './config.js';
import type { Logger } from './logger.js';

export function createAdapter(config: Config, log: Logger): CloudAdapter {
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: config.microsoftAppId,
    MicrosoftAppPassword: config.microsoftAppPassword,
    MicrosoftAppType: config.localMode ? '' : config.microsoftAppType,
    MicrosoftAppTenantId: config.microsoftAppTenantId,
  });
  const adapter = new CloudAdapter(auth);
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    log.error('turn failed', { error, activityType: context.activity.type, activityName: context.activity.name });
  };
  return adapter;
}
