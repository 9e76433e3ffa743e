// The process-level safety net: an error no handler caught is logged and the service keeps
// serving, so one request's fault never takes the bot down for everyone. Every store write is
// atomic and every change goes through the one command path, so no half-done change is left
// behind (docs/architecture.md#hardening).

import type { EventEmitter } from 'node:events';
import type { Logger } from './logger.js';

/** Logs uncaught exceptions and unhandled rejections instead of exiting; returns a function that removes the net. */
export function installSafetyNet(log: Logger, target: EventEmitter = process): () => void {
  const onException = (error: unknown, origin?: string) => log.error('unexpected error, still serving', { error, origin });
  const onRejection = (reason: unknown) => log.error('unhandled promise rejection, still serving', { error: reason });
  target.on('uncaughtException', onException);
  target.on('unhandledRejection', onRejection);
  return () => {
    target.off('uncaughtException', onException);
    target.off('unhandledRejection', onRejection);
  };
}
