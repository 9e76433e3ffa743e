// Entry point of `npm start`: read the config (fail fast), start the service, stop gracefully on
// SIGTERM / SIGINT (stop taking requests, finish writes, exit 0).

import { startApp, StartupError } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { installSafetyNet } from './safety-net.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const log = createLogger(config.logLevel);
  installSafetyNet(log);
  // Handlers before start-up: a SIGTERM while the store opens (a quick redeploy) waits for the
  // start to finish and then stops gracefully, instead of Node's default exit mid-start.
  const starting = startApp(config, { log });
  let signals = 0;
  const shutdown = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) process.exit(1);
    log.info('shutting down', { signal });
    starting
      .then((app) => app.stop())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          log.error('shutdown failed', { error });
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  await starting;
}

main().catch((error: unknown) => {
  const code = (error as { code?: unknown } | undefined)?.code;
  const detail =
    code === 'EADDRINUSE'
      ? `${(error as Error).message} (set PORT to a free port)`
      : error instanceof StartupError
        ? error.message
        : error instanceof Error
          ? error.stack
          : String(error);
  process.stderr.write(`Referral Desk failed to start: ${detail}\n`);
  process.exit(1);
});
