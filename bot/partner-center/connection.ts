// The Partner Center connection as the service runs it (docs/architecture.md#partner-center): the
// sign-in, the API client, the webhook verifier, and three loops (fetch events, write decisions,
// reconcile poll). It tells managers once per outage when a sign-in is needed, and reports its
// state to `status` and /healthz.

import { watch, type FSWatcher } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import type { SharedValue } from '../../storage/shared-value.js';
import type { Store } from '../../storage/store.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { managerNotices } from '../outbox/planner.js';
import type { CommandDeps } from '../use-cases/apply-command.js';
import { PartnerCenterApi } from './api-client.js';
import type { PartnerCenterConfig } from './config.js';
import { fetchEvents } from './event-fetcher.js';
import { linkState, waitingEvents, withLinkState } from './link-state.js';
import { reconcilePass } from './reconcile.js';
import { PartnerCenterSignIn, type DeviceCodePrompt, type SignInNeededError } from './sign-in.js';
import { WebhookSignatureVerifier } from './webhook-signature.js';
import { WorkerLoop } from './worker-loop.js';
import { writePending } from './writer.js';

/** How long the token cache's folder must be quiet before a change in it counts as one. */
const WATCH_SETTLE_MS = 250;

export interface ConnectionDeps {
  config: PartnerCenterConfig;
  /** Where the sign-in is kept, shared with the CLI and other instances. */
  signInStore: SharedValue;
  commands: CommandDeps;
  clock: Clock;
  log: Logger;
  managerIds: readonly string[];
  /** Called after bot-level messages were queued (the sender delivers them). */
  onQueued: () => void;
}

export interface ConnectionStatus {
  signedInAs?: string;
  /** The sign-in's last token showed MFA (sign-ins without it are refused). */
  mfa?: boolean;
  needsSignIn?: string;
  lastWebhookAt?: string;
  lastPollAt?: string;
  lastPollError?: string;
  pollMode?: 'changes' | 'openWork';
  eventsWaiting: number;
  pendingWrites: number;
  failedWrites: number;
}

export class PartnerCenterConnection {
  readonly signIn: PartnerCenterSignIn;
  readonly api: PartnerCenterApi;
  readonly verifier: WebhookSignatureVerifier;
  readonly #deps: ConnectionDeps;
  readonly #fetcher: WorkerLoop;
  readonly #writer: WorkerLoop;
  readonly #poll: WorkerLoop;
  #unsubscribe: (() => void) | undefined;
  #watcher: FSWatcher | undefined;
  #watchSettle: NodeJS.Timeout | undefined;

  constructor(deps: ConnectionDeps) {
    this.#deps = deps;
    this.signIn = new PartnerCenterSignIn(deps.config, deps.signInStore, deps.log);
    this.api = new PartnerCenterApi({ apiUrl: deps.config.apiUrl, tokens: this.signIn });
    this.verifier = new WebhookSignatureVerifier({
      certUrlPrefixes: deps.config.certUrlPrefixes,
      ...(deps.config.trustedCaFile && { trustedCaFile: deps.config.trustedCaFile }),
      now: deps.clock,
    });
    const onSignInNeeded = (error: SignInNeededError) => void this.#signInNeeded(error.reason);
    const common = { commands: deps.commands, api: this.api, clock: deps.clock, log: deps.log, onSignInNeeded };
    this.#fetcher = new WorkerLoop('fetching events', () => fetchEvents(common), deps.log);
    this.#writer = new WorkerLoop('writing decisions', () => writePending(common), deps.log);
    this.#poll = new WorkerLoop('reconcile poll', reconcilePass({ ...common, everyMs: deps.config.pollEveryMs }), deps.log);
  }

  get #store(): Store {
    return this.#deps.commands.store;
  }

  async start(): Promise<void> {
    const state = await this.signIn.load();
    if (state.account) this.#deps.log.info('partner center: connection on', { account: state.account });
    else
      this.#deps.log.warn(
        'partner center: connection on, nobody signed in yet: run npm run partner-center -- login, or send "connect partner-center" to the bot',
      );
    if (!this.signIn.persistent) this.#deps.log.warn('partner center: PARTNER_CENTER_TOKEN_KEY is empty: the sign-in is kept in memory only (local mode)');
    this.#unsubscribe = this.#store.onChange((record) => {
      if (record.partnerCenter?.writes.some((write) => write.state === 'pending')) this.#writer.wake();
    });
    // `npm run partner-center -- login` signs in from another process: its write of the token cache
    // wakes the loops (in the database, the loops find it at their next sign-in check, within a
    // minute). One wake per burst of file events (a write is a lock file, a temp file and a rename),
    // and only for a sign-in another process kept: the bot's own token writes, and a burst seen
    // twice, must not start polls that race the event fetcher.
    const watchDir = this.signIn.watchDir;
    if (watchDir) {
      await mkdir(watchDir, { recursive: true, mode: 0o700 });
      this.#watcher = watch(watchDir, () => {
        clearTimeout(this.#watchSettle);
        this.#watchSettle = setTimeout(() => void this.#afterSignInKeptElsewhere(), WATCH_SETTLE_MS);
        this.#watchSettle.unref();
      });
      this.#watcher.on('error', (error) => this.#deps.log.warn('partner center: cannot watch the token cache', { error }));
    }
    this.#fetcher.start();
    this.#writer.start();
    this.#poll.start();
  }

  async #afterSignInKeptElsewhere(): Promise<void> {
    try {
      if (!(await this.signIn.keptElsewhere())) return;
    } catch (error) {
      this.#deps.log.warn('partner center: cannot read the kept sign-in', { error });
      return;
    }
    this.wake();
    this.#poll.wake();
  }

  /** After an event was recorded, a retry asked for, or a sign-in. */
  wake(): void {
    this.#fetcher.wake();
    this.#writer.wake();
  }

  /** The device code sign-in; managers hear of it in chat, and held work goes out. */
  async connect(onPrompt: (prompt: DeviceCodePrompt) => void | Promise<void>): Promise<string> {
    const account = await this.signIn.signIn(onPrompt);
    const told = linkState(this.#store.readState()).toldSignInNeeded;
    await this.#store.updateState((state) => {
      const link = linkState(state);
      const { toldSignInNeeded: _told, ...rest } = link;
      return { state: this.#tellManagers(withLinkState(state, { ...rest, inbox: link.inbox }), { kind: 'signedIn', account }), result: undefined };
    });
    if (told) this.#deps.log.info('partner center: reconnected', { account });
    this.#deps.onQueued();
    this.wake();
    this.#poll.wake();
    return account;
  }

  #tellManagers(state: ReturnType<Store['readState']>, params: { kind: 'signInNeeded' | 'signedIn'; reason?: string; account?: string }) {
    const now = this.#deps.clock();
    const notices = managerNotices(state, this.#deps.managerIds, { key: 'notice.partnerCenter', params }, now);
    return notices.length === 0 ? state : { ...state, outbox: [...state.outbox, ...notices] };
  }

  async #signInNeeded(reason: string): Promise<void> {
    const told = await this.#store.updateState((state) => {
      const link = linkState(state);
      // A call that failed before a sign-in finished says nothing of the sign-in now: the managers hear the real state only.
      if (link.toldSignInNeeded === reason || this.signIn.state().needsSignIn !== reason) return { result: false };
      const next = withLinkState(state, { ...link, toldSignInNeeded: reason });
      return { state: this.#tellManagers(next, { kind: 'signInNeeded', reason }), result: true };
    });
    if (told) {
      this.#deps.log.warn('partner center: managers told to sign in again', { reason });
      this.#deps.onQueued();
    }
  }

  status(): ConnectionStatus {
    const link = linkState(this.#store.readState());
    const signIn = this.signIn.state();
    let pendingWrites = 0;
    let failedWrites = 0;
    for (const record of this.#store.openRecords()) {
      for (const write of record.partnerCenter?.writes ?? []) {
        if (write.state === 'failed') failedWrites++;
        else pendingWrites++;
      }
    }
    return {
      ...(signIn.account && { signedInAs: signIn.account }),
      ...(signIn.mfa === true && !signIn.needsSignIn && { mfa: true }),
      ...(signIn.needsSignIn && { needsSignIn: signIn.needsSignIn }),
      ...(link.lastWebhookAt && { lastWebhookAt: link.lastWebhookAt }),
      ...(link.lastPollAt && { lastPollAt: link.lastPollAt }),
      ...(link.lastPollError && { lastPollError: link.lastPollError }),
      ...(link.pollMode && { pollMode: link.pollMode }),
      eventsWaiting: waitingEvents(link.inbox, this.#store.openRecords()).length,
      pendingWrites,
      failedWrites,
    };
  }

  async stop(): Promise<void> {
    this.#unsubscribe?.();
    this.#watcher?.close();
    clearTimeout(this.#watchSettle);
    await Promise.all([this.#fetcher.stop(), this.#writer.stop(), this.#poll.stop()]);
  }

  /** At the service's end (stop() is also a step-down, after which the connection may start again). */
  async close(): Promise<void> {
    await this.signIn.close();
  }
}
