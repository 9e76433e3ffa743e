// Delegated sign-in to Partner Center (docs/architecture.md#partner-center): a manager signs in
// once with the device code flow (MFA happens in their browser), and every call takes a token
// with acquireTokenSilent, which refreshes it. When the refresh token dies the connection says
// so (needsSignIn) and callers hold their work; nothing is dropped.

import { InteractionRequiredAuthError, LogLevel, PublicClientApplication, type AccountInfo } from '@azure/msal-node';
import type { Logger } from '../logger.js';
import type { PartnerCenterConfig } from './config.js';
import type { SharedValue } from '../../storage/shared-value.js';
import { MFA_REQUIRED } from '../../storage/store.js';
import { EncryptedTokenCache } from './token-cache.js';
import { MFA_MISSING, usedMfa } from './token-mfa.js';

export const REFERRALS_SCOPE = 'https://api.partner.microsoft.com/user_impersonation';
export const WEBHOOKS_SCOPE = 'https://api.partnercenter.microsoft.com/user_impersonation';

/** A sign-in that did not use MFA: refused, and not kept (MSAL's `errorCode` shape, for the callers that read it). */
export class MfaMissingError extends Error {
  readonly errorCode = MFA_REQUIRED;
  constructor(readonly account: string) {
    super(`Partner Center sign-in refused: ${MFA_MISSING}`);
    this.name = 'MfaMissingError';
  }
}

/** There is no usable sign-in: a person must sign in (again). `reason` is safe to show and log. */
export class SignInNeededError extends Error {
  constructor(readonly reason: string) {
    super(`Partner Center sign-in needed: ${reason}`);
    this.name = 'SignInNeededError';
  }
}

export interface DeviceCodePrompt {
  verificationUri: string;
  userCode: string;
  /** The authority's own sentence ("To sign in, use a web browser to open …"). */
  message: string;
  expiresInSeconds: number;
}

export interface SignInState {
  /** Who is signed in (their user name), when a sign-in is kept. */
  account?: string;
  /** Why calls wait for a new sign-in, when they do. */
  needsSignIn?: string;
  /** The last token showed a sign-in with MFA (its `amr` claim). */
  mfa?: boolean;
}

export interface TokenSource {
  token(scope?: string, options?: { forceRefresh?: boolean }): Promise<string>;
  state(): SignInState;
}

/** AADSTS codes and MSAL errors that only a new interactive sign-in cures, in words for the managers. */
function signInReason(error: unknown): string | undefined {
  if (error instanceof MfaMissingError) return MFA_MISSING;
  if (error instanceof InteractionRequiredAuthError) {
    const text = `${error.errorCode} ${error.errorMessage}`;
    if (/AADSTS700082/.test(text)) return 'the sign-in expired after 90 days without use';
    if (/AADSTS50173|AADSTS50133|revoked/i.test(text)) return 'the sign-in was revoked (password change or administrator)';
    if (/AADSTS50076|AADSTS50079|multi-factor|mfa/i.test(text)) return 'multi-factor authentication is required again';
    return `the sign-in is no longer valid (${error.errorCode || 'interaction_required'})`;
  }
  const code = (error as { errorCode?: unknown } | undefined)?.errorCode;
  if (code === 'invalid_grant') return 'the sign-in is no longer valid (invalid_grant)';
  return undefined;
}

const NOBODY = 'nobody has signed in yet';
/** The shared value the sign-in is kept in (DATA_DIR/partner-center/token-cache.json with the embedded store). */
export const TOKEN_CACHE_NAME = 'token-cache';

export class PartnerCenterSignIn implements TokenSource {
  readonly #app: PublicClientApplication;
  readonly #cache: EncryptedTokenCache;
  readonly #shared: SharedValue;
  readonly #log: Logger;
  #state: SignInState = {};
  /** Grows with every sign-in: a failure of a call begun before it says nothing of the sign-in now. */
  #generation = 0;

  constructor(config: PartnerCenterConfig, shared: SharedValue, log: Logger) {
    this.#log = log;
    this.#shared = shared;
    this.#cache = new EncryptedTokenCache(shared, config.tokenKey, {
      onUnreadable: (where) => {
        const reason = 'the kept sign-in could not be opened with PARTNER_CENTER_TOKEN_KEY (another key, or damaged) and was moved aside';
        log.warn('partner center: sign-in needed', { reason, movedTo: where });
        this.#state = { needsSignIn: reason };
      },
      onLostRace: () => log.info('partner center: another process kept a newer sign-in; it is used from now on'),
    });
    const authority = new URL(`${config.authority}/${config.tenantId}`);
    this.#app = new PublicClientApplication({
      auth: {
        clientId: config.clientId,
        authority: authority.toString(),
        // A known authority skips instance discovery (a call to login.microsoftonline.com even for a private cloud or a test authority).
        knownAuthorities: [authority.host],
      },
      cache: { cachePlugin: this.#cache },
      system: {
        loggerOptions: {
          // MSAL's own lines may carry request details; only warnings, and never with PII.
          piiLoggingEnabled: false,
          logLevel: LogLevel.Warning,
          loggerCallback: (_level, message) => log.warn('partner center sign-in', { detail: message.slice(0, 300) }),
        },
      },
    });
  }

  get persistent(): boolean {
    return this.#cache.persistent;
  }

  /** A folder to watch for a sign-in another process keeps, when there is one (the embedded store). */
  get watchDir(): string | undefined {
    return this.#shared.watchDir;
  }

  async close(): Promise<void> {
    await this.#shared.close();
  }

  /** Whether another process (the CLI, another instance) kept a sign-in since this one last looked. */
  keptElsewhere(): Promise<boolean> {
    return this.#cache.changedElsewhere();
  }

  state(): SignInState {
    return { ...this.#state };
  }

  async #account(): Promise<AccountInfo | undefined> {
    const accounts = await this.#app.getAllAccounts();
    return accounts[0];
  }

  /** Reads the kept sign-in (at start and for `status`): who it is, without calling the authority. */
  async load(): Promise<SignInState> {
    const account = await this.#account();
    if (account) this.#state = { ...this.#state, account: account.username };
    else if (!this.#state.needsSignIn) this.#state = { needsSignIn: NOBODY };
    return this.state();
  }

  /** The device code flow: `onPrompt` gets the URL and code at once; resolves when the person has signed in. */
  async signIn(onPrompt: (prompt: DeviceCodePrompt) => void | Promise<void>, scope = REFERRALS_SCOPE): Promise<string> {
    const result = await this.#app.acquireTokenByDeviceCode({
      scopes: [scope],
      deviceCodeCallback: (response) => {
        void onPrompt({
          verificationUri: response.verificationUri,
          userCode: response.userCode,
          message: response.message,
          expiresInSeconds: response.expiresIn,
        });
      },
    });
    const username = result?.account?.username;
    if (!result || !username) throw new Error('the sign-in finished without an account');
    if (!usedMfa(result.accessToken, result.idTokenClaims)) {
      // Not kept: the calls it would make fail. Another account's kept sign-in stays in use.
      await this.#app.getTokenCache().removeAccount(result.account!);
      this.#log.warn('partner center: sign-in refused', { account: username, reason: 'no multi-factor authentication (amr)' });
      throw new MfaMissingError(username);
    }
    // Keep one account: a second manager's sign-in replaces the first.
    for (const other of await this.#app.getAllAccounts()) {
      if (other.homeAccountId !== result.account!.homeAccountId) await this.#app.getTokenCache().removeAccount(other);
    }
    this.#generation += 1;
    this.#state = { account: username, mfa: true };
    this.#log.info('partner center: signed in', { account: username });
    return username;
  }

  async token(scope = REFERRALS_SCOPE, options: { forceRefresh?: boolean } = {}): Promise<string> {
    const generation = this.#generation;
    const account = await this.#account();
    if (!account) {
      const reason = (generation === this.#generation && this.#state.needsSignIn) || NOBODY;
      if (generation === this.#generation) this.#state = { needsSignIn: reason };
      throw new SignInNeededError(reason);
    }
    try {
      // While a sign-in is needed the cached access token is one Partner Center already refused:
      // only a token the authority issues anew (a new sign-in, here or in another process) clears it.
      const forceRefresh = options.forceRefresh === true || this.#state.needsSignIn !== undefined;
      const result = await this.#app.acquireTokenSilent({ account, scopes: [scope], forceRefresh });
      // A sign-in kept from before the check (or by an older version) may lack MFA: held like an expired one.
      if (!usedMfa(result.accessToken, result.idTokenClaims)) throw new MfaMissingError(account.username);
      if (this.#state.account !== account.username || (this.#state.needsSignIn && !result.fromCache)) this.#state = { account: account.username };
      this.#state.mfa = true;
      return result.accessToken;
    } catch (error) {
      const reason = signInReason(error);
      if (reason === undefined) throw error;
      // A sign-in that finished meanwhile is the state now: this older failure does not undo it.
      if (generation !== this.#generation) throw new SignInNeededError(reason);
      if (this.#state.needsSignIn !== reason) this.#log.warn('partner center: sign-in needed', { reason, account: account.username });
      this.#state = { account: account.username, needsSignIn: reason };
      throw new SignInNeededError(reason);
    }
  }
}
