// The Teams activity handler: commands in channels and personal chat, card actions, installs.

import { TeamsActivityHandler, type TurnContext } from 'botbuilder';
import type { Logger } from './logger.js';

export class ReferralDeskBot extends TeamsActivityHandler {
  constructor(private readonly log: Logger) {
    super();
    this.onMessage(async (context: TurnContext, next) => {
      await context.sendActivity('help');
      await next();
    });
  }
}
