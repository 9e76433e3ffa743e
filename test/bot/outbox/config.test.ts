// The delivery variables of the config: defaults and precise errors.

import { expect } from 'chai';
import { ConfigError, readConfig } from '../../../bot/config.js';

describe('outbox config', () => {
  it('defaults: 15 s per call, 8 attempts, backoff up to 5 minutes', () => {
    const config = readConfig({});
    expect(config).to.include({ sendTimeoutMs: 15_000, outboxMaxAttempts: 8, outboxMaxBackoffMs: 300_000 });
  });

  it('reads SEND_TIMEOUT, OUTBOX_MAX_ATTEMPTS and OUTBOX_MAX_BACKOFF', () => {
    const config = readConfig({ SEND_TIMEOUT: 'PT0.5S', OUTBOX_MAX_ATTEMPTS: '3', OUTBOX_MAX_BACKOFF: 'PT30S' });
    expect(config).to.include({ sendTimeoutMs: 500, outboxMaxAttempts: 3, outboxMaxBackoffMs: 30_000 });
  });

  for (const [variable, value] of [
    ['SEND_TIMEOUT', '15'],
    ['OUTBOX_MAX_ATTEMPTS', '0'],
    ['OUTBOX_MAX_ATTEMPTS', '2.5'],
    ['OUTBOX_MAX_BACKOFF', 'P0D'],
  ] as const) {
    it(`rejects ${variable}=${value} naming the variable`, () => {
      expect(() => readConfig({ [variable]: value }))
        .to.throw(ConfigError)
        .with.property('variable', variable);
    });
  }
});
