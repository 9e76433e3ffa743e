// `connect partner-center`, a manager's command in their personal chat: starts the device code
// sign-in and answers with the URL and the code; the bot confirms in chat once they signed in
// (docs/architecture.md#partner-center).

import { escapeMarkdown, t } from '../../cards/index.js';
import type { Logger } from '../logger.js';
import type { DeviceCodePrompt } from '../partner-center/sign-in.js';
import { signInFailedText } from '../outbox/render.js';
import type { ExtraCommand, Reply } from './text-commands.js';

export interface ConnectCommandDeps {
  /** The connection's sign-in, or undefined when PARTNER_CENTER_CLIENT_ID is empty. */
  connect?: (onPrompt: (prompt: DeviceCodePrompt) => void) => Promise<string>;
  /** Tells the person the sign-in did not finish: a personal message to `targetKey`, their chat. `reason`: MSAL's error code. */
  onFailed: (reason: string, targetKey: string) => Promise<void>;
  log: Logger;
}

export function connectCommand(deps: ConnectCommandDeps): ExtraCommand {
  return async (context, args): Promise<Reply[]> => {
    const { locale } = context;
    if (args[0]?.toLowerCase() !== 'partner-center') return [{ text: t(locale, 'command.unknownCommand') }];
    if (!deps.connect) return [{ text: t(locale, 'partnerCenter.notConfigured') }];
    if (!context.isManager) return [{ text: t(locale, 'partnerCenter.managersOnly') }];
    if (context.scope !== 'personal') return [{ text: t(locale, 'partnerCenter.personalOnly') }];
    const connect = deps.connect;
    let prompted = false;
    const prompt = await new Promise<DeviceCodePrompt | string>((resolve) => {
      connect((shown) => {
        prompted = true;
        resolve(shown);
      }).catch((error: unknown) => {
        // MSAL's error code only: its message can quote the authority's answer.
        const reason = (error as { errorCode?: unknown })?.errorCode;
        const code = typeof reason === 'string' && reason !== '' ? reason : 'the code expired or was declined';
        deps.log.warn('partner center: sign-in from chat did not finish', { reason: code });
        if (prompted) void deps.onFailed(code, context.targetKey);
        else resolve(code);
      });
    });
    if (typeof prompt === 'string') return [{ text: signInFailedText(locale, prompt) }];
    return [
      {
        text: t(locale, 'partnerCenter.deviceCode', {
          url: escapeMarkdown(prompt.verificationUri),
          code: escapeMarkdown(prompt.userCode),
          minutes: Math.max(1, Math.round(prompt.expiresInSeconds / 60)),
        }),
      },
    ];
  };
}
