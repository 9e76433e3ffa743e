// The composition root: opens the store, wires the Teams adapter, the bot and the HTTP routes,
// and starts listening. main.ts runs it; component tests start it in-process on a free port.

import { postUnrouted } from './use-cases/subscriptions.js';
import type { AddressInfo } from 'node:net';
import restify from 'restify';
import { openStore, type OpenedStore } from '../storage/create-store.js';
import { openSharedValue } from '../storage/shared-value.js';
import { uncopiedReferralFiles } from '../storage/embedded-leftovers.js';
import { runBackground, type Background } from './background-work.js';
import type { Store } from '../storage/store.js';
import { createAdapter } from './teams/adapter.js';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import type { Display } from '../cards/index.js';
import { DigestTimer } from './timers/digest.js';
import { mountExportRoute } from './http/export-route.js';
import { mountHealthRoute } from './http/health-route.js';
import { mountIntakeRoutes } from './http/intake-routes.js';
import { formatRestifyErrors } from './http/errors.js';
import { loopbackHostOnly } from './http/host-check.js';
import { mountMessagesRoute } from './teams/messages-route.js';
import { createLogger, type Logger } from './logger.js';
import { managerViewCommands } from './teams/manager-commands.js';
import { OutboxSender, type SenderTuning } from './outbox/sender.js';
import { Scheduler } from './timers/scheduler.js';
import { Assigner } from './timers/assigner.js';
import { assignCommands } from './teams/assign-commands.js';
import { exportCommand } from './teams/export-command.js';
import { moveOn, type AssignmentDeps } from './use-cases/assignment.js';
import { LoadIndex } from './use-cases/load-index.js';
import { createPlanner, outboxItem } from './outbox/planner.js';
import { statusCommand } from './teams/status-command.js';
import { ReferralDeskBot } from './teams/activity-handler.js';
import { TeamsMessenger } from './teams/messenger.js';
import type { CommandDeps } from './use-cases/apply-command.js';
import { PartnerCenterConnection } from './partner-center/connection.js';
import { TOKEN_CACHE_NAME } from './partner-center/sign-in.js';
import { retryAllParked, retryParked } from './partner-center/writer.js';
import { mountPartnerCenterEventsRoute } from './http/partner-center-events-route.js';
import { connectCommand } from './teams/partner-center-command.js';

const UNROUTED_SWEEP_MS = 5_000;
const SHUTDOWN_GRACE_MS = 10_000;

/** A start-up failure the operator fixes outside the code: main prints its message, not a stack. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

export interface AppOptions {
  clock?: Clock;
  log?: Logger;
  /** Outbox sender knobs (tests and benchmarks scale Teams' rate-limit windows and the backoff). */
  sender?: SenderTuning;
}

export interface App {
  url: string;
  port: number;
  store: Store;
  /** The command path the service uses (store, policy, clock, message planner). */
  commands: CommandDeps;
  /** The timer loop (reminders, urgency changes, expiries), started once the store is open. */
  scheduler: Scheduler;
  /** Delivers the outbox to Teams (paced, retried, coalesced), started once the store is open. */
  sender: OutboxSender;
  /** The channel digest (DIGEST_AT), started once the store is open; undefined when DIGEST_AT is empty. */
  digest?: DigestTimer;
  /** The Partner Center connection; undefined when PARTNER_CENTER_CLIENT_ID is empty. */
  partnerCenter?: PartnerCenterConnection;
  /** Stops taking requests, lets those under way finish, waits for writes, closes the store. */
  stop(): Promise<void>;
}

export async function startApp(config: Config, options: AppOptions = {}): Promise<App> {
  const log = options.log ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;
  const display: Display = { timeZone: config.displayTimeZone, ...(config.partnerCenterReferralUrl && { referralUrl: config.partnerCenterReferralUrl }) };
  let opened: OpenedStore;
  try {
    opened = await openStore({
      dataDir: config.dataDir,
      ...(config.databaseUrl && { databaseUrl: config.databaseUrl }),
      poolSize: config.databasePoolSize,
      log: (message, error) => log.error(`storage: ${message}`, { error }),
    });
  } catch (error) {
    throw new StartupError((error as Error).message, { cause: error });
  }
  const { store, coordination } = opened;

  const deps: CommandDeps = {
    store,
    policy: config.policy,
    clock,
    plan: createPlanner(store, config.managerIds),
    usdRates: config.usdRates,
    display,
    ...(config.partnerCenter && { writeToPartnerCenter: true }),
  };
  const assignment: AssignmentDeps = {
    commands: deps,
    respondWithinMs: config.assignRespondWithinMs,
    load: new LoadIndex(store),
    ...(config.workingHoursSpec && { workingHours: config.workingHoursSpec }),
  };
  const adapter = createAdapter(config, log);

  // find-my-way's default 100-character limit on a path parameter would make GET /api/referrals/:id
  // a 404 for a valid id of up to 200 characters, percent-encoded to several times that.
  const routerOptions = { maxParamLength: 2048 } as restify.ServerOptions;
  const server = restify.createServer({ name: 'referral-desk', handleUncaughtExceptions: false, ...routerOptions });
  formatRestifyErrors(server, log);
  if (config.localMode) server.pre(loopbackHostOnly());
  server.use(restify.plugins.queryParser({ mapParams: false }));
  const messenger = new TeamsMessenger({ adapter, botAppId: config.microsoftAppId, timeoutMs: config.sendTimeoutMs, log });
  const sender = new OutboxSender({
    store,
    messenger,
    log,
    clock,
    defaultLocale: config.defaultLocale,
    policy: config.policy,
    display,
    managerIds: config.managerIds,
    ...options.sender,
    retry: { maxAttempts: config.outboxMaxAttempts, maxMs: config.outboxMaxBackoffMs, ...options.sender?.retry },
  });
  const partnerCenter = config.partnerCenter
    ? new PartnerCenterConnection({
        config: config.partnerCenter,
        // The sign-in is shared by every instance and the CLI: in the database with PostgreSQL, else in DATA_DIR.
        signInStore: openSharedValue({ dataDir: config.dataDir, ...(config.databaseUrl && { databaseUrl: config.databaseUrl }) }, TOKEN_CACHE_NAME),
        commands: deps,
        clock,
        log,
        managerIds: config.managerIds,
        onQueued: () => sender.wake(),
      })
    : undefined;
  const retryFailed = async () => {
    const count = (await sender.retryFailed()) + (partnerCenter ? await retryAllParked(store) : 0);
    partnerCenter?.wake();
    return count;
  };
  const bot = new ReferralDeskBot({
    commands: deps,
    assignment,
    config,
    log,
    extraCommands: {
      ...managerViewCommands(deps),
      ...assignCommands({ assignment }),
      export: exportCommand({ store, clock }),
      status: statusCommand({ store, clock, retryFailed, timeZone: display.timeZone, ...(partnerCenter && { partnerCenter: () => partnerCenter.status() }) }),
      connect: connectCommand({
        ...(partnerCenter && { connect: (onPrompt: Parameters<PartnerCenterConnection['connect']>[0]) => partnerCenter.connect(onPrompt) }),
        onFailed: async (reason, targetKey) => {
          const notice = outboxItem('personal', targetKey, { key: 'notice.partnerCenter', params: { kind: 'signInFailed', reason } }, clock());
          await store.updateState((state) => ({ state: { ...state, outbox: [...state.outbox, notice] }, result: undefined }));
          sender.wake();
        },
        log,
      }),
    },
    ...(partnerCenter && {
      retryPartnerCenter: async (referralId: string) => {
        const count = await retryParked({ store }, referralId);
        partnerCenter.wake();
        return count;
      },
    }),
  });
  let background: Background | undefined = undefined;
  mountHealthRoute(
    server,
    async () => {
      const { pending, failed, oldestPendingAgeMs, inactiveTargets } = sender.stats();
      const link = partnerCenter?.status();
      return {
        degraded: failed > 0 || inactiveTargets > 0 || (link !== undefined && (link.needsSignIn !== undefined || link.failedWrites > 0)),
        detail: {
          mode: config.localMode ? 'local' : 'authenticated',
          store: { kind: opened.kind, ...coordination.health() },
          // Asked before the background work started (between listen and start-up's end): nobody leads here yet.
          scheduler: background?.status() ?? { leader: false },
          referrals: await store.stats(),
          outbox: { pending, failed, oldestPendingAgeMs, inactiveTargets },
          partnerCenter: link ? { enabled: true, ...link } : { enabled: false },
        },
      };
    },
    { intakeApiKey: config.intakeApiKey, localMode: config.localMode },
  );
  if (partnerCenter) mountPartnerCenterEventsRoute(server, { store, verifier: partnerCenter.verifier, clock, log, onRecorded: () => partnerCenter.wake() });
  // Before the intake routes: /api/referrals/export must not be taken for GET /api/referrals/:id.
  mountExportRoute(server, store, config.intakeApiKey);
  mountIntakeRoutes(server, deps, config.intakeApiKey);
  mountMessagesRoute(server, { adapter, handle: (context) => bot.run(context), requireAuth: !config.localMode, log });

  try {
    await new Promise<void>((resolve, reject) => {
      // restify re-emits the HTTP server's errors (EADDRINUSE…) on itself.
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.removeListener('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await store.close();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  log.info('listening', { url, store: opened.kind, dataDir: config.dataDir, flow: config.policy.flow });
  if (opened.kind === 'postgres') {
    const left = await uncopiedReferralFiles(config.dataDir);
    if (left > 0) {
      log.warn(
        `DATABASE_URL is set, but DATA_DIR (${config.dataDir}) holds ${left} referral files of an embedded store that were never copied: copy them with npm run store -- copy --from ${config.dataDir} --to <DATABASE_URL>`,
      );
    }
  }
  if (config.localMode) {
    log.warn('local mode: MicrosoftAppId is empty, so inbound auth is OFF; listening on loopback only. Set MicrosoftAppId for production.');
  }
  if (config.intakeApiKey === '') log.warn('INTAKE_API_KEY is empty: the intake API accepts loopback callers only');

  // Timers fire through the same command path as everything else; overdue ones catch up now.
  const scheduler = new Scheduler({
    store,
    commands: deps,
    log,
    moveOn: (record) => moveOn(assignment, record),
    ...(config.workingHoursSpec && { workingHours: config.workingHoursSpec }),
  });
  const assigner = new Assigner(assignment, log);
  // The channel digest: a slot missed while down is posted now if it is today's.
  const digest = config.digestSchedule
    ? new DigestTimer({ store, policy: config.policy, schedule: config.digestSchedule, clock, log, onQueued: () => sender.wake() })
    : undefined;
  let unroutedSweep: NodeJS.Timeout | undefined;
  // The background work: on the embedded store always here; on PostgreSQL on the one instance that leads.
  const startBackground = async () => {
    scheduler.start();
    assigner.start();
    // Delivers what is queued, also what a previous run left (failed items get a new chance).
    await sender.start();
    digest?.start();
    await partnerCenter?.start();
    // Referrals wait unrouted while no channel takes them. Subscribe posts them at once; this sweep
    // also catches a re-install, a channel retired by the sender, and an RFI racing a first subscribe.
    unroutedSweep = setInterval(() => {
      postUnrouted(store, clock).then(
        (posted) => posted > 0 && sender.wake(),
        (error: unknown) => log.error('posting unrouted referrals failed', { error }),
      );
    }, UNROUTED_SWEEP_MS);
    unroutedSweep.unref();
  };
  background = await runBackground(
    {
      start: startBackground,
      stopTimers: async () => {
        clearInterval(unroutedSweep);
        await scheduler.stop();
        await assigner.stop();
        await digest?.stop();
        await partnerCenter?.stop();
      },
      stopSender: () => sender.stop(),
      wake: () => {
        sender.wake();
        partnerCenter?.wake();
      },
    },
    { coordination, failoverMs: config.schedulerFailoverMs, pacer: sender.pacer, log },
  );

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await background?.stop();
      // Requests under way get a grace period to finish; a client that holds a connection open
      // past it does not keep the service from stopping.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const grace = setTimeout(() => server.server.closeAllConnections(), SHUTDOWN_GRACE_MS);
      await closed;
      clearTimeout(grace);
      // Sends under way finish (bounded by SEND_TIMEOUT) and are recorded before the store closes.
      await sender.stop();
      await partnerCenter?.close();
      await store.close();
      log.info('stopped');
    })());
  return { url, port, store, commands: deps, scheduler, sender, ...(digest && { digest }), ...(partnerCenter && { partnerCenter }), stop };
}
