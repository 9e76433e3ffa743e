// The process-level safety net: an error nobody caught is logged, not fatal.

import { expect } from 'chai';
import { EventEmitter } from 'node:events';
import { createLogger } from '../../bot/logger.js';
import { installSafetyNet } from '../../bot/safety-net.js';

describe('safety net', () => {
  it('logs an uncaught exception and an unhandled rejection as errors, and can be removed', () => {
    const lines: Record<string, unknown>[] = [];
    const log = createLogger('info', (line) => lines.push(JSON.parse(line) as Record<string, unknown>));
    const target = new EventEmitter();
    const remove = installSafetyNet(log, target);
    target.emit('uncaughtException', new Error('boom'), 'uncaughtException');
    target.emit('unhandledRejection', new Error('later'));
    expect(lines.map(({ level, msg, error }) => ({ level, msg, error }))).to.deep.equal([
      { level: 'error', msg: 'unexpected error, still serving', error: { name: 'Error', message: 'boom' } },
      { level: 'error', msg: 'unhandled promise rejection, still serving', error: { name: 'Error', message: 'later' } },
    ]);
    remove();
    expect(target.listenerCount('uncaughtException') + target.listenerCount('unhandledRejection')).to.equal(0);
  });
});
