// Backoff timing and the meaning of connector errors.

import { expect } from 'chai';
import { backoffDelay, DEFAULT_RETRY_POLICY, exhausted } from '../../../bot/outbox/backoff.js';
import { classifySendError, describeFailure, parseRetryAfter } from '../../../bot/outbox/classify.js';
import { SendTimeoutError } from '../../../bot/outbox/messenger.js';

describe('outbox backoff', () => {
  const policy = DEFAULT_RETRY_POLICY;

  it('doubles from 1 s, with jitter between half and all of the delay', () => {
    expect(backoffDelay(1, policy, undefined, () => 0)).to.equal(500);
    expect(backoffDelay(1, policy, undefined, () => 1)).to.equal(1000);
    expect(backoffDelay(4, policy, undefined, () => 1)).to.equal(8000);
    expect(backoffDelay(4, policy, undefined, () => 0)).to.equal(4000);
  });

  it('is capped at 5 minutes and bounded to 8 attempts', () => {
    expect(backoffDelay(20, policy, undefined, () => 1)).to.equal(300_000);
    expect(backoffDelay(1000, policy, undefined, () => 1)).to.equal(300_000);
    expect(exhausted(7, policy)).to.equal(false);
    expect(exhausted(8, policy)).to.equal(true);
    // All 8 attempts take at most 1+2+…+64 s plus the cap: about 4 minutes.
    const total = Array.from({ length: 7 }, (_, i) => backoffDelay(i + 1, policy, undefined, () => 1)).reduce((a, b) => a + b, 0);
    expect(total).to.equal(127_000);
  });

  it('spreads items that failed together', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(3, policy)));
    expect(delays.size).to.be.greaterThan(10);
    for (const delay of delays) expect(delay).to.be.within(2000, 4000);
  });

  it('a Retry-After is honoured: never earlier, at most 10 % later', () => {
    expect(backoffDelay(1, policy, 3000, () => 0)).to.equal(3000);
    expect(backoffDelay(1, policy, 3000, () => 1)).to.equal(3300);
    expect(backoffDelay(6, policy, 500, () => 0)).to.equal(500);
  });
});

describe('outbox error classification', () => {
  const rest = (statusCode: number, code: string, headers: Record<string, string> = {}) =>
    Object.assign(new Error(`${code} message`), { name: 'RestError', statusCode, code, response: { headers: { get: (name: string) => headers[name] } } });

  it('403 BotNotInConversationRoster / ConversationBlockedByUser and 404 ConversationNotFound: gone, never retried', () => {
    expect(classifySendError(rest(403, 'BotNotInConversationRoster')).kind).to.equal('gone');
    expect(classifySendError(rest(403, 'ConversationBlockedByUser')).kind).to.equal('gone');
    expect(classifySendError(rest(404, 'ConversationNotFound')).kind).to.equal('gone');
  });

  it('429 (with Retry-After), 412, 408, 5xx, 401: retried', () => {
    expect(classifySendError(rest(429, 'TooManyRequests', { 'retry-after': '2' }))).to.deep.include({ kind: 'retry', retryAfterMs: 2000 });
    expect(classifySendError(rest(503, 'ServiceUnavailable', { 'retry-after-ms': '250' }))).to.deep.include({ kind: 'retry', retryAfterMs: 250 });
    for (const status of [412, 408, 500, 502, 504, 401]) expect(classifySendError(rest(status, 'X')).kind, String(status)).to.equal('retry');
  });

  it('timeouts and connection errors: retried', () => {
    expect(classifySendError(new SendTimeoutError(15_000)).kind).to.equal('retry');
    expect(classifySendError(Object.assign(new Error('socket hang up'), { name: 'RestError', code: 'ECONNRESET' })).kind).to.equal('retry');
    expect(classifySendError(Object.assign(new Error('aborted'), { name: 'AbortError' })).kind).to.equal('retry');
    expect(classifySendError(Object.assign(new Error('x'), { code: 'REQUEST_SEND_ERROR' })).kind).to.equal('retry');
  });

  it('other 4xx (a bad request, a deleted message, a 403 for another reason): fatal, parked at once', () => {
    expect(classifySendError(rest(400, 'BadArgument')).kind).to.equal('fatal');
    expect(classifySendError(rest(404, 'NotFound')).kind).to.equal('fatal');
    expect(classifySendError(rest(403, 'Forbidden')).kind).to.equal('fatal');
    expect(classifySendError(Object.assign(new Error('no id'), { code: 'NoActivityId' })).kind).to.equal('fatal');
  });

  it('reads the Teams code from the body when the error has none, and describes failures without secrets', () => {
    const error = Object.assign(new Error('Forbidden'), { statusCode: 403, details: { error: { code: 'BotNotInConversationRoster' } } });
    const failure = classifySendError(error);
    expect(failure.kind).to.equal('gone');
    expect(describeFailure(failure)).to.equal('403 BotNotInConversationRoster: Forbidden');
  });

  it('parses Retry-After as seconds, as an HTTP date, or retry-after-ms', () => {
    expect(parseRetryAfter('3', undefined)).to.equal(3000);
    expect(parseRetryAfter('0.5', undefined)).to.equal(500);
    expect(parseRetryAfter(undefined, '120')).to.equal(120);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), undefined, 4_000)).to.equal(6000);
    expect(parseRetryAfter('soon', undefined)).to.equal(undefined);
  });
});
